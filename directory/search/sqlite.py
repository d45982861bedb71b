"""SQLite search: FTS5 with bm25 ranking; an unstemmed FTS5 table of names whose
vocabulary gives the "did you mean" fallback by edit distance.

The FTS tables are kept in sync by triggers created in the migration. Tokens reach
MATCH only as quoted strings of word characters, so no FTS5 syntax can get through.
"""

# SQL here is assembled only from constants and "?" placeholders; every value
# from a user is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import difflib

from tortoise.backends.base.client import BaseDBAsyncClient

# Column weights for bm25, in the FTS column order: name, alternate_names,
# description, services, themes. A name match must outrank a description match.
WEIGHTS = "20.0, 8.0, 1.0, 2.0, 3.0"
# SQLite's planner may start from the small taxonomy tables and walk every entry;
# CROSS JOIN keeps the join order: matches first, then their entries.
JOIN = "CROSS JOIN"


def expression(query_tokens: list[str]) -> str:
    return " AND ".join(f'"{token}"*' for token in query_tokens)


CONDITION = ""
RANK = "m.rank"


def source(query_tokens: list[str], ranked: bool) -> tuple[str, list]:
    """FROM clause: the FTS matches (ranked by bm25 if asked), then their entries."""
    rank = f"bm25(directory_entry_fts, {WEIGHTS})" if ranked else "0"
    sql = (
        f"(SELECT rowid AS id, {rank} AS rank FROM directory_entry_fts "
        f"WHERE directory_entry_fts MATCH ?) m {JOIN} directory_entry e ON e.id = m.id"
    )
    return sql, [expression(query_tokens)]


def shared_match(query_tokens: list[str]) -> None:
    """SQLite runs the (cheap) FTS match in each count: a shared, materialised match
    makes it build a bloom filter over every entry, which is far slower."""
    return None


async def similar_names(conn: BaseDBAsyncClient, word: str, statuses: tuple[str, ...]) -> list[str]:
    """Names containing ``word`` or a word close to it by edit distance (at most 20)."""
    # Misspellings rarely change the first letter; looking only there keeps this fast.
    rows = await conn.execute_query_dict(
        "SELECT term FROM directory_entry_fts_names_vocab WHERE term >= ? AND term < ?",
        [word[0], chr(ord(word[0]) + 1)],
    )
    close = difflib.get_close_matches(word, [r["term"] for r in rows], n=5, cutoff=0.75)
    words = [word, *[w for w in close if w != word]]
    marks = ", ".join("?" for _ in statuses)
    rows = await conn.execute_query_dict(
        "SELECT e.name FROM directory_entry_fts_names f "
        "JOIN directory_entry e ON e.id = f.rowid "
        f"WHERE directory_entry_fts_names MATCH ? AND e.status IN ({marks}) LIMIT 20",
        [" OR ".join(f'"{w}"' for w in words), *statuses],
    )
    return [row["name"] for row in rows]
