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

from directory.search.cache import STAMP_SQL
from directory.search.entries import sqlite_json

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


# The first matches of a MATCH expression (?) in rowid order, at most LIMIT of them, with
# their rank and the name and filter tokens from the narrow facets table: name and
# facets read from the FTS table would fetch and decode each match's whole text.
MATCHES = (
    "SELECT m.rank AS rank, f.name AS name, m.id AS id, f.facets AS facets FROM "
    f"(SELECT rowid AS id, bm25(directory_entry_fts, {WEIGHTS}) AS rank "
    "FROM directory_entry_fts WHERE directory_entry_fts MATCH ? LIMIT {limit}) m "
    f"{JOIN} directory_entry_fts_facets f ON f.id = m.id"
)


def _as_json(source: str) -> str:
    """The matches in ``source`` as one row: a JSON array of their ranks, names, ids and
    filter tokens, each an array (``directory.search.sql.matches`` reads it). One row,
    so the reader's thread takes Python's GIL once rather than once a match
    (``directory.search.reader``); arrays of values, which Python reads faster than an
    array per match. Ranks keep 15 significant digits, plenty to order by. Python
    sorts them: an ORDER BY here cost the reader's thread more than the sort costs."""
    columns = ", ".join(f"json_group_array({c})" for c in ("rank", "name", "id", "facets"))
    return f"SELECT json_array({columns}) FROM {source}"


STATUS = "substr(facets, 1, instr(facets || ' ', ' ') - 1)"  # "spublished"
# True unless the stamp is the one given (?), under which the caller keeps the count.
STAMP = f"({STAMP_SQL})"
UNCOUNTED = f"coalesce({STAMP} <> ?, 1)"


def rows_sql(
    query_tokens: list[str], limit: int, statuses: tuple[str, ...], narrow: tuple
) -> tuple[str, list]:
    """Matches that pass ``narrow`` ((kind, theme id, area id) filters, applied inside
    MATCH), in rowid order (at most ``limit``), as one row of JSON (``_as_json``)."""
    return (
        _as_json(f"({MATCHES.format(limit='?')})"),
        [_match(query_tokens, statuses, False, narrow), limit],
    )


def sample_sql(
    query_tokens: list[str],
    cap: int,
    statuses: tuple[str, ...],
    offset: int,
    count: int,
    counted: int | None = None,
) -> tuple[str, list]:
    """What a text search reads, in one statement answering one row:

    - the first ``cap`` + 1 matches in rowid order, whatever their status (as JSON);
    - only when there are more than ``cap``: how many entries match in all (unless the
      stamp is still ``counted``, under which the caller keeps that number), and the
      first ``cap`` matches in names or alternate names (as JSON; else NULLs);
    - the entries (JSON, ``directory.search.entries``) ranked ``offset`` to ``offset + count``
      among those matches in ``statuses``, by rank, name and id, the order search sorts
      matches in: most searches show them (search still ranks the matches itself, and
      reads any entry it chose that is not here);
    - the search stamp.

    One statement hands work to the reader's thread once (a search with many matches
    used to make four)."""
    text = _match(query_tokens, statuses, False, None)
    names = _match(query_tokens, statuses, True, None)
    wanted = ", ".join("?" for _ in statuses) or "NULL"
    over = "(SELECT more FROM over)"
    return (
        f"WITH mf AS MATERIALIZED ({MATCHES.format(limit='?')}), "
        "over AS MATERIALIZED (SELECT count(*) > ? AS more FROM mf), "
        # LIMIT 0 (not over the cap) skips the names' match altogether.
        f"nf AS MATERIALIZED ({MATCHES.format(limit=f'(CASE WHEN {over} THEN ? ELSE 0 END)')}), "
        "shown AS (SELECT * FROM mf UNION ALL "
        "SELECT * FROM nf WHERE id NOT IN (SELECT id FROM mf)) "
        f"SELECT ({_as_json('mf')}), "
        f"CASE WHEN {over} AND {UNCOUNTED} THEN (SELECT count(*) FROM directory_entry_fts "
        "WHERE directory_entry_fts MATCH ?) END, "
        f"CASE WHEN {over} THEN ({_as_json('nf')}) END, "
        f"(SELECT {sqlite_json()} FROM directory_entry WHERE id IN (SELECT id FROM shown "
        f"WHERE {STATUS} IN ({wanted}) ORDER BY rank, name, id LIMIT ? OFFSET ?)), "
        f"{STAMP}",
        [
            text,
            cap + 1,
            cap,
            names,
            cap,
            counted,
            text,
            *(f"s{status}" for status in statuses),
            count,
            offset,
        ],
    )
