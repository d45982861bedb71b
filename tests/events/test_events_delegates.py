"""From the personal link: the manage page, answers, my data, the shared list, nominations,
and organisations recorded in the directory."""

from __future__ import annotations

import json

import pytest

from convenor.errors import Invalid, NotFound
from directory.models import Entry, How, Provenance, Status
from directory.taxonomy import ensure_taxonomy
from events.data import NominationData, QuestionData
from events.delegates import (
    delegate_view,
    my_data,
    nominate,
    shared_delegate_list,
    update_registration,
)
from events.models import Nomination, Registration
from events.questions import add_question
from events.registration import register
from events.service import create_event, publish_event
from tests.directory.factories import make_entry

from .factories import answers, event_data, invite, link_for, registered


async def test_delegate_view_shows_the_invitation_before_registering(organiser, event):
    invitation = await invite(organiser, event)

    view = await delegate_view(await link_for(invitation))

    assert (view.event.id, view.invitation.id, view.registration) == (event.id, invitation.id, None)
    assert view.registration_open is True


async def test_delegate_view_of_a_draft_event_is_not_found(organiser):
    draft = await create_event(organiser, event_data())

    with pytest.raises(NotFound):
        await delegate_view(await link_for(await invite(organiser, draft)))
    await publish_event(organiser, draft.id)
    assert (await delegate_view(await link_for(await invite(organiser, draft, 2)))) is not None


async def test_update_registration_changes_answers(organiser, event, settings):
    registration, token = await registered(organiser, event, settings)

    updated = await update_registration(token, answers(dietary="Gluten free"))

    assert updated.id == registration.id
    assert updated.dietary == "Gluten free"


async def test_update_registration_checks_answers(organiser, event, settings):
    _, token = await registered(organiser, event, settings)

    with pytest.raises(Invalid):
        await update_registration(token, answers(name=""))
    assert (await Registration.get()).name == "Delegate 1"
    await update_registration(token, answers(name="Ann Lee-Smith"))
    assert (await Registration.get()).name == "Ann Lee-Smith"


async def test_typed_organisation_becomes_a_pending_directory_entry(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings, organisation="Bitterne Boxing")

    entry = await Entry.get(id=registration.organisation_entry_id)
    assert (entry.name, entry.status) == ("Bitterne Boxing", Status.PENDING)
    [provenance] = await Provenance.filter(entry=entry)
    assert (provenance.how, provenance.source) == (How.REGISTERED, f"Registered for {event.title}")


async def test_organisation_chosen_from_the_directory_is_linked(organiser, event, settings):
    known = await make_entry("Saints Foundation")

    registration, _ = await registered(
        organiser, event, settings, organisation="", organisation_entry_id=known.id
    )

    assert (registration.organisation_entry_id, registration.organisation) == (
        known.id,
        "Saints Foundation",
    )
    assert await Entry.all().count() == 1


async def test_organisation_chosen_that_is_not_published_is_invalid(organiser, event, settings):
    pending = await make_entry("Hidden Group", status=Status.PENDING)
    token = await link_for(await invite(organiser, event))

    with pytest.raises(Invalid) as caught:
        await register(token, answers(organisation_entry_id=pending.id), settings)

    assert set(caught.value.fields) == {"organisation"}
    assert await Registration.all().count() == 0
    published = await make_entry("Open Group")
    chosen = answers(organisation_entry_id=published.id)
    assert (await register(token, chosen, settings)).outcome == "registered"


async def test_my_data_holds_everything_and_is_json(organiser, event, settings):
    lunch = await add_question(organiser, event.id, QuestionData(kind="yes_no", label="Lunch?"))
    _, token = await registered(organiser, event, settings, answers={str(lunch.id): "yes"})

    data = await my_data(token)

    assert json.loads(json.dumps(data)) == data
    assert data["invitation"]["email"] == "delegate1@partner.example.org"
    assert data["registration"]["dietary"] == "Vegetarian"
    assert data["registration"]["answers"] == [{"question": "Lunch?", "answer": "yes"}]


async def test_shared_list_has_only_consenting_registered_delegates(organiser, event, settings):
    _, token = await registered(organiser, event, settings, 1, name="Ann Lee")
    await registered(organiser, event, settings, 2, name="Bob Private", consent_to_list=False)

    listed = await shared_delegate_list(token)

    assert [d.name for d in listed] == ["Ann Lee"]


async def test_shared_list_is_not_found_for_an_invitee_who_has_not_registered(
    organiser, event, settings
):
    with pytest.raises(NotFound):
        await shared_delegate_list(await link_for(await invite(organiser, event)))
    _, token = await registered(organiser, event, settings, 2)
    assert (await shared_delegate_list(token)) is not None


async def test_nomination_becomes_a_pending_entry_nominated_at_the_event(
    organiser, event, settings
):
    await ensure_taxonomy()
    _, token = await registered(organiser, event, settings)

    nomination = await nominate(
        token,
        NominationData(
            name="Weston Mums Network",
            what_they_do="Parents keeping an eye out after school",
            area="woolston",
            contact_email="Mums@Weston.example.org",
        ),
    )

    entry = await Entry.get(id=nomination.entry_id)
    assert entry.status == Status.PENDING
    assert entry.contact_email == "mums@weston.example.org"
    # The area is an area of the directory's taxonomy, not words in the description.
    assert entry.description == "Parents keeping an eye out after school"
    assert [a.name for a in await entry.areas.all()] == ["Woolston"]
    assert nomination.area == "Woolston"
    [provenance] = await Provenance.filter(entry=entry)
    assert (provenance.how, provenance.source) == (How.NOMINATED, f"Nominated at {event.title}")
    assert await Nomination.filter(event=event).count() == 1


async def test_nomination_without_a_name_is_invalid(organiser, event, settings):
    _, token = await registered(organiser, event, settings)

    with pytest.raises(Invalid) as caught:
        await nominate(token, NominationData(name=" ", contact_email="bad"))

    assert set(caught.value.fields) == {"name", "contact_email"}
    assert await Nomination.all().count() == 0
    await ensure_taxonomy()
    await nominate(token, NominationData(name="Weston Mums", contact_email="jo@example.org"))
    assert await Nomination.all().count() == 1
