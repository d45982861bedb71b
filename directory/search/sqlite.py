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
import json

from tortoise.backends.base.client import BaseDBAsyncClient

from directory.search.sql import entries_json, made_entries, parse_facets

# Column weights for bm25, in the FTS column order: name, alternate_names,
# description, services, themes, facets. A name match must outrank a description match.
WEIGHTS = "20.0, 8.0, 1.0, 2.0, 3.0, 0.0"
# People's words are looked for in these columns only; ``facets`` holds the entry's
# status, kind, theme ids and area ids as tokens ("spublished kcommunity t3 a12").
TEXT_COLUMNS = "{name alternate_names description services themes}"
# SQLite's planner may start from the small taxonomy tables and walk every entry;
# CROSS JOIN keeps the join order: matches first, then their entries.
JOIN = "CROSS JOIN"


def expression(query_tokens: list[str], columns: str = TEXT_COLUMNS) -> str:
    words = " AND ".join(f'"{token}"*' for token in query_tokens)
    return f"{columns} : ({words})"


def _token(prefix: str, value: object) -> str:
    """A facet token as an FTS5 string (quotes doubled: nothing else can get through)."""
    text = f"{prefix}{value}".replace('"', '""')
    return f'"{text}"'


def facet_expression(
    statuses: tuple[str, ...], kind: str = "", theme: int | None = None, area: int | None = None
) -> str:
    """Filters as a MATCH expression on the ``facets`` column."""
    parts = ["(" + " OR ".join(_token("s", s) for s in statuses) + ")"] if statuses else []
    if kind:
        parts.append(_token("k", kind))
    if theme is not None:
        parts.append(_token("t", theme))
    if area is not None:
        parts.append(_token("a", area))
    return "facets : (" + " AND ".join(parts) + ")"


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


# --- Row fetches for the bounded search (see ``directory.search._run_words``) ---------


def _match(query_tokens, statuses, names_only, narrow) -> str:
    """Filters go into MATCH only to narrow, and never the status: bm25 counts the rows
    of every phrase in MATCH, and a status token is in most rows. Callers filter
    status in Python."""
    columns = "{name alternate_names}" if names_only else TEXT_COLUMNS
    if narrow is None or not any(v not in ("", None) for v in narrow):
        return expression(query_tokens, columns)
    return f"{expression(query_tokens, columns)} AND {facet_expression((), *narrow)}"


def count_sql(query_tokens: list[str], statuses: tuple[str, ...]) -> tuple[str, list]:
    """How many entries match, whatever their status (as ``rows_sql`` without
    ``narrow``): FTS5 answers this from its doclists alone."""
    return (
        "SELECT count(*) FROM directory_entry_fts WHERE directory_entry_fts MATCH ?",
        [_match(query_tokens, statuses, False, None)],
    )


# The first matches of a MATCH expression (?) in rowid order, at most ? of them, with
# their rank and the name and filter tokens from the narrow facets table.
MATCHES_WITH_FACETS = (
    f"(SELECT rowid AS id, bm25(directory_entry_fts, {WEIGHTS}) AS rank "
    "FROM directory_entry_fts WHERE directory_entry_fts MATCH ? LIMIT ?) m "
    f"{JOIN} directory_entry_fts_facets f ON f.id = m.id"
)


def rows_sql(
    query_tokens: list[str],
    limit: int,
    statuses: tuple[str, ...],
    names_only: bool = False,
    narrow: tuple | None = None,
) -> tuple[str, list]:
    """Matches in rowid order (at most ``limit``), as one row holding a JSON array of
    [rank, name, id, facets] (``matches`` reads it): one row, so the reader's thread
    takes Python's GIL once rather than once a match (``directory.search.reader``).
    ``names_only``: the words are in names or alternate names; ``narrow``: (kind, theme
    id, area id) filters, applied inside MATCH.

    Name and facets come from the narrow ``directory_entry_fts_facets``: read from the
    FTS table, each match would fetch and decode its whole indexed text. Ranks come
    back with 15 significant digits (SQLite's JSON), plenty to order by."""
    return (
        "SELECT json_group_array(json_array(m.rank, f.name, m.id, f.facets)) "
        f"FROM {MATCHES_WITH_FACETS}",
        [_match(query_tokens, statuses, names_only, narrow), limit],
    )


def matches(found: list) -> list[tuple]:
    """(rank, name, id, kind, status, theme ids, area ids) for each match that
    ``rows_sql`` found (its one row; a search stamp may follow the array)."""
    if not found:
        return []
    return [(m[0], m[1], m[2], *parse_facets(m[3])) for m in json.loads(found[0][0])]


def sample_sql(
    query_tokens: list[str], limit: int, statuses: tuple[str, ...], offset: int, count: int
) -> tuple[str, list]:
    """As ``rows_sql`` (without filters), with two more columns in its one row: the
    entries (a JSON array of whole rows) ranked ``offset`` to ``offset + count`` among
    the matches in ``statuses`` (by rank, name, id: the order search sorts matches in),
    and the search stamp. Most searches show those entries: reading them here saves a
    second statement. Search still ranks the matches itself and reads any entry it
    chose that is not here."""
    wanted = ", ".join("?" for _ in statuses) or "NULL"
    return (
        "WITH mf AS MATERIALIZED (SELECT m.rank AS rank, f.name AS name, m.id AS id, "
        f"f.facets AS facets FROM {MATCHES_WITH_FACETS}) "
        "SELECT (SELECT json_group_array(json_array(rank, name, id, facets)) FROM mf), "
        f"(SELECT {entries_json()} FROM directory_entry WHERE id IN (SELECT id FROM mf "
        f"WHERE substr(facets, 1, instr(facets || ' ', ' ') - 1) IN ({wanted}) "
        "ORDER BY rank, name, id LIMIT ? OFFSET ?)), "
        "(SELECT stamp FROM directory_search_stamp WHERE id = 1)",
        [
            _match(query_tokens, statuses, False, None),
            limit,
            *(f"s{status}" for status in statuses),
            count,
            offset,
        ],
    )


def sampled_entries(row) -> dict:
    """The entries ``sample_sql`` read, as models by id."""
    return made_entries(json.loads(row[1]))
