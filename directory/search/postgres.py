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


# The match is a condition on the entries themselves: no self-join, one pass.
CONDITION = "e.search_vector @@ q"
RANK = f"-ts_rank('{WEIGHTS}', e.search_vector, q)"


def source(query_tokens: list[str], ranked: bool) -> tuple[str, list]:
    tsquery = " & ".join(f"'{token}':*" for token in query_tokens)
    return "directory_entry e CROSS JOIN to_tsquery('english', ?) q", [tsquery]


def shared_match(query_tokens: list[str]) -> tuple[str, list]:
    """The matching ids, computed once for all the counts (a GIN prefix scan is the
    expensive part of each)."""
    sql, params = source(query_tokens, ranked=False)
    return f"SELECT e.id FROM {sql} WHERE {CONDITION}", params


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
