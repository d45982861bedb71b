"""The changelog over HTTP (issue 20): the page and its Atom 1.0 feed, public and
through a delegate's link, read by a real XML parser; hostile titles stay text."""

from __future__ import annotations

import pytest
from lxml import etree

from events.models import Event
from programmes import public_cache
from programmes.changelog import atom_feed, public_changelog
from programmes.models import ProgrammeVersion, Session
from programmes.publishing import publish_programme
from tests.events.factories import invite, link_for

from .factories import at, change, registered

NS = {"a": "http://www.w3.org/2005/Atom"}
HOSTILE = "<script>alert(1)</script> & =cmd|' /C calc'!A0 \x07bell"


@pytest.fixture
async def public(event, programme, organiser, settings):
    await Event.filter(id=event.id).update(visibility="public")
    await publish_programme(organiser, event.id, settings)
    return programme


def parse(body: bytes):
    # A real parser that refuses entities and network access: what a feed reader meets.
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(body, parser)


def entries(root) -> list[dict]:
    return [
        {
            "id": e.findtext("a:id", namespaces=NS),
            "title": e.findtext("a:title", namespaces=NS),
            "updated": e.findtext("a:updated", namespaces=NS),
            "link": e.find("a:link", NS).get("href"),
            "content": e.findtext("a:content", namespaces=NS),
        }
        for e in root.findall("a:entry", NS)
    ]


async def published_times(event) -> dict[int, str]:
    rows = await ProgrammeVersion.filter(event_id=event.id).values_list("number", "published_at")
    return {n: at_.strftime("%Y-%m-%dT%H:%M:%SZ") for n, at_ in rows}


async def test_changes_atom_is_an_atom_feed_with_one_entry_per_version(
    client, event, public, organiser, settings
):
    keynote = public["sessions"][1]
    await change(organiser, event, keynote, starts_at=at(1), ends_at=at(2))
    await publish_programme(organiser, event.id, settings)
    base = f"{settings.base_url}/events/{event.uuid}/programme/changes"

    response = await client.get(f"/events/{event.uuid}/programme/changes.atom")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = parse(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    times = await published_times(event)
    assert root.findtext("a:title", namespaces=NS) == f"Programme changes: {event.title}"
    assert root.findtext("a:updated", namespaces=NS) == times[2]
    links = {link.get("rel"): link.get("href") for link in root.findall("a:link", NS)}
    assert links == {"self": f"{base}.atom", "alternate": base}
    assert root.findtext("a:author/a:name", namespaces=NS)
    found = entries(root)
    assert [(e["title"].split(" (")[0], e["updated"], e["link"]) for e in found] == [
        ("Version 2: 1 change", times[2], f"{base}#version-2"),
        ("Version 1: the programme is published", times[1], f"{base}#version-1"),
    ]
    assert found[0]["content"] == (
        "What serious violence means here is now Wednesday 9 June 2027, 10:30am to "
        "11:30am (was Wednesday 9 June 2027, 10:00am to 11:00am)."
    )
    assert found[1]["content"] == "The programme was published with 3 sessions."
    assert all(e["id"].startswith("urn:uuid:") for e in found)
    assert root.findtext("a:id", namespaces=NS).startswith("urn:uuid:")


async def test_changes_atom_entry_ids_stay_the_same_in_later_versions(
    client, event, public, organiser, settings
):
    path = f"/events/{event.uuid}/programme/changes.atom"
    before = entries(parse((await client.get(path)).content))
    await change(organiser, event, public["sessions"][1], starts_at=at(1), ends_at=at(2))
    await publish_programme(organiser, event.id, settings)

    after = entries(parse((await client.get(path)).content))

    assert after[1]["id"] == before[0]["id"]
    assert after[0]["id"] != before[0]["id"]
    assert len({e["id"] for e in after}) == 2


async def test_changes_atom_keeps_a_hostile_title_as_text(
    client, event, public, organiser, settings
):
    keynote = public["sessions"][1]
    await Session.filter(id=keynote.id).update(title=HOSTILE)
    await publish_programme(organiser, event.id, settings)

    response = await client.get(f"/events/{event.uuid}/programme/changes.atom")

    root = parse(response.content)
    (latest, _) = entries(root)
    assert latest["content"] == (
        "<script>alert(1)</script> & =cmd|' /C calc'!A0 bell: details have changed "
        "(was called What serious violence means here)."
    )
    assert b"<script>" not in response.content
    assert b"\x07" not in response.content


async def test_changes_page_lists_versions_and_escapes_titles(
    client, event, public, organiser, settings
):
    keynote = public["sessions"][1]
    await Session.filter(id=keynote.id).update(title=HOSTILE.replace("\x07", ""))
    await publish_programme(organiser, event.id, settings)

    response = await client.get(f"/events/{event.uuid}/programme/changes")

    assert response.status_code == 200
    assert 'id="version-2"' in response.text and 'id="version-1"' in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; =cmd|" in response.text
    assert "<script>alert(1)" not in response.text
    assert f'href="/events/{event.uuid}/programme/changes.atom"' in response.text
    assert "The programme was published with 3 sessions." in response.text


async def test_changes_of_an_invite_only_event_are_404_publicly_and_shown_by_link(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)

    page = await client.get(f"/events/{event.uuid}/programme/changes")
    atom = await client.get(f"/events/{event.uuid}/programme/changes.atom")
    mine = await client.get(f"/i/{token}/programme/changes")
    mine_atom = await client.get(f"/i/{token}/programme/changes.atom")

    assert (page.status_code, atom.status_code) == (404, 404)
    assert (mine.status_code, mine_atom.status_code) == (200, 200)
    links = {
        link.get("rel"): link.get("href") for link in parse(mine_atom.content).findall("a:link", NS)
    }
    assert links["self"] == f"{settings.base_url}/i/{token}/programme/changes.atom"


async def test_changes_through_a_dead_link_are_404(client, event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    token = await link_for(await invite(organiser, event, 3))

    good = await client.get(f"/i/{token}/programme/changes")
    bad = await client.get(f"/i/{token}x/programme/changes")

    assert (good.status_code, bad.status_code) == (200, 404)


async def test_changes_of_a_draft_event_are_404(client, event, public, organiser, monkeypatch):
    now = [5000.0]
    monkeypatch.setattr(public_cache, "clock", lambda: now[0])
    control = await client.get(f"/events/{event.uuid}/programme/changes.atom")  # published
    await Event.filter(id=event.id).update(status="draft")
    now[0] += public_cache.WINDOW  # the cached public programme has expired

    response = await client.get(f"/events/{event.uuid}/programme/changes.atom")

    assert control.status_code == 200
    assert response.status_code == 404


async def test_delegate_changes_show_closed_sessions_the_public_never_sees(
    client, event, public, organiser, settings
):
    briefing = public["sessions"][3]
    await change(organiser, event, briefing, starts_at=at(4), ends_at=at(5))
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)

    public_atom = await client.get(f"/events/{event.uuid}/programme/changes.atom")
    mine = await client.get(f"/i/{token}/programme/changes.atom")

    assert b"Closed briefing" not in public_atom.content
    assert len(entries(parse(public_atom.content))) == 1
    assert b"Closed briefing is now" in mine.content
    assert len(entries(parse(mine.content))) == 2


async def test_atom_feed_is_cached_on_the_view_per_address(event, public):
    changelog = await public_changelog(event.id)

    first = atom_feed(changelog, "https://a.example/c", "https://a.example/c.atom", str)
    again = atom_feed(changelog, "https://a.example/c", "https://a.example/c.atom", str)
    other = atom_feed(changelog, "https://b.example/c", "https://b.example/c.atom", str)

    assert first is again
    assert other != first
