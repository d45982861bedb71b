"""Importing entries from a spreadsheet (.xlsx or CSV), with a report of row errors and
duplicates.

The file is read by the core's one reader (``convenor.tables``), so any of Excel's
encodings, separators and line ends will do, and the report's line numbers are the
spreadsheet's own row numbers. Headings are matched forgivingly ("Organisation name",
"Kind of organisation", "E-mail"); a kind, theme or area that is not known is reported
with the values that are. Rows are checked like the public form (``entry_from_mapping``).
Nothing is imported when any row fails, unless bad rows are to be skipped; then the
good rows are imported in one transaction. Possible duplicates (within the file, or of
existing entries) are reported but do not stop the import: a moderator merges them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from convenor.tables import Table, TableError, match_columns, read_table
from directory import moderation, service
from directory.forms import TEXT_FIELDS, EntryData, ServiceData, entry_from_mapping
from directory.models import KIND_LABELS, Area, How, Status, Theme

REQUIRED_COLUMNS = ("name", "kind", "description")
MAX_ROWS = 50_000
# Other headings each column is found under (case, spaces and punctuation ignored).
COLUMNS: dict[str, tuple[str, ...]] = {
    **{name: () for name in TEXT_FIELDS},
    "name": ("organisation", "organization", "organisation name", "group", "group name"),
    "kind": ("type", "kind of organisation", "organisation type", "category"),
    "description": ("about", "what it does", "summary"),
    "alternate_names": ("also known as", "other names", "aka"),
    "website": ("web", "web site", "url", "web address"),
    "email": ("e-mail", "email address", "e-mail address"),
    "phone": ("telephone", "phone number", "tel"),
    "charity_number": ("charity", "registered charity number", "charity no"),
    "company_number": ("company", "company no"),
    "contact_name": ("contact", "contact person"),
    "contact_email": ("contact e-mail", "contact email address"),
    "themes": ("theme",),
    "areas": ("area", "areas served", "area served"),
    "services": ("service",),
    "hide_address": (),
}
Progress = Callable[[int], None]


@dataclass
class RowReport:
    line: int
    name: str
    errors: dict[str, str] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    data: EntryData | None = None


@dataclass
class ImportReport:
    rows: list[RowReport]
    imported: int = 0
    problem: str = ""  # a problem with the file as a whole
    columns: list[str] = field(default_factory=list)  # which heading gave which column

    @property
    def bad_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.errors]

    def lines(self) -> list[str]:
        """The report as lines of text for the command line."""
        out = [self.problem] if self.problem else []
        for row in self.rows:
            for name, message in row.errors.items():
                out.append(f"line {row.line} ({row.name or 'no name'}): {name}: {message}")
            for duplicate in row.duplicates:
                out.append(f"line {row.line} ({row.name}): possible duplicate of {duplicate}")
        good = len(self.rows) - len(self.bad_rows)
        out.append(
            f"{len(self.rows)} rows: {good} good, {len(self.bad_rows)} with errors; "
            f"{self.imported} imported."
        )
        return out


@dataclass
class Choices:
    """A choice column's allowed values: what a cell may say -> the value stored."""

    plural: str  # "areas"
    singular: str  # "area"
    values: dict[str, str]  # name or slug, lower-cased -> slug
    names: list[str]  # as people know them, for the message

    def unknown(self, typed: list[str]) -> str:
        """'Unknown area 'Bitterne'; areas are: Bargate, Bevois, ...' (empty if all known)."""
        bad = [name for name in typed if name.lower() not in self.values]
        if not bad:
            return ""
        quoted = ", ".join(f"'{name}'" for name in bad)
        allowed = ", ".join(self.names) if self.names else "none yet"
        return f"Unknown {self.singular} {quoted}; {self.plural} are: {allowed}"


async def _lookups() -> tuple[Choices, Choices, Choices]:
    """Themes, areas and kinds, each by name or slug (lower-cased)."""
    # Sorted here, not by the database: SQLite and PostgreSQL collate differently.
    themes = sorted(await Theme.all(), key=lambda t: t.name.casefold())
    areas = sorted(await Area.all(), key=lambda a: a.name.casefold())
    return (
        Choices(
            "themes",
            "theme",
            {k.lower(): t.slug for t in themes for k in (t.name, t.slug)},
            [t.name for t in themes],
        ),
        Choices(
            "areas",
            "area",
            {k.lower(): a.slug for a in areas for k in (a.name, a.slug)},
            [a.name for a in areas],
        ),
        Choices(
            "kinds",
            "kind",
            {
                k.lower(): kind.value
                for kind, label in KIND_LABELS.items()
                for k in (kind.value, label)
            },
            list(KIND_LABELS.values()),
        ),
    )


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _read(source: str | bytes | Table) -> Table:
    if isinstance(source, Table):
        return source
    return read_table(source.encode("utf-8") if isinstance(source, str) else source)


async def check_rows(source: str | bytes | Table, progress: Progress | None = None) -> ImportReport:
    """Read and check every row (``progress`` is told of each); no side effects."""
    try:
        table = _read(source)
    except TableError as exc:
        return ImportReport([], problem=exc.message)
    columns = match_columns(table.rows[0].cells, COLUMNS)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns.index]
    if missing:
        return ImportReport([], problem=f"The file has no {', '.join(missing)} column.")
    if len(table.rows) < 2:
        return ImportReport([], problem="The file has a heading row but no entries.")
    themes, areas, kinds = await _lookups()
    report = ImportReport([], columns=columns.described({k: k for k in COLUMNS}))
    seen: dict[tuple[str, str], int] = {}
    for row_of_file in table.rows[1:]:
        line = row_of_file.number
        if len(report.rows) >= MAX_ROWS:
            report.problem = f"Only the first {MAX_ROWS} rows were read."
            break
        raw = {name: columns.get(row_of_file.cells, name) for name in columns.index}
        typed_kind = raw.get("kind", "")
        raw["kind"] = kinds.values.get(typed_kind.lower(), typed_kind)
        theme_names, area_names = _split(raw.get("themes")), _split(raw.get("areas"))
        raw["themes"] = [themes.values.get(n.lower(), n) for n in theme_names]  # type: ignore[assignment]
        raw["areas"] = [areas.values.get(n.lower(), n) for n in area_names]  # type: ignore[assignment]
        services = [{"name": n} for n in _split(raw.pop("services", ""))]
        data, errors = entry_from_mapping(raw)
        data.services = [ServiceData(**s) for s in services]
        if typed_kind and "kind" in errors:
            errors["kind"] = kinds.unknown([typed_kind])
        for name, choices, typed in (("themes", themes, theme_names), ("areas", areas, area_names)):
            if choices.unknown(typed):
                errors[name] = choices.unknown(typed)
        row = RowReport(line, data.name, errors, data=data)
        for key in (("name", data.name.lower()), ("charity", data.charity_number)):
            if key[1] and key in seen:
                row.duplicates.append(f"line {seen[key]} of this file")
            elif key[1]:
                seen[key] = line
        if not errors:
            for duplicate in await moderation.possible_duplicates(data):
                reasons = ", ".join(duplicate.reasons).lower()
                row.duplicates.append(
                    f"entry {duplicate.entry.id} {duplicate.entry.name} ({reasons})"
                )
        report.rows.append(row)
        if progress:
            progress(1)
    return report


def rows_in(source: str | bytes | Table) -> int:
    """How many rows below the heading the file has (for a progress bar); 0 if unreadable."""
    try:
        return max(len(_read(source).rows) - 1, 0)
    except TableError:
        return 0


async def import_csv(
    text: str | bytes | Table,
    *,
    source: str,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    publish: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import entries from a spreadsheet (CSV text, a file's bytes, or a table read by
    ``convenor.tables``). Side effects (unless a dry run, or any row is bad without
    ``skip_bad_rows``): entries with 'imported' provenance, in one transaction."""
    report = await check_rows(text, progress)
    if dry_run or (report.problem and not report.rows):
        return report
    if report.bad_rows and not skip_bad_rows:
        return report
    status = Status.PUBLISHED if publish else Status.PENDING
    async with in_transaction():
        for row in report.rows:
            if row.errors or row.data is None:
                continue
            await service.create_entry(row.data, status=status, how=How.IMPORTED, source=source)
            report.imported += 1
    return report
