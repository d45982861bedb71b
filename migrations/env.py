"""Alembic environment: runs the hand-written revisions on SQLite or PostgreSQL.

The URL is given by ``convenor.migrate`` through ``config.attributes`` or read from
the settings. Revisions are plain ``op.*`` calls; there is no autogenerate metadata.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine

from convenor.db import sqlalchemy_url
from convenor.settings import Settings

config = context.config


def database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return url
    return Settings.from_env().database_url


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=None,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    engine = create_async_engine(sqlalchemy_url(database_url()), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(run_migrations)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `convenor migrate`.")

connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    asyncio.run(run_async())
