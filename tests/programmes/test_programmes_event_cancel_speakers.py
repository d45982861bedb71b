"""Issue 16: cancelling the event reaches the speakers too. A speaker sent a session by
METHOD:REQUEST (a published version changed it) gets one METHOD:CANCEL per session,
same UID, SEQUENCE above the last they were sent, with their /speaker/ link; a speaker
sent none gets nothing; the confirmation's count includes them. Messages go through the
real SMTP test server and are read back with vobject."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace

import vobject

from convenor.mail.models import OutboxMessage
from convenor.mail.worker import deliver_due
from events.service import cancel_event, cancel_event_reach
from programmes.agenda import add_to_agenda
from programmes.data import SessionSpeakerData
from programmes.drafts import set_session_speakers, update_session
from programmes.publishing import publish_programme
from tests.conftest import csrf_token

from .factories import registered, session_data

VRU = "li@vru.example.org"  # Dr 李伟 speaks in the keynote
CHIEF = "chief@police.example.org"  # speaks in the welcome, which never changes
ANN = "delegate1@partner.example.org"
CANCELLED = "programme-speaker-event-cancelled"


async def delivered(settings, smtp_server, to: str) -> list[email.message.EmailMessage]:
    await deliver_due(replace(settings, smtp_url=smtp_server.url))
    return [
        email.message_from_bytes(m.data, policy=email.policy.default)
        for m in smtp_server.messages
        if to in m.rcpt_tos
    ]


def calendar_parts(messages) -> list[tuple[str, str, int, str]]:
    """(METHOD, UID, SEQUENCE, STATUS) of each VEVENT of each calendar part, in order."""
    found = []
    for message in messages:
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                parsed = vobject.readOne(part.get_content())
                for vevent in parsed.vevent_list:
                    found.append(
                        (
                            parsed.method.value,
                            vevent.uid.value,
                            int(vevent.sequence.value),
                            vevent.status.value,
                        )
                    )
    return found


async def move(organiser, event, session, title: str, start: float, end: float, **extra):
    await update_session(organiser, event.id, session.id, session_data(title, start, end, **extra))


async def vru_sent_keynote_and_workshop(event, programme, organiser, settings):
    """VRU is sent the keynote (moved: REQUEST 1), then the workshop (joins it, a new SEQUENCE:
    REQUEST 1), then the keynote again (moved back: REQUEST 2)."""
    main = programme["rooms"][0]
    _, _, vru = programme["speakers"]
    _, keynote, workshop, _ = programme["sessions"]
    keynote_title = "What serious violence means here"
    await publish_programme(organiser, event.id, settings)
    await move(organiser, event, keynote, keynote_title, 1, 2, kind="keynote", room_id=main.id)
    await publish_programme(organiser, event.id, settings)
    await set_session_speakers(organiser, event.id, workshop.id, [SessionSpeakerData(vru.id)])
    await publish_programme(organiser, event.id, settings)
    await move(organiser, event, keynote, keynote_title, 0.5, 1.5, kind="keynote", room_id=main.id)
    await publish_programme(organiser, event.id, settings)
    return keynote, workshop


async def test_event_cancel_sends_the_speaker_one_cancel_per_session_they_were_sent(
    event, programme, organiser, settings, smtp_server
):
    keynote, workshop = await vru_sent_keynote_and_workshop(event, programme, organiser, settings)

    await cancel_event(organiser, event.id, settings)

    found = calendar_parts(await delivered(settings, smtp_server, VRU))
    assert found == [
        ("REQUEST", keynote.calendar_uid, 1, "CONFIRMED"),
        ("REQUEST", workshop.calendar_uid, 1, "CONFIRMED"),
        ("REQUEST", keynote.calendar_uid, 2, "CONFIRMED"),
        ("CANCEL", keynote.calendar_uid, 3, "CANCELLED"),
        ("CANCEL", workshop.calendar_uid, 2, "CANCELLED"),
    ]


async def test_speakers_cancel_names_them_and_links_to_their_page(
    client, event, programme, organiser, settings, smtp_server
):
    await vru_sent_keynote_and_workshop(event, programme, organiser, settings)

    await cancel_event(organiser, event.id, settings, "The venue has flooded.")

    [first, _] = await OutboxMessage.filter(category=CANCELLED).order_by("id")
    assert (first.to_address, first.related) == (VRU, programme["speakers"][2].link_subject)
    assert first.subject == f"Cancelled: What serious violence means here at {event.title}"
    assert "The venue has flooded." in first.text_body
    parsed = vobject.readOne(first.calendar_ics)
    assert parsed.vevent.attendee.value == f"mailto:{VRU}"
    assert parsed.vevent.organizer.value == "mailto:events@safercity.example.org"
    link = next(word for word in first.text_body.split() if "/speaker/" in word)
    assert link.startswith(f"{settings.base_url}/speaker/")
    page = await client.get(link.removeprefix(settings.base_url))
    assert page.status_code == 200
    assert "李伟" in page.text


async def test_speaker_never_sent_a_session_request_gets_nothing(
    event, programme, organiser, settings, smtp_server
):
    await vru_sent_keynote_and_workshop(event, programme, organiser, settings)

    await cancel_event(organiser, event.id, settings)

    assert await delivered(settings, smtp_server, CHIEF) == []  # sent no session
    # Positive control: the speaker who was sent sessions is told.
    told = await OutboxMessage.filter(category=CANCELLED).values_list("to_address", flat=True)
    assert told == [VRU, VRU]


async def test_session_taken_away_earlier_is_not_cancelled_again(
    event, programme, organiser, settings
):
    keynote, workshop = await vru_sent_keynote_and_workshop(event, programme, organiser, settings)
    await set_session_speakers(organiser, event.id, workshop.id, [])
    await publish_programme(organiser, event.id, settings)  # VRU is sent its CANCEL now

    await cancel_event(organiser, event.id, settings)

    sent = await OutboxMessage.filter(category=CANCELLED)
    uids = [vobject.readOne(m.calendar_ics).vevent.uid.value for m in sent]
    assert uids == [keynote.calendar_uid]


async def test_cancel_confirmation_count_includes_the_speakers(
    staff_client, event, programme, organiser, settings
):
    await registered(organiser, event, 1, settings)
    await vru_sent_keynote_and_workshop(event, programme, organiser, settings)
    before = await OutboxMessage.all().count()

    token = await csrf_token(staff_client, "/staff/events")
    response = await staff_client.post(
        f"/staff/events/{event.id}/cancel", data={"csrf_token": token}
    )

    assert response.status_code == 200
    assert "This emails 2 people." in response.text  # Ann and VRU
    assert await cancel_event_reach(organiser, event.id, settings.domains) == 2
    assert await OutboxMessage.all().count() == before


async def test_confirmed_cancel_emails_as_many_people_as_counted(
    event, programme, organiser, settings
):
    await registered(organiser, event, 1, settings)
    await vru_sent_keynote_and_workshop(event, programme, organiser, settings)
    reach = await cancel_event_reach(organiser, event.id, settings.domains)
    before = await OutboxMessage.all().values_list("id", flat=True)

    await cancel_event(organiser, event.id, settings)

    after = await OutboxMessage.exclude(id__in=before).values_list("to_address", flat=True)
    assert len(set(after)) == reach == 2


async def test_delegates_cancels_are_unchanged_with_speakers_told(
    event, programme, organiser, settings, smtp_server
):
    # Positive control: the delegate's CANCELs (summit and session) are as before.
    _, token = await registered(organiser, event, 1, settings)
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await add_to_agenda(token, keynote.id)
    main = programme["rooms"][0]
    title = "What serious violence means here"
    await move(organiser, event, keynote, title, 1, 2, kind="keynote", room_id=main.id)
    await publish_programme(organiser, event.id, settings)

    await cancel_event(organiser, event.id, settings)

    found = calendar_parts(await delivered(settings, smtp_server, ANN))
    assert found == [
        ("REQUEST", event.calendar_uid, 0, "CONFIRMED"),
        ("REQUEST", keynote.calendar_uid, 1, "CONFIRMED"),
        ("CANCEL", event.calendar_uid, 1, "CANCELLED"),
        ("CANCEL", keynote.calendar_uid, 2, "CANCELLED"),
    ]
    assert calendar_parts(await delivered(settings, smtp_server, VRU))[-1] == (
        "CANCEL",
        keynote.calendar_uid,
        2,
        "CANCELLED",
    )
