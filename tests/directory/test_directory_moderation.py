"""Moderation: approve, reject with a reason, proposed changes, merge, review, duplicates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convenor.errors import Conflict, Invalid
from convenor.mail.models import OutboxMessage
from convenor.models import Role
from directory import moderation, service
from directory.models import ChangeStatus, Entry, EntryChange, How, Provenance, Status
from directory.search import SearchQuery, search
from tests.conftest import make_staff
from tests.directory.factories import asked_to_be_listed, entry_data, make_entry


@pytest.fixture
async def moderator(app):
    return await make_staff(Role.MODERATOR)


async def test_approve_entry_publishes_and_emails_contact(taxonomy, settings, moderator):
    entry = await make_entry("Peartree Parents", status=Status.PENDING)
    await asked_to_be_listed(entry)

    await moderation.approve_entry(entry.id, moderator, settings)

    saved = await Entry.get(id=entry.id)
    message = await OutboxMessage.get()
    assert (saved.status, saved.reviewed_by_id) == (Status.PUBLISHED, moderator.id)
    assert message.subject == "Peartree Parents is now in the community directory"


async def test_approve_entry_already_published_conflicts(taxonomy, settings, moderator):
    entry = await make_entry("Peartree Parents")
    waiting = await make_entry("Peartree Walkers", status=Status.PENDING)

    with pytest.raises(Conflict):
        await moderation.approve_entry(entry.id, moderator, settings)

    assert (await Entry.get(id=entry.id)).reviewed_by_id is None
    await moderation.approve_entry(waiting.id, moderator, settings)  # control: a pending one
    assert (await Entry.get(id=waiting.id)).status == Status.PUBLISHED


async def test_reject_entry_emails_reason(taxonomy, settings, moderator):
    entry = await make_entry("Peartree Parents", status=Status.PENDING)
    await asked_to_be_listed(entry)

    await moderation.reject_entry(entry.id, moderator, "We could not verify the group.", settings)

    saved = await Entry.get(id=entry.id)
    message = await OutboxMessage.get()
    assert (saved.status, saved.moderation_note) == (
        Status.ARCHIVED,
        "We could not verify the group.",
    )
    assert "We could not verify the group." in message.text_body


async def test_reject_entry_without_reason_is_invalid(taxonomy, settings, moderator):
    entry = await make_entry("Peartree Parents", status=Status.PENDING)

    await asked_to_be_listed(entry)

    with pytest.raises(Invalid):
        await moderation.reject_entry(entry.id, moderator, "  ", settings)
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    assert await OutboxMessage.all().count() == 0
    await moderation.reject_entry(entry.id, moderator, "Not local.", settings)  # control
    assert (await Entry.get(id=entry.id)).status == Status.ARCHIVED
    assert await OutboxMessage.all().count() == 1


async def test_queue_lists_confirmed_pending_only(taxonomy, settings):
    await make_entry("Confirmed Group", status=Status.PENDING)
    await service.list_your_group(entry_data("Unconfirmed Group"), settings, "10.0.0.9")

    queue = await moderation.moderation_queue()

    assert [e.name for e in queue.awaiting] == ["Confirmed Group"]
    assert queue.unconfirmed == 1


async def test_queue_flags_entries_unreviewed_for_a_year(taxonomy):
    stale = await make_entry("Stale Group")
    await make_entry("Fresh Group")
    await Entry.filter(id=stale.id).update(reviewed_at=datetime(2020, 1, 1, tzinfo=UTC))

    queue = await moderation.moderation_queue()

    assert [e.name for e in queue.review_due] == ["Stale Group"]


async def test_mark_reviewed_clears_flag(taxonomy, moderator):
    stale = await make_entry("Stale Group")
    await Entry.filter(id=stale.id).update(reviewed_at=datetime(2020, 1, 1, tzinfo=UTC))

    await moderation.mark_reviewed(stale.id, moderator)

    assert (await moderation.moderation_queue()).review_due == []
    assert (await Entry.get(id=stale.id)).reviewed_by_id == moderator.id


async def test_approved_change_replaces_published_text(taxonomy, settings, moderator):
    entry = await make_entry("Bassett Green Friends", description="Old text.")
    token = await service.issue_link(service.EDIT, str(entry.id))
    await service.submit_edit(token, entry_data("Bassett Green Friends", description="New text."))
    change = await EntryChange.get()

    await moderation.decide_change(change.id, moderator, True, settings)

    assert (await Entry.get(id=entry.id)).description == "New text."
    assert (await EntryChange.get()).status == ChangeStatus.APPROVED


async def test_rejected_change_keeps_published_text(taxonomy, settings, moderator):
    entry = await make_entry("Bassett Green Friends", description="Old text.")
    token = await service.issue_link(service.EDIT, str(entry.id))
    await service.submit_edit(token, entry_data("Bassett Green Friends", description="New text."))
    change = await EntryChange.get()

    await moderation.decide_change(change.id, moderator, False, settings, reason="Not accurate.")

    assert (await Entry.get(id=entry.id)).description == "Old text."
    assert "Not accurate." in (await OutboxMessage.get()).text_body


async def test_merge_keeps_provenance_themes_and_services(taxonomy, moderator):
    keep = await make_entry("Sholing Boxing Club", themes=["youth-diversion"])
    duplicate = await make_entry(
        "Sholing Boxing",
        themes=["knife-crime"],
        website="https://sholingboxing.example.org",
        services=[{"name": "Saturday sessions"}],
    )

    await moderation.merge_entries(keep.id, duplicate.id, moderator)

    kept = await Entry.get(id=keep.id).prefetch_related("themes", "services")
    gone = await Entry.get(id=duplicate.id)
    assert sorted(t.slug for t in kept.themes) == ["knife-crime", "youth-diversion"]
    assert [s.name for s in kept.services] == ["Saturday sessions"]
    assert (kept.website, kept.alternate_names) == (
        "https://sholingboxing.example.org",
        "Sholing Boxing",
    )
    assert await Provenance.filter(entry_id=keep.id).values_list("how", flat=True) == [
        How.STAFF,
        How.STAFF,
        How.MERGED,
    ]
    assert (gone.status, gone.merged_into_id) == (Status.ARCHIVED, keep.id)
    assert (await service.public_entry(duplicate.id)).id == keep.id


async def test_merge_entry_with_itself_is_invalid(taxonomy, moderator):
    entry = await make_entry("Sholing Boxing Club")
    duplicate = await make_entry("Sholing Boxing")

    with pytest.raises(Invalid):
        await moderation.merge_entries(entry.id, entry.id, moderator)

    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED
    await moderation.merge_entries(entry.id, duplicate.id, moderator)  # control: two entries
    assert (await Entry.get(id=duplicate.id)).merged_into_id == entry.id


async def test_merged_entry_is_found_by_its_old_name(taxonomy, moderator):
    keep = await make_entry("Sholing Boxing Club")
    duplicate = await make_entry("Fighting Fit Sholing")

    await moderation.merge_entries(keep.id, duplicate.id, moderator)
    page = await search(SearchQuery(text="fighting fit"))

    assert [h.entry.name for h in page.hits] == ["Sholing Boxing Club"]


@pytest.mark.parametrize(
    ("name", "fields", "reason"),
    [
        ("Something Else", {"charity_number": "1234567"}, "Same charity number"),
        (
            "Something Else",
            {"website": "https://www.harefield-hub.example.org/about"},
            "Same website",
        ),
        ("Something Else", {"email": "hello@harefield-hub.example.org"}, "Same email"),
        ("HAREFIELD  HUB!", {}, "Same name"),
        ("The Harefield Hub Ltd", {}, "Similar name"),
        ("Harefeld Hub", {"postcode": "SO18 5SB"}, "Same postcode, similar name"),
        ("Harefield Hub and Café", {"postcode": "SO18 5SB"}, "Same postcode, similar name"),
    ],
)
async def test_possible_duplicates_by_indexed_lookup(taxonomy, name, fields, reason):
    existing = await make_entry(
        "Harefield Hub",
        charity_number="1234567",
        website="https://harefield-hub.example.org",
        email="hello@harefield-hub.example.org",
        postcode="SO18 5SB",
    )

    found = await moderation.possible_duplicates(entry_data(name, **fields))

    assert [(d.entry.id, d.reasons) for d in found] == [(existing.id, [reason])]


async def test_similar_name_and_same_postcode_are_both_given(taxonomy):
    existing = await make_entry("Harefield Hub", postcode="SO18 5SB")

    found = await moderation.possible_duplicates(
        entry_data("The Harefield Hub", postcode="SO18 5SB")
    )

    assert [(d.entry.id, d.reasons) for d in found] == [
        (existing.id, ["Similar name", "Same postcode"])
    ]


async def test_same_postcode_alone_is_the_weakest_match_listed_last(taxonomy):
    neighbour = await make_entry("Harefield Hub", postcode="SO18 5SB")
    charity = await make_entry("Bitterne Boxing", charity_number="1100100")

    found = await moderation.possible_duplicates(
        entry_data("Woolston Sea Scouts", postcode="SO18 5SB", charity_number="1100100")
    )

    assert [(d.entry.id, d.reasons) for d in found] == [
        (charity.id, ["Same charity number"]),
        (neighbour.id, ["Same postcode"]),
    ]


async def test_possible_duplicates_of_one_entry_by_a_misspelt_name(taxonomy):
    existing = await make_entry("Harefield Community Hub")

    found = await moderation.possible_duplicates(entry_data("The Harefield Comunity Hub"))

    assert [(d.entry.id, d.reasons) for d in found] == [(existing.id, ["Similar name"])]


async def test_possible_duplicates_ignores_different_names(taxonomy):
    await make_entry("Harefield Community Hub")

    found = await moderation.possible_duplicates(entry_data("Woolston Sea Scouts"))
    control = await moderation.possible_duplicates(entry_data("Harefield Community Hub"))

    assert found == []
    assert [d.entry.name for d in control] == ["Harefield Community Hub"]
