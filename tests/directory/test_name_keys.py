"""Names folded as search folds them: one key per way of writing a name (issue 17)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from convenor import migrate
from convenor.db import sqlalchemy_url
from directory import service
from directory.models import Entry, How, Status
from directory.search.text import fold, name_key
from tests.directory.factories import entry_data


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("Łódź", "lodz"),
        ("społeczność", "spolecznosc"),
        ("Ærøskøbing", "aeroskobing"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Œuvre", "oeuvre"),
        ("Þórður", "thordur"),
        ("Đakovo", "dakovo"),
        ("café", "cafe"),
        ("Ｆｕｌｌ", "full"),  # noqa: RUF001 (full-width letters fold to plain ones)
        ("plain words", "plain words"),
    ],
)
def test_fold_writes_letters_as_people_type_them_without_accents(written, plain):
    assert fold(written) == plain
    assert fold(plain) == plain  # folding twice changes nothing


def test_name_key_joins_folded_words_with_single_spaces():
    assert name_key("  The Łódź   Club! ") == "the lodz club"
    assert name_key("the lodz club") == "the lodz club"
    assert name_key("St. Mary's — Food-Bank") == "st mary s food bank"
    assert name_key("!!!") == ""
    assert len(name_key("word " * 100)) == 200


async def test_writers_keep_the_name_key(taxonomy):
    entry = await service.create_entry(
        entry_data("Łódź  Polish Club"), status=Status.PUBLISHED, how=How.STAFF, source="t"
    )
    assert (await Entry.get(id=entry.id)).name_key == "lodz polish club"

    await service.update_entry(entry.id, entry_data("Ærø Sailing"))

    assert (await Entry.get(id=entry.id)).name_key == "aero sailing"


async def test_migration_keys_the_names_already_there_and_marks_self_listed_contacts(
    empty_database_factory,
):
    url = await empty_database_factory("keys")
    await asyncio.to_thread(migrate.upgrade, url, "2026_12_04_delegate_home")
    engine = create_async_engine(sqlalchemy_url(url))
    insert_entry = sa.text(
        "INSERT INTO directory_entry (id, uuid, kind, name, alternate_names, description, "
        "website, website_domain, email, phone, address, town, postcode, hide_address, "
        "charity_number, company_number, opening_times, accessibility, languages, "
        "contact_name, contact_email, status, confirmed_at, moderation_note, created_at, "
        "updated_at) VALUES (:id, :uuid, 'community', :name, '', '', '', '', '', '', '', "
        "'', '', :no, '', '', '', '', '', '', '', 'pending', :confirmed, '', :at, :at)"
    )
    at = datetime(2026, 12, 1, 10, tzinfo=UTC)
    async with engine.begin() as conn:
        for ident, name, confirmed in [
            (1, "Łódź Club", at),  # self-listed and confirmed: the contact asked
            (2, "Straße Tenants", at),  # registered at an event: confirmed, not asked
            (3, "Unconfirmed Ærø", None),  # self-listed, never confirmed
        ]:
            await conn.execute(
                insert_entry,
                {"id": ident, "uuid": f"u{ident}", "name": name, "no": False, "at": at}
                | {"confirmed": confirmed},
            )
        for ident, how in [(1, "self_listed"), (2, "registered"), (3, "self_listed")]:
            await conn.execute(
                sa.text(
                    "INSERT INTO directory_provenance (entry_id, how, source, created_at) "
                    "VALUES (:id, :how, '', :at)"
                ),
                {"id": ident, "how": how, "at": at},
            )
    await asyncio.to_thread(migrate.upgrade, url)
    async with engine.connect() as conn:
        found = await conn.execute(
            sa.text(
                "SELECT id, name_key, contact_confirmed_at IS NOT NULL FROM directory_entry "
                "ORDER BY id"
            )
        )
        rows = [tuple(row) for row in found]
    await engine.dispose()

    assert rows == [
        (1, "lodz club", True),
        (2, "strasse tenants", False),
        (3, "unconfirmed aero", False),
    ]
