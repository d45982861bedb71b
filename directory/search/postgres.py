"""PostgreSQL search: a weighted tsvector column with a GIN index; a trigram-indexed list
of the words in names for misspellings.

The column is kept by triggers created in the migrations (name weighted A, alternate
names B, services and themes C, description D; accents removed), as are
``search_facets`` (each entry's theme and area ids as "t3 a12"), an index of the name
lexemes alone, and the word list. Tokens reach ``to_tsquery`` only as quoted word
characters with a prefix marker, so no tsquery syntax can get through.

A search matches each typed word as the whole lexemes it begins, from a list of every
lexeme in the index (``directory_search_match``, migration
2026_11_21_directory_pg_lexemes), and ranks by the typed prefixes.
"""

# SQL here is assembled only from constants and "?" placeholders; every value
# from a user is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import difflib

from tortoise.backends.base.client import BaseDBAsyncClient

from directory.search.cache import STAMP_SQL
from directory.search.entries import postgres_json
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


# The query's two forms, worked out once per statement: ``q`` as typed (each word a
# prefix) for ranking, ``m`` the same words as whole lexemes for matching (see
# migration 2026_11_21_directory_pg_lexemes: the same rows, without a recheck of each).
QUERY = (
    "tq AS MATERIALIZED (SELECT to_tsquery('english', ?) AS q, "
    "directory_search_match(?::text[]) AS m)"
)
MATCHING = "(SELECT m FROM tq)"
# True unless the stamp is the one given (?), under which the caller keeps the count.
STAMP = f"({STAMP_SQL})"
UNCOUNTED = f"coalesce({STAMP} <> ?, true)"


def _query_params(query_tokens: list[str]) -> list:
    return [" & ".join(f"'{token}':*" for token in query_tokens), list(query_tokens)]


def _matches(vector: str, source: str = "directory_entry e") -> str:
    """Matches of the query (``tq``) in ``vector`` of ``source`` (in no set order) with
    their rank (lower first), name and filter tokens, as SQLite's have them ("spublished
    kcommunity t3 a12"). Names sort as Python sorts them (by code point)."""
    return (
        f"SELECT -ts_rank('{WEIGHTS}', e.search_vector, (SELECT q FROM tq)) AS rank, "
        'e.name COLLATE "C" AS name, e.id AS id, '
        "'s' || e.status || ' k' || e.kind || ' ' || e.search_facets AS facets "
        f"FROM {source} WHERE {vector} @@ {MATCHING}"
    )


def _as_json(source: str) -> str:
    """The matches in ``source`` as one row of JSON text, as on SQLite
    (``directory.search.sqlite``): their ranks, names, ids and filter tokens, each an
    array; built by the server, read with one ``orjson.loads``."""
    columns = ", ".join(f"coalesce(json_agg({c}), '[]')" for c in ("rank", "name", "id", "facets"))
    return f"SELECT json_build_array({columns})::text FROM {source}"


def rows_sql(
    query_tokens: list[str], limit: int, statuses: tuple[str, ...], narrow: tuple
) -> tuple[str, list]:
    """Matches in ``statuses`` that pass ``narrow`` ((kind, theme id, area id)
    filters), at most ``limit``, as one row holding their JSON array."""
    where, params = _where(statuses, narrow)
    # OFFSET 0 keeps the text match (the GIN index) first: otherwise the planner may
    # walk a whole area's or theme's entries to test each against the text.
    source = f"(SELECT e.* FROM directory_entry e WHERE e.search_vector @@ {MATCHING} OFFSET 0) e"
    return (
        f"WITH {QUERY} "
        + _as_json(f"({_matches('e.search_vector', source)} AND {where} LIMIT ?) m"),
        [*_query_params(query_tokens), *params, limit],
    )


def sample_sql(
    query_tokens: list[str],
    cap: int,
    statuses: tuple[str, ...],
    offset: int,
    count: int,
    counted: int | None = None,
) -> tuple[str, list]:
    """What a text search reads, in one statement answering one row, as on SQLite
    (``directory.search.sqlite.sample_sql``): the first ``cap`` + 1 matches; when there
    are more, how many match in all (unless the stamp is still ``counted``) and the first
    ``cap`` matches in names; the entries ranked ``offset`` to ``offset + count`` among
    the matches in ``statuses``; the search stamp. One round trip instead of up to
    four."""
    wanted = ", ".join("?" for _ in statuses) or "NULL"
    over = "(SELECT more FROM over)"
    return (
        f"WITH {QUERY}, mf AS MATERIALIZED ({_matches('e.search_vector')} LIMIT ?), "
        "over AS MATERIALIZED (SELECT count(*) > ? AS more FROM mf), "
        # Not over the cap: a one-time filter skips the names' match altogether.
        f"nf AS MATERIALIZED ({_matches(NAMES)} AND {over} LIMIT ?), "
        "shown AS (SELECT * FROM mf UNION ALL "
        "SELECT * FROM nf WHERE id NOT IN (SELECT id FROM mf)) "
        f"SELECT ({_as_json('mf')}), "
        f"CASE WHEN {over} AND {UNCOUNTED} THEN (SELECT count(*) FROM directory_entry e "
        f"WHERE e.search_vector @@ {MATCHING}) END, "
        f"CASE WHEN {over} THEN ({_as_json('nf')}) END, "
        f"(SELECT {postgres_json()} FROM directory_entry e "
        f"WHERE e.id IN (SELECT id FROM shown WHERE split_part(facets, ' ', 1) IN ({wanted}) "
        "ORDER BY rank, name, id LIMIT ? OFFSET ?)), "
        f"{STAMP}",
        [
            *_query_params(query_tokens),
            cap + 1,
            cap,
            cap,
            counted,
            *(f"s{status}" for status in statuses),
            count,
            offset,
        ],
    )
