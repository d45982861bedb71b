"""Moderation rules (issue 17): the publish rule, emails only to contacts who asked to
be listed, bulk approve / reject / archive of selected entries and of an import batch,
and the paged, filtered queue with duplicates for its page only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from convenor.errors import Invalid
from convenor.mail.models import OutboxMessage
from convenor.models import Role
from directory import moderation
from directory.models import Entry, How, Status
from directory.moderation import BulkAction, QueueFilter
from directory.search import SearchQuery, search
from tests.conftest import make_staff
from tests.directory.factories import asked_to_be_listed, make_entry, make_import_batch


@pytest.fixture
async def moderator(app):
    return await make_staff(Role.MODERATOR)


# -- the publish rule ------------------------------------------------------------------


async def test_approve_refuses_entry_without_a_kind_naming_the_field(taxonomy, settings, moderator):
    entry = await make_entry("Bitterne Lantern Walkers", status=Status.PENDING)
    await Entry.filter(id=entry.id).update(kind=None)

    with pytest.raises(Invalid) as refused:
        await moderation.approve_entry(entry.id, moderator, settings)

    assert list(refused.value.fields) == ["kind"]
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    await Entry.filter(id=entry.id).update(kind="community")
    await moderation.approve_entry(entry.id, moderator, settings)  # control: with a kind
    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED


async def test_approve_refuses_entry_without_a_description(taxonomy, settings, moderator):
    entry = await make_entry("Bitterne Lantern Walkers", status=Status.PENDING)
    await Entry.filter(id=entry.id).update(description="  \n ")

    with pytest.raises(Invalid) as refused:
        await moderation.approve_entry(entry.id, moderator, settings)

    assert list(refused.value.fields) == ["description"]
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    await Entry.filter(id=entry.id).update(description="Walks with lanterns.")
    await moderation.approve_entry(entry.id, moderator, settings)  # control: described
    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED


async def test_approve_publishes_entry_with_a_kind_and_description(taxonomy, settings, moderator):
    entry = await make_entry("Bitterne Lantern Walkers", status=Status.PENDING)

    await moderation.approve_entry(entry.id, moderator, settings)

    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED


async def test_set_status_published_follows_the_publish_rule(taxonomy):
    blocked = await make_entry("No Kind Yet", status=Status.HIDDEN)
    allowed = await make_entry("Kind Known", status=Status.HIDDEN)
    await Entry.filter(id=blocked.id).update(kind=None, description="")

    with pytest.raises(Invalid) as refused:
        await moderation.set_status(blocked.id, Status.PUBLISHED)
    await moderation.set_status(allowed.id, Status.PUBLISHED)

    assert sorted(refused.value.fields) == ["description", "kind"]
    assert (await Entry.get(id=blocked.id)).status == Status.HIDDEN
    assert (await Entry.get(id=allowed.id)).status == Status.PUBLISHED


async def test_set_status_other_than_published_needs_no_kind(taxonomy):
    entry = await make_entry("No Kind Yet", status=Status.PENDING)
    await Entry.filter(id=entry.id).update(kind=None)

    await moderation.set_status(entry.id, Status.HIDDEN)

    saved = await Entry.get(id=entry.id)
    assert (saved.status, saved.kind, saved.kind_label) == (Status.HIDDEN, None, "Kind not known")


# -- emails only to contacts who asked -------------------------------------------------


async def test_approval_email_only_to_a_contact_who_asked(taxonomy, settings, moderator):
    asking = await make_entry("Asked Group", status=Status.PENDING, contact_email="a@example.org")
    silent = await make_entry("Silent Group", status=Status.PENDING, contact_email="s@example.org")
    await asked_to_be_listed(asking)

    await moderation.approve_entry(asking.id, moderator, settings)
    await moderation.approve_entry(silent.id, moderator, settings)

    sent = await OutboxMessage.all().values_list("to_address", "subject")
    assert sent == [("a@example.org", "Asked Group is now in the community directory")]


# -- bulk decisions -------------------------------------------------------------------


async def test_bulk_approve_selected_publishes_them_and_emails_only_who_asked(
    taxonomy, settings, moderator
):
    batch = await make_import_batch()
    first = await make_entry(
        "Woolston Sea Cadets", Status.PENDING, batch=batch, contact_email="first@example.org"
    )
    second = await make_entry(
        "Sholing Chess Circle", Status.PENDING, batch=batch, contact_email="second@example.org"
    )
    left = await make_entry("Portswood Pantry", Status.PENDING, batch=batch)
    await asked_to_be_listed(first)

    plan = await moderation.bulk_plan(BulkAction.APPROVE, [first.id, second.id])
    outcome = await moderation.bulk_apply(
        BulkAction.APPROVE, moderator, settings, entry_ids=[first.id, second.id]
    )

    assert (plan.waiting, plan.will, plan.blocked, plan.emails) == (2, 2, {}, 1)
    assert (outcome.done, outcome.blocked, outcome.not_waiting, outcome.emailed) == (2, {}, 0, 1)
    statuses = dict(await Entry.all().values_list("id", "status"))
    assert statuses == {
        first.id: Status.PUBLISHED,
        second.id: Status.PUBLISHED,
        left.id: Status.PENDING,
    }
    published = await Entry.get(id=first.id)
    assert (published.reviewed_by_id, published.published_at is not None) == (moderator.id, True)
    sent = await OutboxMessage.all().values_list("to_address", "subject")
    assert sent == [("first@example.org", "Woolston Sea Cadets is now in the community directory")]
    found = await search(SearchQuery(text="sea cadets"))
    assert [h.entry.id for h in found.hits] == [first.id]


async def test_bulk_approve_of_a_batch_leaves_the_unpublishable_waiting(
    taxonomy, settings, moderator, monkeypatch
):
    monkeypatch.setattr(moderation, "CHUNK", 2)
    batch, other = await make_import_batch(), await make_import_batch("other.csv")
    made = [await make_entry(f"Bevois Group {i}", Status.PENDING, batch=batch) for i in range(5)]
    no_kind = await make_entry("Bevois Kindless", Status.PENDING, batch=batch)
    no_text = await make_entry("Bevois Silent", Status.PENDING, batch=batch)
    neither = await make_entry("Bevois Blank", Status.PENDING, batch=batch)
    await Entry.filter(id__in=[no_kind.id, neither.id]).update(kind=None)
    await Entry.filter(id__in=[no_text.id, neither.id]).update(description="")
    elsewhere = await make_entry("Shirley Other Batch", Status.PENDING, batch=other)
    rejected = await make_entry("Bevois Rejected Before", Status.PENDING, batch=batch)
    await Entry.filter(id=rejected.id).update(status=Status.ARCHIVED)

    plan = await moderation.bulk_plan(BulkAction.APPROVE, batch_id=batch.id)
    outcome = await moderation.bulk_apply(
        BulkAction.APPROVE, moderator, settings, batch_id=batch.id
    )

    blocked = {"kind": 1, "description": 1, "both": 1}
    assert (plan.asked, plan.waiting, plan.will, plan.blocked) == (9, 8, 5, blocked)
    assert (outcome.done, outcome.blocked, outcome.not_waiting) == (5, blocked, 1)
    assert outcome.chunks == 5  # nine entries, two a transaction
    published = set(await Entry.filter(status=Status.PUBLISHED).values_list("id", flat=True))
    assert published == {e.id for e in made}
    pending = set(await Entry.filter(status=Status.PENDING).values_list("id", flat=True))
    assert pending == {no_kind.id, no_text.id, neither.id, elsewhere.id}
    assert await OutboxMessage.all().count() == 0  # no contact asked to be listed


async def test_bulk_reject_needs_one_reason_and_emails_only_who_asked(
    taxonomy, settings, moderator
):
    batch = await make_import_batch()
    first = await make_entry(
        "Redbridge Runners", Status.PENDING, batch=batch, contact_email="run@example.org"
    )
    second = await make_entry(
        "Redbridge Readers", Status.PENDING, batch=batch, contact_email="read@example.org"
    )
    await asked_to_be_listed(second)

    with pytest.raises(Invalid) as refused:
        await moderation.bulk_apply(
            BulkAction.REJECT, moderator, settings, batch_id=batch.id, reason=" "
        )
    still = await Entry.filter(status=Status.PENDING).count()
    outcome = await moderation.bulk_apply(
        BulkAction.REJECT, moderator, settings, batch_id=batch.id, reason="Outside our area."
    )

    assert list(refused.value.fields) == ["reason"]
    assert still == 2
    assert (outcome.done, outcome.emailed) == (2, 1)
    rows = await Entry.filter(id__in=[first.id, second.id]).values_list("status", "moderation_note")
    assert rows == [(Status.ARCHIVED, "Outside our area.")] * 2
    message = await OutboxMessage.get()
    assert message.to_address == "read@example.org"
    assert "Outside our area." in message.text_body


async def test_bulk_archive_sends_no_email(taxonomy, settings, moderator):
    entry = await make_entry("Thornhill Tenants", status=Status.PENDING)
    await asked_to_be_listed(entry)

    outcome = await moderation.bulk_apply(
        BulkAction.ARCHIVE, moderator, settings, entry_ids=[entry.id]
    )

    assert (outcome.done, outcome.emailed) == (1, 0)
    assert (await Entry.get(id=entry.id)).status == Status.ARCHIVED
    assert await OutboxMessage.all().count() == 0


async def test_bulk_decision_leaves_entries_no_longer_waiting(taxonomy, settings, moderator):
    waiting = await make_entry("Still Waiting", status=Status.PENDING)
    decided = await make_entry("Already Published")
    unconfirmed = await make_entry("Not Confirmed", status=Status.PENDING)
    await Entry.filter(id=unconfirmed.id).update(confirmed_at=None)

    outcome = await moderation.bulk_apply(
        BulkAction.ARCHIVE,
        moderator,
        settings,
        entry_ids=[waiting.id, decided.id, unconfirmed.id],
    )

    assert (outcome.done, outcome.not_waiting) == (1, 2)
    statuses = dict(await Entry.all().values_list("id", "status"))
    assert statuses == {
        waiting.id: Status.ARCHIVED,
        decided.id: Status.PUBLISHED,
        unconfirmed.id: Status.PENDING,
    }


async def test_bulk_decision_with_nothing_chosen_is_invalid(taxonomy, settings, moderator):
    entry = await make_entry("Bitterne Lantern Walkers", status=Status.PENDING)

    with pytest.raises(Invalid) as refused:
        await moderation.bulk_apply(BulkAction.APPROVE, moderator, settings, entry_ids=[])

    assert list(refused.value.fields) == ["entry"]
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    outcome = await moderation.bulk_apply(  # control: one entry chosen
        BulkAction.APPROVE, moderator, settings, entry_ids=[entry.id]
    )
    assert outcome.done == 1
    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED


# -- the queue ------------------------------------------------------------------------


async def test_queue_pages_are_exact_and_stable(taxonomy):
    made = [await make_entry(f"Group {i:03}", status=Status.PENDING) for i in range(7)]
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    for i, entry in enumerate(made):  # two share a moment: the id decides
        await Entry.filter(id=entry.id).update(created_at=stamp + timedelta(minutes=i // 2))

    pages = [
        await moderation.moderation_queue(QueueFilter(page=number), per_page=3)
        for number in (1, 2, 3, 4)
    ]

    assert [(q.total, q.page, q.pages) for q in pages] == [
        (7, 1, 3),
        (7, 2, 3),
        (7, 3, 3),
        (7, 3, 3),  # past the last page: the last page
    ]
    shown = [e.id for q in pages[:3] for e in q.awaiting]
    assert shown == [e.id for e in made]


async def test_queue_filters_by_arrival_batch_and_name(taxonomy):
    batch, other = await make_import_batch(), await make_import_batch("other.csv")
    in_batch = await make_entry("Łódź Polish Club", Status.PENDING, batch=batch)
    in_other = await make_entry("Swaythling Polish Saturday School", Status.PENDING, batch=other)
    nominated = await make_entry("Polish Mums Nominated", Status.PENDING, how=How.NOMINATED)

    def names(queue):
        return sorted(e.name for e in queue.awaiting)

    by_batch = await moderation.moderation_queue(QueueFilter(batch=batch.id))
    by_how = await moderation.moderation_queue(QueueFilter(how="imported"))
    by_nominated = await moderation.moderation_queue(QueueFilter(how="nominated"))
    by_name = await moderation.moderation_queue(QueueFilter(name="LODZ"))
    everything = await moderation.moderation_queue(QueueFilter(how="nonsense"))

    assert (names(by_batch), by_batch.total, by_batch.batch.id) == (
        [in_batch.name],
        1,
        batch.id,
    )
    assert names(by_how) == sorted([in_batch.name, in_other.name])
    assert names(by_nominated) == [nominated.name]
    assert names(by_name) == [in_batch.name]
    assert everything.total == 3


async def test_queue_finds_duplicates_for_its_page_only(taxonomy, monkeypatch):
    await make_entry("Harefield Hub", charity_number="1234567")
    first = await make_entry("Harefield Hub Again", status=Status.PENDING, charity_number="1234567")
    second = await make_entry("HAREFIELD HUB", status=Status.PENDING)
    probed: list[list[int]] = []
    real = moderation.duplicates_of

    async def counting(entries):
        probed.append([e.id for e in entries])
        return await real(entries)

    monkeypatch.setattr(moderation, "duplicates_of", counting)

    queue = await moderation.moderation_queue(QueueFilter(page=1), per_page=1)

    assert probed == [[first.id]]
    assert [d.reasons for d in queue.duplicates[first.id]] == [["Same charity number"]]
    assert second.id not in queue.duplicates
    other_page = await moderation.moderation_queue(QueueFilter(page=2), per_page=1)
    assert [d.reasons for d in other_page.duplicates[second.id]] == [["Same name"]]


async def test_queue_lists_changes_and_reviews_limited_with_totals(taxonomy):
    stale = [await make_entry(f"Stale {i:02}") for i in range(moderation.SHORT_LIST + 2)]
    await Entry.filter(id__in=[e.id for e in stale]).update(
        reviewed_at=datetime(2020, 1, 1, tzinfo=UTC)
    )

    queue = await moderation.moderation_queue()
    rest, total = await moderation.reviews_due(2, per_page=moderation.SHORT_LIST)

    assert (len(queue.review_due), queue.review_due_total) == (moderation.SHORT_LIST, 12)
    assert total == 12
    assert [e.id for e in queue.review_due + rest] == [e.id for e in stale]
