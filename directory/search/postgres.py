"""PostgreSQL search: a weighted tsvector column with a GIN index; a trigram-indexed list
of the words in names for misspellings.

The column is kept by triggers created in the migrations (name weighted A, alternate
names B, services and themes C, description D; accents removed), as are
``search_facets`` (each entry's theme and area ids as "t3 a12"), an index of the name
lexemes alone, and the word list. Tokens reach ``to_tsquery`` only as quoted word
characters with a prefix marker, so no tsquery syntax can get through.
"""

# SQL here is assembled only from constants and "?" placeholders; every value
# from a user is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import difflib

from tortoise.backends.base.client import BaseDBAsyncClient

from directory.search.sql import parse_facets
from directory.search.text import WORD

# ts_rank weights for D, C, B, A: a name match must outrank a description match.
WEIGHTS = "{0.02, 0.2, 0.4, 1.0}"
# The lexemes of names and alternate names, as ix_directory_entry_search_names has them.
NAMES = "ts_filter(e.search_vector, '{a,b}')"
JOIN = "JOIN"


async def similar_names(conn: BaseDBAsyncClient, word: str, statuses: tuple[str, ...]) -> list[str]:
    """Names containing ``word`` or a word close to it (at most 20), as on SQLite: the
    nearest words in names by trigrams (the index orders them), kept if close by edit
    distance."""
    rows = await conn.execute_query_dict(
        "SELECT word FROM directory_entry_fts_words ORDER BY word <-> $1 LIMIT 10", [word]
    )
    # Only plain words become suggestions (and tsquery operands): a name's "co-op" or
    # e-mail address stays out.
    known = [r["word"] for r in rows if WORD.fullmatch(r["word"])]
    close = difflib.get_close_matches(word, known, n=5, cutoff=0.75)
    words = [word, *[w for w in close if w != word]]
    marks = ", ".join(f"${i}" for i in range(2, len(statuses) + 2))
    rows = await conn.execute_query_dict(
        f"SELECT e.name FROM directory_entry e WHERE {NAMES} @@ to_tsquery('english', $1) "
        f"AND e.status IN ({marks}) LIMIT 20",
        [" | ".join(f"'{w}'" for w in words), *statuses],
    )
    return [row["name"] for row in rows]


# --- Row fetches for the bounded search (see ``directory.search._run_words``) ---------


def _tsquery(query_tokens: list[str]) -> str:
    return " & ".join(f"'{token}':*" for token in query_tokens)


def _where(statuses: tuple[str, ...], narrow: tuple | None) -> tuple[str, list]:
    clauses = [f"e.status IN ({', '.join('?' for _ in statuses)})"]
    params: list = list(statuses)
    kind, theme, area = narrow or ("", None, None)
    if kind:
        clauses.append("e.kind = ?")
        params.append(kind)
    for prefix, value in (("t", theme), ("a", area)):
        if value is not None:
            # The entry's own tokens: no look-up in the link tables for each match.
            clauses.append("(' ' || e.search_facets || ' ') LIKE ?")
            params.append(f"% {prefix}{int(value)} %")
    return " AND ".join(clauses), params


def count_sql(query_tokens: list[str], statuses: tuple[str, ...]) -> tuple[str, list]:
    """How many entries match, whatever their status (as ``rows_sql`` without
    ``narrow``): no column is read, so PostgreSQL can skip the heap for visible pages."""
    return (
        "SELECT count(*) FROM directory_entry e WHERE e.search_vector @@ to_tsquery('english', ?)",
        [_tsquery(query_tokens)],
    )


def rows_sql(
    query_tokens: list[str],
    limit: int,
    statuses: tuple[str, ...],
    names_only: bool = False,
    narrow: tuple | None = None,
) -> tuple[str, list]:
    """Matches (at most ``limit``): id, rank (lower first), name, kind, status, theme
    and area tokens. ``names_only``: the words are in names or alternate names (found
    with the names index; ranked as any match is); ``narrow``: (kind, theme id, area
    id) filters, with the statuses. Without ``narrow`` every status comes back (callers
    filter), as ``count_sql`` counts."""
    columns = (
        f"e.id, -ts_rank('{WEIGHTS}', e.search_vector, q), e.name, e.kind, e.status, "
        "e.search_facets"
    )
    tsquery = _tsquery(query_tokens)
    vector = NAMES if names_only else "e.search_vector"
    matches = (
        "SELECT e.* FROM directory_entry e CROSS JOIN to_tsquery('english', ?) q "
        f"WHERE {vector} @@ q"
    )
    if narrow is None:
        return f"{matches.replace('e.*', columns, 1)} LIMIT ?", [tsquery, limit]
    where, params = _where(statuses, narrow)
    # OFFSET 0 keeps the text match (the GIN index) first: otherwise the planner may
    # walk a whole area's or theme's entries to test each against the text.
    return (
        f"SELECT {columns} FROM ({matches} OFFSET 0) e "
        f"CROSS JOIN to_tsquery('english', ?) q WHERE {where} LIMIT ?",
        [tsquery, tsquery, *params, limit],
    )


def parse(row) -> tuple:
    """(rank, name, id, kind, status, theme ids, area ids) from a row of ``rows_sql``."""
    _, _, themes, areas = parse_facets(row[5])
    return (row[1], row[2], row[0], row[3], row[4], themes, areas)


def matches(found: list) -> list[tuple]:
    """Each row of ``rows_sql`` parsed (a search stamp may follow its columns)."""
    return [parse(row) for row in found]
