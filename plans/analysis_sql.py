"""The analysis's statements, in plain SQL (a speed device, see below).

What it buys (benchmarks/plans_analysis.py, 5,000 responses x 40 actions = 200,000
answers, SQLite): the ORM's four ``GROUP BY``s (support and capacity per action,
comments per action, and per priority "what is missing" and comments) each sorted every
answer row, 2.4 s on a loaded machine; the first two statements here take about a
tenth of that:

- ``support``: per action and support value, the respondents of each capacity as
  conditional sums, grouped in the order of the index (plan, action, support,
  respondent), so it is read from that index alone and nothing is sorted;
- ``words``: per action (or priority) the shown comments, shown "what is missing", the
  answers listed (either), and the waiting ones, reading only answers with words
  (``+a.plan_id`` keeps SQLite from walking the plan index row by row instead of reading
  the table in order).

Beside them: ``people`` (sent responses by capacity and kind, and the drafts, in one
statement), ``waiting`` (the moderation queue's count) and ``listed_texts`` (the shown
words of the answers the comment list shows, for the search in Python), the last two
read in table order. ``together`` runs several at once on PostgreSQL outside a
transaction, in turn on SQLite or inside one.

No staleness: they run on every request. Exact on both databases: counts, and no text
comparison in SQL beyond ``<> ''``. Values are bound; only constants (capacities,
moderation states, column names) are written into the statements.
"""

# ruff: noqa: S608 (statements built from constants; every value is bound)

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

from plans.models import Capacity

CAPACITIES = [c.value for c in Capacity]
SHOWN = "a.moderation IN ('not_needed', 'approved')"
COMMENT = "COALESCE(a.redacted_comment, a.comment) <> ''"
MISSING = "COALESCE(a.redacted_missing, a.missing) <> ''"
WORDS = (
    "(a.comment <> '' OR a.missing <> '' OR a.redacted_comment <> '' OR a.redacted_missing <> '')"
)


class _Bound:
    """Placeholders in the connection's style, with their values in order."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.values: list[object] = []

    def __call__(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else "?"


def _conditions(bind: _Bound, filters, *, answers: bool = True) -> str:
    """The filters as SQL on the answer ``a`` (unless not ``answers``) and its
    respondent ``r``."""
    found = ["r.submitted_at IS NOT NULL"]
    if filters.capacity:
        found.append(f"r.capacity = {bind(filters.capacity)}")
    if filters.organisation.startswith("entry:"):
        found.append(f"r.organisation_entry_id = {bind(int(filters.organisation[6:]))}")
    elif filters.organisation.startswith("name:"):
        found.append(f"r.organisation = {bind(filters.organisation[5:])}")
        found.append("r.organisation_entry_id IS NULL")
    if filters.event_id is not None:
        found.append(f"r.event_id = {bind(filters.event_id)}")
    if filters.source in ("public", "delegate", "partner"):
        found.append(f"r.kind = {bind(filters.source)}")
    if answers and filters.priority_id is not None:
        found.append(f"a.priority_id = {bind(filters.priority_id)}")
    if answers and filters.action_id is not None:
        found.append(f"a.action_id = {bind(filters.action_id)}")
    return " AND ".join(found)


async def together(*statements: Awaitable | None) -> list:
    """The statements' results in order (None for None). On PostgreSQL outside a
    transaction they run at once on the pool's connections (the page waits for the
    slowest, not the sum); in a transaction, or on SQLite's one connection, in turn."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "sqlite" or isinstance(conn, TransactionalDBClient):
        results = []
        try:
            for statement in statements:
                results.append(await statement if statement is not None else None)
        finally:  # after an error, the ones never started are closed, not left pending
            for statement in statements[len(results) + 1 :]:
                if asyncio.iscoroutine(statement):
                    statement.close()
        return results
    return list(await asyncio.gather(*(s if s is not None else _none() for s in statements)))


async def _none() -> None:
    return None


@dataclass(frozen=True)
class SupportRow:
    action_id: int
    support: int | None
    by_capacity: dict[str, int]  # "" for no capacity given


@dataclass(frozen=True)
class WordsRow:
    action_id: int | None
    priority_id: int
    comments: int
    missing: int
    listed: int
    waiting: int


async def support(plan_id: int, filters) -> list[SupportRow]:
    """Answers to actions of sent responses by action, support and capacity. Reads only."""
    conn = connections.get("default")
    bind = _Bound(conn.capabilities.dialect != "sqlite")
    plan = bind(plan_id)
    sums = ", ".join(
        f"SUM(CASE WHEN r.capacity = '{c}' THEN 1 ELSE 0 END) AS c_{c}" for c in CAPACITIES
    )
    statement = (
        f"SELECT a.action_id AS action_id, a.support AS support, {sums}, "
        "SUM(CASE WHEN r.capacity IS NULL THEN 1 ELSE 0 END) AS c_none "
        "FROM plan_answer a JOIN plan_respondent r ON r.id = a.respondent_id "
        f"WHERE a.plan_id = {plan} AND a.action_id IS NOT NULL AND {_conditions(bind, filters)} "
        "GROUP BY a.action_id, a.support"
    )
    rows = await conn.execute_query_dict(statement, bind.values)
    found = []
    for row in rows:
        counts = {c: int(row[f"c_{c}"] or 0) for c in CAPACITIES}
        counts[""] = int(row["c_none"] or 0)
        found.append(SupportRow(row["action_id"], row["support"], counts))
    return found


async def words(plan_id: int, filters) -> list[WordsRow]:
    """Answers with words of sent responses, by action (or priority): shown comments,
    shown "what is missing", listed (either shown) and waiting. Reads only."""
    conn = connections.get("default")
    bind = _Bound(conn.capabilities.dialect != "sqlite")
    plan = bind(plan_id)
    statement = (
        "SELECT a.action_id AS action_id, a.priority_id AS priority_id, "
        f"SUM(CASE WHEN {SHOWN} AND {COMMENT} THEN 1 ELSE 0 END) AS comments, "
        f"SUM(CASE WHEN {SHOWN} AND {MISSING} THEN 1 ELSE 0 END) AS missing, "
        f"SUM(CASE WHEN {SHOWN} AND ({COMMENT} OR {MISSING}) THEN 1 ELSE 0 END) AS listed, "
        "SUM(CASE WHEN a.moderation = 'waiting' THEN 1 ELSE 0 END) AS waiting "
        "FROM plan_answer a JOIN plan_respondent r ON r.id = a.respondent_id "
        f"WHERE +a.plan_id = {plan} AND {WORDS} AND {_conditions(bind, filters)} "
        "GROUP BY a.action_id, a.priority_id"
    )
    rows = await conn.execute_query_dict(statement, bind.values)
    return [
        WordsRow(
            r["action_id"],
            r["priority_id"],
            int(r["comments"] or 0),
            int(r["missing"] or 0),
            int(r["listed"] or 0),
            int(r["waiting"] or 0),
        )
        for r in rows
    ]


async def people(plan_id: int, filters) -> tuple[dict[tuple[str, str], int], int]:
    """Sent responses under the respondent filters by (capacity, kind), and every draft
    (the filters aside). Reads only."""
    conn = connections.get("default")
    bind = _Bound(conn.capabilities.dialect != "sqlite")
    plan = bind(plan_id)
    statement = (
        "SELECT r.capacity AS capacity, r.kind AS kind, "
        "CASE WHEN r.submitted_at IS NULL THEN 1 ELSE 0 END AS draft, COUNT(*) AS n "
        f"FROM plan_respondent r WHERE r.plan_id = {plan} AND (r.submitted_at IS NULL OR "
        f"({_conditions(bind, filters, answers=False)})) "
        "GROUP BY r.capacity, r.kind, CASE WHEN r.submitted_at IS NULL THEN 1 ELSE 0 END"
    )
    sent: dict[tuple[str, str], int] = {}
    drafts = 0
    for row in await conn.execute_query_dict(statement, bind.values):
        if row["draft"]:
            drafts += int(row["n"])
        else:
            sent[(row["capacity"] or "", row["kind"])] = int(row["n"])
    return sent, drafts


async def waiting(plan_id: int) -> int:
    """Answers with words of sent responses waiting for a moderator: the queue's count,
    read in table order (not through the plan index, row by row). Reads only."""
    conn = connections.get("default")
    bind = _Bound(conn.capabilities.dialect != "sqlite")
    statement = (
        "SELECT COUNT(*) AS n FROM plan_answer a JOIN plan_respondent r "
        f"ON r.id = a.respondent_id WHERE +a.plan_id = {bind(plan_id)} "
        "AND a.moderation = 'waiting' AND (a.comment <> '' OR a.missing <> '') "
        "AND r.submitted_at IS NOT NULL"
    )
    rows = await conn.execute_query_dict(statement, bind.values)
    return int(rows[0]["n"])


async def listed_texts(plan_id: int, filters) -> list[tuple[int, datetime, str, str]]:
    """The answers the comment list shows under ``filters`` (the theme too): id, when
    last saved, the shown comment and "what is missing", for search in Python (read in
    table order, plain rows: a third of the ORM's time for 30,000 comments). Reads only."""
    conn = connections.get("default")
    bind = _Bound(conn.capabilities.dialect != "sqlite")
    plan = bind(plan_id)
    theme = ""
    if filters.theme_id is not None:
        theme = (
            " AND EXISTS (SELECT 1 FROM plan_theme_tag t WHERE t.answer_id = a.id "
            f"AND t.theme_id = {bind(filters.theme_id)})"
        )
    statement = (
        "SELECT a.id AS id, a.updated_at AS at, COALESCE(a.redacted_comment, a.comment) AS c, "
        "COALESCE(a.redacted_missing, a.missing) AS m "
        "FROM plan_answer a JOIN plan_respondent r ON r.id = a.respondent_id "
        f"WHERE +a.plan_id = {plan} AND {SHOWN} AND ({COMMENT} OR {MISSING}) "
        f"AND {_conditions(bind, filters)}{theme}"
    )
    rows = await conn.execute_query_dict(statement, bind.values)
    return [(r["id"], _moment(r["at"]), r["c"], r["m"]) for r in rows]


def _moment(value: datetime | str) -> datetime:
    """A stored time as an aware datetime (SQLite gives back its ISO text)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
