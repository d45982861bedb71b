"""Importing entries from a spreadsheet (.xlsx or CSV) as one batch, with a report of row
errors and possible duplicates.

The file is read by the core's one reader (``convenor.tables``), so any of Excel's
encodings, separators and line ends will do, and the report's line numbers are the
spreadsheet's own row numbers. Headings are matched forgivingly ("Organisation name",
"Kind of organisation", "E-mail"); a kind, theme or area that is not known is reported
with the values that are.

One check for the dry run and the real import: ``check_rows`` reads every row into the
exact values that would be written (``entry_from_mapping``, then the kind, themes and
areas looked up once) and checks those values against what the tables can hold (each
column's length, no NUL or other control character, in derived columns such as the
website's domain and in services too). The real import writes ``row.data`` as checked,
so a dry run finds every row error the import would.

Nothing is imported when any row fails, unless bad rows are to be skipped. An import
that goes ahead is a batch (``ImportBatch``): its record is made first, then every
entry with its provenance, themes, areas and services is written in bulk, chunk by
chunk, in ONE transaction, with the search index refreshed for each chunk inside it.
So a failed import leaves no entries at all; the batch record (written apart) says it
failed and why, and the database's own error becomes one sentence, never a traceback.
(On SQLite the transaction holds the one write lock while it writes: other writers
wait, up to the busy timeout, for about 6 s per 20,000 rows on the project's machine.)

Possible duplicates (within the file, or of live entries: same charity number, website
or postcode, or the same name apart from words like "the", "Ltd" or "CIO") are reported
but do not stop the import: a moderator merges them. They are found with a handful of
queries for the whole file, not a few per row.

``undo_plan`` and ``undo_batch`` take a batch back (see ``undo_batch`` for the rule).
"""

# SQL here is assembled only from the models' own table and column names and
# placeholders; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.cleaning import clean_name, text_problem, without_controls
from convenor.errors import Conflict, NotFound
from convenor.models import User
from convenor.tables import Table, TableError, match_columns, read_table
from directory.forms import TEXT_FIELDS, EntryData, ServiceData, entry_from_mapping, website_domain
from directory.models import (
    KIND_LABELS,
    Area,
    BatchStatus,
    Entry,
    How,
    ImportBatch,
    Provenance,
    Service,
    Status,
    Theme,
)
from directory.search import index as search_index
from directory.search.text import name_key
from directory.service import new_uuid

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("name", "kind", "description")
MAX_ROWS = 50_000
CHUNK = 1000  # entries written (and indexed) at a time, inside the one transaction
IN_LIST = 900  # values in one IN (...) list
MAX_PARAMETERS = 30_000  # bound values in one statement (PostgreSQL allows 32,767)
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
# Entry columns written from the row as checked (EntryData's names), and columns derived.
WRITTEN = (*TEXT_FIELDS, "kind")
SERVICE_COLUMNS = ("name", "description", "who_for", "how_to_access")
LIVE = (Status.PENDING, Status.PUBLISHED, Status.HIDDEN)
NAME_NOISE = re.compile(r"\b(the|of|and|ltd|limited|cic|cio|group|project|trust)\b|[^\w\s]")
TOO_LONG = "Use {limit} characters or fewer"
DERIVED_TOO_LONG = "The web address's domain is longer than {limit} characters"

# The theme and area link rows (tables without a model), in each dialect's placeholders.
LINKS_SQLITE = (
    "INSERT INTO directory_entry_theme (entry_id, theme_id) VALUES (?, ?)",
    "INSERT INTO directory_entry_area (entry_id, area_id) VALUES (?, ?)",
)
LINKS_POSTGRES = (
    "INSERT INTO directory_entry_theme (entry_id, theme_id) VALUES ($1, $2)",
    "INSERT INTO directory_entry_area (entry_id, area_id) VALUES ($1, $2)",
)
# Told how far a phase has got: (phase, rows done, rows in the phase). Phases are
# "Checking" and "Importing".
Progress = Callable[[str, int, int], None]


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
    problem: str = ""  # a problem with the file, or with the import as a whole
    columns: list[str] = field(default_factory=list)  # which heading gave which column
    batch_id: int | None = None  # the batch this import made (a real import that went ahead)
    failed: bool = False  # the import went ahead and the database refused it: nothing saved
    # The taxonomy as the rows were checked against it: the import writes with the same.
    lookups: Lookups | None = field(default=None, repr=False, compare=False)

    @property
    def bad_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.errors]

    def row_errors(self) -> set[tuple[int, str, str]]:
        """Every row error as (line, field, message): what a dry run and an import compare."""
        return {(row.line, name, msg) for row in self.rows for name, msg in row.errors.items()}

    def lines(self, max_duplicates: int | None = None) -> list[str]:
        """The report as lines of text for the command line (every error; at most
        ``max_duplicates`` possible-duplicate lines, then how many more there are)."""
        out = [self.problem] if self.problem else []
        shown = hidden = 0
        for row in self.rows:
            label = _shown(row.name) or "no name"
            for name, message in row.errors.items():
                out.append(f"line {row.line} ({label}): {name}: {_shown(message)}")
            for duplicate in row.duplicates:
                if max_duplicates is not None and shown >= max_duplicates:
                    hidden += 1
                    continue
                shown += 1
                out.append(f"line {row.line} ({label}): possible duplicate of {duplicate}")
        if hidden:
            out.append(f"... and {hidden:,} more possible duplicates (moderators see them all).")
        good = len(self.rows) - len(self.bad_rows)
        out.append(
            f"{len(self.rows)} rows: {good} good, {len(self.bad_rows)} with errors; "
            f"{self.imported} imported."
        )
        return out


def _shown(text: str) -> str:
    """Text from the file as it may be printed: no control characters, one line."""
    return " ".join(without_controls(text).split())


@dataclass
class Choices:
    """A choice column's allowed values: what a cell may say -> the value stored."""

    plural: str  # "areas"
    singular: str  # "area"
    values: dict[str, Any]  # name or slug, lower-cased -> slug (or id)
    names: list[str]  # as people know them, for the message

    def unknown(self, typed: list[str]) -> str:
        """'Unknown area 'Bitterne'; areas are: Bargate, Bevois, ...' (empty if all known)."""
        bad = [name for name in typed if name.lower() not in self.values]
        if not bad:
            return ""
        quoted = ", ".join(f"'{_shown(name)}'" for name in bad)
        allowed = ", ".join(self.names) if self.names else "none yet"
        return f"Unknown {self.singular} {quoted}; {self.plural} are: {allowed}"


@dataclass
class Lookups:
    """The taxonomy and kinds, read once per import."""

    themes: Choices
    areas: Choices
    kinds: Choices
    theme_ids: dict[str, int]  # slug -> id
    area_ids: dict[str, int]


async def _lookups() -> Lookups:
    """Themes, areas and kinds, each by name or slug (lower-cased)."""
    # Sorted here, not by the database: SQLite and PostgreSQL collate differently.
    themes = sorted(await Theme.all(), key=lambda t: t.name.casefold())
    areas = sorted(await Area.all(), key=lambda a: a.name.casefold())
    return Lookups(
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
        {t.slug: t.id for t in themes},
        {a.slug: a.id for a in areas},
    )


@cache
def _max_lengths(model: type) -> dict[str, int]:
    """Each character column's max_length, as the model declares it (and the migrations
    make it: the schema test holds them equal)."""
    described = model.describe(serializable=False)
    return {
        f["name"]: f["constraints"]["max_length"]
        for f in described["data_fields"]
        if "max_length" in f.get("constraints", {})
    }


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _read(source: str | bytes | Table) -> Table:
    if isinstance(source, Table):
        return source
    return read_table(source.encode("utf-8") if isinstance(source, str) else source)


def check_row(raw: dict[str, str], lookups: Lookups) -> tuple[EntryData, dict[str, str]]:
    """One row as the values an import writes, and its errors by column. No side effects;
    the dry run and the import both use this, so they find the same errors."""
    raw = dict(raw)
    typed_kind = raw.get("kind", "")
    raw["kind"] = lookups.kinds.values.get(typed_kind.lower(), typed_kind)
    theme_names, area_names = _split(raw.get("themes")), _split(raw.get("areas"))
    raw["themes"] = [lookups.themes.values.get(n.lower(), n) for n in theme_names]  # type: ignore[assignment]
    raw["areas"] = [lookups.areas.values.get(n.lower(), n) for n in area_names]  # type: ignore[assignment]
    services = [ServiceData(name=n) for n in _split(raw.pop("services", ""))]
    data, errors = entry_from_mapping(raw)
    data.services = services
    if typed_kind and "kind" in errors:
        errors["kind"] = lookups.kinds.unknown([typed_kind])
    for name, choices, typed in (
        ("themes", lookups.themes, theme_names),
        ("areas", lookups.areas, area_names),
    ):
        if choices.unknown(typed):
            errors[name] = choices.unknown(typed)
    for name, problem in written_problems(data).items():
        errors.setdefault(name, problem)
    return data, errors


def written_problems(data: EntryData) -> dict[str, str]:
    """Problems with the values exactly as they would be written (after the form rules
    have normalised them: "https://" added to a website, an email's normal form), checked
    against each column's length and for control characters: what the database would
    refuse (PostgreSQL cannot store NUL) or cut short."""
    problems: dict[str, str] = {}
    limits = _max_lengths(Entry)
    for name in WRITTEN:
        value = getattr(data, name)
        problem = text_problem(value, multi_line=True)
        if problem:
            problems[name] = problem
        elif name in limits and len(value) > limits[name]:
            problems[name] = TOO_LONG.format(limit=limits[name])
    if "website" not in problems and len(website_domain(data.website)) > limits["website_domain"]:
        problems["website"] = DERIVED_TOO_LONG.format(limit=limits["website_domain"])
    service_limits = _max_lengths(Service)
    for i, service in enumerate(data.services):
        key = "services" if i == 0 else f"services ({i + 1})"
        for column in SERVICE_COLUMNS:
            value = getattr(service, column)
            problem = text_problem(value, multi_line=column != "name")
            if problem is None and len(value) > service_limits.get(column, len(value)):
                problem = TOO_LONG.format(limit=service_limits[column])
            if problem:
                problems.setdefault(key, f"{_shown(service.name)[:40]}: {problem}")
    return problems


def _duplicate_key(name: str) -> str:
    """A name compared for duplicates: lower case, no punctuation, no "the", "Ltd", "CIO"..."""
    return " ".join(NAME_NOISE.sub(" ", name.lower()).split())


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _live_matching(column: str, values: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """Live entries whose ``column`` is one of ``values``: value -> [(id, name)]."""
    found: dict[str, list[tuple[int, str]]] = {}
    wanted = sorted(set(values))
    for part in _chunks(wanted, IN_LIST):
        rows = await Entry.filter(status__in=list(LIVE), **{f"{column}__in": list(part)})
        for entry in sorted(rows, key=lambda e: e.id):
            found.setdefault(getattr(entry, column), []).append((entry.id, entry.name))
    return found


async def _directory_duplicates(rows: list[RowReport]) -> None:
    """Add 'possible duplicate of entry N' to each good row, from a few queries in all."""
    good = [row for row in rows if not row.errors and row.data is not None]
    if not good:
        return
    datas = [row.data for row in good if row.data is not None]
    by_column = {
        "charity_number": await _live_matching(
            "charity_number", (d.charity_number for d in datas if d.charity_number)
        ),
        "website_domain": await _live_matching(
            "website_domain", (website_domain(d.website) for d in datas if d.website)
        ),
        "postcode": await _live_matching("postcode", (d.postcode for d in datas if d.postcode)),
    }
    names: dict[str, list[tuple[int, str]]] = {}
    wanted = {_duplicate_key(d.name) for d in datas}
    live_names = await Entry.filter(status__in=list(LIVE)).order_by("id").values_list("id", "name")
    for entry_id, entry_name in live_names:
        key = _duplicate_key(entry_name)
        if key in wanted:
            names.setdefault(key, []).append((entry_id, entry_name))
    reasons = {
        "charity_number": "same charity number",
        "website_domain": "same website",
        "postcode": "same postcode",
    }
    for row in good:
        data = row.data
        assert data is not None
        found: dict[int, tuple[str, list[str]]] = {}
        values = {
            "charity_number": data.charity_number,
            "website_domain": website_domain(data.website) if data.website else "",
            "postcode": data.postcode,
        }
        for column, value in values.items():
            for entry_id, entry_name in by_column[column].get(value, [])[:20] if value else []:
                found.setdefault(entry_id, (entry_name, []))[1].append(reasons[column])
        for entry_id, entry_name in names.get(_duplicate_key(data.name), [])[:20]:
            found.setdefault(entry_id, (entry_name, []))[1].append("similar name")
        for entry_id, (entry_name, why) in found.items():
            row.duplicates.append(f"entry {entry_id} {_shown(entry_name)} ({', '.join(why)})")


async def check_rows(source: str | bytes | Table, progress: Progress | None = None) -> ImportReport:
    """Read and check every row (``progress`` is told as rows are checked); no side effects."""
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
    lookups = await _lookups()
    report = ImportReport([], columns=columns.described({k: k for k in COLUMNS}), lookups=lookups)
    body = table.rows[1:]
    if len(body) > MAX_ROWS:
        report.problem = f"Only the first {MAX_ROWS} rows were read."
        body = body[:MAX_ROWS]
    seen: dict[tuple[str, str], int] = {}
    if progress:
        progress("Checking", 0, len(body))
    for done, row_of_file in enumerate(body, start=1):
        raw = {name: columns.get(row_of_file.cells, name) for name in columns.index}
        data, errors = check_row(raw, lookups)
        row = RowReport(row_of_file.number, data.name, errors, data=data)
        for key in (("name", data.name.lower()), ("charity", data.charity_number)):
            if key[1] and key in seen:
                row.duplicates.append(f"line {seen[key]} of this file")
            elif key[1]:
                seen[key] = row.line
        report.rows.append(row)
        if progress and (done % 250 == 0 or done == len(body)):
            progress("Checking", done, len(body))
    await _directory_duplicates(report.rows)
    return report


async def import_csv(
    text: str | bytes | Table,
    *,
    source: str,
    file_name: str = "",
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    publish: bool = False,
    progress: Progress | None = None,
    created_by: User | None = None,
) -> ImportReport:
    """Import entries from a spreadsheet (CSV text, a file's bytes, or a table read by
    ``convenor.tables``); ``source`` is the provenance each entry gets, ``file_name``
    names the batch (``source`` if not given).

    Side effects, unless a dry run or any row is bad without ``skip_bad_rows``: an
    ``ImportBatch`` row, then, in one transaction, the entries with 'imported'
    provenance, their themes, areas and services, and their search index. Never raises
    for bad data or a database error: a failed import is ``report.failed`` with
    ``report.problem`` saying why, nothing saved but the batch record saying so.
    """
    report = await check_rows(text, progress)
    if dry_run or (report.problem and not report.rows):
        return report
    if report.bad_rows and not skip_bad_rows:
        return report
    good = [row for row in report.rows if not row.errors and row.data is not None]
    if not good:  # every row bad: nothing to import, so no batch
        return report
    batch = await ImportBatch.create(
        uuid=new_uuid(),
        source=clean_name(file_name or source)[:300],
        created_at=now(),
        created_by=created_by,
        rows=len(report.rows),
        skipped=len(report.bad_rows),
        publish=publish,
        status=BatchStatus.IMPORTING,
    )
    report.batch_id = batch.id
    try:
        async with in_transaction() as conn:
            lookups = report.lookups or await _lookups()
            made = await _write_rows(conn, good, lookups, batch, publish, source, progress)
            batch.created, batch.status, batch.finished_at = made, BatchStatus.COMPLETE, now()
            batch.message = _done_message(made, len(report.bad_rows), publish)
            await batch.save()
    except Exception as exc:  # the database refused (or a bug): say so; only the record stays
        log.warning("directory import batch %s failed", batch.id, exc_info=True)
        report.failed = True
        report.problem = (
            f"The import could not be saved ({_one_line(exc)}); nothing was imported. "
            f"Import batch {batch.id} records the failure."
        )
        await ImportBatch.filter(id=batch.id).update(
            status=BatchStatus.FAILED, created=0, finished_at=now(), message=report.problem
        )
        return report
    report.imported = made
    return report


def _one_line(exc: BaseException) -> str:
    text = _shown(str(exc)) or type(exc).__name__
    return text[:300]


def _done_message(made: int, skipped: int, publish: bool) -> str:
    state = "published" if publish else "pending moderation"
    skipped_text = f"; {skipped:,} rows with errors left out" if skipped else ""
    return f"{made:,} entries imported, {state}{skipped_text}."


async def _write_rows(
    conn: BaseDBAsyncClient,
    rows: list[RowReport],
    lookups: Lookups,
    batch: ImportBatch,
    publish: bool,
    source: str,
    progress: Progress | None,
) -> int:
    """Write the checked rows in bulk, a chunk at a time (inside the caller's transaction);
    each chunk's entries are indexed for search before the next. Returns entries made.

    Plain multi-row INSERTs (``_insert``): building 40,000 ORM objects costs more than
    writing them. Columns and defaults come from the models' own descriptions."""
    status = (Status.PUBLISHED if publish else Status.PENDING).value
    provenance_source = source[:300]
    postgres = conn.capabilities.dialect != "sqlite"
    theme_sql, area_sql = LINKS_POSTGRES if postgres else LINKS_SQLITE
    made = 0
    if progress:
        progress("Importing", 0, len(rows))
    for part in _chunks(rows, CHUNK):
        stamp = now()
        datas = [row.data for row in part if row.data is not None]
        entries = [_entry_values(data, batch.id, status, stamp) for data in datas]
        ids = {
            found["uuid"]: found["id"]
            for found in await _insert(conn, Entry, entries, returning=("id", "uuid"))
        }
        provenance, services, themes, areas = [], [], [], []
        for values, data in zip(entries, datas, strict=True):
            entry_id = ids[values["uuid"]]
            provenance.append(
                {
                    "entry_id": entry_id,
                    "how": How.IMPORTED.value,
                    "source": provenance_source,
                    "created_at": stamp,
                }
            )
            for position, service in enumerate(data.services):
                services.append(
                    {
                        "entry_id": entry_id,
                        "uuid": new_uuid(),
                        "position": position,
                        **{c: getattr(service, c) for c in SERVICE_COLUMNS},
                    }
                )
            themes += [(entry_id, lookups.theme_ids[slug]) for slug in dict.fromkeys(data.themes)]
            areas += [(entry_id, lookups.area_ids[slug]) for slug in dict.fromkeys(data.areas)]
        await _insert(conn, Provenance, provenance)
        await _insert(conn, Service, services)
        if themes:
            await conn.execute_many(theme_sql, themes)
        if areas:
            await conn.execute_many(area_sql, areas)
        await search_index.refresh(list(ids.values()))
        made += len(entries)
        if progress:
            progress("Importing", made, len(rows))
    return made


def _entry_values(data: EntryData, batch_id: int, status: str, stamp: datetime) -> dict:
    return {
        "uuid": new_uuid(),
        **{name: getattr(data, name) for name in (*WRITTEN, "hide_address")},
        "website_domain": website_domain(data.website),
        "name_key": name_key(data.name),
        "status": status,
        "confirmed_at": stamp,
        "published_at": stamp if status == Status.PUBLISHED.value else None,
        "import_batch_id": batch_id,
        "created_at": stamp,
        "updated_at": stamp,
    }


@dataclass(frozen=True)
class _Column:
    name: str  # the field's name (a foreign key's is its column's: ``entry_id``)
    column: str
    default: Any  # a value, or a callable making one
    required: bool  # no default and not nullable: every row must give it


@cache
def _insert_columns(model: type) -> tuple[str, tuple[_Column, ...]]:
    """The model's table and the columns an INSERT writes (all but the primary key; the
    data fields include foreign keys' columns), with the defaults the ORM would fill in,
    from ``Model.describe``."""
    described = model.describe(serializable=False)
    columns = [
        _Column(f["name"], f["db_column"], f["default"], f["default"] is None and not f["nullable"])
        for f in described["data_fields"]
    ]
    return described["table"], tuple(columns)


def _db_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


async def _insert(
    conn: BaseDBAsyncClient,
    model: type,
    rows: list[dict[str, Any]],
    returning: tuple[str, ...] = (),
) -> list[dict]:
    """INSERT ``rows`` (dicts by field name; missing fields take the model's defaults) in
    as few statements as the databases' parameter limits allow; with ``returning``, the
    rows' columns of that name (e.g. the ids made). Values are all bound parameters."""
    if not rows:
        return []
    table, columns = _insert_columns(model)
    for column in columns:
        if column.required and column.name not in rows[0]:
            raise ValueError(f"{table}.{column.column} has no value and no default")
    postgres = conn.capabilities.dialect != "sqlite"
    names = ", ".join(f'"{c.column}"' for c in columns)
    returned = ", ".join(f'"{name}"' for name in returning)
    tail = f" RETURNING {returned}" if returning else ""
    per_statement = MAX_PARAMETERS // len(columns)
    found: list[dict] = []
    for part in _chunks(rows, per_statement):
        params: list[Any] = []
        groups = []
        for row in part:
            for column in columns:
                if column.name in row:
                    value = row[column.name]
                elif callable(column.default):
                    value = column.default()
                else:
                    value = column.default
                params.append(_db_value(value))
            first = len(params) - len(columns)
            if postgres:
                marks = ", ".join(f"${first + i + 1}" for i in range(len(columns)))
            else:
                marks = ", ".join("?" * len(columns))
            groups.append(f"({marks})")
        sql = f'INSERT INTO "{table}" ({names}) VALUES {", ".join(groups)}{tail}'
        if returning:
            found += await conn.execute_query_dict(sql, params)
        else:
            await conn.execute_query(sql, params)
    return found


# Batches: listing, and undoing


@dataclass
class BatchSummary:
    batch: ImportBatch
    by_status: dict[str, int]  # status -> entries of the batch now in it
    created_by: str  # who ran it, or "the command line"

    @property
    def pending(self) -> int:
        return self.by_status.get(Status.PENDING.value, 0)

    @property
    def published(self) -> int:
        return self.by_status.get(Status.PUBLISHED.value, 0)

    @property
    def hidden(self) -> int:
        return self.by_status.get(Status.HIDDEN.value, 0)

    @property
    def archived(self) -> int:
        return self.by_status.get(Status.ARCHIVED.value, 0)

    @property
    def remaining(self) -> int:
        return sum(self.by_status.values())


def _who(user: User | None) -> str:
    return (user.name or user.email) if user else "the command line"


async def _statuses(batch_ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {batch_id: {} for batch_id in batch_ids}
    if not batch_ids:
        return counts
    rows = (
        await Entry.filter(import_batch_id__in=batch_ids)
        .annotate(entries=Count("id"))
        .group_by("import_batch_id", "status")
        .values_list("import_batch_id", "status", "entries")
    )
    for batch_id, status, entries in rows:
        counts[batch_id][getattr(status, "value", status)] = entries
    return counts


async def list_batches(limit: int = 200) -> list[BatchSummary]:
    """The latest batches, newest first, each with its entries counted by status now."""
    batches = await ImportBatch.all().order_by("-id").limit(limit)
    users = await _users({b.created_by_id for b in batches if b.created_by_id})
    counts = await _statuses([b.id for b in batches])
    return [BatchSummary(b, counts[b.id], _who(users.get(b.created_by_id or 0))) for b in batches]


async def _users(ids: set[int]) -> dict[int, User]:
    return {u.id: u for u in await User.filter(id__in=list(ids))} if ids else {}


async def batch_summary(batch_id: int) -> BatchSummary:
    """One batch with its entries counted by status; NotFound if there is none."""
    batch = await ImportBatch.get_or_none(id=batch_id)
    if batch is None:
        raise NotFound()
    users = await _users({i for i in (batch.created_by_id, batch.undone_by_id) if i})
    counts = await _statuses([batch.id])
    return BatchSummary(batch, counts[batch.id], _who(users.get(batch.created_by_id or 0)))


@dataclass
class UndoPlan:
    """What undoing a batch does, entry by entry (ids), worked out from the entries now."""

    remove: list[int]  # pending, known only from this import: deleted
    archive: list[int]  # published or hidden, or pending but known some other way too
    untouched: int  # already archived (rejected, merged...): left as they are
    kept_pending: int  # of ``archive``: pending entries kept (archived) for their other history

    @property
    def sentence(self) -> str:
        parts = [f"removes {len(self.remove):,} {_entries(len(self.remove))} still pending"]
        published = len(self.archive) - self.kept_pending
        if published:
            parts.append(f"{published:,} already published or hidden {_are(published)} archived")
        if self.kept_pending:
            parts.append(
                f"{self.kept_pending:,} pending {_entries(self.kept_pending)} that also "
                f"came from elsewhere (a registration, a nomination or a merge) "
                f"{_are(self.kept_pending)} archived, not removed"
            )
        if self.untouched:
            parts.append(
                f"{self.untouched:,} already archived {_are(self.untouched)} left as "
                f"{'it is' if self.untouched == 1 else 'they are'}"
            )
        return "; ".join(parts) + "."


def _entries(n: int) -> str:
    return "entry" if n == 1 else "entries"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


async def undo_plan(batch_id: int) -> UndoPlan:
    """What undoing the batch would do now. No side effects.

    The rule: an entry of the batch still pending, whose only provenance is this import,
    was never public and nothing else knows of it: it is deleted (its services, themes,
    areas and provenance with it). An entry already published or hidden has been seen:
    it is archived, its provenance kept, so its public link says it is gone rather than
    never was. So is a pending entry that also came some other way (a registration or a
    nomination matched it, or a duplicate was merged into it): its other history stays.
    Entries already archived (rejected, merged away) are left alone.
    """
    entries = await Entry.filter(import_batch_id=batch_id).values_list("id", "status")
    pending = [i for i, s in entries if s == Status.PENDING]
    other_history: set[int] = set()
    for part in _chunks(pending, IN_LIST):
        rows = await Provenance.filter(entry_id__in=list(part)).values_list("entry_id", "how")
        counted: dict[int, int] = {}
        for entry_id, how in rows:
            counted[entry_id] = counted.get(entry_id, 0) + 1
            if how != How.IMPORTED:
                other_history.add(entry_id)
        other_history |= {i for i, n in counted.items() if n > 1}
        merged_in = await Entry.filter(merged_into_id__in=list(part)).values_list(
            "merged_into_id", flat=True
        )
        other_history |= set(merged_in)
    remove = [i for i in pending if i not in other_history]
    kept = [i for i in pending if i in other_history]
    shown = [i for i, s in entries if s in (Status.PUBLISHED, Status.HIDDEN)]
    untouched = sum(1 for _, s in entries if s == Status.ARCHIVED)
    return UndoPlan(remove, sorted(kept + shown), untouched, len(kept))


@dataclass
class UndoResult:
    already: bool  # the batch had been undone before: nothing done now
    plan: UndoPlan | None = None


async def undo_batch(batch_id: int, moderator: User | None) -> UndoResult:
    """Undo an import, by the rule of ``undo_plan``, in one transaction; a second undo does
    nothing and says so. Side effects: entries deleted or archived, their search index,
    the batch marked undone (when and by whom)."""
    async with in_transaction():
        batch = await ImportBatch.select_for_update().get_or_none(id=batch_id)
        if batch is None:
            raise NotFound()
        if batch.status == BatchStatus.UNDONE:
            return UndoResult(already=True)
        if batch.status != BatchStatus.COMPLETE:
            raise Conflict("This import saved no entries, so there is nothing to undo.")
        plan = await undo_plan(batch_id)
        stamp = now()
        for part in _chunks(plan.archive, IN_LIST):
            await Entry.filter(id__in=list(part)).update(status=Status.ARCHIVED, updated_at=stamp)
        for part in _chunks(plan.remove, IN_LIST):
            await Entry.filter(id__in=list(part), status=Status.PENDING).delete()
        for part in _chunks(plan.remove + plan.archive, CHUNK):
            await search_index.refresh(list(part))
        batch.status, batch.undone_at, batch.undone_by = BatchStatus.UNDONE, stamp, moderator
        batch.message = f"{batch.message} Undone: {plan.sentence}".strip()
        await batch.save()
    return UndoResult(already=False, plan=plan)
