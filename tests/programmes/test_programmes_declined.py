"""Speakers who decline (issue 16): organisers are emailed, the editor marks them, and
nothing published shows them speaking unless the organiser keeps them on."""

from __future__ import annotations

import io
import json

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from convenor.auth import issue_link
from convenor.mail.models import OutboxMessage
from events.models import Event
from programmes.exports import frab_json, frab_xml
from programmes.feeds import programme_feed
from programmes.models import Speaker
from programmes.pdf import programme_pdf
from programmes.publishing import publish_programme
from programmes.speakers import confirm_speaker, decline_speaker, keep_speaker_on
from tests.conftest import csrf_token

BASE = "https://convenor.example.org"
LEADER = "Cllr Ахмед Петров"


async def leader_declines(programme, settings, reason: str = "Council meeting") -> str:
    leader = programme["speakers"][1]
    token = await issue_link("speaker", leader.link_subject)
    await decline_speaker(token, reason, settings)
    return token


def feed_descriptions(body: bytes) -> str:
    return "\n".join(str(v["DESCRIPTION"]) for v in Calendar.from_ical(body).walk("VEVENT"))


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


# Organisers are told


async def test_decline_emails_the_events_organiser(event, programme, organiser, settings):
    await leader_declines(programme, settings)

    (message,) = await OutboxMessage.filter(category="programme-speaker-declined")
    assert message.to_address == organiser.email
    assert message.subject == f"{LEADER} has declined to speak at {event.title}"
    assert "Their reason: Council meeting" in message.text_body
    assert "- Welcome, Wednesday 9 June 2027, 9:30am" in message.text_body
    assert f"{settings.base_url}/staff/events/{event.id}/programme#speakers" in message.text_body


async def test_confirm_emails_nobody(event, programme, settings):
    token = await issue_link("speaker", programme["speakers"][1].link_subject)

    await confirm_speaker(token)

    assert await OutboxMessage.filter(category="programme-speaker-declined").count() == 0
    await leader_declines(programme, settings)  # control: declining does email
    assert await OutboxMessage.filter(category="programme-speaker-declined").count() == 1


async def test_declining_twice_emails_once(event, programme, settings):
    token = await leader_declines(programme, settings)

    await decline_speaker(token, "Still away", settings)

    assert await OutboxMessage.filter(category="programme-speaker-declined").count() == 1


async def test_decline_over_http_emails_the_organiser(client, event, programme, organiser):
    token = await issue_link("speaker", programme["speakers"][1].link_subject)
    csrf = await csrf_token(client, f"/speaker/{token}")

    response = await client.post(
        f"/speaker/{token}/decline", data={"reason": "Away", "csrf_token": csrf}
    )

    assert response.status_code == 303
    (message,) = await OutboxMessage.filter(category="programme-speaker-declined")
    assert message.to_address == organiser.email


# Marked in the editor


async def test_editor_marks_the_declined_speaker_and_offers_keep_on(
    staff_client, event, programme, settings
):
    await leader_declines(programme, settings)

    page = await staff_client.get(f"/staff/events/{event.id}/programme")

    assert f'{LEADER} (speaker) <span class="tag">Declined</span>' in page.text
    assert "Keep on the programme" in page.text


async def test_session_page_marks_the_declined_speaker(staff_client, event, programme, settings):
    await leader_declines(programme, settings)
    welcome = programme["sessions"][0]

    page = await staff_client.get(f"/staff/events/{event.id}/programme/sessions/{welcome.id}")

    assert f"Declined: {LEADER} (left off what you publish)." in page.text


async def test_editor_with_nobody_declined_has_no_marks(staff_client, event, programme):
    page = await staff_client.get(f"/staff/events/{event.id}/programme")

    assert "Declined" not in page.text
    assert "Keep on the programme" not in page.text


# Left out of everything published


@pytest.fixture
async def declined_view(event, programme, organiser, settings):
    await Event.filter(id=event.id).update(visibility="public")
    await leader_declines(programme, settings)
    return await publish_programme(organiser, event.id, settings)


async def test_declined_speaker_is_not_in_the_published_session(declined_view, programme):
    welcome = declined_view.session(programme["sessions"][0].id)

    assert welcome.speaker_names == "Chief Constable Zoë Ł. Dąbrowska"
    assert LEADER not in [s.display_name for s in declined_view.speakers]


async def test_declined_speaker_is_not_on_the_programme_page(client, event, declined_view):
    page = await client.get(f"/events/{event.uuid}/programme")

    assert page.status_code == 200
    assert "Chief Constable Zoë Ł. Dąbrowska" in page.text
    assert "Ахмед Петров" not in page.text


async def test_declined_speaker_is_not_on_the_session_page(client, event, programme, declined_view):
    welcome = programme["sessions"][0]

    page = await client.get(f"/events/{event.uuid}/programme/sessions/{welcome.id}")

    assert "Chief Constable Zoë Ł. Dąbrowska" in page.text
    assert "Ахмед Петров" not in page.text


async def test_declined_speaker_is_not_in_the_pdf(declined_view):
    text = pdf_text(programme_pdf(declined_view))

    assert "Dąbrowska" in text
    assert "Петров" not in text


async def test_declined_speaker_is_not_in_the_feed(declined_view):
    descriptions = feed_descriptions(programme_feed(declined_view, BASE).body)

    assert "Dąbrowska" in descriptions
    assert "Петров" not in descriptions


async def test_declined_speaker_is_not_in_the_frab_exports(declined_view):
    document = json.loads(frab_json(declined_view, BASE))
    xml = frab_xml(declined_view, BASE).decode()

    persons = json.dumps(document, ensure_ascii=False)
    assert "Dąbrowska" in persons and "Петров" not in persons
    assert "Dąbrowska" in xml and "Петров" not in xml


async def test_declined_speaker_kept_on_is_shown(
    staff_client, client, event, programme, organiser, settings
):
    await leader_declines(programme, settings)
    leader = programme["speakers"][1]
    csrf = await csrf_token(staff_client, f"/staff/events/{event.id}/programme")
    response = await staff_client.post(
        f"/staff/events/{event.id}/programme/speakers/{leader.id}/keep",
        data={"keep": "yes", "csrf_token": csrf},
    )
    assert response.status_code == 303
    assert (await Speaker.get(id=leader.id)).keep_on_programme is True

    view = await publish_programme(organiser, event.id, settings)

    assert LEADER in view.session(programme["sessions"][0].id).speaker_names
    assert "Петров" in pdf_text(programme_pdf(view))
    assert "Петров" in feed_descriptions(programme_feed(view, BASE).body)
    assert "Петров" in frab_xml(view, BASE).decode()


async def test_declined_speaker_taken_off_again_is_left_out(event, programme, organiser, settings):
    await leader_declines(programme, settings)
    leader = programme["speakers"][1]
    await keep_speaker_on(organiser, event.id, leader.id, True)
    await keep_speaker_on(organiser, event.id, leader.id, False)

    view = await publish_programme(organiser, event.id, settings)

    assert LEADER not in view.session(programme["sessions"][0].id).speaker_names
    assert view.session(programme["sessions"][0].id).speaker_names == (  # the other stays
        "Chief Constable Zoë Ł. Dąbrowska"
    )


async def test_decline_after_publishing_shows_in_the_next_versions_changelog(
    event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    await leader_declines(programme, settings)

    view = await publish_programme(organiser, event.id, settings)

    assert [(item["title"], item["kinds"]) for item in view.changelog] == [
        ("Welcome", ["speakers"])
    ]
    assert LEADER not in view.session(programme["sessions"][0].id).speaker_names
