"""Queueing event emails: call these inside the transaction of the change they report.

Each email that carries a personal link gets a freshly issued one: only the hash is
stored, so the raw token lives nowhere but in that email.

Every METHOD:REQUEST or CANCEL sent to an invitee goes through ``invite_part``, which
keeps a ``CalendarInvite`` row per calendar entry (the summit, each session) and
person. From it:

- SEQUENCE: the entry's own SEQUENCE, raised above the last one this person was sent
  whenever the status (REQUEST to CANCEL or back) or the details change, so a cancel
  always outranks the request before it and a new registration outranks the cancel;
- ORGANIZER: the one this person's first invitation named. Calendars tie an entry to
  its organiser (a REQUEST from another one is refused or shown as a second meeting),
  so a later change of the event's contact email applies to new invitations only;
  replies still go to the current contact (Reply-To);
- withdrawal: ``withdraw_sessions`` sends a METHOD:CANCEL for every session a person
  was sent by REQUEST and not yet cancelled (the event cancelled, their place
  cancelled or their invitation revoked), built from the row, so events need no
  programme to do it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from convenor.auth import now
from convenor.calendar import CalendarEvent, build_invite
from convenor.mail.message import CalendarPart
from convenor.mail.models import OutboxMessage
from convenor.mail.outbox import queue_email, render_email
from convenor.settings import Settings
from events import emails
from events.access import INVITATION_LINK, issue_event_link
from events.models import CalendarInvite, Event, Invitation, Registration

SESSION = "session"
SUMMIT = "event"


async def fresh_link(invitation: Invitation, settings: Settings, event: Event) -> str:
    """Issue a new personal link for an invitation, expiring with the event; returns the
    full URL."""
    token = await issue_event_link(INVITATION_LINK, invitation.link_subject, event)
    return emails.manage_link(settings, token)


async def _queue(
    settings: Settings,
    event: Event,
    invitation: Invitation,
    template: str,
    name: str,
    context: dict[str, Any],
    calendar: CalendarPart | None = None,
) -> OutboxMessage:
    rendered = render_email(
        f"{emails.TEMPLATES}/{template}", emails.context(event, name=name, **context)
    )
    return await queue_email(
        to=invitation.email,
        to_name=name,
        rendered=rendered,
        mail_from=settings.mail_from,
        calendar=calendar,
        reply_to=event.contact_email,
        category=f"event-{template.replace('_', '-')}",
        related=invitation.link_subject,
    )


async def send_invitation(
    settings: Settings, event: Event, invitation: Invitation, template: str = "invitation"
) -> OutboxMessage:
    """The invitation (or reminder) with a personal link to register or decline."""
    link = await fresh_link(invitation, settings, event)
    extra: dict[str, Any] = {"link": link}
    if invitation.substitute_of_id is not None:  # type: ignore[attr-defined]
        original = await Invitation.get(id=invitation.substitute_of_id)  # type: ignore[attr-defined]
        extra["original"] = original.name
    return await _queue(settings, event, invitation, template, invitation.name, extra)


async def send_place_link(
    settings: Settings, event: Event, invitation: Invitation
) -> OutboxMessage:
    """The personal link for someone who asked for a place from the event's page."""
    link = await fresh_link(invitation, settings, event)
    return await _queue(settings, event, invitation, "place_link", invitation.name, {"link": link})


async def send_with_invite(
    settings: Settings,
    event: Event,
    invitation: Invitation,
    registration: Registration,
    template: str,
    **extra: Any,
) -> OutboxMessage:
    """A confirmation, promotion or update carrying METHOD:REQUEST for the delegate."""
    link = await fresh_link(invitation, settings, event)
    entry = emails.calendar_event(
        event, attendee_email=invitation.email, attendee_name=registration.name, link=link
    )
    calendar = await invite_part(invitation, entry, "REQUEST", kind=SUMMIT, tz=event.time_zone)
    context = {"link": link, "code": registration.check_in_code, **extra}
    return await _queue(settings, event, invitation, template, registration.name, context, calendar)


async def send_cancel(
    settings: Settings,
    event: Event,
    invitation: Invitation,
    registration: Registration,
    template: str,
    **extra: Any,
) -> OutboxMessage:
    """A cancellation carrying METHOD:CANCEL with STATUS:CANCELLED."""
    link = await fresh_link(invitation, settings, event)
    entry = emails.calendar_event(
        event, attendee_email=invitation.email, attendee_name=registration.name, link=link
    )
    calendar = await invite_part(invitation, entry, "CANCEL", kind=SUMMIT, tz=event.time_zone)
    context = {"link": link, "calendar": True, **extra}
    message = await _queue(
        settings, event, invitation, template, registration.name, context, calendar
    )
    await withdraw_sessions(settings, event, invitation, registration.name)
    return message


async def invite_part(
    invitation: Invitation, entry: CalendarEvent, method: str, *, kind: str, tz: str
) -> CalendarPart:
    """The METHOD:REQUEST or CANCEL part of one email to ``invitation``'s person, with
    the SEQUENCE and ORGANIZER their calendar expects (see the module's notes).

    Side effects: the person's ``CalendarInvite`` row for ``entry.uid`` written.
    Call inside the transaction that queues the email."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError("invite_part is for METHOD:REQUEST or CANCEL")
    status = "CANCELLED" if method == "CANCEL" else entry.status
    sent = await personal_entry(invitation, entry, status, kind=kind, tz=tz)
    return CalendarPart(method=method, ics=build_invite([sent], method, tz=tz))  # type: ignore[arg-type]


async def personal_entry(
    invitation: Invitation, entry: CalendarEvent, status: str, *, kind: str, tz: str
) -> CalendarEvent:
    """``entry`` as this person is sent it now (with ``status``): their SEQUENCE and
    ORGANIZER. Side effects: their ``CalendarInvite`` row for ``entry.uid`` written."""
    record = await CalendarInvite.get_or_none(invitation_id=invitation.id, uid=entry.uid)
    sequence = entry.sequence
    organizer = (entry.organizer_email or "", entry.organizer_name or "")
    if record is not None:
        organizer = (record.organizer_email, record.organizer_name)
        changed = (
            record.status != status
            or record.base_sequence != entry.sequence
            or (record.summary, record.location) != (entry.summary, entry.location)
            or (record.starts_at, record.ends_at) != (entry.start, entry.end)
        )
        sequence = max(entry.sequence, record.sequence + 1) if changed else record.sequence
    values = {
        "kind": kind,
        "sequence": sequence,
        "base_sequence": entry.sequence,
        "status": status,
        "organizer_email": organizer[0],
        "organizer_name": organizer[1],
        "summary": entry.summary,
        "location": entry.location,
        "starts_at": entry.start,
        "ends_at": entry.end,
        "time_zone": tz,
        "sent_at": now(),
    }
    if record is None:
        await CalendarInvite.create(invitation=invitation, uid=entry.uid, **values)
    else:
        record.update_from_dict(values)
        await record.save()
    return dataclasses.replace(
        entry,
        sequence=sequence,
        status=status,
        organizer_email=organizer[0] or None,
        organizer_name=organizer[1] or None,
    )


async def withdraw_sessions(
    settings: Settings, event: Event, invitation: Invitation, name: str
) -> list[OutboxMessage]:
    """One email with a METHOD:CANCEL for each session this person was sent by REQUEST
    and not yet cancelled (iTIP allows one UID per CANCEL). Side effects: emails
    queued, their ``CalendarInvite`` rows marked cancelled."""
    sent = []
    records = await CalendarInvite.filter(
        invitation_id=invitation.id, kind=SESSION, status="CONFIRMED"
    ).order_by("starts_at", "id")
    for record in records:
        entry = CalendarEvent(
            uid=record.uid,
            sequence=record.base_sequence,
            start=record.starts_at,
            end=record.ends_at,
            summary=record.summary,
            location=record.location,
            organizer_email=record.organizer_email,
            organizer_name=record.organizer_name or None,
            attendee_email=invitation.email,
            attendee_name=name,
            attendee_partstat="ACCEPTED",
            dtstamp=now(),
        )
        calendar = await invite_part(invitation, entry, "CANCEL", kind=SESSION, tz=record.time_zone)
        context = {"session": record.summary, "calendar": True}
        sent.append(
            await _queue(settings, event, invitation, "session_withdrawn", name, context, calendar)
        )
    return sent


async def send_plain(
    settings: Settings,
    event: Event,
    invitation: Invitation,
    template: str,
    name: str | None = None,
    with_link: bool = True,
    **extra: Any,
) -> OutboxMessage:
    """An email without a calendar part (waitlist, or a cancellation for an invitee)."""
    context = {"calendar": False, **extra}
    if with_link:
        context["link"] = await fresh_link(invitation, settings, event)
    return await _queue(settings, event, invitation, template, name or invitation.name, context)
