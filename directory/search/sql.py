"""Running search's SQL: placeholders per dialect, plain rows, matches and entries."""

# SQL here is assembled only from constants and "?" placeholders; every value
# from a user is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import functools

import orjson
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from directory.models import Entry
from directory.search.entries import made_entries, postgres_json, sqlite_json
from directory.search.reader import SqliteReader, reader_for


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


async def entries(conn: BaseDBAsyncClient, ids: list[int]) -> dict[int, Entry]:
    """Entries by id in one plain statement (the ORM's query building costs more than
    the query here), as one JSON row (``directory.search.entries``)."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    aggregate = sqlite_json() if is_sqlite(conn) else postgres_json()
    sql = f"SELECT {aggregate} FROM directory_entry e WHERE e.id IN ({marks})"
    found = await tuples(conn, (sql, ids), off_loop=True)
    return made_entries(found[0][0])


def matches(text: str | None) -> list[tuple]:
    """(rank, name, id, kind, status, theme ids, area ids) for each match, from a JSON
    array of four arrays (ranks, names, ids, filter tokens), as the backends' SQL
    answers them; read by ``orjson`` (a third of the standard library's time on 500
    matches) and made into tuples in C (``zip``), not one by one in Python."""
    if not text:
        return []
    ranks, names, ids, facets = orjson.loads(text)
    if not ids:
        return []
    return list(zip(ranks, names, ids, *zip(*map(parse_facets, facets), strict=True), strict=True))


@functools.lru_cache(maxsize=65536)
def parse_facets(text: str) -> tuple[str, str, tuple[int, ...], tuple[int, ...]]:
    """(kind, status, theme ids, area ids) from filter tokens ("spublished kcommunity t3
    a12"); many matches share one value."""
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
