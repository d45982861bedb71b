"""Column types that match what Tortoise declares, so the schemas compare equal.

Tortoise writes booleans as INT on SQLite and timestamps as TIMESTAMPTZ on PostgreSQL;
the schema-match test (tests/convenor/test_schema.py) holds the revisions to that.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def pk() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True)


def boolean(name: str, nullable: bool = False) -> sa.Column:
    kind = sa.Boolean().with_variant(sa.Integer(), "sqlite")
    return sa.Column(name, kind, nullable=nullable)


def timestamp(name: str, nullable: bool = False, index: bool = False) -> sa.Column:
    kind = sa.TIMESTAMP().with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")
    return sa.Column(name, kind, nullable=nullable, index=index)


def fk(name: str, target: str, nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable
    )


def json(name: str, nullable: bool = False) -> sa.Column:
    """Tortoise's JSONField: JSONB on PostgreSQL, JSON (text) on SQLite."""
    kind = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    return sa.Column(name, kind, nullable=nullable)
