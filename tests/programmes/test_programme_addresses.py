"""Public programme addresses name the event by its uuid, as its event page does, so an
unlisted event's programme cannot be found by counting through numbers. The addresses
by number that were handed out before move to the uuid for a public event (301, the
rest of the address and the query kept) and are not found for any other; the API
answers anonymous readers by number for public events only."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from icalendar import Calendar

from convenor.errors import NotFound
from events.changes import event_changed
from events.models import Event
from programmes.emails import calendar_event
from programmes.publishing import publish_programme
from programmes.service import public_programme
from programmes.view import published_programme


@pytest.fixture
async def published(event, programme, organiser, settings) -> dict:
    await publish_programme(organiser, event.id, settings)
    return programme


async def make(event: Event, visibility: str) -> None:
    """The event's visibility changed as the organiser's form changes it (and counted, so
    this process's public answers are read afresh)."""
    await Event.filter(id=event.id).update(visibility=visibility)
    event_changed(event.id)


@pytest.mark.parametrize("visibility", ["public", "unlisted"])
async def test_the_programme_answers_at_the_events_uuid(client, event, published, visibility):
    await make(event, visibility)

    page = await client.get(f"/events/{event.uuid}/programme")
    feed = await client.get(f"/events/{event.uuid}/programme.ics")

    assert page.status_code == 200
    assert "What serious violence means here" in page.text
    assert "Closed briefing" not in page.text  # not for publication
    assert feed.status_code == 200
    titles = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert "What serious violence means here" in titles


async def test_an_upper_case_uuid_is_the_same_address(client, event, published):
    await make(event, "public")

    response = await client.get(f"/events/{event.uuid.upper()}/programme/now")

    assert response.status_code == 200
    assert f'href="/events/{event.uuid}/programme"' in response.text


async def test_a_public_events_number_moves_to_its_uuid(client, event, published):
    await make(event, "public")
    session = published["sessions"][0]

    cases = {
        f"/events/{event.id}/programme": f"/events/{event.uuid}/programme",
        f"/events/{event.id}/programme.ics": f"/events/{event.uuid}/programme.ics",
        f"/events/{event.id}/programme/sessions/{session.id}": (
            f"/events/{event.uuid}/programme/sessions/{session.id}"
        ),
        f"/events/{event.id}/programme/now?at=2027-06-09T10:00": (
            f"/events/{event.uuid}/programme/now?at=2027-06-09T10:00"
        ),
    }
    for old, new in cases.items():
        response = await client.get(old)
        assert (response.status_code, response.headers["location"]) == (301, new), old
        assert response.headers["access-control-allow-origin"] == "*"  # others' scripts
        assert response.headers["cache-control"] == "no-store"  # the event may change
        assert (await client.get(new)).status_code == 200, new


@pytest.mark.parametrize("visibility", ["unlisted", "invite_only"])
async def test_another_events_number_is_not_found(client, event, published, visibility):
    await make(event, visibility)

    for path in ("", ".ics", "/schedule.json", "/now", "/embed", "/changes.atom"):
        response = await client.get(f"/events/{event.id}/programme{path}")
        assert response.status_code == 404, path
        assert "location" not in response.headers
        assert "access-control-allow-origin" not in response.headers
        assert event.title not in response.text
    # Control: an unlisted event's programme is there at its uuid; an invite-only one's
    # is nowhere public.
    at_uuid = await client.get(f"/events/{event.uuid}/programme")
    assert at_uuid.status_code == (200 if visibility == "unlisted" else 404)


async def test_a_hostile_rest_of_an_old_address_makes_no_header(client, event, published):
    await make(event, "public")

    hostile = await client.get(f"/events/{event.id}/programme/x%0D%0ASet-Cookie:%20a=b")
    spaced = await client.get(f"/events/{event.id}/programme/a%20b")

    # A line break matches no address at all; other text stays percent-encoded.
    assert hostile.status_code == 404
    assert "location" not in hostile.headers and "set-cookie" not in hostile.headers
    assert (spaced.status_code, spaced.headers["location"]) == (
        301,
        f"/events/{event.uuid}/programme/a%20b",
    )


async def test_a_draft_events_number_is_not_found(client, event, published):
    await make(event, "public")
    await Event.filter(id=event.id).update(status="draft")
    event_changed(event.id)

    response = await client.get(f"/events/{event.id}/programme")

    assert response.status_code == 404
    assert "location" not in response.headers
    # Control: published again, the number moves to the uuid.
    await Event.filter(id=event.id).update(status="published")
    event_changed(event.id)
    assert (await client.get(f"/events/{event.id}/programme")).status_code == 301


async def test_an_unknown_uuid_or_number_is_not_found(client, event, published):
    await make(event, "public")

    assert (await client.get(f"/events/{uuid.uuid4()}/programme")).status_code == 404
    assert (await client.get(f"/events/{event.id + 1000}/programme")).status_code == 404
    assert (await client.get("/events/not-a-uuid/programme")).status_code == 404
    # Control: the event's own addresses answer.
    assert (await client.get(f"/events/{event.uuid}/programme")).status_code == 200
    assert (await client.get(f"/events/{event.id}/programme")).status_code == 301


@pytest.mark.parametrize("visibility", ["public", "unlisted"])
async def test_the_api_answers_anonymous_readers_by_number_for_public_events(
    client, event, published, visibility
):
    await make(event, visibility)

    response = await client.get(f"/api/v1/events/{event.id}/programme")

    assert response.status_code == (200 if visibility == "public" else 404)
    if visibility == "public":
        assert response.json()["title"] == event.title


async def test_the_service_takes_a_uuid_for_unlisted_and_a_number_for_public(event, published):
    await make(event, "unlisted")
    with pytest.raises(NotFound):
        await public_programme(event.id)
    assert (await public_programme(event.uuid)).event["uuid"] == event.uuid

    await make(event, "public")
    assert (await public_programme(event.id)).event["uuid"] == event.uuid
    with pytest.raises(NotFound):
        await public_programme(str(uuid.uuid4()))


async def test_links_in_exports_and_calendars_use_the_uuid(client, event, published, settings):
    await make(event, "public")

    schedule = (await client.get(f"/events/{event.uuid}/programme/schedule.json")).json()
    urls = [
        talk["url"]
        for rooms in (day["rooms"] for day in schedule["schedule"]["conference"]["days"])
        for talks in rooms.values()
        for talk in talks
    ]
    base = f"{settings.base_url}/events/{event.uuid}/programme/sessions/"
    assert urls and all(url.startswith(base) for url in urls)
    conference = schedule["schedule"]["conference"]
    assert conference["url"] == f"{settings.base_url}/events/{event.uuid}/programme"


async def test_calendar_entries_link_to_the_public_page_only_where_there_is_one(
    event, published, settings
):
    invite_only = (await published_programme(event.id)).view
    unlisted = dataclasses.replace(
        invite_only, event={**invite_only.event, "visibility": "unlisted"}
    )
    session = invite_only.public_sessions()[0]

    hidden = calendar_event(invite_only, session, base_url=settings.base_url)
    shown = calendar_event(unlisted, session, base_url=settings.base_url)

    assert invite_only.event["visibility"] == "invite_only"
    assert hidden.url is None
    assert shown.url == f"{settings.base_url}/events/{event.uuid}/programme/sessions/{session.id}"
