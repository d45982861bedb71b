"""The venue's "now and next" screen over HTTP, at a frozen time (``programmes.grid.clock``):
what it shows in each room, who may see it (public events at their address, invite-only
ones through an invitee's link), that it never shows not-for-publication or cancelled
sessions, and the ``?at=`` preview."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest

from events.service import cancel_event
from programmes import grid
from programmes.drafts import add_session
from programmes.publishing import publish_programme
from programmes.service import public_programme
from programmes.wall_routes import SCREENS_KEPT

from .factories import at, public_wall, registered, session_data


@pytest.fixture
async def wall(event, programme, organiser, settings) -> dict:
    return await public_wall(event, programme, organiser, settings)


@pytest.fixture
def frozen(monkeypatch):
    """Freeze the screens' clock; returns a setter taking hours after 9:30am."""

    def freeze(hours: float) -> None:
        monkeypatch.setattr(grid, "clock", lambda: at(hours))

    return freeze


def rows(html: str) -> list[tuple[str, str, str]]:
    """(room, on now, next) as the screen's table shows them, whitespace collapsed."""
    found = []
    for room, now, later in re.findall(
        r'<th scope="row">([^<]*)</th>\s*<td class="now-on">(.*?)</td>\s*'
        r'<td class="now-next">(.*?)</td>',
        html,
        re.S,
    ):
        text = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in (now, later)]
        found.append((room, *text))
    return found


async def test_now_screen_shows_each_room_now_and_next(client, event, wall, frozen):
    frozen(0.75)  # 10:15am: the keynote is on

    response = await client.get(f"/events/{event.uuid}/programme/now")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=30"
    assert rows(response.text) == [
        (
            "Main Hall",
            "What serious violence means here Until 11:00am Dr 李伟",
            "Workshop: partners&#39; data 11:30am",
        ),
        ("Itchen Suite", "Nothing on now", "Workshop: the draft plan 11:30am"),
        ("Elsewhere", "Nothing on now", "Lunch 1:30pm"),
    ]
    assert '<time datetime="2027-06-09T09:15:00+00:00">10:15am</time>' in response.text
    assert '<script src="/static/programme-now.js" defer></script>' in response.text
    assert "Preview" not in response.text


async def test_now_screen_session_ending_exactly_now_is_over(client, event, wall, frozen):
    frozen(1.5)  # 11:00am: the keynote has just ended

    response = await client.get(f"/events/{event.uuid}/programme/now")

    assert rows(response.text)[0] == (
        "Main Hall",
        "Nothing on now",
        "Workshop: partners&#39; data 11:30am",
    )


async def test_now_screen_never_shows_not_for_publication_or_cancelled(
    client,
    event,
    wall,
    frozen,
):
    frozen(3.25)  # 12:45pm: the closed briefing is on in the Itchen Suite; the dropped
    # talk (cancelled) would have been next in Main Hall at 2pm.

    response = await client.get(f"/events/{event.uuid}/programme/now")

    assert "Closed briefing" not in response.text
    assert "Dropped talk" not in response.text
    assert rows(response.text) == [("Elsewhere", "Nothing on now", "Lunch 1:30pm")]


async def test_now_screen_before_the_start_and_after_the_end(client, event, wall, frozen):
    frozen(-24)

    before = await client.get(f"/events/{event.uuid}/programme/now")
    frozen(4.5)
    after = await client.get(f"/events/{event.uuid}/programme/now")

    assert "The programme starts at 9:30am on Wednesday 9 June 2027." in before.text
    assert rows(before.text)[0] == (
        "Main Hall",
        "Nothing on now",
        "Welcome 9:30am, Wednesday 9 June 2027 Chief Constable Zoë Ł. Dąbrowska, Cllr Ахмед Петров",
    )
    assert "The programme has finished." in after.text
    assert rows(after.text) == []


async def test_now_screen_preview_at_a_time_on_the_event_day(client, event, wall, frozen):
    frozen(-24)

    response = await client.get(
        f"/events/{event.uuid}/programme/now", params={"at": "2027-06-09T13:40"}
    )

    assert response.status_code == 200
    assert (
        "Preview: this is the screen as it will be at Wednesday 9 June 2027, 1:40pm."
        in response.text
    )
    assert rows(response.text) == [("Elsewhere", "Lunch Until 2:00pm", "Nothing more")]


@pytest.mark.parametrize(
    "value", ["2027-06-10T10:00", "2027-06-08T23:00", "noon", "2027-06-09T10:00Z"]
)
async def test_now_screen_preview_refuses_other_days_and_text(client, event, wall, frozen, value):
    frozen(0.75)

    response = await client.get(f"/events/{event.uuid}/programme/now", params={"at": value})
    control = await client.get(
        f"/events/{event.uuid}/programme/now", params={"at": "2027-06-09T10:00"}
    )

    assert response.status_code == 422
    assert "Give a time on one of the event&#39;s days" in response.text
    assert control.status_code == 200  # a time on the day


async def test_now_screen_invite_only_event_only_through_an_invitees_link(
    client, event, programme, organiser, settings, frozen
):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    frozen(3.25)  # the closed briefing is on

    public = await client.get(f"/events/{event.uuid}/programme/now")
    personal = await client.get(f"/i/{token}/programme/now")

    assert public.status_code == 404
    assert personal.status_code == 200
    assert personal.headers["cache-control"] == "no-store"
    # A screen is read by a whole room: public sessions only, even for a registered delegate.
    assert "Closed briefing" not in personal.text
    assert f'<a href="/i/{token}/programme">' in personal.text
    # Control: the delegate's own programme page does show it.
    assert "Closed briefing" in (await client.get(f"/i/{token}/programme")).text


async def test_now_screen_unknown_link_or_event_is_not_found(client, event, wall, frozen):
    frozen(0.75)

    assert (await client.get("/i/not-a-real-token/programme/now")).status_code == 404
    assert (await client.get(f"/events/{uuid.uuid4()}/programme/now")).status_code == 404
    # Control: the real event answers.
    assert (await client.get(f"/events/{event.uuid}/programme/now")).status_code == 200


async def test_now_screen_of_a_cancelled_event_is_not_found(
    client,
    event,
    wall,
    frozen,
    organiser,
    settings,
):
    frozen(0.75)
    before = await client.get(f"/events/{event.uuid}/programme/now")
    await cancel_event(organiser, event.id, settings)

    response = await client.get(f"/events/{event.uuid}/programme/now")

    assert (before.status_code, response.status_code) == (200, 404)


def test_frozen_clock_is_restored_by_monkeypatch():
    # Outside a test that freezes it, the clock is the real time, in UTC.
    assert abs((grid.clock() - datetime.now(UTC)).total_seconds()) < 5


async def test_now_screen_shows_a_new_version_at_once(
    client, event, wall, frozen, organiser, settings
):
    frozen(0.75)
    before = await client.get(f"/events/{event.uuid}/programme/now")
    _, itchen = wall["rooms"]
    await add_session(
        organiser, event.id, session_data("Breakout: youth voices", 0.5, 1.5, room_id=itchen.id)
    )
    await publish_programme(organiser, event.id, settings, publish_anyway=True)

    after = await client.get(f"/events/{event.uuid}/programme/now")

    assert rows(before.text)[1] == (
        "Itchen Suite",
        "Nothing on now",
        "Workshop: the draft plan 11:30am",
    )
    assert rows(after.text)[1] == (
        "Itchen Suite",
        "Breakout: youth voices Until 11:00am",
        "Workshop: the draft plan 11:30am",
    )


async def test_now_screen_keeps_only_a_few_rendered_minutes(client, event, wall, frozen):
    for minutes in range(10):
        frozen(minutes / 60)
        response = await client.get(f"/events/{event.uuid}/programme/now")
        assert response.status_code == 200

    view = await public_programme(event.id)
    kept = view.outputs["now_screens"]
    assert len(kept) == SCREENS_KEPT
    assert [at for at, _ in kept] == [at((6 + m) / 60) for m in range(SCREENS_KEPT)]
    # The same minute again is the same bytes, from the store.
    again = await client.get(f"/events/{event.uuid}/programme/now")
    assert again.content == kept[(at(9 / 60), False)]
