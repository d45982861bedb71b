"""Running search's SQL: placeholders per dialect, plain rows, and entries made from rows."""

# SQL here is assembled only from constants and "?" placeholders; every value
# from a user is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import functools
import json
from datetime import datetime

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields import DatetimeField

from directory.models import Entry
from directory.search.reader import SqliteReader, reader_for

# SQLite hands timestamps back as ISO 8601 text, which the ORM parses in pure Python
# (about 14 microseconds each, up to five per entry: most of making a page's entries);
# the standard library's C parser reads the same text in about one.
_TIMESTAMPS = tuple(
    name for name, field in Entry._meta.fields_map.items() if isinstance(field, DatetimeField)
)


def _parsed(row: dict) -> dict:
    for name in _TIMESTAMPS:
        value = row[name]
        if isinstance(value, str):
            try:
                row[name] = datetime.fromisoformat(value)
            except ValueError:
                pass  # left for the ORM's own parser
    return row


def connection() -> BaseDBAsyncClient:
    """Where search reads: on SQLite its own connection (``directory.search.reader``)
    unless inside a transaction; otherwise Tortoise's."""
    client = Tortoise.get_connection("default")
    return reader_for(client) or client  # type: ignore[return-value]


def is_sqlite(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "sqlite"


def placeholders(sql: str, dialect: str) -> str:
    """Our SQL is written with ``?``; asyncpg wants ``$1, $2, ...``."""
    if dialect == "sqlite":
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


async def rows(
    conn: BaseDBAsyncClient, sql: str, params: list, *, off_loop: bool = False
) -> list[dict]:
    """Rows as dicts; ``off_loop``: a statement worth the SQLite reader's own thread
    (``directory.search.reader``; ignored elsewhere)."""
    if off_loop and isinstance(conn, SqliteReader):
        return await conn.execute_off_loop(sql, params, as_dicts=True)
    dialect = "sqlite" if is_sqlite(conn) else "postgres"
    return await conn.execute_query_dict(placeholders(sql, dialect), params)


async def tuples(
    conn: BaseDBAsyncClient, sql_params: tuple[str, list], *, off_loop: bool = False
) -> list:
    """Rows as tuples; ``off_loop`` as for ``rows``."""
    sql, params = sql_params
    if off_loop and isinstance(conn, SqliteReader):
        return await conn.execute_off_loop(sql, params)
    dialect = "sqlite" if is_sqlite(conn) else "postgres"
    _, found = await conn.execute_query(placeholders(sql, dialect), params)
    return list(found)


@functools.cache
def _entries_sql(as_json: bool) -> str:
    """SELECT of every column of entries by id (``{}``: the placeholders). Made on first
    use: the ORM adds the foreign keys' columns to the model when it starts.

    ``as_json``: for SQLite's reader thread, the rows as one JSON array of objects (see
    ``directory.search.reader``); JSON keeps SQLite's values as they are (integers for
    booleans, text for timestamps), which the ORM reads as it reads any row."""
    if not as_json:
        columns = ", ".join(sorted(Entry._meta.db_fields))
        return f"SELECT {columns} FROM directory_entry WHERE id IN ({{}})"
    return f"SELECT {entries_json()} FROM directory_entry WHERE id IN ({{}})"


@functools.cache
def entries_json() -> str:
    """SQLite: an aggregate of ``directory_entry`` rows as one JSON array of objects."""
    pairs = ", ".join(f"'{column}', {column}" for column in sorted(Entry._meta.db_fields))
    return f"json_group_array(json_object({pairs}))"


@functools.cache
def entry_json() -> str:
    """PostgreSQL: a ``directory_entry e`` row as a JSON object of the model's columns
    (timestamps as ISO 8601 text, which ``made_entries`` reads)."""
    pairs = ", ".join(f"'{column}', e.{column}" for column in sorted(Entry._meta.db_fields))
    return f"json_build_object({pairs})"


def matches(text: str | None) -> list[tuple]:
    """(rank, name, id, kind, status, theme ids, area ids) for each match in a JSON
    array of [rank, name, id, filter tokens], as the backends' SQL answers them."""
    if not text:
        return []
    return [(m[0], m[1], m[2], *parse_facets(m[3])) for m in json.loads(text)]


def made_entries(found: list[dict]) -> dict[int, Entry]:
    """Entries from rows of every column, made into models as the ORM makes them."""
    made = [Entry._init_from_db(**_parsed(row)) for row in found]
    return {entry.id: entry for entry in made}


async def entries(conn: BaseDBAsyncClient, ids: list[int]) -> dict[int, Entry]:
    """The page's entries in one plain query (the ORM's query building costs more than
    the query here), made into models as the ORM makes them."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    if isinstance(conn, SqliteReader):
        sql = _entries_sql(as_json=True).format(marks)
        found = json.loads((await conn.execute_off_loop(sql, ids))[0][0])
    else:
        found = await rows(conn, _entries_sql(as_json=False).format(marks), ids)
    return made_entries(found)


@functools.lru_cache(maxsize=65536)
def parse_facets(text: str) -> tuple[str, str, tuple[int, ...], tuple[int, ...]]:
    """(kind, status, theme ids, area ids) from filter tokens ("spublished kcommunity t3
    a12"; PostgreSQL's hold only theme and area ids); many matches share one value."""
    kind = status = ""
    themes: list[int] = []
    areas: list[int] = []
    for token in text.split():
        first = token[0]
        if first == "t":
            themes.append(int(token[1:]))
        elif first == "a":
            areas.append(int(token[1:]))
        elif first == "k":
            kind = token[1:]
        elif first == "s":
            status = token[1:]
    return kind, status, tuple(themes), tuple(areas)
