"""Proposed changes (issue 17): a group's change keeps only the fields it changed and
what they said when it was sent; approving applies only those, shows a conflict where
someone changed a field since, and never undoes later moderator work (a merge's service,
alternate name and email survive an old change)."""

from __future__ import annotations

import json

import pytest

from convenor.errors import Invalid
from convenor.models import Role
from directory import moderation, service
from directory.models import ChangeStatus, Entry, EntryChange, Service, Status
from tests.conftest import csrf_token, make_staff, sign_in
from tests.directory.factories import entry_data, make_entry, make_entry_change


@pytest.fixture
async def moderator(app):
    return await make_staff(Role.MODERATOR)


async def propose(entry: Entry, **changes) -> EntryChange:
    """The group sends its entry back through the edit link with ``changes``."""
    token = await service.issue_link(service.EDIT, str(entry.id))
    data = await service.entry_data(await Entry.get(id=entry.id))
    for name, value in changes.items():
        setattr(data, name, value)
    assert await service.submit_edit(token, data) == "proposed"
    return await EntryChange.get(entry_id=entry.id, status=ChangeStatus.PENDING)


async def moderator_edit(entry: Entry, **changes) -> None:
    data = await service.entry_data(await Entry.get(id=entry.id))
    for name, value in changes.items():
        setattr(data, name, value)
    await service.update_entry(entry.id, data)


async def test_change_keeps_only_changed_fields_and_what_they_said(taxonomy):
    entry = await make_entry("Bassett Green Friends", description="Old text.", phone="023 8000")

    change = await propose(entry, description="New text.", themes=["knife-crime"])

    assert json.loads(change.data) == {"description": "New text.", "themes": ["knife-crime"]}
    assert json.loads(change.base) == {"description": "Old text.", "themes": []}


async def test_sending_the_entry_back_unchanged_keeps_no_change(taxonomy):
    entry = await make_entry("Bassett Green Friends", description="Old text.")
    await propose(entry, description="A first idea.")
    token = await service.issue_link(service.EDIT, str(entry.id))

    outcome = await service.submit_edit(token, await service.entry_data(entry))

    assert outcome == "proposed"
    assert await EntryChange.filter(status=ChangeStatus.PENDING).count() == 0


async def test_approving_applies_only_the_fields_the_group_changed(taxonomy, settings, moderator):
    entry = await make_entry("Bassett Green Friends", description="Old text.", phone="023 8000")
    change = await propose(entry, description="New text.")
    await moderator_edit(entry, phone="023 8099 9999", town="Southampton")

    review = await moderation.change_review(change.id)
    await moderation.decide_change(change.id, moderator, True, settings)

    assert [(f.name, f.conflict) for f in review.fields] == [("description", False)]
    saved = await Entry.get(id=entry.id)
    assert (saved.description, saved.phone, saved.town) == (
        "New text.",
        "023 8099 9999",
        "Southampton",
    )


async def test_conflict_is_shown_and_nothing_saved_until_the_moderator_chooses(
    taxonomy, settings, moderator
):
    entry = await make_entry("Bassett Green Friends", description="Old text.")
    change = await propose(entry, description="Group's text.", phone="023 8011 1111")
    await moderator_edit(entry, description="Moderator's text.")

    review = await moderation.change_review(change.id)
    with pytest.raises(Invalid) as refused:
        await moderation.decide_change(change.id, moderator, True, settings)

    conflicts = [(f.name, f.base, f.current, f.proposed) for f in review.conflicts]
    assert conflicts == [("description", "Old text.", "Moderator's text.", "Group's text.")]
    assert list(refused.value.fields) == ["keep-description"]
    saved = await Entry.get(id=entry.id)
    assert (saved.description, saved.phone) == ("Moderator's text.", "")
    assert (await EntryChange.get(id=change.id)).status == ChangeStatus.PENDING


@pytest.mark.parametrize(
    ("choice", "description"), [("current", "Moderator's text."), ("group", "Group's text.")]
)
async def test_moderator_picks_the_value_of_a_conflicting_field(
    taxonomy, settings, moderator, choice, description
):
    entry = await make_entry("Bassett Green Friends", description="Old text.")
    change = await propose(entry, description="Group's text.", phone="023 8011 1111")
    await moderator_edit(entry, description="Moderator's text.")

    await moderation.decide_change(
        change.id, moderator, True, settings, choices={"description": choice}
    )

    saved = await Entry.get(id=entry.id)
    assert (saved.description, saved.phone) == (description, "023 8011 1111")
    assert (await EntryChange.get(id=change.id)).status == ChangeStatus.APPROVED


async def test_old_change_after_a_merge_keeps_what_the_merge_brought(taxonomy, settings, moderator):
    """The issue's bug: approving a change sent before a merge deleted the merged
    service row, alternate name and email."""
    keep = await make_entry("Sholing Boxing Club", description="Old text.")
    change = await propose(keep, description="Boxing for all ages.")
    duplicate = await make_entry(
        "Fighting Fit Sholing",
        email="hello@fightingfit.example.org",
        services=[{"name": "Saturday sessions"}],
    )
    await moderation.merge_entries(keep.id, duplicate.id, moderator)

    await moderation.decide_change(change.id, moderator, True, settings)

    kept = await Entry.get(id=keep.id)
    assert (kept.description, kept.alternate_names, kept.email) == (
        "Boxing for all ages.",
        "Fighting Fit Sholing",
        "hello@fightingfit.example.org",
    )
    assert await Service.filter(entry_id=keep.id).values_list("name", flat=True) == [
        "Saturday sessions"
    ]


async def test_change_of_a_field_a_merge_filled_since_is_a_conflict(taxonomy, settings, moderator):
    keep = await make_entry("Sholing Boxing Club")
    change = await propose(keep, services=[{"name": "Tuesday club", "description": ""}])
    duplicate = await make_entry("Fighting Fit Sholing", services=[{"name": "Saturday sessions"}])
    await moderation.merge_entries(keep.id, duplicate.id, moderator)

    review = await moderation.change_review(change.id)
    await moderation.decide_change(
        change.id, moderator, True, settings, choices={"services": "current"}
    )

    assert [(f.name, f.conflict) for f in review.fields] == [("services", True)]
    assert await Service.filter(entry_id=keep.id).values_list("name", flat=True) == [
        "Saturday sessions"
    ]


async def test_change_sent_before_base_was_kept_reports_every_difference_as_a_conflict(
    taxonomy, settings, moderator
):
    entry = await make_entry("Bassett Green Friends", description="Old text.", phone="023 8000")
    sent = entry_data("Bassett Green Friends", description="New text.")  # no phone
    change = await make_entry_change(entry, sent)

    review = await moderation.change_review(change.id)
    with pytest.raises(Invalid):
        await moderation.decide_change(change.id, moderator, True, settings)
    await moderation.decide_change(
        change.id,
        moderator,
        True,
        settings,
        choices={"description": "group", "phone": "current"},
    )

    assert [(f.name, f.conflict, f.base_known) for f in review.fields] == [
        ("description", True, False),
        ("phone", True, False),
    ]
    saved = await Entry.get(id=entry.id)
    assert (saved.description, saved.phone) == ("New text.", "023 8000")


async def test_change_page_shows_the_conflict_and_applies_the_choice(client, taxonomy, moderator):
    entry = await make_entry("Bassett Green Friends", description="Old text.")
    change = await propose(entry, description="Group's text.")
    await moderator_edit(entry, description="Moderator's text.")
    await sign_in(client, moderator)

    shown = await client.get(f"/staff/directory/changes/{change.id}")
    token = await csrf_token(client, f"/staff/directory/changes/{change.id}")
    unchosen = await client.post(
        f"/staff/directory/changes/{change.id}", data={"decision": "approve", "csrf_token": token}
    )
    chosen = await client.post(
        f"/staff/directory/changes/{change.id}",
        data={"decision": "approve", "keep-description": "group", "csrf_token": token},
    )

    assert shown.status_code == 200
    assert "Description <strong>(conflict)</strong>" in shown.text
    for value in ("Old text.", "Moderator&#39;s text.", "Group&#39;s text."):
        assert value in shown.text
    assert unchosen.status_code == 400
    assert "Choose which description to keep" in unchosen.text
    assert chosen.status_code == 303
    assert (await Entry.get(id=entry.id)).description == "Group's text."
    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED
