"""Starring sessions from the delegate's programme page (issue 20): each session card
has a form button (CSRF, no JavaScript) to add it to the agenda and, once there, says
"In your agenda" with a button to take it out; both come back to the programme."""

from __future__ import annotations

import re

import pytest

from events.models import Event
from programmes.agenda import programme_with_agenda, sign_up
from programmes.models import AgendaPick
from programmes.publishing import publish_programme
from tests.conftest import csrf_token
from tests.events.factories import invite, link_for

from .factories import registered


@pytest.fixture
async def published(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


def card(html: str, session_id: int) -> str:
    """The HTML of one session's card on the page."""
    found = re.search(rf'<article [^>]*id="session-{session_id}".*?</article>', html, re.S)
    assert found, f"no card for session {session_id}"
    return found.group(0)


async def star(client, token: str, action: str, session_id: int, page: str = "/programme", **extra):
    csrf = await csrf_token(client, f"/i/{token}{page}")
    data = {"session_id": str(session_id), "back": "programme", "csrf_token": csrf, **extra}
    return await client.post(f"/i/{token}/agenda/{action}", data=data)


async def picks(token_registration_id: int) -> list[int]:
    return sorted(
        await AgendaPick.filter(registration_id=token_registration_id).values_list(
            "session_id", flat=True
        )
    )


async def test_programme_card_offers_add_to_my_agenda_with_csrf(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]

    response = await client.get(f"/i/{token}/programme")

    html = card(response.text, keynote.id)
    assert f'action="/i/{token}/agenda/add"' in html
    assert 'name="csrf_token" value="' in html and 'value=""' not in html
    assert f'name="session_id" value="{keynote.id}"' in html
    assert "Add to my agenda" in html
    assert "In your agenda" not in html


async def test_programme_card_star_adds_and_returns_to_the_session_on_the_programme(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]

    response = await star(client, token, "add", keynote.id)
    page = await client.get(f"/i/{token}/programme")

    assert response.status_code == 303
    assert response.headers["location"] == f"/i/{token}/programme#session-{keynote.id}"
    html = card(page.text, keynote.id)
    assert "In your agenda" in html
    assert f'action="/i/{token}/agenda/remove"' in html
    assert "Add to my agenda" not in html
    assert "Add to my agenda" in card(page.text, published["sessions"][0].id)
    found = await programme_with_agenda(token)
    assert found.picked == frozenset({keynote.id})


async def test_programme_card_unstar_takes_the_session_out(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]
    await star(client, token, "add", keynote.id)

    response = await star(client, token, "remove", keynote.id)
    page = await client.get(f"/i/{token}/programme")

    assert response.status_code == 303
    assert response.headers["location"] == f"/i/{token}/programme#session-{keynote.id}"
    assert "Add to my agenda" in card(page.text, keynote.id)
    assert (await programme_with_agenda(token)).picked == frozenset()


async def test_programme_card_star_keeps_the_track_filter(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    workshop = published["sessions"][2]
    page = await client.get(f"/i/{token}/programme", params={"track": "Plan"})
    assert 'name="track" value="Plan"' in card(page.text, workshop.id)

    response = await star(client, token, "add", workshop.id, track="Plan")

    assert response.headers["location"] == (
        f"/i/{token}/programme?track=Plan#session-{workshop.id}"
    )


async def test_programme_card_star_without_csrf_is_refused_and_nothing_changes(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]
    await client.get(f"/i/{token}/programme")

    refused = await client.post(
        f"/i/{token}/agenda/add", data={"session_id": str(keynote.id), "back": "programme"}
    )

    assert refused.status_code == 403
    assert (await programme_with_agenda(token)).picked == frozenset()
    # Control: with the token it is added.
    assert (await star(client, token, "add", keynote.id)).status_code == 303
    assert (await programme_with_agenda(token)).picked == frozenset({keynote.id})


async def test_programme_card_star_of_a_closed_session_works_for_registered_delegates(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    briefing = published["sessions"][3]

    response = await star(client, token, "add", briefing.id)

    assert response.status_code == 303
    assert "In your agenda" in card((await client.get(f"/i/{token}/programme")).text, briefing.id)


async def test_programme_card_of_an_invitee_not_registered_has_no_star(
    client, event, published, organiser, settings
):
    token = await link_for(await invite(organiser, event, 2))
    keynote = published["sessions"][1]

    page = await client.get(f"/i/{token}/programme")
    refused = await star(client, token, "add", keynote.id, page="")

    assert page.status_code == 200
    assert "Add to my agenda" not in card(page.text, keynote.id)
    assert refused.status_code == 403
    assert await AgendaPick.all().count() == 0
    _, delegate = await registered(organiser, event, 3, settings)  # control: registered
    assert "Add to my agenda" in card(
        (await client.get(f"/i/{delegate}/programme")).text, keynote.id
    )
    assert (await star(client, delegate, "add", keynote.id)).status_code == 303
    assert await AgendaPick.all().count() == 1


async def test_programme_card_public_page_has_no_star(client, event, published):
    await Event.filter(id=event.id).update(visibility="public")

    page = await client.get(f"/events/{event.uuid}/programme")

    assert page.status_code == 200
    assert "Add to my agenda" not in page.text
    assert "/agenda/" not in page.text
    assert "What serious violence means here" in page.text  # the sessions are there


async def test_programme_card_says_a_workshop_place_goes_with_removing_it(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    workshop = published["sessions"][2]
    await sign_up(token, workshop.id)

    page = await client.get(f"/i/{token}/programme")

    html = card(page.text, workshop.id)
    assert "you have a place" in html
    assert "Remove from my agenda (gives up your place)" in html


async def test_agenda_add_without_back_still_returns_to_the_agenda(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]
    csrf = await csrf_token(client, f"/i/{token}/agenda")

    response = await client.post(
        f"/i/{token}/agenda/add",
        data={"session_id": str(keynote.id), "back": "https://evil.example", "csrf_token": csrf},
    )

    assert response.headers["location"] == f"/i/{token}/agenda?done=added#session-{keynote.id}"
