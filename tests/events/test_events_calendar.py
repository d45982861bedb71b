"""Calendar invites that stay true: confirmation, updates, cancellations.

Every calendar part is read back with vobject, not the library that wrote it.
"""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta

from events.data import InviteeData
from events.invitations import import_invitees, send_invitations
from events.models import Event
from events.registration import cancel_registration
from events.service import cancel_event, update_event
from tests.convenor.calendar_samples import LONDON, lines, parse

from .factories import (
    SUMMER_ENDS,
    SUMMER_STARTS,
    event_data,
    outbox,
    registered,
)


def calendar_of(mail):
    return parse(mail.calendar_ics.encode())


async def test_confirmation_invite_reads_back_in_london_time(organiser, event, settings):
    await registered(organiser, event, settings)

    [mail] = await outbox("event-registration-confirmed")
    vevent = calendar_of(mail).vevent

    start = vevent.dtstart.value
    assert start.astimezone(LONDON).replace(tzinfo=None) == datetime(2027, 6, 9, 9, 30)
    assert start.astimezone(UTC) == SUMMER_STARTS
    assert vevent.dtend.value.astimezone(UTC) == SUMMER_ENDS
    assert "DTSTART;TZID=Europe/London:20270609T093000" in lines(mail.calendar_ics.encode())


async def test_confirmation_invite_has_method_uid_sequence_attendee_organizer(
    organiser, event, settings
):
    await registered(organiser, event, settings, name="Ann Lee")

    [mail] = await outbox("event-registration-confirmed")
    calendar = calendar_of(mail)
    vevent = calendar.vevent

    assert calendar.method.value == "REQUEST"
    assert vevent.uid.value == event.calendar_uid
    assert vevent.sequence.value == "0"
    assert [a.value for a in vevent.attendee_list] == ["mailto:delegate1@partner.example.org"]
    assert vevent.attendee.params["CN"] == ["Ann Lee"]
    assert vevent.organizer.value == "mailto:events@safercity.example.org"
    assert vevent.organizer.params["CN"] == ["Southampton Community Safety Partnership"]
    assert vevent.location.value == "St Mary's Stadium, Britannia Road, Southampton, SO14 5FP"
    assert vevent.summary.value == "Serious Violence Delivery Plan Conference"


async def test_confirmation_invite_description_links_to_manage_the_registration(
    organiser, event, settings
):
    await registered(organiser, event, settings)

    [mail] = await outbox("event-registration-confirmed")
    description = calendar_of(mail).vevent.description.value

    assert "Manage your registration: http://testserver/i/" in description
    link = description.rsplit(": ", 1)[1]
    assert link in mail.text_body


async def test_confirmation_message_carries_calendar_part_with_matching_method(
    organiser, event, settings
):
    await registered(organiser, event, settings)

    [mail] = await outbox("event-registration-confirmed")
    message = email.message_from_string(mail.raw_message, policy=email.policy.SMTP)
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]

    assert part.get_param("method") == "REQUEST"
    assert message["Reply-To"] == "events@safercity.example.org"


async def test_attendee_injection_in_a_name_adds_no_calendar_property(organiser, event, settings):
    await registered(organiser, event, settings, name="Eve\r\nATTENDEE:mailto:x@evil.example")

    [mail] = await outbox("event-registration-confirmed")
    vevent = calendar_of(mail).vevent

    assert [a.value for a in vevent.attendee_list] == ["mailto:delegate1@partner.example.org"]
    assert vevent.attendee.params["CN"] == ["Eve ATTENDEE:mailto:x@evil.example"]
    assert not any(line.startswith("ATTENDEE:") for line in lines(mail.calendar_ics.encode()))


async def test_moving_the_start_sends_an_update_with_same_uid_and_higher_sequence(
    organiser, event, settings
):
    await registered(organiser, event, settings)
    later = SUMMER_STARTS + timedelta(hours=1)

    await update_event(
        organiser, event.id, event_data(starts_at=later, ends_at=SUMMER_ENDS), settings
    )

    [first] = await outbox("event-registration-confirmed")
    [update] = await outbox("event-event-updated")
    before, after = calendar_of(first).vevent, calendar_of(update).vevent
    assert after.uid.value == before.uid.value
    assert int(after.sequence.value) == int(before.sequence.value) + 1 == 1
    assert after.dtstart.value.astimezone(LONDON).replace(tzinfo=None) == datetime(
        2027, 6, 9, 10, 30
    )
    assert calendar_of(update).method.value == "REQUEST"
    assert "The time is now Wednesday 9 June 2027, 10:30am to 4:30pm." in update.text_body


async def test_moving_the_venue_sends_an_update(organiser, event, settings):
    await registered(organiser, event, settings)

    await update_event(organiser, event.id, event_data(venue_name="Civic Centre"), settings)

    [update] = await outbox("event-event-updated")
    assert calendar_of(update).vevent.location.value.startswith("Civic Centre, ")
    assert (await Event.get(id=event.id)).calendar_sequence == 1


async def test_changing_only_the_title_sends_an_update(organiser, event, settings):
    # Issue 16: renaming the event updates delegates' calendars (it used to send nothing).
    await registered(organiser, event, settings)

    await update_event(organiser, event.id, event_data(title="New title"), settings)

    [update] = await outbox("event-event-updated")
    assert calendar_of(update).vevent.summary.value == "New title"
    assert calendar_of(update).vevent.sequence.value == "1"


async def test_changing_only_the_summary_sends_no_update(organiser, event, settings):
    await registered(organiser, event, settings)

    await update_event(organiser, event.id, event_data(summary="Another summary"), settings)

    assert await outbox("event-event-updated") == []
    assert (await Event.get(id=event.id)).calendar_sequence == 0
    await update_event(organiser, event.id, event_data(title="New title"), settings)  # control
    assert len(await outbox("event-event-updated")) == 1


async def test_delegate_cancellation_sends_method_cancel_with_same_uid(organiser, event, settings):
    _, token = await registered(organiser, event, settings)

    await cancel_registration(token, settings)

    [mail] = await outbox("event-registration-cancelled")
    calendar = calendar_of(mail)
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.status.value == "CANCELLED"
    assert calendar.vevent.uid.value == event.calendar_uid


async def test_event_cancellation_sends_cancel_to_delegates_and_plain_mail_to_invitees(
    organiser, event, settings
):
    await registered(organiser, event, settings)
    await import_invitees(
        organiser, event.id, [InviteeData("Bob Invitee", "bob@council.example.gov.uk")]
    )
    await send_invitations(organiser, event.id, settings)

    cancelled = await cancel_event(organiser, event.id, settings, message="Postponed to autumn.")

    mails = await outbox("event-event-cancelled")
    by_address = {m.to_address: m for m in mails}
    assert set(by_address) == {"delegate1@partner.example.org", "bob@council.example.gov.uk"}
    delegate = calendar_of(by_address["delegate1@partner.example.org"])
    assert delegate.method.value == "CANCEL"
    assert delegate.vevent.status.value == "CANCELLED"
    assert int(delegate.vevent.sequence.value) == cancelled.calendar_sequence == 1
    assert by_address["bob@council.example.gov.uk"].calendar_ics is None
    assert "Postponed to autumn." in by_address["bob@council.example.gov.uk"].text_body
