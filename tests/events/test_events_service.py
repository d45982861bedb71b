"""Creating and changing events, and who may see them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convenor.errors import Conflict, Forbidden, Invalid, NotFound
from convenor.models import Role
from events.access import events_for, get_event_for
from events.models import Event, EventStatus, Visibility
from events.service import (
    add_organiser,
    cancel_event,
    create_event,
    publish_event,
    remove_organiser,
    update_event,
)
from tests.conftest import make_staff

from .factories import SUMMER_ENDS, SUMMER_STARTS, event_data


async def test_create_event_is_a_draft_with_the_creator_as_organiser(organiser):
    event = await create_event(organiser, event_data())

    assert event.status == EventStatus.DRAFT
    assert event.visibility == Visibility.INVITE_ONLY
    assert event.time_zone == "Europe/London"
    assert event.venue_postcode == "SO14 5FP"
    assert event.calendar_sequence == 0
    assert event.seats_taken == 0
    assert [u.id for u in await event.organisers.all()] == [organiser.id]


async def test_create_event_gives_each_event_its_own_calendar_uid(organiser):
    first = await create_event(organiser, event_data())
    second = await create_event(organiser, event_data())

    assert first.calendar_uid != second.calendar_uid
    assert first.calendar_uid.endswith("@convenor")
    assert len(first.calendar_uid.split("@")[0]) == 32


async def test_create_event_reports_every_wrong_field(organiser):
    data = event_data(
        title="  ",
        contact_email="not an address",
        ends_at=SUMMER_STARTS,
        capacity=0,
        time_zone="Mars/Olympus",
        visibility="secret",
        venue_postcode="NOT A POSTCODE",
    )

    with pytest.raises(Invalid) as caught:
        await create_event(organiser, data)

    assert set(caught.value.fields) == {
        "title",
        "contact_email",
        "ends_at",
        "capacity",
        "time_zone",
        "visibility",
        "venue_postcode",
    }
    assert await Event.all().count() == 0
    assert (await create_event(organiser, event_data())).status == EventStatus.DRAFT


async def test_create_event_refuses_a_naive_time(organiser):
    with pytest.raises(ValueError, match="naive"):
        await create_event(organiser, event_data(starts_at=datetime(2027, 6, 9, 9, 30)))
    assert await Event.all().count() == 0
    aware = datetime(2027, 6, 9, 9, 30, tzinfo=UTC)
    assert (await create_event(organiser, event_data(starts_at=aware))).starts_at == aware


async def test_create_event_refuses_registration_closing_before_it_opens(organiser):
    data = event_data(
        registration_opens_at=datetime(2027, 5, 1, tzinfo=UTC),
        registration_closes_at=datetime(2027, 4, 1, tzinfo=UTC),
    )

    with pytest.raises(Invalid) as caught:
        await create_event(organiser, data)

    assert caught.value.fields == {
        "registration_closes_at": "Registration must close after it opens"
    }
    assert await Event.all().count() == 0
    swapped = event_data(
        registration_opens_at=datetime(2027, 4, 1, tzinfo=UTC),
        registration_closes_at=datetime(2027, 5, 1, tzinfo=UTC),
    )
    assert (await create_event(organiser, swapped)).status == EventStatus.DRAFT


async def test_create_event_is_forbidden_to_a_moderator(organiser):
    moderator = await make_staff(Role.MODERATOR)

    with pytest.raises(Forbidden):
        await create_event(moderator, event_data())
    assert await Event.all().count() == 0
    assert (await create_event(organiser, event_data())).status == EventStatus.DRAFT


async def test_events_for_lists_only_the_organisers_own_events(organiser):
    other = await make_staff(Role.ORGANISER)
    mine = await create_event(organiser, event_data(title="Mine"))
    await create_event(other, event_data(title="Theirs"))

    assert [e.id for e in await events_for(organiser)] == [mine.id]


async def test_events_for_lists_every_event_for_an_admin(organiser):
    admin = await make_staff(Role.ADMIN)
    first = await create_event(organiser, event_data(title="First"))
    second = await create_event(await make_staff(Role.ORGANISER), event_data(title="Second"))

    assert {e.id for e in await events_for(admin)} == {first.id, second.id}


async def test_get_event_for_another_organisers_event_is_not_found(organiser):
    other = await make_staff(Role.ORGANISER)
    theirs = await create_event(other, event_data())

    with pytest.raises(NotFound):
        await get_event_for(organiser, theirs.id)
    assert (await get_event_for(other, theirs.id)).id == theirs.id


async def test_update_event_of_another_organiser_is_not_found(organiser, settings):
    owner = await make_staff(Role.ORGANISER)
    theirs = await create_event(owner, event_data())
    with pytest.raises(NotFound):
        await update_event(organiser, theirs.id, event_data(title="Hijacked"), settings)
    assert (await Event.get(id=theirs.id)).title == theirs.title
    await update_event(owner, theirs.id, event_data(title="Renamed"), settings)
    assert (await Event.get(id=theirs.id)).title == "Renamed"


async def test_moderator_sees_no_events(organiser):
    await create_event(organiser, event_data())
    moderator = await make_staff(Role.MODERATOR)

    assert await events_for(moderator) == []


async def test_added_organiser_sees_the_event(organiser):
    event = await create_event(organiser, event_data())
    colleague = await make_staff(Role.ORGANISER)

    await add_organiser(organiser, event.id, colleague.email)

    assert (await get_event_for(colleague, event.id)).id == event.id


async def test_remove_organiser_keeps_the_last_one(organiser):
    event = await create_event(organiser, event_data())

    with pytest.raises(Conflict):
        await remove_organiser(organiser, event.id, organiser.id)
    assert [o.id for o in await event.organisers.all()] == [organiser.id]
    colleague = await make_staff(Role.ORGANISER)
    await add_organiser(organiser, event.id, colleague.email)
    await remove_organiser(organiser, event.id, organiser.id)
    assert [o.id for o in await event.organisers.all()] == [colleague.id]


async def test_update_event_of_a_draft_changes_fields_without_raising_sequence(organiser, settings):
    event = await create_event(organiser, event_data())

    updated = await update_event(
        organiser, event.id, event_data(title="Renamed", ends_at=SUMMER_ENDS), settings
    )

    assert updated.title == "Renamed"
    assert updated.calendar_sequence == 0


async def test_publish_event_sets_status_and_time(organiser):
    event = await create_event(organiser, event_data())

    published = await publish_event(organiser, event.id)

    assert published.status == EventStatus.PUBLISHED
    assert published.published_at is not None


async def test_cancelled_event_cannot_be_updated(organiser, settings):
    event = await create_event(organiser, event_data())
    await update_event(organiser, event.id, event_data(title="Before cancelling"), settings)
    await cancel_event(organiser, event.id, settings)
    with pytest.raises(Conflict):
        await update_event(organiser, event.id, event_data(), settings)
    assert (await Event.get(id=event.id)).title == "Before cancelling"
