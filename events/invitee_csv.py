"""Reading an invite list from a spreadsheet, and checking invitees row by row.

The file is read by the core's one reader (``convenor.tables``: .xlsx or CSV in any
of Excel's encodings and separators). The organiser sees every row's problems (bad
email, duplicate, missing name) next to its spreadsheet row number before anything is
saved, and can take the rows with problems back as a CSV file to fix. Columns are found
by their headings (name, email, organisation, job title, or first and last name, with
common synonyms); without a heading row they are taken in that order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from convenor.cleaning import CONTROL_CHARACTERS, ENCODED_WORD, LINE_BREAK, name_problem
from convenor.mail.message import InvalidAddress, validate_address
from convenor.spreadsheet import Sheet
from convenor.tables import Columns, Table, TableError, match_columns, read_table
from events.data import InviteeData, one_line

MAX_ROWS = 5000
# Headings each field is found under (convenor.tables.match_columns ignores case,
# spaces and punctuation, so "E-mail", "EMAIL" and "e mail" are all "email").
COLUMNS = {
    "name": ("full name", "delegate", "attendee", "invitee"),
    "first_name": ("first name", "forename", "given name", "first"),
    "last_name": ("last name", "surname", "family name", "last"),
    "email": ("email address", "e-mail", "e-mail address", "mail", "email addresses"),
    "organisation": (
        "organization",
        "organisation name",
        "organization name",
        "company",
        "agency",
        "employer",
    ),
    "job_title": ("job title", "title", "role", "position", "job"),
}
LABELS = {
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "organisation": "Organisation",
    "job_title": "Job title",
}
POSITIONAL = ("name", "email", "organisation", "job_title")

MISSING_NAME = "The name is missing"
NO_EMAIL_COLUMN = (
    "The file has no email column; name one \u201cEmail\u201d (or \u201cE-mail\u201d or "
    "\u201cEmail address\u201d)"
)
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


ADD, UPDATE, SAME = "add", "update", "same"
ACTIONS = {ADD: "New invitee", UPDATE: "Details updated", SAME: "Already invited, no change"}


@dataclass
class PreviewRow:
    line: int  # the spreadsheet's own row number, counting the heading row
    invitee: InviteeData
    problems: list[str] = field(default_factory=list)
    action: str = ADD  # when re-importing: add, update (an invitee's details) or same

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def action_label(self) -> str:
        return ACTIONS[self.action]


@dataclass
class LeftOut:
    """Someone on the event's list who is not in the new file; nothing happens to them."""

    name: str
    email: str
    status: str


@dataclass
class InviteePreview:
    rows: list[PreviewRow]
    # Problems with the file as a whole (no rows, too many rows, no email column).
    file_problems: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # which heading gave what
    file_format: str = ""
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_problems and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def invitees(self) -> list[InviteeData]:
        return [row.invitee for row in self.rows]

    @property
    def problem_count(self) -> int:
        return sum(1 for row in self.rows if not row.ok)

    @property
    def good_count(self) -> int:
        return len(self.rows) - self.problem_count

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.ok and row.action == action)


@dataclass
class InviteeSheet:
    """The invitees read from a table, before they are checked."""

    rows: list[tuple[int, InviteeData]]
    file_problems: list[str]
    columns: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # for the file of rows to fix
    cells: dict[int, list[str]] = field(default_factory=dict)  # row number -> as in the file


def read_invitees(table: Table) -> InviteeSheet:
    """Invitees from a spreadsheet's rows, found by their headings (or, without a
    heading row, in the order name, email, organisation, job title)."""
    if not table.rows:
        return InviteeSheet([], ["The file has no rows"])
    found = match_columns(table.rows[0].cells, COLUMNS)
    rows = table.rows
    if found.index and "email" not in found.index and "@" not in "".join(table.rows[0].cells):
        return InviteeSheet([], [NO_EMAIL_COLUMN])
    if "email" in found.index:
        headings, rows = table.rows[0].cells, rows[1:]
        columns = found
    else:
        headings = [LABELS[name] for name in POSITIONAL]
        columns = Columns(index={name: i for i, name in enumerate(POSITIONAL)})
    if len(rows) > MAX_ROWS:
        return InviteeSheet(
            [], [f"The file has more than {MAX_ROWS:,} rows; split it into smaller files"]
        )
    if not rows:
        return InviteeSheet([], ["The file has a heading row but no invitees"])
    invitees = []
    for row in rows:
        name = columns.get(row.cells, "name")
        if not name:
            name = f"{columns.get(row.cells, 'first_name')} {columns.get(row.cells, 'last_name')}"
        invitee = InviteeData(
            name=name,
            email=columns.get(row.cells, "email"),
            organisation=columns.get(row.cells, "organisation"),
            job_title=columns.get(row.cells, "job_title"),
        )
        invitees.append((row.number, invitee))
    described = columns.described(LABELS) if columns.headings else []
    return InviteeSheet(
        invitees, [], described, list(headings), {row.number: row.cells for row in rows}
    )


def parse_csv(text: str) -> tuple[list[tuple[int, InviteeData]], list[str]]:
    """Rows of pasted or CSV text as invitees with their row numbers, and file-wide problems."""
    if not text.strip():
        return [], ["The file has no rows"]
    try:
        sheet = read_invitees(read_table(text.encode("utf-8")))
    except TableError as exc:
        return [], [exc.message]
    return sheet.rows, sheet.file_problems


def problem_rows_sheet(sheet: InviteeSheet, checked: list[PreviewRow]) -> Sheet:
    """The rows with problems, to fix and import again: the file's own columns and a
    Problem column (written by the core's one writer, convenor.spreadsheet)."""
    width = max([len(sheet.headings), *(len(cells) for cells in sheet.cells.values())])
    rows = [
        [*_padded(sheet.cells.get(row.line, []), width), "; ".join(row.problems)]
        for row in checked
        if not row.ok
    ]
    return Sheet("Rows to fix", [*_padded(sheet.headings, width), "Problem"], rows)


def _padded(cells: list[str], width: int) -> list[str]:
    return list(cells) + [""] * (width - len(cells))


def check_invitees(
    rows: Iterable[tuple[int, InviteeData]],
    already_invited: set[str],
    updating: dict[str, InviteeData] | None = None,
) -> list[PreviewRow]:
    """Clean each invitee and list its problems; emails come back lower-cased.

    With ``updating`` (the event's invitees by lower-cased email), someone already
    invited is not a problem: their row updates their details, or changes nothing.
    """
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
        elif updating is not None and invitee.email in updating:
            seen[invitee.email] = line
        elif invitee.email in already_invited:
            problems.append(ALREADY_INVITED)
        else:
            seen[invitee.email] = line
        action = ADD
        if updating is not None and email_ok and invitee.email in updating:
            action = SAME if updating[invitee.email] == invitee else UPDATE
        checked.append(PreviewRow(line, invitee, problems, action))
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
