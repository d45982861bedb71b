"""Who sees which published programme: anyone, invitees, delegates, speakers, organisers."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from convenor.auth import issue_link
from convenor.errors import NotFound
from convenor.models import Role
from events.service import create_event, publish_event
from programmes.drafts import add_session
from programmes.publishing import publish_programme
from programmes.service import (
    delegate_programme,
    organiser_programme,
    public_programme,
    speaker_calendar,
)
from tests.conftest import make_staff
from tests.events.factories import event_data, invite, link_for
from tests.programmes.factories import registered, session_data


@pytest.fixture
async def published(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


async def test_public_programme_of_invite_only_event_is_not_found(
    published, event, organiser, settings
):
    with pytest.raises(NotFound):
        await public_programme(event.id)
    _, token = await registered(organiser, event, 1, settings)
    assert (await delegate_programme(token)).view.number == 1  # control: a delegate sees it


async def test_public_programme_of_public_event_leaves_out_closed_sessions(
    app, organiser, settings
):
    event = await create_event(organiser, event_data(visibility="public"))
    await publish_event(organiser, event.id)
    await add_session(organiser, event.id, session_data("Open talk", 0, 1))
    await add_session(
        organiser, event.id, session_data("Closed talk", 1, 2, not_for_publication=True)
    )
    await publish_programme(organiser, event.id, settings)

    view = await public_programme(event.id)

    assert [s.title for s in view.public_sessions()] == ["Open talk"]


async def test_delegate_programme_for_registered_delegate_has_closed_sessions(
    published, event, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)

    programme = await delegate_programme(token)

    assert programme.registered
    assert "Closed briefing" in [s.title for s in programme.sessions]


async def test_delegate_programme_for_invitee_not_registered_leaves_closed_sessions_out(
    published, event, organiser
):
    token = await link_for(await invite(organiser, event, 3))

    programme = await delegate_programme(token)

    assert not programme.registered
    assert "Closed briefing" not in [s.title for s in programme.sessions]
    assert "Welcome" in [s.title for s in programme.sessions]  # control: public ones are


async def test_organiser_programme_of_another_organisers_event_is_not_found(
    published, event, organiser
):
    other = await make_staff(Role.ORGANISER)

    with pytest.raises(NotFound):
        await organiser_programme(other, event.id)
    assert (await organiser_programme(organiser, event.id)).number == 1  # control


async def test_speaker_calendar_has_the_speakers_sessions(published):
    chief = published["speakers"][0]
    token = await issue_link("speaker", chief.link_subject)

    calendar = Calendar.from_ical(await speaker_calendar(token, "https://example.org"))

    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Welcome", "Closed briefing"]
