"""An event's public page links its programme (``events.event_page``, with the link from
``programmes.event_page``) exactly when the programme page answers: a version published
for a public or unlisted event that is not cancelled."""

from __future__ import annotations

from dataclasses import replace

import pytest

from convenor.settings import DEFAULT_DOMAINS
from events.changes import event_changed
from events.event_page import EventPageLink, event_page_links
from events.models import Event
from events.service import cancel_event
from programmes.event_page import programme_link
from programmes.publishing import publish_programme
from tests.conftest import sign_in


async def make(event: Event, visibility: str) -> None:
    """The visibility set as the organiser's form sets it (and counted, so this process's
    public answers are read afresh)."""
    await Event.filter(id=event.id).update(visibility=visibility)
    event_changed(event.id)


def link_of(event: Event) -> str:
    return f'<p><a href="/events/{event.uuid}/programme">Programme</a></p>'


@pytest.mark.parametrize("visibility", ["public", "unlisted"])
async def test_the_event_page_links_the_programme_once_published(
    client, event, programme, organiser, settings, visibility
):
    await make(event, visibility)
    before = await client.get(f"/events/{event.uuid}")
    assert before.status_code == 200
    assert f"/events/{event.uuid}/programme" not in before.text
    assert (await client.get(f"/events/{event.uuid}/programme")).status_code == 404

    await publish_programme(organiser, event.id, settings)

    after = await client.get(f"/events/{event.uuid}")
    assert after.status_code == 200
    assert after.text.count(link_of(event)) == 1
    followed = await client.get(f"/events/{event.uuid}/programme")
    assert followed.status_code == 200
    assert "Welcome" in followed.text


async def test_an_invite_only_events_page_shows_staff_no_programme_link(
    client, event, programme, organiser, settings
):
    await make(event, "invite_only")
    await publish_programme(organiser, event.id, settings)
    await sign_in(client, organiser)

    page = await client.get(f"/events/{event.uuid}")

    assert page.status_code == 200  # its organiser may see the page
    assert f"/events/{event.uuid}/programme" not in page.text
    assert (await client.get(f"/events/{event.uuid}/programme")).status_code == 404
    await make(event, "unlisted")  # control: the same event, unlisted, links it
    assert link_of(event) in (await client.get(f"/events/{event.uuid}")).text


async def test_a_cancelled_events_page_drops_the_link(
    client, event, programme, organiser, settings
):
    await make(event, "public")
    await publish_programme(organiser, event.id, settings)
    assert link_of(event) in (await client.get(f"/events/{event.uuid}")).text

    await cancel_event(organiser, event.id, settings)

    page = await client.get(f"/events/{event.uuid}")
    assert page.status_code == 200
    assert "This event has been cancelled." in page.text
    assert f"/events/{event.uuid}/programme" not in page.text
    assert (await client.get(f"/events/{event.uuid}/programme")).status_code == 404


async def test_the_page_again_with_errors_keeps_the_link(
    client, event, programme, organiser, settings
):
    await make(event, "public")
    await publish_programme(organiser, event.id, settings)
    page = await client.get(f"/events/{event.uuid}")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    again = await client.post(
        f"/events/{event.uuid}/ask", data={"csrf_token": token, "name": "", "email": "x"}
    )

    assert again.status_code == 400
    assert link_of(event) in again.text


async def test_links_come_from_the_configured_domains(event, programme, organiser, settings):
    await make(event, "public")
    await publish_programme(organiser, event.id, settings)
    fresh = await Event.get(id=event.id)

    assert await programme_link(fresh) == EventPageLink(
        "Programme", f"/events/{event.uuid}/programme"
    )
    assert await event_page_links(fresh, DEFAULT_DOMAINS) == [await programme_link(fresh)]
    without = replace(settings, domains=("directory", "events")).domains
    assert await event_page_links(fresh, without) == []
