"""Speakers' pages and .ics in the published programme (issue 20): for the public only
speakers of public sessions, for registered delegates (by their link) also those of
not-for-publication ones; never a speaker who withdrew; calendar files like every other
download (METHOD:PUBLISH with an ORGANIZER, no ATTENDEE; convenor.calendar), read by an
independent parser."""

from __future__ import annotations

import pytest
import vobject

from events.models import Event
from events.service import create_event, publish_event
from programmes.data import SessionSpeakerData, SpeakerData
from programmes.drafts import set_session_speakers
from programmes.models import Speaker
from programmes.publishing import publish_programme
from programmes.speakers import add_speaker
from tests.events.factories import event_data, invite, link_for

from .factories import registered


@pytest.fixture
async def closed_only(event, programme, organiser):
    """A speaker only in the not-for-publication briefing."""
    briefing = programme["sessions"][3]
    chief = programme["speakers"][0]
    adviser = await add_speaker(
        organiser, event.id, SpeakerData(name="Sam Adviser", email="sam@example.org")
    )
    await set_session_speakers(
        organiser,
        event.id,
        briefing.id,
        [SessionSpeakerData(chief.id, "chair"), SessionSpeakerData(adviser.id, "speaker")],
    )
    return adviser


@pytest.fixture
async def public(event, programme, closed_only, organiser, settings):
    await Event.filter(id=event.id).update(visibility="public")
    await publish_programme(organiser, event.id, settings)
    return programme


def summaries(body: bytes) -> list[str]:
    calendar = vobject.readOne(body.decode())
    return [e.summary.value for e in calendar.vevent_list]


async def test_speaker_page_public_shows_bio_and_public_sessions_only(client, event, public):
    chief = public["speakers"][0]

    response = await client.get(f"/events/{event.uuid}/programme/speakers/{chief.id}")

    assert response.status_code == 200
    assert "Chief Constable Zoë Ł. Dąbrowska" in response.text
    assert "Leads the force." in response.text
    assert (
        f'href="/events/{event.uuid}/programme/sessions/{public["sessions"][0].id}"'
        in response.text
    )
    assert "Closed briefing" not in response.text
    assert "chief@police.example.org" not in response.text


async def test_speaker_page_public_for_a_speaker_only_in_closed_sessions_is_404(
    client, event, public, closed_only, organiser, settings
):
    response = await client.get(f"/events/{event.uuid}/programme/speakers/{closed_only.id}")

    assert response.status_code == 404
    # Control: a registered delegate's programme shows the briefing, so the speaker too.
    _, token = await registered(organiser, event, 1, settings)
    theirs = await client.get(f"/i/{token}/programme/speakers/{closed_only.id}")
    assert theirs.status_code == 200
    assert "Closed briefing" in theirs.text


async def test_speaker_page_for_an_invitee_not_registered_leaves_closed_sessions_out(
    client, event, public, closed_only, organiser
):
    chief = public["speakers"][0]
    token = await link_for(await invite(organiser, event, 2))

    closed = await client.get(f"/i/{token}/programme/speakers/{closed_only.id}")
    shown = await client.get(f"/i/{token}/programme/speakers/{chief.id}")

    assert closed.status_code == 404
    assert shown.status_code == 200
    assert "Closed briefing" not in shown.text


async def test_speaker_page_of_a_speaker_who_withdrew_is_404_at_once(client, event, public):
    chief, leader, _ = public["speakers"]
    await Speaker.filter(id=leader.id).update(status="declined")

    gone = await client.get(f"/events/{event.uuid}/programme/speakers/{leader.id}")
    gone_ics = await client.get(f"/events/{event.uuid}/programme/speakers/{leader.id}.ics")
    still = await client.get(f"/events/{event.uuid}/programme/speakers/{chief.id}")

    assert (gone.status_code, gone_ics.status_code, still.status_code) == (404, 404, 200)


async def test_speaker_page_of_a_speaker_who_declined_but_is_kept_on_is_shown(
    client, event, public
):
    leader = public["speakers"][1]
    await Speaker.filter(id=leader.id).update(status="declined", keep_on_programme=True)

    response = await client.get(f"/events/{event.uuid}/programme/speakers/{leader.id}")

    assert response.status_code == 200


async def test_speaker_page_of_an_invite_only_event_is_404_publicly_and_shown_by_link(
    client, event, programme, organiser, settings
):
    chief = programme["speakers"][0]
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)

    page = await client.get(f"/events/{event.uuid}/programme/speakers/{chief.id}")
    ics = await client.get(f"/events/{event.uuid}/programme/speakers/{chief.id}.ics")
    mine = await client.get(f"/i/{token}/programme/speakers/{chief.id}")

    assert (page.status_code, ics.status_code, mine.status_code) == (404, 404, 200)


async def test_speaker_page_of_another_events_speaker_is_404(
    client, event, public, organiser, settings
):
    other = await publish_event(organiser, (await create_event(organiser, event_data())).id)
    await Event.filter(id=other.id).update(visibility="public")
    chief = public["speakers"][0]

    wrong = await client.get(f"/events/{other.uuid}/programme/speakers/{chief.id}")
    right = await client.get(f"/events/{event.uuid}/programme/speakers/{chief.id}")

    assert (wrong.status_code, right.status_code) == (404, 200)


async def test_speaker_calendar_public_is_a_publish_with_organizer_and_public_sessions(
    client, event, public
):
    chief = public["speakers"][0]

    response = await client.get(f"/events/{event.uuid}/programme/speakers/{chief.id}.ics")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = vobject.readOne(response.text)
    assert calendar.method.value == "PUBLISH"
    assert summaries(response.content) == ["Welcome"]
    (vevent,) = calendar.vevent_list
    assert vevent.organizer.value.lower() == f"mailto:{event.contact_email}".lower()
    assert not hasattr(vevent, "attendee")


async def test_speaker_calendar_for_a_registered_delegate_has_closed_sessions(
    client, event, public, organiser, settings
):
    chief = public["speakers"][0]
    _, token = await registered(organiser, event, 1, settings)

    response = await client.get(f"/i/{token}/programme/speakers/{chief.id}.ics")

    assert response.status_code == 200
    assert summaries(response.content) == ["Welcome", "Closed briefing"]
    assert "access-control-allow-origin" not in response.headers


async def test_speaker_calendar_once_the_event_is_cancelled_strikes_sessions_out(
    client, event, public, organiser, settings
):
    chief = public["speakers"][0]
    _, token = await registered(organiser, event, 1, settings)
    await Event.filter(id=event.id).update(status="cancelled")

    response = await client.get(f"/i/{token}/programme/speakers/{chief.id}.ics")

    calendar = vobject.readOne(response.text)
    assert [e.status.value for e in calendar.vevent_list] == ["CANCELLED", "CANCELLED"]


async def test_speaker_page_keeps_hostile_text_as_text(client, event, public, organiser, settings):
    chief = public["speakers"][0]
    await Speaker.filter(id=chief.id).update(
        bio="<img src=x onerror=alert(1)> & \"=cmd|' /C calc'!A0\"", job_title="<b>Chief</b>"
    )
    await publish_programme(organiser, event.id, settings)

    response = await client.get(f"/events/{event.uuid}/programme/speakers/{chief.id}")

    assert response.status_code == 200
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;=cmd|&#39; /C calc&#39;!A0&#34;" in (
        response.text
    )
    assert "<img src=x" not in response.text
    assert "&lt;b&gt;Chief&lt;/b&gt;" in response.text
