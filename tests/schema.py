"""Describe a database schema in comparable terms, for the migrations-match-models test.

Columns (type as the dialect compiles it, nullability, default), unique column sets
(constraints and unique indexes alike, since SQLite and PostgreSQL report them
differently), other indexes by column set, and foreign keys with ON DELETE.
Search-only objects that Tortoise cannot declare are left out by name.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from convenor.db import sqlalchemy_url

IGNORED_TABLES = {"alembic_version", "sqlite_sequence"}
SEARCH_TABLE_PREFIX = ("directory_entry_fts", "directory_search_")  # kept by directory.search.index
SEARCH_COLUMNS = {"search_vector", "search_facets"}  # PostgreSQL's, kept by triggers
SEARCH_INDEX_PREFIX = "trgm_"


def _describe(connection) -> dict[str, Any]:
    inspector = inspect(connection)
    dialect = connection.dialect
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table in IGNORED_TABLES or table.startswith(SEARCH_TABLE_PREFIX):
            continue
        columns = {
            col["name"]: (
                str(col["type"].compile(dialect=dialect)),
                col["nullable"],
                None if col.get("default") is None else str(col["default"]),
            )
            for col in inspector.get_columns(table)
            if col["name"] not in SEARCH_COLUMNS
        }
        uniques = {tuple(uc["column_names"]) for uc in inspector.get_unique_constraints(table)}
        if dialect.name == "sqlite":
            uniques |= _sqlite_unique_autoindexes(connection, table)
        indexes = set()
        for index in inspector.get_indexes(table):
            cols = tuple(index["column_names"])
            name = index.get("name") or ""
            expressions = " ".join(index.get("expressions") or [])
            on_search = SEARCH_COLUMNS & set(cols) or any(c in expressions for c in SEARCH_COLUMNS)
            if on_search or name.startswith(SEARCH_INDEX_PREFIX):
                continue
            if index["unique"]:
                uniques.add(cols)
            else:
                indexes.add(cols)
        foreign_keys = {
            (
                tuple(fk["constrained_columns"]),
                fk["referred_table"],
                tuple(fk["referred_columns"]),
                (fk.get("options") or {}).get("ondelete", "NO ACTION").upper(),
            )
            for fk in inspector.get_foreign_keys(table)
        }
        if dialect.name == "sqlite":
            foreign_keys = _sqlite_foreign_keys(connection, table)
        primary_key = tuple(inspector.get_pk_constraint(table)["constrained_columns"])
        schema[table] = {
            "columns": columns,
            "primary_key": primary_key,
            "uniques": uniques,
            "indexes": indexes,
            "foreign_keys": foreign_keys,
        }
    return schema


def _sqlite_unique_autoindexes(connection, table: str) -> set[tuple[str, ...]]:
    """Inline UNIQUE columns, which SQLite keeps as hidden autoindexes."""
    found = set()
    for row in connection.exec_driver_sql(f'PRAGMA index_list("{table}")').mappings():
        if row["unique"] and row["origin"] == "u":
            info = connection.exec_driver_sql(f'PRAGMA index_info("{row["name"]}")').mappings()
            found.add(tuple(r["name"] for r in sorted(info, key=lambda r: r["seqno"])))
    return found


def _sqlite_foreign_keys(connection, table: str) -> set[tuple]:
    """SQLAlchemy misses ON DELETE on inline REFERENCES; SQLite's pragma has it."""
    rows = connection.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').mappings()
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row["id"], []).append(row)
    return {
        (
            tuple(r["from"] for r in sorted(group, key=lambda r: r["seq"])),
            group[0]["table"],
            tuple(r["to"] for r in sorted(group, key=lambda r: r["seq"])),
            group[0]["on_delete"].upper(),
        )
        for group in grouped.values()
    }


async def describe_schema(database_url: str) -> dict[str, Any]:
    engine = create_async_engine(sqlalchemy_url(database_url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_describe)
    finally:
        await engine.dispose()


GENERATE = """
import asyncio, sys
from tortoise import Tortoise
from convenor.db import tortoise_config
from convenor.settings import Settings

async def main():
    settings = Settings(database_url=sys.argv[1], secret_key="x" * 40)
    await Tortoise.init(config=tortoise_config(settings))
    await Tortoise.generate_schemas(safe=False)
    await Tortoise.close_connections()

asyncio.run(main())
"""


async def generate_with_tortoise(database_url: str) -> None:
    """Run Tortoise's generate_schemas() in a child process, away from the tests' ORM."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        GENERATE,
        database_url,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"generate_schemas failed: {err.decode()}{out.decode()}")


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Readable differences between two described schemas (empty when they match)."""
    found = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            found.append(f"table {table}: only in the models")
            continue
        if table not in expected:
            found.append(f"table {table}: only in the migrations")
            continue
        a, b = expected[table], actual[table]
        for col in sorted(set(a["columns"]) | set(b["columns"])):
            if a["columns"].get(col) != b["columns"].get(col):
                found.append(
                    f"{table}.{col}: models {a['columns'].get(col)} "
                    f"!= migrations {b['columns'].get(col)}"
                )
        for key in ("primary_key", "uniques", "indexes", "foreign_keys"):
            if a[key] != b[key]:
                found.append(f"{table} {key}: models {a[key]} != migrations {b[key]}")
    return found
