"""Cancelling the event reaches the speakers (``events.cancel_hooks``).

A speaker is sent their sessions by email when a published version changes them
(``programmes.publishing``): METHOD:REQUEST, CANCEL or PUBLISH parts, kept in the
outbox with the speaker's ``link_subject``. Those rows are the record of what each
speaker's calendar holds: for every session UID, the last part sent. When the event is
cancelled, each speaker still holding a session (last sent CONFIRMED) gets one email
per session with METHOD:CANCEL, STATUS:CANCELLED, the same UID and ORGANIZER and a
SEQUENCE one above the last they were sent, at the address that received it, with a
fresh link to their ``/speaker/`` page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from icalendar import Calendar

from convenor.auth import now
from convenor.calendar import CalendarEvent, build_invite
from convenor.mail.message import CalendarPart
from convenor.mail.models import OutboxMessage, OutboxStatus
from convenor.mail.outbox import queue_email, render_email
from convenor.settings import Settings
from events.access import issue_event_link
from events.models import Event
from programmes.emails import TEMPLATES, speaker_link
from programmes.models import Speaker
from programmes.speakers import SPEAKER_LINK

__all__ = ["handlers", "held_sessions", "recipients"]

CATEGORY = "programme-speaker-event-cancelled"


@dataclass(frozen=True)
class Held:
    """A session as the speaker's calendar holds it: the last part they were sent."""

    uid: str
    sequence: int
    status: str
    summary: str
    location: str
    start: datetime
    end: datetime
    organizer_email: str
    organizer_name: str
    to_address: str


def _address(value: object) -> tuple[str, str]:
    if value is None:
        return "", ""
    text = str(value)
    email = text[7:] if text.lower().startswith("mailto:") else text
    name = getattr(value, "params", {}).get("CN", "")
    return email, str(name)


def _entries(message: OutboxMessage) -> list[Held]:
    calendar = Calendar.from_ical(message.calendar_ics or "")
    method = str(calendar.get("METHOD", message.calendar_method or "")).upper()
    found = []
    for vevent in calendar.walk("VEVENT"):
        status = str(vevent.get("STATUS", "CONFIRMED")).upper()
        organizer = _address(vevent.get("ORGANIZER"))
        found.append(
            Held(
                uid=str(vevent.get("UID")),
                sequence=int(vevent.get("SEQUENCE", 0)),
                status="CANCELLED" if method == "CANCEL" else status,
                summary=str(vevent.get("SUMMARY", "")),
                location=str(vevent.get("LOCATION", "")),
                start=vevent.decoded("DTSTART"),
                end=vevent.decoded("DTEND"),
                organizer_email=organizer[0],
                organizer_name=organizer[1],
                to_address=message.to_address,
            )
        )
    return found


async def held_sessions(event: Event) -> list[tuple[Speaker, list[Held]]]:
    """Each speaker of the event whose calendar holds sessions they were sent (last part
    CONFIRMED), with those sessions in time order. No side effects."""
    speakers = {s.link_subject: s for s in await Speaker.filter(event_id=event.id)}
    if not speakers:
        return []
    messages = (
        await OutboxMessage.filter(related__in=list(speakers), calendar_ics__not_isnull=True)
        .exclude(status=OutboxStatus.FAILED)
        .order_by("id")
    )
    last: dict[str, dict[str, Held]] = {}
    for message in messages:
        for entry in _entries(message):
            last.setdefault(message.related, {})[entry.uid] = entry
    found = []
    for subject, entries in last.items():
        holding = [e for e in entries.values() if e.status != "CANCELLED"]
        if holding:
            found.append((speakers[subject], sorted(holding, key=lambda e: (e.start, e.uid))))
    return sorted(found, key=lambda pair: pair[0].id)


async def cancel_speakers_sessions(event: Event, settings: Settings, message: str = "") -> int:
    """Email each speaker a METHOD:CANCEL for every session their calendar holds; how
    many speakers were emailed. Side effects: emails queued, personal links issued.
    Call inside the event cancel's transaction."""
    held = await held_sessions(event)
    for speaker, entries in held:
        token = await issue_event_link(SPEAKER_LINK, speaker.link_subject, event)
        link = speaker_link(settings, token)
        for entry in entries:
            cancel = CalendarEvent(
                uid=entry.uid,
                sequence=entry.sequence + 1,
                start=entry.start,
                end=entry.end,
                summary=entry.summary,
                location=entry.location,
                status="CANCELLED",
                organizer_email=entry.organizer_email or event.contact_email,
                organizer_name=entry.organizer_name or None,
                attendee_email=entry.to_address,
                attendee_name=speaker.display_name,
                attendee_partstat="ACCEPTED",
                dtstamp=now(),
            )
            calendar = CalendarPart(
                method="CANCEL", ics=build_invite([cancel], "CANCEL", tz=event.time_zone)
            )
            context = {
                "event": event,
                "name": speaker.display_name,
                "session": entry.summary,
                "message": message,
                "link": link,
            }
            await queue_email(
                to=entry.to_address,
                to_name=speaker.display_name,
                rendered=render_email(f"{TEMPLATES}/speaker_event_cancelled", context),
                mail_from=settings.mail_from,
                calendar=calendar,
                reply_to=event.contact_email,
                category=CATEGORY,
                related=speaker.link_subject,
            )
    return len(held)


async def speakers_reached(event: Event) -> int:
    """How many speakers ``cancel_speakers_sessions`` would email now. No side effects."""
    return len(await held_sessions(event))


handlers = [cancel_speakers_sessions]
recipients = [speakers_reached]
