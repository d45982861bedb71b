"""The published programme over HTTP: public pages, downloads, the delegate's view
through their link, and who gets a 404."""

from __future__ import annotations

import json

import pytest
import vobject
from lxml import etree

from events.models import Event
from events.service import create_event, publish_event
from programmes.data import SpeakerData
from programmes.drafts import add_session
from programmes.publishing import publish_programme
from programmes.speakers import update_speaker
from tests.conftest import sign_in
from tests.events.factories import event_data, invite, link_for

from .factories import registered, session_data


@pytest.fixture
async def public(event, programme, organiser, settings):
    await Event.filter(id=event.id).update(visibility="public")
    await publish_programme(organiser, event.id, settings)
    return programme


@pytest.fixture
async def invite_only(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


async def test_programme_page_public_lists_sessions_by_time(client, event, public):
    response = await client.get(f"/events/{event.uuid}/programme")

    assert response.status_code == 200
    text = response.text
    assert text.index("Welcome") < text.index("What serious violence means here")
    assert text.index("What serious violence means here") < text.index("Workshop: the draft plan")
    assert "Zoë Ł. Dąbrowska" in text
    assert "Leads the force." in text
    assert "10:00am" in text


async def test_programme_page_public_leaves_out_not_for_publication(client, event, public):
    response = await client.get(f"/events/{event.uuid}/programme")

    assert "Closed briefing" not in response.text
    assert response.status_code == 200
    assert "What serious violence means here" in response.text  # control: a public one is


async def test_programme_page_filters_by_track(client, event, public):
    response = await client.get(f"/events/{event.uuid}/programme", params={"track": "Plan"})

    assert response.status_code == 200
    assert "Workshop: the draft plan" in response.text
    assert "What serious violence means here" not in response.text


async def test_programme_page_unknown_track_shows_everything(client, event, public):
    response = await client.get(f"/events/{event.uuid}/programme", params={"track": "<b>x</b>"})

    assert response.status_code == 200
    assert "What serious violence means here" in response.text
    assert "<b>x</b>" not in response.text


async def test_programme_page_invite_only_is_404_for_anonymous(
    client, event, invite_only, organiser, settings
):
    for path in ("", ".ics", ".pdf", "/schedule.json", "/schedule.xml"):
        response = await client.get(f"/events/{event.uuid}/programme{path}")
        assert response.status_code == 404, path
    session_id = invite_only["sessions"][0].id
    response = await client.get(f"/events/{event.uuid}/programme/sessions/{session_id}")
    assert response.status_code == 404
    # Control: the same pages through a delegate's link.
    _, token = await registered(organiser, event, 1, settings)
    for path in ("", ".pdf", f"/sessions/{session_id}", f"/sessions/{session_id}.ics"):
        assert (await client.get(f"/i/{token}/programme{path}")).status_code == 200, path


async def test_programme_page_unpublished_is_404(client, event, programme, organiser, settings):
    await Event.filter(id=event.id).update(visibility="public")

    response = await client.get(f"/events/{event.uuid}/programme")
    await publish_programme(organiser, event.id, settings)
    control = await client.get(f"/events/{event.uuid}/programme")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_programme_page_script_in_title_and_bio_is_inert(
    client, event, programme, organiser, settings
):
    await Event.filter(id=event.id).update(visibility="public")
    chief = programme["speakers"][0]
    await update_speaker(
        organiser,
        event.id,
        chief.id,
        SpeakerData(name="<script>alert(1)</script>", bio="<img src=x onerror=alert(2)>"),
    )
    await publish_programme(organiser, event.id, settings)

    response = await client.get(f"/events/{event.uuid}/programme")

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<img src=x" not in response.text


async def test_programme_page_signed_in_shows_sign_out(client, event, public, organiser):
    await sign_in(client, organiser)

    response = await client.get(f"/events/{event.uuid}/programme")

    assert response.status_code == 200
    assert "Sign out" in response.text


async def test_session_page_public_shows_speakers_and_calendar_link(client, event, public):
    welcome = public["sessions"][0]

    response = await client.get(f"/events/{event.uuid}/programme/sessions/{welcome.id}")

    assert response.status_code == 200
    assert "Ахмед Петров" in response.text
    assert f"/events/{event.uuid}/programme/sessions/{welcome.id}.ics" in response.text


async def test_session_page_not_for_publication_is_404(client, event, public):
    briefing = public["sessions"][3]

    welcome = public["sessions"][0]

    page = await client.get(f"/events/{event.uuid}/programme/sessions/{briefing.id}")
    ics = await client.get(f"/events/{event.uuid}/programme/sessions/{briefing.id}.ics")
    shown = await client.get(f"/events/{event.uuid}/programme/sessions/{welcome.id}")
    shown_ics = await client.get(f"/events/{event.uuid}/programme/sessions/{welcome.id}.ics")

    assert (page.status_code, ics.status_code) == (404, 404)
    assert (shown.status_code, shown_ics.status_code) == (200, 200)


async def test_session_calendar_parses_with_same_uid(client, event, public):
    welcome = public["sessions"][0]

    response = await client.get(f"/events/{event.uuid}/programme/sessions/{welcome.id}.ics")

    assert response.status_code == 200
    calendar = vobject.readOne(response.text)
    assert calendar.vevent.uid.value == welcome.calendar_uid
    assert calendar.vevent.summary.value == "Welcome"


async def test_programme_feed_public_has_cache_headers(client, event, public):
    response = await client.get(f"/events/{event.uuid}/programme.ics")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["etag"].startswith('"')
    assert "last-modified" in response.headers
    calendar = vobject.readOne(response.text)
    titles = [e.summary.value for e in calendar.vevent_list]
    assert titles == ["Welcome", "What serious violence means here", "Workshop: the draft plan"]


async def test_programme_feed_if_none_match_answers_304(client, event, public):
    first = await client.get(f"/events/{event.uuid}/programme.ics")

    again = await client.get(
        f"/events/{event.uuid}/programme.ics", headers={"If-None-Match": first.headers["etag"]}
    )

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


async def test_programme_pdf_public_is_a_pdf(client, event, public):
    response = await client.get(f"/events/{event.uuid}/programme.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


async def test_schedule_exports_public_parse(client, event, public):
    as_json = await client.get(f"/events/{event.uuid}/programme/schedule.json")
    as_xml = await client.get(f"/events/{event.uuid}/programme/schedule.xml")

    assert as_json.status_code == 200
    document = json.loads(as_json.content)
    titles = [
        e["title"]
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for e in room
    ]
    assert sorted(titles) == sorted(
        ["Welcome", "What serious violence means here", "Workshop: the draft plan"]
    )
    root = etree.fromstring(as_xml.content)
    assert root.tag == "schedule"
    assert "Closed briefing" not in as_xml.text


async def test_delegate_programme_registered_sees_not_for_publication(
    client, event, invite_only, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)

    response = await client.get(f"/i/{token}/programme")

    assert response.status_code == 200
    assert "Closed briefing" in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_delegate_programme_invitee_not_registered_sees_public_sessions(
    client, event, invite_only, organiser
):
    token = await link_for(await invite(organiser, event, 2))

    response = await client.get(f"/i/{token}/programme")
    briefing = invite_only["sessions"][3]
    session = await client.get(f"/i/{token}/programme/sessions/{briefing.id}")

    assert response.status_code == 200
    assert "Closed briefing" not in response.text
    assert session.status_code == 404


async def test_delegate_session_page_and_calendar(client, event, invite_only, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    briefing = invite_only["sessions"][3]

    page = await client.get(f"/i/{token}/programme/sessions/{briefing.id}")
    ics = await client.get(f"/i/{token}/programme/sessions/{briefing.id}.ics")
    pdf = await client.get(f"/i/{token}/programme.pdf")

    assert page.status_code == 200
    assert "Closed briefing" in page.text
    assert vobject.readOne(ics.text).vevent.summary.value == "Closed briefing"
    assert pdf.content.startswith(b"%PDF")


async def test_delegate_programme_unknown_link_is_404(
    client, event, invite_only, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)

    response = await client.get("/i/not-a-real-token/programme")
    control = await client.get(f"/i/{token}/programme")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_delegate_programme_other_event_session_is_404(
    client, event, invite_only, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    other = await create_event(organiser, event_data(title="Another summit"))
    await publish_event(organiser, other.id)
    elsewhere = await add_session(organiser, other.id, session_data("Elsewhere", 0, 1))
    await publish_programme(organiser, other.id, settings)

    page = await client.get(f"/i/{token}/programme/sessions/{elsewhere.id}")
    ics = await client.get(f"/i/{token}/programme/sessions/{elsewhere.id}.ics")
    own = invite_only["sessions"][0]
    control = await client.get(f"/i/{token}/programme/sessions/{own.id}")

    assert (page.status_code, ics.status_code) == (404, 404)
    assert control.status_code == 200
