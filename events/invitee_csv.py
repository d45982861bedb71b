"""Reading an invite list from CSV, and checking invitees row by row.

The organiser sees every row's problems (bad email, duplicate, missing name) before
anything is saved; ``events.invitations.import_invitees`` then saves all or nothing.
Columns are found by their headings (name, email, organisation, job title, or first
and last name); without a heading row they are taken in that order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from convenor.cleaning import CONTROL_CHARACTERS, ENCODED_WORD, LINE_BREAK, name_problem
from convenor.mail.message import InvalidAddress, validate_address
from events.data import InviteeData, one_line

MAX_ROWS = 5000
HEADINGS = {
    "name": "name",
    "full name": "name",
    "first name": "first_name",
    "forename": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "surname": "last_name",
    "family name": "last_name",
    "email": "email",
    "email address": "email",
    "e-mail": "email",
    "e-mail address": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "organisation name": "organisation",
    "agency": "organisation",
    "job title": "job_title",
    "title": "job_title",
    "role": "job_title",
    "position": "job_title",
}
POSITIONAL = ("name", "email", "organisation", "job_title")

MISSING_NAME = "The name is missing"
# Why a name is refused (convenor.cleaning), as a row problem that says "name".
NAME_PROBLEMS = {
    CONTROL_CHARACTERS: "The name has control characters (such as a NUL byte) in it",
    LINE_BREAK: "The name must be on one line",
    ENCODED_WORD: "The name cannot contain \u201c=?\u201d",
}
BAD_EMAIL = "The email address is not valid"
ALREADY_INVITED = "This person is already invited to this event"


def duplicate_of(line: int) -> str:
    return f"The same email address is on row {line}"


@dataclass
class PreviewRow:
    line: int  # as in the file, counting the heading row
    invitee: InviteeData
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class InviteePreview:
    rows: list[PreviewRow]
    # Problems with the file as a whole (no rows, too many rows, no email column).
    file_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_problems and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def invitees(self) -> list[InviteeData]:
        return [row.invitee for row in self.rows]

    @property
    def problem_count(self) -> int:
        return sum(1 for row in self.rows if not row.ok)


def _heading(cell: str) -> str:
    return " ".join(cell.strip().lower().replace("_", " ").split())


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def parse_csv(text: str) -> tuple[list[tuple[int, InviteeData]], list[str]]:
    """Rows of the file as invitees with their line numbers, and file-wide problems."""
    text = text.lstrip("\ufeff")  # Excel's UTF-8 byte order mark
    reader = csv.reader(io.StringIO(text), _dialect(text))
    rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        return [], ["The file has no rows"]
    columns: dict[int, str] = {}
    first = [_heading(cell) for cell in rows[0][1]]
    if any(HEADINGS.get(cell) == "email" for cell in first):
        columns = {i: HEADINGS[cell] for i, cell in enumerate(first) if cell in HEADINGS}
        rows = rows[1:]
    else:
        columns = dict(enumerate(POSITIONAL))
    if len(rows) > MAX_ROWS:
        return [], [f"The file has more than {MAX_ROWS:,} rows; split it into smaller files"]
    found = []
    for line, row in rows:
        values: dict[str, str] = {}
        for index, cell in enumerate(row):
            name = columns.get(index)
            if name and not values.get(name):
                values[name] = cell
        if not values.get("name"):
            values["name"] = f"{values.get('first_name', '')} {values.get('last_name', '')}"
        found.append(
            (
                line,
                InviteeData(
                    name=values.get("name", ""),
                    email=values.get("email", ""),
                    organisation=values.get("organisation", ""),
                    job_title=values.get("job_title", ""),
                ),
            )
        )
    if not found:
        return [], ["The file has a heading row but no invitees"]
    return found, []


def check_invitees(
    rows: Iterable[tuple[int, InviteeData]], already_invited: set[str]
) -> list[PreviewRow]:
    """Clean each invitee and list its problems; emails come back lower-cased."""
    checked = []
    seen: dict[str, int] = {}
    for line, data in rows:
        invitee, email_ok = clean_invitee(data)
        problems = []
        refused = name_problem(data.name or "")
        if refused:
            problems.append(NAME_PROBLEMS[refused])
        elif not invitee.name:
            problems.append(MISSING_NAME)
        if not email_ok:
            problems.append(BAD_EMAIL)
        elif invitee.email in seen:
            problems.append(duplicate_of(seen[invitee.email]))
        elif invitee.email in already_invited:
            problems.append(ALREADY_INVITED)
        else:
            seen[invitee.email] = line
        checked.append(PreviewRow(line, invitee, problems))
    return checked


def clean_invitee(data: InviteeData) -> tuple[InviteeData, bool]:
    """Tidy one invitee; False when the email address is not valid (it is kept as typed)."""
    try:
        email, ok = validate_address(data.email or "").lower(), True
    except InvalidAddress:
        email, ok = one_line(data.email, 254), False
    invitee = InviteeData(
        name=one_line(data.name, 200),
        email=email,
        organisation=one_line(data.organisation, 200),
        job_title=one_line(data.job_title, 200),
    )
    return invitee, ok
