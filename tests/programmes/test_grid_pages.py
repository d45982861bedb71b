"""The timetable grid on the programme page over HTTP: the public page and a delegate's
(through their link) place each session by room and time, with the grid's stylesheet;
not-for-publication and cancelled sessions stay out of the public grid."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from events.models import Event
from events.service import create_event, publish_event
from programmes.drafts import add_session, cancel_session
from programmes.publishing import publish_programme
from tests.events.factories import SUMMER_ENDS, event_data

from .factories import public_wall, registered, session_data


@pytest.fixture
async def wall(event, programme, organiser, settings) -> dict:
    return await public_wall(event, programme, organiser, settings)


def places(html: str) -> dict[int, str]:
    """Session id -> the placement classes of its grid cell."""
    found = re.findall(r'class="grid-cell ([^"]*)" data-session="(\d+)"', html)
    return {int(sid): classes for classes, sid in found}


async def test_grid_public_page_places_sessions_by_room_and_time(client, event, wall):
    welcome, keynote, workshop, _ = wall["sessions"]

    response = await client.get(f"/events/{event.uuid}/programme")

    assert response.status_code == 200
    html = response.text
    assert '<link rel="stylesheet" href="/static/programme-grid.css">' in html
    assert places(html) == {
        welcome.id: "gc-2 gw-1 gr-2 gh-6",  # Main Hall, 9:30, half an hour
        keynote.id: "gc-2 gw-1 gr-8 gh-12",  # Main Hall, 10:00, an hour
        wall["parallel"].id: "gc-2 gw-1 gr-26 gh-12",  # Main Hall, 11:30
        workshop.id: "gc-3 gw-1 gr-26 gh-12",  # Itchen Suite beside it
        wall["lunch"].id: "gc-2 gw-2 gr-50 gh-6",  # no room: across both, 1:30pm
    }
    assert 'class="programme-grid gcols-2"' in html
    rooms = re.findall(r'<p class="grid-room ([^"]*)" aria-hidden="true">([^<]*)</p>', html)
    assert rooms == [("gc-2 gw-1", "Main Hall"), ("gc-3 gw-1", "Itchen Suite")]
    assert '<h3 id="grid-day-1" class="grid-date">Wednesday 9 June 2027</h3>' in html


async def test_grid_public_page_leaves_out_not_for_publication_and_cancelled(client, event, wall):
    response = await client.get(f"/events/{event.uuid}/programme")

    assert wall["sessions"][3].id not in places(response.text)
    assert wall["dropped"].id not in places(response.text)
    assert "Closed briefing" not in response.text
    assert "Dropped talk" not in response.text
    # Control: the public sessions are all there.
    assert len(places(response.text)) == 5


async def test_grid_each_session_is_a_link_in_time_order(client, event, wall):
    response = await client.get(f"/events/{event.uuid}/programme")

    links = re.findall(
        r'<h4><a href="/events/[0-9a-f-]{36}/programme/sessions/\d+">([^<]*)</a></h4>',
        response.text,
    )
    assert links == [
        "Welcome",
        "What serious violence means here",
        "Workshop: partners&#39; data",
        "Workshop: the draft plan",
        "Lunch",
    ]


async def test_grid_follows_the_track_filter(client, event, wall):
    response = await client.get(f"/events/{event.uuid}/programme", params={"track": "Plan"})

    assert list(places(response.text)) == [wall["sessions"][2].id]
    rooms = re.findall(r'<p class="grid-room [^"]*" aria-hidden="true">([^<]*)</p>', response.text)
    assert rooms == ["Itchen Suite"]


async def test_grid_registered_delegate_sees_not_for_publication_in_their_grid(
    client, event, wall, organiser, settings
):
    await Event.filter(id=event.id).update(visibility="invite_only")
    _, token = await registered(organiser, event, 1, settings)

    response = await client.get(f"/i/{token}/programme")

    assert response.status_code == 200
    placed = places(response.text)
    briefing = wall["sessions"][3]
    assert placed[briefing.id] == "gc-3 gw-1 gr-38 gh-12"  # Itchen Suite, 12:30pm
    assert len(placed) == 6
    # Control: the public address of an invite-only event is not found.
    assert (await client.get(f"/events/{event.uuid}/programme")).status_code == 404


async def test_grid_programme_whose_sessions_were_all_cancelled_says_so(
    client, event, organiser, settings
):
    await Event.filter(id=event.id).update(visibility="public")
    only = await add_session(organiser, event.id, session_data("Welcome", 0, 0.5))
    await publish_programme(organiser, event.id, settings)
    first = await client.get(f"/events/{event.uuid}/programme")
    await cancel_session(organiser, event.id, only.id)
    await publish_programme(organiser, event.id, settings)

    response = await client.get(f"/events/{event.uuid}/programme")

    assert response.status_code == 200
    assert "No sessions." in response.text
    assert places(response.text) == {}
    # Control: before the cancellation the session was in the grid.
    assert list(places(first.text)) == [only.id]


async def test_grid_page_links_to_the_screen_and_the_embed(client, event, wall):
    response = await client.get(f"/events/{event.uuid}/programme")

    html = response.text
    assert f'<a href="/events/{event.uuid}/programme/now">Now and next</a>' in html
    assert f'<a href="/events/{event.uuid}/programme/embed">' in html
    snippet = (
        f"&lt;iframe src=&#34;http://testserver/events/{event.uuid}/programme/embed&#34; "
        "title=&#34;Programme&#34; width=&#34;100%&#34; height=&#34;600&#34;&gt;&lt;/iframe&gt;"
    )
    assert snippet in html


async def test_grid_delegate_page_links_to_their_screen_not_the_embed(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)

    response = await client.get(f"/i/{token}/programme")

    assert f'<a href="/i/{token}/programme/now">Now and next</a>' in response.text
    assert "/embed" not in response.text


async def test_grid_two_day_event_has_a_grid_per_day(client, organiser, settings):
    made = await create_event(
        organiser,
        event_data(visibility="public", ends_at=SUMMER_ENDS + timedelta(days=1)),
    )
    await publish_event(organiser, made.id)
    first = await add_session(organiser, made.id, session_data("Day one", 0, 1))
    second = await add_session(organiser, made.id, session_data("Day two", 24.5, 25))
    await publish_programme(organiser, made.id, settings)

    response = await client.get(f"/events/{made.uuid}/programme")

    html = response.text
    days = re.findall(r'<h3 id="grid-day-(\d)" class="grid-date">([^<]*)</h3>', html)
    assert days == [("1", "Wednesday 9 June 2027"), ("2", "Thursday 10 June 2027")]
    # Each day's grid starts at its own first session: both in row 2 of their grid.
    assert places(html) == {first.id: "gc-2 gw-1 gr-2 gh-12", second.id: "gc-2 gw-1 gr-2 gh-6"}
    assert html.index("Day one") < html.index("grid-day-2") < html.index("Day two")
