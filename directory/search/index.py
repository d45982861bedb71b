"""The search index: what search looks for, kept by the writers of entries.

Every function that changes what an entry says (its names, description, services,
themes or areas) calls ``refresh`` with the entries' ids inside its own transaction,
after writing them; a rename of a theme or area calls ``refresh_term``.

Two tables (migration 2026_12_05_directory_search), written only here:

- ``directory_search_word(entry_id, word, weight)``: each folded word of an entry
  (``directory.search.text.words``) once, with the weight of the best field it is in
  (``WEIGHTS``). Words are compared by code point on both databases (SQLite's binary
  collation; ``COLLATE "C"`` on PostgreSQL), so a prefix is the range
  ``word >= 'sup' AND word < 'sup' || U+10FFFF`` on the (word, entry_id) index.
- ``directory_search_text(entry_id, name_key, text)``: the entry's name key, and its
  folded text: each field value (the name, each alternate name, theme, area, service
  name, description and who-for, the description) after a marker of its weight
  (``" =8 lodz polish club =6 lpc =4 ... "``), so a quoted phrase is found inside one
  value and never across two, and the weight of the best value holding it is known
  (``directory.search.engine``).

What an entry's rows hold is worked out in Python (``document``) from what the
database holds, the same on both databases; the migration builds the tables for
existing entries with this same function.
"""

# SQL here is assembled only from constants and placeholders; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from directory.search.text import name_key, words

# The weight of a word is that of the best field it appears in.
NAME, ALTERNATE, THEME, AREA, SERVICE, DESCRIPTION = 8, 6, 4, 4, 2, 1
WEIGHTS = {
    "name": NAME,
    "alternate_names": ALTERNATE,
    "themes": THEME,
    "areas": AREA,
    "services": SERVICE,
    "description": DESCRIPTION,
}
CLASSES = (NAME, ALTERNATE, THEME, SERVICE, DESCRIPTION)  # the weights, best first
CHUNK = 500  # entries per round of statements (SQLite allows 32,766 parameters)
TERM_TABLES = {"theme": "directory_entry_theme", "area": "directory_entry_area"}
# directory_search_text's columns holding where each marker but the first is (b6 ...).
MARK_COLUMNS = tuple(f"b{weight}" for weight in CLASSES[1:])
TEXT_COLUMNS = ("entry_id", "name_key", "text", *MARK_COLUMNS)


@dataclass(frozen=True)
class Document:
    """What the index holds for one entry."""

    entry_id: int
    words: dict[str, int]  # word -> weight
    name_key: str
    text: str
    # Where each weight's marker after the best is in ``text`` (1-based, as the
    # databases count: ``MARK_COLUMNS``), kept so search does not look for them.
    marks: tuple[int, ...] = ()


def document(
    entry_id: int,
    name: str,
    alternate_names: str,
    description: str,
    themes: Sequence[str] = (),
    areas: Sequence[str] = (),
    services: Sequence[tuple[str, str, str]] = (),
) -> Document:
    """The index rows of one entry, from its fields (services as (name, description,
    who for)); themes and areas by name."""
    values: list[tuple[int, str]] = [(NAME, name)]
    values += [(ALTERNATE, line) for line in alternate_names.splitlines()]
    values += [(THEME, theme) for theme in sorted(themes)]
    values += [(AREA, area) for area in sorted(areas)]
    for service in services:
        values += [(SERVICE, part) for part in service]
    values.append((DESCRIPTION, description))
    found: dict[str, int] = {}
    segments: dict[int, list[str]] = {weight: [] for weight in CLASSES}
    for weight, value in values:
        folded = words(value)
        if not folded:
            continue
        segments[weight].append(" ".join(folded))
        for word in folded:
            if found.get(word, 0) < weight:
                found[word] = weight
    # Every class's marker at least once, in CLASSES order (directory.search.engine
    # finds a phrase's weight by where it is against the markers).
    parts = [
        f"={weight} {value}" if value else f"={weight}"
        for weight in CLASSES
        for value in segments[weight] or [""]
    ]
    text = f" {' '.join(parts)} "
    marks = tuple(text.find(f" ={weight} ") + 1 for weight in CLASSES[1:])
    return Document(entry_id, found, name_key(name), text, marks)


def _dialect(conn: BaseDBAsyncClient) -> str:
    return "sqlite" if conn.capabilities.dialect == "sqlite" else "postgres"


def placeholders(sql: str, dialect: str) -> str:
    """SQL is written here with ``?``; asyncpg wants ``$1, $2, ...``."""
    if dialect == "sqlite":
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


async def _rows(conn: BaseDBAsyncClient, sql: str, params: list) -> list[tuple]:
    _, found = await conn.execute_query(placeholders(sql, _dialect(conn)), params)
    return [tuple(row) for row in found]


async def documents(conn: BaseDBAsyncClient, entry_ids: Sequence[int]) -> list[Document]:
    """The documents of these entries (those that exist), from the database."""
    marks = ", ".join("?" for _ in entry_ids)
    ids = list(entry_ids)
    entries = await _rows(
        conn,
        f"SELECT id, name, alternate_names, description FROM directory_entry WHERE id IN ({marks})",
        ids,
    )
    if not entries:
        return []
    terms: dict[str, dict[int, list[str]]] = {"theme": {}, "area": {}}
    for kind, link in TERM_TABLES.items():
        for entry_id, term in await _rows(
            conn,
            f"SELECT x.entry_id, t.name FROM {link} x JOIN directory_{kind} t "
            f"ON t.id = x.{kind}_id WHERE x.entry_id IN ({marks})",
            ids,
        ):
            terms[kind].setdefault(entry_id, []).append(term)
    services: dict[int, list[tuple[str, str, str]]] = {}
    for entry_id, *service in await _rows(
        conn,
        "SELECT entry_id, name, description, who_for FROM directory_service "
        f"WHERE entry_id IN ({marks}) ORDER BY entry_id, position, id",
        ids,
    ):
        services.setdefault(entry_id, []).append(tuple(service))  # type: ignore[arg-type]
    return [
        document(
            entry_id,
            name,
            alternate,
            description,
            terms["theme"].get(entry_id, ()),
            terms["area"].get(entry_id, ()),
            services.get(entry_id, ()),
        )
        for entry_id, name, alternate, description in entries
    ]


async def _write(conn: BaseDBAsyncClient, entry_ids: list[int], made: list[Document]) -> None:
    marks = ", ".join("?" for _ in entry_ids)
    dialect = _dialect(conn)
    for table in ("directory_search_word", "directory_search_text") if entry_ids else ():
        await conn.execute_query(
            placeholders(f"DELETE FROM {table} WHERE entry_id IN ({marks})", dialect), entry_ids
        )
    word_rows = [(d.entry_id, w, weight) for d in made for w, weight in d.words.items()]
    text_rows = [(d.entry_id, d.name_key, d.text, *d.marks) for d in made]
    if dialect == "sqlite":
        if word_rows:
            await conn.execute_many(
                "INSERT INTO directory_search_word (entry_id, word, weight) VALUES (?, ?, ?)",
                word_rows,  # type: ignore[arg-type]
            )
        if text_rows:
            await conn.execute_many(
                f"INSERT INTO directory_search_text ({', '.join(TEXT_COLUMNS)}) "
                f"VALUES ({', '.join('?' for _ in TEXT_COLUMNS)})",
                text_rows,  # type: ignore[arg-type]
            )
        return
    # PostgreSQL: COPY, on the transaction's own connection when there is one (a
    # multi-row INSERT of the same rows took twice as long).
    async with conn.acquire_connection() as raw:
        if word_rows:
            await raw.copy_records_to_table(
                "directory_search_word", records=word_rows, columns=["entry_id", "word", "weight"]
            )
        if text_rows:
            await raw.copy_records_to_table(
                "directory_search_text", records=text_rows, columns=list(TEXT_COLUMNS)
            )


async def refresh(entry_ids: Iterable[int]) -> None:
    """Rewrite the index of these entries from what the database now holds (entries
    that no longer exist leave no rows). Runs on the current transaction's connection."""
    conn = connections.get("default")
    ids = sorted({int(i) for i in entry_ids})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        await _write(conn, chunk, await documents(conn, chunk))


async def refresh_term(kind: str, term_id: int) -> None:
    """Rewrite the index of every entry with this theme or area (after a rename)."""
    link = TERM_TABLES[kind]
    conn = connections.get("default")
    found = await _rows(conn, f"SELECT entry_id FROM {link} WHERE {kind}_id = ?", [term_id])
    await refresh(row[0] for row in found)


async def add(made: Sequence[Document]) -> None:
    """Write the rows of entries just created from the documents their writer built with
    ``document`` (what it wrote, so nothing is read back: a registration that types a
    new organisation makes one, issue 17); a new entry has no rows to delete first. Runs
    on the current transaction's connection."""
    await _write(connections.get("default"), [], list(made))
