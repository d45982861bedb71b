"""Issue 16: SEQUENCE on every STATUS change, ORGANIZER kept, PARTSTAT, renaming, the
repeated October hour. Every calendar part is read back with vobject; where the
whole message matters it goes through the real SMTP test server.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import UTC, datetime

from convenor.mail.worker import deliver_due
from events.invitations import revoke_invitation
from events.models import CalendarInvite
from events.registration import cancel_registration, register
from events.service import cancel_event, update_event
from tests.convenor.calendar_samples import lines, parse

from .factories import answers, event_data, outbox, published_event, registered


def vevent_of(mail):
    return parse(mail.calendar_ics.encode()).vevent


async def delivered(settings, smtp_server, to: str) -> list[email.message.EmailMessage]:
    await deliver_due(replace(settings, smtp_url=smtp_server.url))
    return [
        email.message_from_bytes(m.data, policy=email.policy.default)
        for m in smtp_server.messages
        if to in m.rcpt_tos
    ]


def calendar_part(message: email.message.EmailMessage):
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), parse(part.get_content().encode())


async def test_delegate_cancel_has_a_higher_sequence_than_the_confirmation(
    organiser, event, settings, smtp_server
):
    _, token = await registered(organiser, event, settings)

    await cancel_registration(token, settings)

    confirmation, cancel = await delivered(settings, smtp_server, "delegate1@partner.example.org")
    method, request_calendar = calendar_part(confirmation)
    assert method == "REQUEST"
    method, cancel_calendar = calendar_part(cancel)
    assert method == "CANCEL"
    assert cancel_calendar.vevent.uid.value == request_calendar.vevent.uid.value
    assert cancel_calendar.vevent.status.value == "CANCELLED"
    assert int(cancel_calendar.vevent.sequence.value) == 1
    assert int(request_calendar.vevent.sequence.value) == 0


async def test_registering_again_after_cancelling_requests_above_the_cancel(
    organiser, event, settings
):
    _, token = await registered(organiser, event, settings)
    await cancel_registration(token, settings)

    await register(token, answers("Ann Lee"), settings)

    first, again = await outbox("event-registration-confirmed")
    [cancel] = await outbox("event-registration-cancelled")
    assert [int(vevent_of(m).sequence.value) for m in (first, cancel, again)] == [0, 1, 2]
    assert parse(again.calendar_ics.encode()).method.value == "REQUEST"
    assert vevent_of(again).status.value == "CONFIRMED"


async def test_revoked_delegate_cancel_has_a_higher_sequence(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)

    await revoke_invitation(organiser, event.id, registration.invitation_id, settings)

    [withdrawn] = await outbox("event-place-withdrawn")
    assert parse(withdrawn.calendar_ics.encode()).method.value == "CANCEL"
    assert int(vevent_of(withdrawn).sequence.value) == 1


async def test_event_cancel_has_a_higher_sequence_than_the_last_request(organiser, event, settings):
    await registered(organiser, event, settings)
    await update_event(organiser, event.id, event_data(venue_name="Civic Centre"), settings)

    await cancel_event(organiser, event.id, settings)

    [update] = await outbox("event-event-updated")
    [cancel] = await outbox("event-event-cancelled")
    assert int(vevent_of(update).sequence.value) == 1
    assert int(vevent_of(cancel).sequence.value) == 2
    assert vevent_of(cancel).status.value == "CANCELLED"


async def test_registered_delegate_is_an_accepted_attendee(organiser, event, settings):
    await registered(organiser, event, settings)

    [confirmation] = await outbox("event-registration-confirmed")

    attendee = vevent_of(confirmation).attendee
    assert attendee.value == "mailto:delegate1@partner.example.org"
    assert attendee.params["PARTSTAT"] == ["ACCEPTED"]


async def test_renaming_the_event_sends_a_request_with_the_new_summary(
    organiser, event, settings, smtp_server
):
    await registered(organiser, event, settings)

    await update_event(organiser, event.id, event_data(title="Partners' Summit 2027"), settings)

    _, update = await delivered(settings, smtp_server, "delegate1@partner.example.org")
    method, calendar = calendar_part(update)
    assert method == "REQUEST"
    assert calendar.vevent.summary.value == "Partners' Summit 2027"
    assert int(calendar.vevent.sequence.value) == 1
    assert (
        "The event is now called Partners' Summit 2027."
        in update.get_body(("plain",)).get_content()
    )


async def test_new_contact_email_does_not_change_the_organizer_of_a_sent_invite(
    organiser, event, settings
):
    await registered(organiser, event, settings)
    changed = event_data(contact_email="new-team@safercity.example.org")
    await update_event(organiser, event.id, changed, settings)

    await update_event(
        organiser,
        event.id,
        event_data(contact_email="new-team@safercity.example.org", venue_name="Civic Centre"),
        settings,
    )

    [update] = await outbox("event-event-updated")
    assert vevent_of(update).organizer.value == "mailto:events@safercity.example.org"
    assert update.reply_to == "new-team@safercity.example.org"


async def test_new_contact_email_is_the_organizer_for_new_registrations(organiser, event, settings):
    # Positive control for the test above: only invites already sent keep the old one.
    await update_event(
        organiser, event.id, event_data(contact_email="new-team@safercity.example.org"), settings
    )

    await registered(organiser, event, settings, number=2)

    [confirmation] = await outbox("event-registration-confirmed")
    assert vevent_of(confirmation).organizer.value == "mailto:new-team@safercity.example.org"


async def test_sent_invite_is_recorded_with_its_sequence_and_organizer(organiser, event, settings):
    registration, token = await registered(organiser, event, settings)

    await cancel_registration(token, settings)

    [record] = await CalendarInvite.filter(invitation_id=registration.invitation_id)
    assert (record.uid, record.kind, record.sequence, record.status) == (
        event.calendar_uid,
        "event",
        1,
        "CANCELLED",
    )
    assert record.organizer_email == "events@safercity.example.org"


async def test_event_in_the_repeated_october_hour_reads_back_in_order(app, organiser, settings):
    start = datetime(2027, 10, 31, 0, 45, tzinfo=UTC)  # 01:45 BST
    end = datetime(2027, 10, 31, 1, 15, tzinfo=UTC)  # 01:15 GMT
    event = await published_event(organiser, starts_at=start, ends_at=end)

    await registered(organiser, event, settings)

    [confirmation] = await outbox("event-registration-confirmed")
    vevent = vevent_of(confirmation)
    assert vevent.dtstart.value.astimezone(UTC) == start
    assert vevent.dtend.value.astimezone(UTC) == end
    assert vevent.dtend.value > vevent.dtstart.value
    assert "DTSTART:20271031T004500Z" in lines(confirmation.calendar_ics.encode())
