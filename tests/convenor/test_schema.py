"""Alembic's schema must equal the one Tortoise would make from the models."""

import asyncio

from convenor import migrate
from tests.schema import describe_schema, differences, generate_with_tortoise


async def test_migrations_match_models(empty_database_factory):
    migrated = await empty_database_factory("migrated")
    generated = await empty_database_factory("generated")
    await asyncio.to_thread(migrate.upgrade, migrated)
    await generate_with_tortoise(generated)

    found = differences(await describe_schema(generated), await describe_schema(migrated))

    assert found == []


async def test_migrations_downgrade_to_base_and_upgrade_again(empty_database_factory):
    url = await empty_database_factory("roundtrip")
    await asyncio.to_thread(migrate.upgrade, url)
    first = await describe_schema(url)

    await asyncio.to_thread(migrate.downgrade, url, "base")
    emptied = await describe_schema(url)
    await asyncio.to_thread(migrate.upgrade, url)

    assert emptied == {}
    assert await describe_schema(url) == first


def test_differences_report_a_model_field_missing_from_migrations():
    table = {
        "columns": {"id": ("INTEGER", False, None)},
        "primary_key": ("id",),
        "uniques": set(),
        "indexes": set(),
        "foreign_keys": set(),
    }
    with_field = {**table, "columns": {**table["columns"], "phone": ("VARCHAR(40)", True, None)}}

    found = differences({"staff_user": with_field}, {"staff_user": table})

    assert found == ["staff_user.phone: models ('VARCHAR(40)', True, None) != migrations None"]
