"""The programme's part of the delegate's home (programmes.home, added through
events.home), and the programme emails' links to it (issue 16)."""

from __future__ import annotations

import re

import pytest

from convenor.mail.models import OutboxMessage
from programmes.agenda import add_to_agenda, sign_up
from programmes.drafts import update_session
from programmes.publishing import publish_programme
from tests.events.factories import invite, link_for

from .factories import registered, session_data

LINK = re.compile(r"http://testserver/i/[A-Za-z0-9_-]+(?:#[a-z-]+)?")


@pytest.fixture
async def published(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


def part(html: str) -> str:
    """The programme section of the home."""
    start = html.index('<section aria-labelledby="programme-title" id="programme">')
    return html[start : html.index("</section>", start)]


async def test_home_links_to_programme_and_lists_my_agenda(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]
    await add_to_agenda(token, keynote.id)

    page = await client.get(f"/i/{token}")

    section = part(page.text)
    assert f'<a href="/i/{token}/programme">See the whole programme</a> (4 sessions)' in section
    assert '<h3 id="agenda">My agenda</h3>' in section
    assert (
        f'<a href="/i/{token}/programme/sessions/{keynote.id}">What serious violence means here</a>'
    ) in section
    assert f'href="/i/{token}/agenda.ics"' in section
    assert f'href="/i/{token}/agenda#feed"' in section


async def test_home_shows_workshop_places_left_and_sign_up(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    workshop = published["sessions"][2]

    page = await client.get(f"/i/{token}")

    section = part(page.text)
    assert f'href="/i/{token}/programme/sessions/{workshop.id}">Workshop: the draft plan' in section
    assert '<span class="places-left">3 places left</span>' in section
    assert f'action="/i/{token}/agenda/sign-up"' in section
    assert f'name="session_id" value="{workshop.id}"' in section


async def test_home_shows_my_workshop_place_and_full(client, event, published, organiser, settings):
    workshop = published["sessions"][2]
    _, mine = await registered(organiser, event, 1, settings)
    await sign_up(mine, workshop.id)
    for number in (2, 3):
        _, other = await registered(organiser, event, number, settings)
        await sign_up(other, workshop.id)
    _, late = await registered(organiser, event, 4, settings)

    my_page = await client.get(f"/i/{mine}")
    late_page = await client.get(f"/i/{late}")

    assert "<strong>you have a place</strong>" in part(my_page.text)
    assert '<span class="places-left">Full</span>' in part(late_page.text)
    assert '<span class="places-left">Full</span>' not in part(my_page.text)
    assert f'action="/i/{late}/agenda/sign-up"' not in late_page.text


async def test_home_of_invitee_shows_public_programme_only(client, event, published, organiser):
    invitation = await invite(organiser, event, 9)
    token = await link_for(invitation)

    page = await client.get(f"/i/{token}")

    section = part(page.text)
    assert f'<a href="/i/{token}/programme">See the whole programme</a> (3 sessions)' in section
    assert "My agenda" not in section
    assert "sign-up" not in section
    assert "Once you are registered you can choose sessions" in section


async def test_programme_published_email_lands_on_programme_part(
    client, event, programme, organiser, settings
):
    await registered(organiser, event, 1, settings)

    await publish_programme(organiser, event.id, settings)

    [message] = await OutboxMessage.filter(category="programme-published")
    [link] = set(LINK.findall(message.text_body))
    assert link.endswith("#programme")
    assert f'href="{link}"' in message.html_body
    page = await client.get(link.removeprefix("http://testserver").split("#")[0])
    assert 'id="programme"' in page.text
    assert "See the whole programme" in part(page.text)


async def test_programme_changed_email_lands_on_programme_part(
    client, event, published, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    keynote = published["sessions"][1]
    await add_to_agenda(token, keynote.id)
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data("What serious violence means here", 1, 2, kind="keynote"),
    )

    await publish_programme(organiser, event.id, settings)

    [message] = await OutboxMessage.filter(category="programme-changed")
    assert "See the whole programme and your agenda here:" in message.text_body
    [link] = set(LINK.findall(message.text_body))
    assert link.endswith("#programme")
    assert f'<a href="{link}">See the whole programme and your agenda</a>' in message.html_body
    page = await client.get(link.removeprefix("http://testserver").split("#")[0])
    assert "My agenda" in part(page.text)
