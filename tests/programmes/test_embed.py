"""The embeddable programme over HTTP: the public programme as a small page any site may
frame (its own CSP with ``frame-ancestors *`` and no X-Frame-Options) while every other
page still refuses framing; public events only; the same for every visitor."""

from __future__ import annotations

import re
import uuid

import pytest

from events.changes import event_changed
from events.models import Event
from programmes.publishing import publish_programme
from programmes.wall_routes import EMBED_POLICY

from .factories import public_wall


@pytest.fixture
async def wall(event, programme, organiser, settings) -> dict:
    return await public_wall(event, programme, organiser, settings)


async def test_embed_lists_the_public_programme_by_day(client, event, wall):
    response = await client.get(f"/events/{event.uuid}/programme/embed")

    assert response.status_code == 200
    html = response.text
    titles = re.findall(
        r'<h3><a href="/events/[0-9a-f-]{36}/programme/sessions/\d+">([^<]*)</a></h3>', html
    )
    assert titles == [
        "Welcome",
        "What serious violence means here",
        "Workshop: partners&#39; data",
        "Workshop: the draft plan",
        "Lunch",
    ]
    assert '<h2 id="embed-day-1">Wednesday 9 June 2027</h2>' in html
    assert '11:30am to 12:30pm<span class="embed-room"> · Itchen Suite</span>' in html
    assert '<link rel="stylesheet" href="/static/programme-embed.css">' in html
    assert '<base target="_top">' in html
    assert "Closed briefing" not in html
    assert "Dropped talk" not in html


async def test_embed_may_be_framed_by_any_site(client, event, wall):
    response = await client.get(f"/events/{event.uuid}/programme/embed")

    assert response.headers["content-security-policy"] == EMBED_POLICY
    assert "frame-ancestors *" in EMBED_POLICY
    assert "script-src" not in EMBED_POLICY  # default-src 'none': no scripts at all
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert "set-cookie" not in response.headers


async def test_embed_other_pages_still_refuse_framing(client, event, wall):
    for path in ("", "/now", f"/sessions/{wall['sessions'][0].id}"):
        response = await client.get(f"/events/{event.uuid}/programme{path}")

        assert response.status_code == 200, path
        assert response.headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path


async def test_embed_public_events_only(client, event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)  # invite-only

    refused = await client.get(f"/events/{event.uuid}/programme/embed")
    await Event.filter(id=event.id).update(visibility="public")
    event_changed(event.id)  # as the events service does when visibility changes
    allowed = await client.get(f"/events/{event.uuid}/programme/embed")

    assert refused.status_code == 404
    assert "x-frame-options" in refused.headers  # the 404 page is not frameable
    assert "frame-ancestors 'none'" in refused.headers["content-security-policy"]
    # Control: once public, it answers.
    assert allowed.status_code == 200


async def test_embed_unknown_event_is_not_found(client, event, wall):
    assert (await client.get(f"/events/{uuid.uuid4()}/programme/embed")).status_code == 404
    assert (await client.get(f"/events/{event.uuid}/programme/embed")).status_code == 200
