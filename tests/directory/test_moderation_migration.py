"""Revision 2026_12_05_directory_moderation on a database with entries (issue 17): the
kind may be NULL afterwards, every entry and its import batch are kept, the triggers on
directory_entry (SQLite's table copy sets them aside) are all still there, and the way
back makes unknown kinds 'other' and keeps each entry's import batch."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from convenor import migrate
from convenor.db import sqlalchemy_url

BEFORE = "2026_12_05_directory_batches"
AT = datetime(2026, 12, 1, 10, tzinfo=UTC)


async def _rows(engine, sql: str) -> list[tuple]:
    async with engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(sa.text(sql))]


async def _triggers(engine) -> list[str]:
    if engine.dialect.name != "sqlite":
        sql = (
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid = 'directory_entry'::regclass ORDER BY tgname"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    return [row[0] for row in await _rows(engine, sql)]


async def test_migration_keeps_entries_and_allows_unknown_kinds(empty_database_factory):
    url = await empty_database_factory("moderation")
    await asyncio.to_thread(migrate.upgrade, url, BEFORE)
    engine = create_async_engine(sqlalchemy_url(url))
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO directory_import_batch (id, uuid, source, created_at, rows, "
                "created, skipped, publish, status, message) VALUES "
                "(7, 'b7', 'groups.csv', :at, 2, 2, 0, :no, 'complete', '')"
            ),
            {"at": AT, "no": False},
        )
        for ident, name, batch in [(1, "Łódź Club", 7), (2, "Straße Tenants", None)]:
            await conn.execute(
                sa.text(
                    "INSERT INTO directory_entry (id, uuid, kind, name, name_key, "
                    "alternate_names, description, website, website_domain, email, phone, "
                    "address, town, postcode, hide_address, charity_number, company_number, "
                    "opening_times, accessibility, languages, contact_name, contact_email, "
                    "status, moderation_note, created_at, updated_at, import_batch_id) "
                    "VALUES (:id, :uuid, 'community', :name, '', '', 'What we do.', '', '', "
                    "'', '', '', '', '', :no, '', '', '', '', '', '', '', 'pending', '', "
                    ":at, :at, :batch)"
                ),
                {"id": ident, "uuid": f"u{ident}", "name": name, "no": False, "at": AT}
                | {"batch": batch},
            )
        # A trigger on the table (the search's were there when this revision was
        # written; the search revision has since dropped them): the copy keeps it.
        if engine.dialect.name == "sqlite":
            await conn.execute(
                sa.text(
                    "CREATE TRIGGER moderation_test_touch AFTER UPDATE ON directory_entry "
                    "BEGIN SELECT 1; END"
                )
            )
        else:
            await conn.execute(
                sa.text(
                    "CREATE FUNCTION moderation_test_touch() RETURNS trigger AS "
                    "$$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            await conn.execute(
                sa.text(
                    "CREATE TRIGGER moderation_test_touch BEFORE UPDATE ON directory_entry "
                    "FOR EACH ROW EXECUTE FUNCTION moderation_test_touch()"
                )
            )
    triggers_before = await _triggers(engine)

    await asyncio.to_thread(migrate.upgrade, url, "2026_12_05_directory_moderation")
    async with engine.begin() as conn:
        await conn.execute(sa.text("UPDATE directory_entry SET kind = NULL WHERE id = 2"))
    upgraded = await _rows(
        engine, "SELECT id, kind, name, import_batch_id FROM directory_entry ORDER BY id"
    )
    triggers_after = await _triggers(engine)
    await asyncio.to_thread(migrate.downgrade, url, BEFORE)
    downgraded = await _rows(
        engine, "SELECT id, kind, name, import_batch_id FROM directory_entry ORDER BY id"
    )
    triggers_back = await _triggers(engine)
    await engine.dispose()

    assert upgraded == [(1, "community", "Łódź Club", 7), (2, None, "Straße Tenants", None)]
    assert triggers_before == ["moderation_test_touch"]
    assert triggers_after == triggers_before
    assert downgraded == [(1, "community", "Łódź Club", 7), (2, "other", "Straße Tenants", None)]
    assert triggers_back == triggers_before
