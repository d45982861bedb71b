"""PostgreSQL search: a weighted tsvector column with a GIN index; pg_trgm for misspellings.

The column is kept by triggers created in the migration (name weighted A, alternate
names B, services and themes C, description D; accents removed). Tokens reach
``to_tsquery`` only as quoted word characters with a prefix marker, so no tsquery
syntax can get through.
"""

# SQL here is assembled only from constants and "?" placeholders; every value
# from a user is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

# ts_rank weights for D, C, B, A: a name match must outrank a description match.
WEIGHTS = "{0.02, 0.2, 0.4, 1.0}"
WORD_SIMILARITY = 0.4
JOIN = "JOIN"


async def similar_names(conn: BaseDBAsyncClient, word: str, statuses: tuple[str, ...]) -> list[str]:
    """Names containing a word close to ``word`` by trigram similarity (best 20)."""
    marks = ", ".join(f"${i}" for i in range(2, len(statuses) + 2))
    async with in_transaction() as tx:
        # SET LOCAL keeps the lower threshold to this transaction's connection.
        await tx.execute_script(f"SET LOCAL pg_trgm.word_similarity_threshold = {WORD_SIMILARITY}")
        rows = await tx.execute_query_dict(
            "SELECT name FROM directory_entry "
            f"WHERE $1 <% name AND status IN ({marks}) "
            "ORDER BY word_similarity($1, name) DESC, name LIMIT 20",
            [word, *statuses],
        )
    return [row["name"] for row in rows]


# --- Row fetches for the bounded search (see ``directory.search._run_words``) ---------


def _tsquery(query_tokens: list[str], weights: str = "") -> str:
    return " & ".join(f"'{token}':*{weights}" for token in query_tokens)


def _where(statuses: tuple[str, ...], narrow: tuple | None) -> tuple[str, list]:
    clauses = [f"e.status IN ({', '.join('?' for _ in statuses)})"]
    params: list = list(statuses)
    kind, theme, area = narrow or ("", None, None)
    if kind:
        clauses.append("e.kind = ?")
        params.append(kind)
    for facet, value in (("theme", theme), ("area", area)):
        if value is not None:
            clauses.append(
                f"EXISTS (SELECT 1 FROM directory_entry_{facet} x "
                f"WHERE x.entry_id = e.id AND x.{facet}_id = ?)"
            )
            params.append(value)
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
    and area ids. ``names_only``: the words are in names or alternate names (weights A,
    B); ``narrow``: (kind, theme id, area id) filters, with the statuses. Without
    ``narrow`` every status comes back (callers filter), as ``count_sql`` counts."""
    columns = (
        f"e.id, -ts_rank('{WEIGHTS}', e.search_vector, q), e.name, e.kind, e.status, "
        "ARRAY(SELECT x.theme_id FROM directory_entry_theme x WHERE x.entry_id = e.id), "
        "ARRAY(SELECT x.area_id FROM directory_entry_area x WHERE x.entry_id = e.id)"
    )
    tsquery = _tsquery(query_tokens, "AB" if names_only else "")
    matches = (
        "SELECT e.* FROM directory_entry e CROSS JOIN to_tsquery('english', ?) q "
        "WHERE e.search_vector @@ q"
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
    return (row[1], row[2], row[0], row[3], row[4], tuple(row[5]), tuple(row[6]))
