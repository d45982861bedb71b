"""Directory rules: self-listing, confirmation, edit links, provenance and taxonomy."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from convenor.errors import Invalid, NotFound, RateLimited
from convenor.mail.models import OutboxMessage
from directory import service
from directory.models import (
    ChangeStatus,
    Entry,
    EntryChange,
    How,
    Provenance,
    PublicAttempt,
    Status,
)
from tests.directory.factories import entry_data, make_entry


def link_in(message: OutboxMessage, kind: str) -> str:
    found = re.search(rf"http://testserver/directory/{kind}/(\S+)", message.text_body)
    assert found, message.text_body
    return found.group(1)


async def test_list_your_group_creates_unconfirmed_pending_entry(taxonomy, settings):
    entry = await service.list_your_group(entry_data("Shirley Walkers"), settings, "10.0.0.1")

    saved = await Entry.get(id=entry.id)
    provenance = await Provenance.filter(entry=saved).values_list("how", "source")
    assert (saved.status, saved.confirmed_at) == (Status.PENDING, None)
    assert provenance == [(How.SELF_LISTED, "Listed through the public form")]


async def test_list_your_group_emails_confirmation_link(taxonomy, settings):
    entry = await service.list_your_group(entry_data("Shirley Walkers"), settings, "10.0.0.1")

    message = await OutboxMessage.get(related=f"directory-entry:{entry.id}")
    assert message.to_address == "sam@example.org"
    assert message.subject == "Confirm your directory listing: Shirley Walkers"
    assert len(link_in(message, "confirm")) >= 40


async def test_list_your_group_with_honeypot_saves_nothing(taxonomy, settings):
    result = await service.list_your_group(
        entry_data("Spam Co"), settings, "10.0.0.1", honeypot="http://spam.example"
    )

    assert result is None
    assert await Entry.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    made = await service.list_your_group(entry_data("Spam Co"), settings, "10.0.0.1")  # no bait
    assert (await Entry.all().count(), await OutboxMessage.all().count()) == (1, 1)
    assert made.name == "Spam Co"


async def test_list_your_group_rate_limited_after_five(taxonomy, settings):
    for i in range(5):
        await service.list_your_group(entry_data(f"Group {i}"), settings, "10.0.0.2")
    assert await Entry.all().count() == 5  # the same call, five times

    with pytest.raises(RateLimited):
        await service.list_your_group(entry_data("Group 6"), settings, "10.0.0.2")
    assert await Entry.all().count() == 5
    assert await OutboxMessage.all().count() == 5


async def test_six_groups_with_six_emails_from_one_address_are_all_listed(taxonomy, settings):
    # A summit's shared Wi-Fi: one address, each group its own contact.
    for i in range(6):
        data = entry_data(f"Group {i}", contact_email=f"contact{i}@example.org")
        await service.list_your_group(data, settings, "10.0.0.9")

    assert await Entry.all().count() == 6


async def test_one_address_is_limited_past_thirty_listings_an_hour(taxonomy, settings):
    for i in range(service.LIST_PER_ADDRESS):
        data = entry_data(f"Group {i}", contact_email=f"contact{i}@example.org")
        await service.list_your_group(data, settings, "10.0.0.9")

    with pytest.raises(RateLimited):
        await service.list_your_group(
            entry_data("One more", contact_email="new@example.org"), settings, "10.0.0.9"
        )
    assert await Entry.all().count() == 30
    assert await OutboxMessage.all().count() == 30
    # Control: the same listing from another address passes.
    await service.list_your_group(
        entry_data("One more", contact_email="new@example.org"), settings, "10.0.0.10"
    )
    assert await Entry.all().count() == 31


async def test_one_email_is_limited_past_five_listings_whatever_the_address(taxonomy, settings):
    for i in range(5):
        data = entry_data(f"Group {i}", contact_email="Same@Example.org")
        await service.list_your_group(data, settings, f"10.0.1.{i}")

    for attempt in (5, 6):  # the sixth and the seventh
        with pytest.raises(RateLimited):
            await service.list_your_group(
                entry_data(f"Group {attempt}", contact_email="same@example.org"),
                settings,
                f"10.0.1.{attempt}",
            )
    assert await Entry.all().count() == 5
    # Another email from one of those addresses still passes.
    await service.list_your_group(
        entry_data("Other", contact_email="other@example.org"), settings, "10.0.1.6"
    )
    assert await Entry.all().count() == 6


async def test_the_limit_keeps_only_hashes_of_the_address_and_email(taxonomy, settings):
    await service.list_your_group(
        entry_data("Group", contact_email="kept@example.org"), settings, "10.0.0.77"
    )

    keys = await PublicAttempt.filter(action="list").values_list("client_key", flat=True)
    assert len(keys) == 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)
    assert not any("10.0.0.77" in key or "kept" in key for key in keys)


async def test_confirm_listing_marks_confirmed_once(taxonomy, settings):
    entry = await service.list_your_group(entry_data("Shirley Walkers"), settings, "10.0.0.1")
    token = link_in(await OutboxMessage.get(), "confirm")

    await service.confirm_listing(token)

    confirmed = await Entry.get(id=entry.id)
    assert confirmed.confirmed_at is not None
    # The group's own contact sent and confirmed it: they asked to be listed.
    assert confirmed.contact_confirmed_at == confirmed.confirmed_at
    with pytest.raises(NotFound):
        await service.confirm_listing(token)


async def test_confirm_listing_unknown_token_not_found(taxonomy, settings):
    entry = await service.list_your_group(entry_data("Shirley Walkers"), settings, "10.0.0.1")

    with pytest.raises(NotFound):
        await service.confirm_listing("not-a-real-token")

    assert (await Entry.get(id=entry.id)).confirmed_at is None
    await service.confirm_listing(link_in(await OutboxMessage.get(), "confirm"))  # control
    assert (await Entry.get(id=entry.id)).confirmed_at is not None


async def test_create_entry_unknown_theme_is_invalid(taxonomy):
    with pytest.raises(Invalid) as caught:
        await make_entry("Odd Group", themes=["no-such-theme"])

    assert caught.value.fields == {"themes": "Choose themes from the list"}
    assert await Entry.all().count() == 0
    made = await make_entry("Odd Group", themes=["knife-crime"])  # control: a listed theme
    assert await Entry.filter(id=made.id, themes__slug="knife-crime").exists()


async def test_request_edit_link_emails_only_the_contact(taxonomy, settings):
    entry = await make_entry("Bassett Green Friends")

    await service.request_edit_link(entry.id, "someone.else@example.org", settings, "10.0.0.3")
    await service.request_edit_link(entry.id, "SAM@example.org", settings, "10.0.0.3")

    messages = await OutboxMessage.all().values_list("to_address", "category")
    assert messages == [("sam@example.org", "directory-edit-link")]


async def test_submit_edit_to_published_entry_waits_for_moderation(taxonomy, settings):
    entry = await make_entry("Bassett Green Friends", description="Old text.")
    await service.request_edit_link(entry.id, "sam@example.org", settings, "10.0.0.3")
    token = link_in(await OutboxMessage.get(), "edit")

    outcome = await service.submit_edit(
        token, entry_data("Bassett Green Friends", description="New")
    )

    change = await EntryChange.get(entry_id=entry.id)
    assert outcome == "proposed"
    assert change.status == ChangeStatus.PENDING
    assert (await Entry.get(id=entry.id)).description == "Old text."


async def test_submit_edit_to_pending_entry_saves_directly(taxonomy, settings):
    entry = await make_entry("Bassett Green Friends", status=Status.PENDING)
    token = await service.issue_link(service.EDIT, str(entry.id))

    outcome = await service.submit_edit(
        token, entry_data("Bassett Green Friends", description="New")
    )

    assert outcome == "saved"
    assert (await Entry.get(id=entry.id)).description == "New"


async def test_add_pending_entry_records_provenance_for_moderation(taxonomy):
    entry = await service.add_pending_entry(
        "Thornhill Tenants", source="Registered for Safer Southampton Summit 2026"
    )

    saved = await Entry.get(id=entry.id)
    assert (saved.status, saved.confirmed_at is not None) == (Status.PENDING, True)
    assert await Provenance.filter(entry=saved).values_list("how", "source") == [
        (How.NOMINATED, "Registered for Safer Southampton Summit 2026")
    ]


async def test_add_pending_entry_same_name_adds_provenance_to_existing(taxonomy):
    known = await make_entry("Thornhill Tenants")

    again = await service.add_pending_entry("thornhill  TENANTS", source="Registered for Summit")

    assert again.id == known.id
    assert await Entry.all().count() == 1
    assert await Provenance.filter(entry_id=known.id).count() == 2


async def test_public_entry_unpublished_not_found(taxonomy):
    entry = await make_entry("Hidden Refuge", status=Status.HIDDEN)
    shown = await make_entry("Open Refuge")

    with pytest.raises(NotFound):
        await service.public_entry(entry.id)
    assert (await service.public_entry(shown.id)).id == shown.id  # control: published


async def test_review_due_after_twelve_months(taxonomy):
    entry = await make_entry("Old Friends")
    entry.reviewed_at = datetime(2025, 1, 1, tzinfo=UTC)

    assert service.review_due(entry, datetime(2026, 1, 2, tzinfo=UTC)) is True
    assert service.review_due(entry, datetime(2025, 12, 31, tzinfo=UTC)) is False


async def test_review_due_naive_time_is_a_bug(taxonomy):
    entry = await make_entry("Old Friends")

    with pytest.raises(ValueError):
        service.review_due(entry, datetime.now() - timedelta(days=1))
    assert service.review_due(entry, datetime.now(UTC) - timedelta(days=1)) is False  # aware
