"""Issue 16: cancellations reach every session a delegate was sent, and the feeds.

A delegate who was sent a session by METHOD:REQUEST (their agenda's session moved)
gets a METHOD:CANCEL for it, with a higher SEQUENCE, when the event is cancelled,
when they cancel their place and when their invitation is revoked. Feeds of a
cancelled event mark every session CANCELLED with a higher SEQUENCE. Everything is
read back with vobject; messages go through the real SMTP test server.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace

from convenor.mail.models import OutboxMessage
from convenor.mail.worker import deliver_due
from events.invitations import revoke_invitation
from events.models import Event, Visibility
from events.registration import cancel_registration
from events.service import cancel_event, create_event, publish_event
from programmes.agenda import add_to_agenda, agenda_feed_link
from programmes.drafts import add_session, update_session
from programmes.feeds import session_ics
from programmes.publishing import publish_programme
from programmes.view import published_programme
from tests.convenor.calendar_samples import parse
from tests.events.factories import event_data
from tests.programmes.factories import registered, session_data

ANN = "delegate1@partner.example.org"


async def delivered(settings, smtp_server, to: str) -> list[email.message.EmailMessage]:
    await deliver_due(replace(settings, smtp_url=smtp_server.url))
    return [
        email.message_from_bytes(m.data, policy=email.policy.default)
        for m in smtp_server.messages
        if to in m.rcpt_tos
    ]


def calendars(messages) -> list[tuple[str, object]]:
    """(METHOD of the part, parsed VCALENDAR) of every message with a calendar part."""
    found = []
    for message in messages:
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                calendar = parse(part.get_content().encode())
                assert calendar.method.value == part.get_param("method")
                found.append((part.get_param("method"), calendar))
    return found


async def keynote_request(programme, event, organiser, settings):
    """Ann registers, puts the keynote in her agenda; it moves: she is sent a REQUEST."""
    invitation, token = await registered(organiser, event, 1, settings)
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await add_to_agenda(token, keynote.id)
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data("What serious violence means here", 1, 2, kind="keynote"),
    )
    await publish_programme(organiser, event.id, settings)
    return invitation, token, keynote


def by_uid(found, uid: str) -> list[tuple[str, int, str]]:
    return [
        (method, int(c.vevent.sequence.value), c.vevent.status.value)
        for method, c in found
        if c.vevent.uid.value == uid
    ]


async def test_event_cancel_sends_cancel_for_each_session_request(
    programme, event, organiser, settings, smtp_server
):
    _, _, keynote = await keynote_request(programme, event, organiser, settings)

    await cancel_event(organiser, event.id, settings)

    found = calendars(await delivered(settings, smtp_server, ANN))
    assert by_uid(found, keynote.calendar_uid) == [
        ("REQUEST", 1, "CONFIRMED"),
        ("CANCEL", 2, "CANCELLED"),
    ]
    assert by_uid(found, event.calendar_uid) == [
        ("REQUEST", 0, "CONFIRMED"),
        ("CANCEL", 1, "CANCELLED"),
    ]


async def test_event_cancel_sends_no_session_cancel_to_a_delegate_sent_none(
    programme, event, organiser, settings, smtp_server
):
    # Positive control: a delegate never sent a session gets only the summit's CANCEL.
    await keynote_request(programme, event, organiser, settings)
    await registered(organiser, event, 2, settings)

    await cancel_event(organiser, event.id, settings)

    found = calendars(await delivered(settings, smtp_server, "delegate2@partner.example.org"))
    assert [(m, c.vevent.uid.value) for m, c in found] == [
        ("REQUEST", event.calendar_uid),
        ("CANCEL", event.calendar_uid),
    ]


async def test_delegate_cancelling_their_place_cancels_their_session_requests(
    programme, event, organiser, settings, smtp_server
):
    _, token, keynote = await keynote_request(programme, event, organiser, settings)

    await cancel_registration(token, settings)

    found = calendars(await delivered(settings, smtp_server, ANN))
    assert by_uid(found, keynote.calendar_uid) == [
        ("REQUEST", 1, "CONFIRMED"),
        ("CANCEL", 2, "CANCELLED"),
    ]
    session_cancel = [c for m, c in found if c.vevent.uid.value == keynote.calendar_uid][-1]
    assert session_cancel.vevent.attendee.value == f"mailto:{ANN}"
    assert session_cancel.vevent.organizer.value == "mailto:events@safercity.example.org"


async def test_revoking_a_delegate_cancels_their_session_requests(
    programme, event, organiser, settings
):
    invitation, _, keynote = await keynote_request(programme, event, organiser, settings)

    await revoke_invitation(organiser, event.id, invitation.id, settings)

    [withdrawn] = await OutboxMessage.filter(category="event-session-withdrawn")
    calendar = parse(withdrawn.calendar_ics.encode())
    assert (calendar.method.value, calendar.vevent.uid.value) == ("CANCEL", keynote.calendar_uid)
    assert (calendar.vevent.status.value, int(calendar.vevent.sequence.value)) == (
        "CANCELLED",
        2,
    )


async def test_session_request_names_the_delegate_as_accepted(
    programme, event, organiser, settings
):
    await keynote_request(programme, event, organiser, settings)

    [message] = await OutboxMessage.filter(category="programme-changed")
    attendee = parse(message.calendar_ics.encode()).vevent.attendee
    assert attendee.params["PARTSTAT"] == ["ACCEPTED"]


async def test_session_download_carries_an_organizer(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    published = await published_programme(event.id)

    ics = session_ics(published.view, programme["sessions"][0].id, "http://testserver")

    calendar = parse(ics)
    assert calendar.method.value == "PUBLISH"
    assert calendar.vevent.organizer.value == "mailto:events@safercity.example.org"


async def agenda_feed(client, token, settings):
    url = await agenda_feed_link(token, settings)
    response = await client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    return response


async def test_agenda_feed_of_a_cancelled_event_marks_every_session_cancelled(
    client, programme, event, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    await publish_programme(organiser, event.id, settings)
    for session in programme["sessions"][:2]:
        await add_to_agenda(token, session.id)
    before = await agenda_feed(client, token, settings)

    await cancel_event(organiser, event.id, settings)

    after = await agenda_feed(client, token, settings)
    assert after.headers["etag"] != before.headers["etag"]
    old, new = parse(before.content), parse(after.content)
    assert [(v.status.value, v.sequence.value) for v in old.vevent_list] == [
        ("CONFIRMED", "0"),
        ("CONFIRMED", "0"),
    ]
    assert [(v.status.value, v.sequence.value) for v in new.vevent_list] == [
        ("CANCELLED", "1"),
        ("CANCELLED", "1"),
    ]
    assert "method" not in new.contents
    assert all("attendee" not in v.contents for v in new.vevent_list)


async def test_public_programme_feed_of_a_cancelled_event_marks_every_session_cancelled(
    app, client, organiser, settings
):
    made = await create_event(organiser, event_data(visibility=Visibility.PUBLIC.value))
    event = await publish_event(organiser, made.id)

    await add_session(organiser, event.id, session_data("Welcome", 0, 0.5))
    await add_session(organiser, event.id, session_data("Keynote", 0.5, 1.5))
    await publish_programme(organiser, event.id, settings)
    before = await client.get(f"/events/{event.uuid}/programme.ics")

    await cancel_event(organiser, event.id, settings)

    after = await client.get(f"/events/{event.uuid}/programme.ics")
    assert (before.status_code, after.status_code) == (200, 200)
    assert after.content != before.content
    assert [(v.status.value, v.sequence.value) for v in parse(before.content).vevent_list] == [
        ("CONFIRMED", "0"),
        ("CONFIRMED", "0"),
    ]
    assert [(v.status.value, v.sequence.value) for v in parse(after.content).vevent_list] == [
        ("CANCELLED", "1"),
        ("CANCELLED", "1"),
    ]
    assert (await Event.get(id=event.id)).status == "cancelled"
