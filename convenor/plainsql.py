"""Plain SQL for the few hot statements, made into the same models the ORM makes.

Tortoise builds every QuerySet's SQL afresh through pypika: ~0.15 to 0.7 ms of CPU a
statement on the project's machine, more than the round trip itself. The statements
on the busiest paths are written here once, with ``?`` placeholders, and their rows
become models through the ORM's own ``_init_from_db`` (field conversions included):
a personal link's lookup (``convenor.auth``), the sign-in throttle
(``convenor.throttle``), a delegate's registration from their link (``events.access``,
``events.questions``, ``events.registration``) and the organisation they type there
(``directory.service``), the public programme's latest version (``programmes.view``),
and the statements that take a consultation's locks: the plan shared and the
respondent updated (``plans.respondents``), the plan shared for a workshop table point
(``plans.consultation.locked_plan``).

This module is the one place Convenor reads Tortoise's private names (``_meta``,
``_init_from_db``; each marked ``noqa: SLF001``): the ORM's QuerySets instead cost a
registration 9-66% more CPU (benchmarks/RESULTS.md, "Plain SQL against the ORM",
issue 19), over the 10% a piece of speed machinery must earn. Tortoise offers no public
way to make a model from a row it did not read itself.

Only constants (table and column names from the models) and placeholders go into
the SQL; every value is a parameter, hence the ``noqa: S608`` on each statement. The
statements run on the current transaction's connection when there is one (Tortoise
keeps that per task), like ORM queries.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

__all__ = ["columns", "execute", "model_from", "select", "table"]

M = TypeVar("M", bound=Model)


def _connection() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


@functools.lru_cache(maxsize=256)
def _for_dialect(sql: str, postgres: bool) -> str:
    """Our SQL is written with ``?``; asyncpg wants ``$1, $2, ...``."""
    if not postgres:
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


@functools.cache
def columns(model: type[Model], alias: str = "") -> str:
    """The model's columns for a SELECT; with ``alias``, each named ``"alias.column"``.

    Only once Tortoise has started: before, a model does not know its foreign-key
    columns yet. Build statements on first use (``functools.cache``), not at import.
    """
    if not model._meta._inited:  # noqa: SLF001 (see the module's docstring)
        raise RuntimeError(f"{model.__name__}'s columns are known once Tortoise has started")
    names = sorted(model._meta.db_fields)  # noqa: SLF001
    if not alias:
        return ", ".join(f'"{name}"' for name in names)
    return ", ".join(f'{alias}."{name}" AS "{alias}.{name}"' for name in names)


def table(model: type[Model]) -> str:
    """The model's table name, quoted ("event" is a keyword in some SQL dialects)."""
    return f'"{model._meta.db_table}"'  # noqa: SLF001


def model_from(model: type[M], row: dict[str, Any], alias: str = "") -> M:
    """One model from a row of ``columns(model, alias)``, as the ORM would make it."""
    if alias:
        prefix = f"{alias}."
        row = {name: row[prefix + name] for name in model._meta.db_fields}  # noqa: SLF001
    return model._init_from_db(**row)  # noqa: SLF001


async def select(
    sql: str, params: Sequence[Any] = (), *, lock: str | None = None
) -> list[dict[str, Any]]:
    """The rows of one SELECT written with ``?`` placeholders. No side effects.

    ``lock`` names the table (or alias) whose rows to lock until the transaction ends
    (``FOR UPDATE OF``, PostgreSQL); SQLite runs one writing transaction at a time and
    has no row locks, so there it is left out.
    """
    conn = _connection()
    postgres = conn.capabilities.dialect != "sqlite"
    if lock and conn.capabilities.support_for_update:
        sql = f"{sql} FOR UPDATE OF {lock}"
    return await conn.execute_query_dict(_for_dialect(sql, postgres), list(params))


async def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run one UPDATE or DELETE written with ``?`` placeholders; the rows it changed."""
    conn = _connection()
    postgres = conn.capabilities.dialect != "sqlite"
    changed, _ = await conn.execute_query(_for_dialect(sql, postgres), list(params))
    return changed
