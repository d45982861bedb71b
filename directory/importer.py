"""Importing entries from a CSV file, with a report of row errors and duplicates.

Rows are checked like the public form (``entry_from_mapping``). Nothing is imported
when any row fails, unless bad rows are to be skipped; then the good rows are imported
in one transaction. Possible duplicates (within the file, or of existing entries) are
reported but do not stop the import: a moderator merges them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from directory import moderation, service
from directory.forms import EntryData, ServiceData, entry_from_mapping
from directory.models import KIND_LABELS, Area, How, Status, Theme

REQUIRED_COLUMNS = ("name", "kind", "description")
MAX_ROWS = 50_000


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


async def _lookups() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Name or slug (lower-cased) -> slug, for themes and areas; label -> kind value."""
    themes = {k.lower(): t.slug for t in await Theme.all() for k in (t.name, t.slug)}
    areas = {k.lower(): a.slug for a in await Area.all() for k in (a.name, a.slug)}
    kinds = {
        k.lower(): kind.value for kind, label in KIND_LABELS.items() for k in (kind.value, label)
    }
    return themes, areas, kinds


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


async def check_rows(text: str) -> ImportReport:
    """Read and check every row; finds no side effects."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return ImportReport([], problem=f"The file has no {', '.join(missing)} column.")
    themes, areas, kinds = await _lookups()
    report = ImportReport([])
    seen: dict[tuple[str, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        if line > MAX_ROWS + 1:
            report.problem = f"Only the first {MAX_ROWS} rows were read."
            break
        raw = {k: v for k, v in raw.items() if k}
        raw["kind"] = kinds.get((raw.get("kind") or "").strip().lower(), raw.get("kind") or "")
        theme_names, area_names = _split(raw.get("themes")), _split(raw.get("areas"))
        raw["themes"] = [themes.get(n.lower(), n) for n in theme_names]
        raw["areas"] = [areas.get(n.lower(), n) for n in area_names]
        services = [{"name": n} for n in _split(raw.pop("services", ""))]
        data, errors = entry_from_mapping(raw)
        data.services = [ServiceData(**s) for s in services]
        unknown_themes = [n for n in theme_names if n.lower() not in themes]
        unknown_areas = [n for n in area_names if n.lower() not in areas]
        if unknown_themes:
            errors["themes"] = f"Unknown theme: {', '.join(unknown_themes)}"
        if unknown_areas:
            errors["areas"] = f"Unknown area: {', '.join(unknown_areas)}"
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
    return report


async def import_csv(
    text: str,
    *,
    source: str,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    publish: bool = False,
) -> ImportReport:
    """Import entries from CSV text. Side effects (unless a dry run, or any row is bad
    without ``skip_bad_rows``): entries with 'imported' provenance, in one transaction."""
    report = await check_rows(text)
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
