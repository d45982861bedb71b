"""Directory entries that arrive from events (issue 17): what a delegate gave is kept as
fields (kind, area through the taxonomy, website, contact), the contact is asked once
whether they are happy to be listed, and an organisation is found by its name key, so
ten delegates registering at once with one new organisation make one entry.

Service level, on whichever database the suite runs (SQLite, or PostgreSQL with
CONVENOR_TEST_DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import re

import pytest

from convenor.cleaning import CONTROL_CHARACTERS
from convenor.errors import Invalid, NotFound
from directory import service
from directory.models import Entry, How, Kind, Provenance, Status
from directory.search import SearchQuery, search
from directory.taxonomy import ensure_taxonomy
from events.data import NominationData
from events.delegates import nominate, update_registration
from events.models import Nomination, Registration
from events.registration import register
from tests.directory.factories import entry_data, make_entry

from .factories import answers, invite, link_for, outbox, registered

ASK = "directory-ask-contact"
SOURCE = "Serious Violence Delivery Plan Conference"


@pytest.fixture
async def wards(app) -> None:
    await ensure_taxonomy()


def group(**fields) -> NominationData:
    values = {
        "name": "Weston Mums Network",
        "kind": "community",
        "what_they_do": "Parents keeping an eye out after school.",
        "area": "woolston",
        "website": "weston-mums.example.org",
        "contact_name": "Jo Weston",
        "contact_email": "Jo@Weston.example.org",
    }
    values.update(fields)
    return NominationData(**values)


def contact_token(message) -> str:
    found = re.search(r"http://testserver/directory/contact/(\S+)", message.text_body)
    assert found, message.text_body
    return found.group(1)


# What the delegate gave arrives as fields


async def test_nomination_keeps_kind_area_website_and_contact_as_fields(
    organiser, event, settings, wards
):
    _, token = await registered(organiser, event, settings)

    nomination = await nominate(token, group(), settings)

    entry = await Entry.get(id=nomination.entry_id)
    assert (entry.status, entry.kind, entry.name) == (
        Status.PENDING,
        Kind.COMMUNITY,
        "Weston Mums Network",
    )
    assert entry.description == "Parents keeping an eye out after school."
    assert [a.slug for a in await entry.areas.all()] == ["woolston"]
    assert (entry.website, entry.website_domain) == (
        "https://weston-mums.example.org",
        "weston-mums.example.org",
    )
    assert (entry.contact_name, entry.contact_email) == ("Jo Weston", "jo@weston.example.org")
    assert entry.name_key == "weston mums network"
    assert await Provenance.filter(entry=entry).values_list("how", "source") == [
        (How.NOMINATED, f"Nominated at {SOURCE}")
    ]


async def test_nomination_without_a_kind_leaves_the_kind_unknown(organiser, event, settings, wards):
    _, token = await registered(organiser, event, settings)

    nomination = await nominate(token, group(kind="", area="", website="", what_they_do=""))

    entry = await Entry.get(id=nomination.entry_id)
    assert (entry.kind, entry.description, entry.website) == (None, "", "")
    assert await entry.areas.all().count() == 0


async def test_typed_organisation_is_a_name_only_entry_of_unknown_kind(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings, organisation="Bitterne Boxing")

    entry = await Entry.get(id=registration.organisation_entry_id)
    assert (entry.name, entry.kind, entry.description, entry.contact_email) == (
        "Bitterne Boxing",
        None,
        "",
        "",
    )
    assert entry.status == Status.PENDING
    assert await outbox(ASK) == []


async def test_the_kind_a_delegate_chooses_for_a_typed_organisation_is_kept(
    organiser, event, settings
):
    registration, _ = await registered(
        organiser, event, settings, organisation="Bitterne Boxing", organisation_kind="voluntary"
    )

    entry = await Entry.get(id=registration.organisation_entry_id)
    assert entry.kind == Kind.VOLUNTARY


async def test_an_unknown_kind_for_a_typed_organisation_is_refused_at_its_field(
    organiser, event, settings
):
    token = await link_for(await invite(organiser, event))

    with pytest.raises(Invalid) as caught:
        await register(
            token, answers(organisation="Bitterne Boxing", organisation_kind="cult"), settings
        )

    assert caught.value.fields == {
        "organisation_kind": "Choose a kind of organisation from the list, or leave it"
    }
    assert await Entry.all().count() == 0
    assert await Registration.all().count() == 0
    known_kind = answers(organisation="Bitterne Boxing", organisation_kind="voluntary")
    assert (await register(token, known_kind, settings)).outcome == "registered"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": "Weston\x00Mums"}, {"name"}),
        ({"name": "Weston\nBcc: x@evil.example"}, {"name"}),
        ({"contact_name": "=?utf-8?b?SGk=?="}, {"contact_name"}),
        ({"what_they_do": "x" * 2001}, {"what_they_do"}),
        ({"what_they_do": "Fine\x07"}, {"what_they_do"}),
        ({"kind": "cult"}, {"kind"}),
        ({"area": "atlantis"}, {"area"}),
        ({"website": "not a website"}, {"website"}),
        ({"contact_email": "nope"}, {"contact_email"}),
        ({"name": " ", "contact_email": "bad"}, {"name", "contact_email"}),
    ],
)
async def test_a_bad_nomination_is_refused_field_by_field_and_saves_nothing(
    organiser, event, settings, wards, fields, errors
):
    _, token = await registered(organiser, event, settings)

    with pytest.raises(Invalid) as caught:
        await nominate(token, group(**fields), settings)

    assert set(caught.value.fields) == errors
    assert await Nomination.all().count() == 0
    assert await Entry.all().count() == 0
    assert await outbox(ASK) == []
    await nominate(token, group(), settings)  # control: the form filled in well
    assert await Nomination.all().count() == 1


async def test_a_good_nomination_with_every_field_at_its_limit_is_accepted(
    organiser, event, settings, wards
):
    _, token = await registered(organiser, event, settings)

    nomination = await nominate(
        token, group(name="N" * 200, what_they_do="w" * 2000, contact_name="C" * 200), settings
    )

    entry = await Entry.get(id=nomination.entry_id)
    assert (len(entry.name), len(entry.description)) == (200, 2000)


# The contact is asked, once


async def test_a_contact_given_is_asked_once_whether_they_are_happy_to_be_listed(
    organiser, event, settings, wards
):
    _, token = await registered(organiser, event, settings)

    nomination = await nominate(token, group(), settings)

    [message] = await outbox(ASK)
    assert message.to_address == "jo@weston.example.org"
    assert message.subject == "May we list Weston Mums Network in the community directory?"
    assert message.related == f"directory-entry:{nomination.entry_id}"
    assert "Delegate 1" not in message.text_body  # who named the group is not said
    assert "Area: Woolston" in message.text_body
    entry = await Entry.get(id=nomination.entry_id)
    assert entry.contact_asked_at is not None
    assert entry.contact_confirmed_at is None


async def test_a_second_nomination_of_the_group_asks_no_one_again(
    organiser, event, settings, wards
):
    _, first = await registered(organiser, event, settings, 1)
    _, second = await registered(organiser, event, settings, 2)
    await nominate(first, group(), settings)

    again = await nominate(second, group(name="weston  MUMS network!"), settings)

    assert len(await outbox(ASK)) == 1
    assert await Entry.all().count() == 1
    # One provenance row per entry, way and event.
    assert await Provenance.filter(entry_id=again.entry_id).count() == 1
    assert await Nomination.filter(entry_id=again.entry_id).count() == 2


async def test_no_contact_email_no_ask(organiser, event, settings, wards):
    _, token = await registered(organiser, event, settings)

    await nominate(token, group(contact_email="", contact_name="Jo Weston"), settings)

    assert await outbox(ASK) == []
    entry = await Entry.get()
    assert (entry.contact_name, entry.contact_asked_at) == ("", None)


async def test_no_ask_when_the_entry_exists_and_its_contact_already_confirmed(
    organiser, event, settings, wards
):
    listed = await service.list_your_group(
        entry_data("Weston Mums Network", contact_email="jo@weston.example.org"),
        settings,
        "10.0.0.1",
    )
    [confirm] = await outbox("directory-confirm")
    found = re.search(r"/directory/confirm/(\S+)", confirm.text_body)
    await service.confirm_listing(found.group(1))
    _, token = await registered(organiser, event, settings)

    nomination = await nominate(token, group(), settings)

    assert nomination.entry_id == listed.id
    assert await outbox(ASK) == []
    assert (await Entry.get(id=listed.id)).contact_confirmed_at is not None


async def test_a_published_entry_is_not_changed_by_a_nomination(organiser, event, settings, wards):
    known = await make_entry("Weston Mums Network", description="Our own words.", website="")
    _, token = await registered(organiser, event, settings)

    nomination = await nominate(token, group(contact_email=""), settings)

    entry = await Entry.get(id=known.id)
    assert nomination.entry_id == known.id
    assert (entry.description, entry.website, entry.kind) == ("Our own words.", "", Kind.COMMUNITY)
    assert await entry.areas.all().count() == 0
    assert await Provenance.filter(entry=entry).values_list("how", flat=True) == [
        How.STAFF,
        How.NOMINATED,
    ]


async def test_a_pending_entry_from_registration_takes_what_a_nomination_adds(
    organiser, event, settings, wards
):
    registration, _ = await registered(organiser, event, settings, 1, organisation="Weston Mums")
    _, token = await registered(organiser, event, settings, 2)

    await nominate(token, group(name="WESTON MUMS"), settings)

    entry = await Entry.get(id=registration.organisation_entry_id)
    assert (entry.kind, entry.website, entry.contact_email) == (
        Kind.COMMUNITY,
        "https://weston-mums.example.org",
        "jo@weston.example.org",
    )
    assert entry.description == "Parents keeping an eye out after school."
    assert [a.slug for a in await entry.areas.all()] == ["woolston"]
    assert await Entry.all().count() == 1
    assert len(await outbox(ASK)) == 1


async def test_yes_by_the_link_sets_contact_confirmed_and_the_link_then_dies(
    organiser, event, settings, wards
):
    _, token = await registered(organiser, event, settings)
    nomination = await nominate(token, group(), settings)
    [message] = await outbox(ASK)

    entry = await service.contact_answer(contact_token(message), happy=True)

    saved = await Entry.get(id=nomination.entry_id)
    assert entry.id == saved.id
    assert saved.contact_confirmed_at is not None
    assert (saved.status, saved.contact_declined_at) == (Status.PENDING, None)
    with pytest.raises(NotFound):
        await service.contact_answer(contact_token(message), happy=True)


async def test_no_by_the_link_hides_the_entry_forgets_the_contact_and_asks_never_again(
    organiser, event, settings, wards
):
    _, first = await registered(organiser, event, settings, 1)
    _, second = await registered(organiser, event, settings, 2)
    nomination = await nominate(first, group(), settings)
    [message] = await outbox(ASK)

    await service.contact_answer(contact_token(message), happy=False)

    entry = await Entry.get(id=nomination.entry_id)
    assert (entry.status, entry.contact_name, entry.contact_email) == (Status.HIDDEN, "", "")
    assert entry.contact_declined_at is not None
    assert entry.contact_confirmed_at is None
    assert "The contact said no to being listed" in entry.moderation_note
    # Named again: still the one (hidden) entry, and nobody is emailed.
    again = await nominate(second, group(), settings)
    assert again.entry_id == entry.id
    assert len(await outbox(ASK)) == 1
    assert (await Entry.get(id=entry.id)).contact_email == ""


# Found by name key among live entries


async def test_an_organisation_spelled_differently_is_the_same_entry(organiser, event, settings):
    first, _ = await registered(organiser, event, settings, 1, organisation="Łódź Polish Club")
    second, _ = await registered(organiser, event, settings, 2, organisation="lodz  polish CLUB!")

    assert first.organisation_entry_id == second.organisation_entry_id
    assert await Entry.all().count() == 1
    assert await Provenance.all().count() == 1
    # Each registration keeps what its delegate typed.
    assert (first.organisation, second.organisation) == ("Łódź Polish Club", "lodz polish CLUB!")


async def test_an_archived_or_merged_entry_is_not_found(organiser, event, settings):
    archived = await make_entry("Bitterne Boxing", status=Status.ARCHIVED)
    keep = await make_entry("Bitterne Boxing Club")
    merged = await make_entry("Bitterne Boxing")
    await Entry.filter(id=merged.id).update(merged_into_id=keep.id, status=Status.ARCHIVED)

    registration, _ = await registered(organiser, event, settings, organisation="Bitterne Boxing")

    assert registration.organisation_entry_id not in (archived.id, merged.id, keep.id)
    assert await Entry.filter(name_key="bitterne boxing", status=Status.PENDING).count() == 1


async def test_a_live_entry_of_the_same_name_is_found_published_first(organiser, event, settings):
    await make_entry("Bitterne Boxing", status=Status.PENDING)
    published = await make_entry("BITTERNE boxing")

    registration, _ = await registered(organiser, event, settings, organisation="Bitterne Boxing")

    assert registration.organisation_entry_id == published.id
    assert await Entry.all().count() == 2


async def test_changing_answers_to_a_new_organisation_finds_or_makes_its_entry(
    organiser, event, settings
):
    registration, token = await registered(organiser, event, settings, organisation="Old Group")

    updated = await update_registration(token, answers(organisation="Sholing Youth Forum"))

    entry = await Entry.get(id=updated.organisation_entry_id)
    assert entry.name == "Sholing Youth Forum"
    assert entry.id != registration.organisation_entry_id


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Saints\x00Foundation", CONTROL_CHARACTERS),
        ("Saints\r\nFoundation", "Enter this on one line"),
        ("=?utf-8?b?U2FpbnRz?=", "Remove \u201c=?\u201d: it is not allowed in a name"),
        ("S" * 201, "Use 200 characters or fewer"),
    ],
)
async def test_a_hostile_typed_organisation_is_refused_at_its_field(
    organiser, event, settings, typed, message
):
    token = await link_for(await invite(organiser, event))

    with pytest.raises(Invalid) as caught:
        await register(token, answers(organisation=typed), settings)

    assert caught.value.fields == {"organisation": message}
    assert await Entry.all().count() == 0
    assert await Registration.all().count() == 0
    plain = answers(organisation="Bitterne Boxing")
    assert (await register(token, plain, settings)).outcome == "registered"


# Ten at once


async def test_ten_delegates_registering_at_once_with_one_new_organisation_make_one_entry(
    organiser, event, settings
):
    tokens = [await link_for(await invite(organiser, event, n)) for n in range(1, 11)]

    results = await asyncio.gather(
        *(
            register(token, answers(f"Delegate {n}", organisation="Sholing Youth Forum"), settings)
            for n, token in enumerate(tokens, 1)
        )
    )

    [entry] = await Entry.all()
    assert (entry.name, entry.status, entry.kind) == ("Sholing Youth Forum", Status.PENDING, None)
    # One provenance row for the event (the registrations say who).
    assert await Provenance.filter(entry=entry).values_list("how", "source") == [
        (How.REGISTERED, f"Registered for {SOURCE}")
    ]
    assert sorted(r.outcome for r in results) == ["registered"] * 10
    linked = await Registration.filter(organisation_entry_id=entry.id).count()
    assert linked == await Registration.all().count() == 10


async def test_ten_nominations_at_once_of_one_new_group_make_one_entry_and_one_ask(
    organiser, event, settings, wards
):
    tokens = [(await registered(organiser, event, settings, n))[1] for n in range(1, 11)]

    made = await asyncio.gather(*(nominate(token, group(), settings) for token in tokens))

    [entry] = await Entry.all()
    assert {n.entry_id for n in made} == {entry.id}
    assert await Nomination.all().count() == 10
    assert await Provenance.filter(entry=entry).count() == 1
    assert len(await outbox(ASK)) == 1


# Searchable at once


async def test_entries_from_events_are_in_the_search_index_at_once(
    organiser, event, settings, wards
):
    registration, token = await registered(
        organiser, event, settings, organisation="Łódź Polish Club"
    )
    await nominate(token, group(), settings)

    pending = (Status.PENDING.value,)
    by_name = await search(SearchQuery(text="lodz polish", statuses=pending))
    by_words = await search(SearchQuery(text="school", area="woolston", statuses=pending))
    published_only = await search(SearchQuery(text="lodz polish"))

    assert [h.entry.id for h in by_name.hits] == [registration.organisation_entry_id]
    assert [h.entry.name for h in by_words.hits] == ["Weston Mums Network"]
    assert published_only.hits == []


async def test_no_ask_about_a_published_entry_or_an_unconfirmed_self_listing(
    organiser, event, settings, wards
):
    await make_entry("Weston Mums Network", contact_email="jo@weston.example.org")
    await service.list_your_group(
        entry_data("Portswood Parents", contact_email="pat@example.org"), settings, "10.0.0.1"
    )
    _, token = await registered(organiser, event, settings)

    await nominate(token, group(), settings)
    await nominate(
        token, group(name="Portswood Parents", contact_email="pat@example.org"), settings
    )

    assert await outbox(ASK) == []
    assert await Entry.all().count() == 2
