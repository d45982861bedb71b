"""Pure builders for event emails and calendar invites (no database, no I/O).

A calendar invite uses the event's stored UID and current SEQUENCE, names the
delegate as ATTENDEE (PARTSTAT=ACCEPTED: only registered delegates are sent one) and
the event contact as ORGANIZER, and carries the link to manage the registration in
its DESCRIPTION. ``events.notices.invite_part`` then raises the SEQUENCE and keeps the
ORGANIZER per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from convenor.calendar import CalendarEvent, build_invite
from convenor.settings import Settings
from convenor.templating import DEFAULT_TZ, format_datetime, localtime
from events.models import Event

TEMPLATES = "events/emails"


def manage_link(settings: Settings, token: str) -> str:
    return f"{settings.base_url}/i/{token}"


def when_text(event: Event) -> str:
    """'Tuesday 3 March 2026, 9:30am to 4:30pm' in the event's zone."""
    tz = event.time_zone
    start, end = localtime(event.starts_at, tz), localtime(event.ends_at, tz)
    assert start is not None and end is not None
    same_day = start.date() == end.date()
    text = (
        f"{format_datetime(event.starts_at, tz)} to "
        f"{format_datetime(event.ends_at, tz, 'time' if same_day else 'long')}"
    )
    return text if tz == DEFAULT_TZ else f"{text} ({tz})"


def calendar_event(
    event: Event, *, attendee_email: str, attendee_name: str, link: str
) -> CalendarEvent:
    description = "\n\n".join(
        part for part in (event.summary.strip(), f"Manage your registration: {link}") if part
    )
    return CalendarEvent(
        uid=event.calendar_uid,
        sequence=event.calendar_sequence,
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description=description,
        location=event.location,
        organizer_email=event.contact_email,
        organizer_name=event.organising_body or event.title,
        attendee_email=attendee_email,
        attendee_name=attendee_name,
        attendee_partstat="ACCEPTED",
        dtstamp=datetime.now(UTC),
    )


@dataclass(frozen=True)
class Snapshot:
    """What a delegate's calendar shows, taken before an update to see what changed."""

    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    location: str
    venue_access: str

    @classmethod
    def of(cls, event: Event) -> Snapshot:
        return cls(
            event.title,
            event.starts_at,
            event.ends_at,
            event.time_zone,
            event.location,
            event.venue_access,
        )


def changes(before: Snapshot, event: Event) -> list[str]:
    """Sentences for the update email, one per change that matters to a calendar."""
    found = []
    if before.title != event.title:
        found.append(f"The event is now called {event.title}.")
    if (before.starts_at, before.ends_at, before.time_zone) != (
        event.starts_at,
        event.ends_at,
        event.time_zone,
    ):
        found.append(f"The time is now {when_text(event)}.")
    if before.location != event.location:
        found.append(f"The venue is now {event.location or 'to be confirmed'}.")
    if before.venue_access != event.venue_access:
        found.append("The access information for the venue has changed.")
    return found


def context(event: Event, **extra: Any) -> dict[str, Any]:
    return {"event": event, "when": when_text(event), "where": event.location, **extra}


def calendar_download(event: Event, *, link: str) -> bytes:
    """An "add to calendar" file (METHOD:PUBLISH, no attendee), same UID and SEQUENCE."""
    entry = CalendarEvent(
        uid=event.calendar_uid,
        sequence=event.calendar_sequence,
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description="\n\n".join(part for part in (event.summary.strip(), link) if part),
        location=event.location,
        url=link,
        status="CANCELLED" if event.status == "cancelled" else "CONFIRMED",
        organizer_email=event.contact_email,
        organizer_name=event.organising_body or event.title,
        dtstamp=event.updated_at,
    )
    return build_invite([entry], "PUBLISH", tz=event.time_zone)
