"""A delegate's agenda over HTTP: picking, workshop sign-up, downloads, the secret feed."""

from __future__ import annotations

import pytest
import vobject

from programmes.agenda import add_to_agenda, agenda_feed_link, saved_agenda_feed_link
from programmes.models import AgendaPick, Session
from programmes.publishing import publish_programme
from tests.conftest import csrf_token
from tests.events.factories import invite, link_for

from .factories import registered


@pytest.fixture
async def published(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


async def post(client, token: str, action: str, data: dict | None = None):
    csrf = await csrf_token(client, f"/i/{token}/agenda")
    return await client.post(
        f"/i/{token}/agenda/{action}", data={**(data or {}), "csrf_token": csrf}
    )


async def test_agenda_page_empty_offers_every_session(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)

    response = await client.get(f"/i/{token}/agenda")

    assert response.status_code == 200
    assert "You have not picked any sessions yet" in response.text
    assert "Closed briefing" in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_agenda_add_puts_session_in_agenda(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]

    response = await post(client, token, "add", {"session_id": str(keynote.id)})
    page = await client.get(f"/i/{token}/agenda")

    assert response.status_code == 303
    assert response.headers["location"] == f"/i/{token}/agenda?done=added#session-{keynote.id}"
    assert "The session is in your agenda." not in page.text  # no ?done on a plain visit
    assert (
        page.text.index("Sessions I have picked")
        < page.text.index("What serious violence means here")
        < page.text.index("Add sessions")
    )


async def test_agenda_remove_takes_session_out(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]
    await add_to_agenda(token, keynote.id)

    response = await post(client, token, "remove", {"session_id": str(keynote.id)})
    page = await client.get(f"/i/{token}/agenda")

    assert response.status_code == 303
    assert "You have not picked any sessions yet" in page.text


async def test_agenda_sign_up_takes_a_place(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    workshop = published["sessions"][2]

    response = await post(client, token, "sign-up", {"session_id": str(workshop.id)})
    page = await client.get(f"/i/{token}/agenda")

    assert response.status_code == 303
    assert "You have a place." in page.text


async def test_agenda_sign_up_full_workshop_is_409_with_message(
    client, event, published, organiser, settings
):
    workshop = published["sessions"][2]
    for number in range(1, 4):
        _, other = await registered(organiser, event, number, settings)
        await post(client, other, "sign-up", {"session_id": str(workshop.id)})
    _, token = await registered(organiser, event, 4, settings)

    response = await post(client, token, "sign-up", {"session_id": str(workshop.id)})

    assert response.status_code == 409
    assert "Sorry, this workshop is full." in response.text
    assert (await Session.get(id=workshop.id)).places_taken == 3
    assert await AgendaPick.filter(session_id=workshop.id).count() == 3
    await post(client, other, "give-up", {"session_id": str(workshop.id)})
    control = await post(client, token, "sign-up", {"session_id": str(workshop.id)})
    assert control.status_code == 303  # a place came free
    assert (await Session.get(id=workshop.id)).places_taken == 3


async def test_agenda_add_bad_session_is_404(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    response = await post(client, token, "add", {"session_id": "nonsense"})
    welcome = published["sessions"][0]
    control = await post(client, token, "add", {"session_id": str(welcome.id)})

    assert response.status_code == 404
    assert control.status_code == 303
    assert await AgendaPick.all().values_list("session_id", flat=True) == [welcome.id]


async def test_agenda_add_without_csrf_is_refused(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    welcome = published["sessions"][0]

    response = await client.post(f"/i/{token}/agenda/add", data={"session_id": str(welcome.id)})

    assert response.status_code == 403
    assert await AgendaPick.all().count() == 0
    control = await post(client, token, "add", {"session_id": str(welcome.id)})
    assert control.status_code == 303
    assert await AgendaPick.all().values_list("session_id", flat=True) == [welcome.id]


async def test_agenda_invitee_not_registered_cannot_see_it(
    client, event, published, organiser, settings
):
    token = await link_for(await invite(organiser, event, 5))
    _, registered_token = await registered(organiser, event, 6, settings)

    response = await client.get(f"/i/{token}/agenda")
    control = await client.get(f"/i/{registered_token}/agenda")

    assert response.status_code == 403
    assert control.status_code == 200


async def test_agenda_unknown_link_is_404(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    response = await client.get("/i/not-a-token/agenda")
    control = await client.get(f"/i/{token}/agenda")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_agenda_download_has_picked_sessions(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    await add_to_agenda(token, published["sessions"][3].id)

    response = await client.get(f"/i/{token}/agenda.ics")

    assert response.status_code == 200
    calendar = vobject.readOne(response.text)
    assert [e.summary.value for e in calendar.vevent_list] == ["Closed briefing"]


async def test_agenda_page_visit_makes_no_feed_link(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    await client.get(f"/i/{token}/agenda")

    assert await saved_agenda_feed_link(token, settings) is None
    made = await agenda_feed_link(token, settings)  # control: asking for one makes it
    assert await saved_agenda_feed_link(token, settings) == made


async def test_agenda_feed_link_shows_webcal_and_https(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)

    response = await post(client, token, "feed")
    page = await client.get(f"/i/{token}/agenda")

    url = await saved_agenda_feed_link(token, settings)
    assert response.status_code == 303
    assert url.startswith("http://testserver/agenda/")
    assert f'href="{url}"' in page.text
    assert 'href="webcal://testserver/agenda/' in page.text


async def test_agenda_feed_serves_picks_and_answers_304(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    await add_to_agenda(token, published["sessions"][0].id)
    await post(client, token, "feed")
    path = (await saved_agenda_feed_link(token, settings)).removeprefix("http://testserver")

    first = await client.get(path)
    again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})

    assert first.status_code == 200
    assert [e.summary.value for e in vobject.readOne(first.text).vevent_list] == ["Welcome"]
    assert "Delegate 1" not in first.text
    assert again.status_code == 304


async def test_agenda_feed_rotate_kills_old_address(client, event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    await post(client, token, "feed")
    old = (await saved_agenda_feed_link(token, settings)).removeprefix("http://testserver")

    response = await post(client, token, "feed/rotate")
    new = (await saved_agenda_feed_link(token, settings)).removeprefix("http://testserver")

    assert response.status_code == 303
    assert new != old
    assert (await client.get(old)).status_code == 404
    assert (await client.get(new)).status_code == 200


async def test_agenda_of_another_delegate_is_not_shown(
    client, event, published, organiser, settings
):
    _, mine = await registered(organiser, event, 1, settings)
    _, theirs = await registered(organiser, event, 2, settings)
    await add_to_agenda(theirs, published["sessions"][1].id)

    response = await client.get(f"/i/{mine}/agenda")

    assert "You have not picked any sessions yet" in response.text


async def test_saved_agenda_feed_link_none_until_made(event, published, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    assert await saved_agenda_feed_link(token, settings) is None
    made = await agenda_feed_link(token, settings)
    assert await saved_agenda_feed_link(token, settings) == made
