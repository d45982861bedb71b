"""Pure builders for programme emails and calendar parts (no database, no I/O).

Sessions keep one calendar UID for life; an update carries the SEQUENCE of the version
that changed it. One email carries one VCALENDAR. iTIP (RFC 5546) allows one UID per
REQUEST or CANCEL and Outlook acts on the first UID only, so:

- one changed session in a delegate's agenda: METHOD:REQUEST with its new details, or
  METHOD:CANCEL with STATUS:CANCELLED when it was cancelled;
- several: one METHOD:PUBLISH holding each of them (RFC 5546 allows many UIDs in a
  PUBLISH), changed ones CONFIRMED and cancelled ones STATUS:CANCELLED, each with its
  higher SEQUENCE, so calendars update or strike out the entries they already hold.

Every file names the event's contact as ORGANIZER (a PUBLISH needs one, RFC 5546
3.2.1); feeds leave it out (``convenor.calendar.build_feed``). ``programmes.invites``
sends the same parts to delegates with the SEQUENCE and ORGANIZER their calendar
holds.
"""

from __future__ import annotations

import html
from datetime import datetime

import nh3

from convenor.calendar import CalendarEvent, build_invite
from convenor.mail.message import CalendarPart
from convenor.settings import Settings
from convenor.text import render_markdown
from events.models import Visibility
from programmes.view import ProgrammeView, SessionEntry

TEMPLATES = "programmes/emails"
ROLE_LABELS = {
    "chair": "Chair",
    "speaker": "Speaker",
    "panellist": "Panellist",
    "facilitator": "Facilitator",
}


def plain_text(markdown: str) -> str:
    """Markdown as plain text: rendered and sanitised, then the tags dropped."""
    rendered = str(render_markdown(markdown))
    rendered = rendered.replace("</p>", "\n").replace("<br>", "\n").replace("</li>", "\n")
    text = html.unescape(nh3.clean(rendered, tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def speaker_link(settings: Settings, token: str) -> str:
    return f"{settings.base_url}/speaker/{token}"


def session_url(base_url: str, event_uuid: str, session_id: int) -> str:
    """The session's public page (public and unlisted events' programmes)."""
    return f"{base_url}/events/{event_uuid}/programme/sessions/{session_id}"


def agenda_feed_url(base_url: str, token: str) -> str:
    """The https address of a delegate's agenda feed; no personal data, only the token."""
    return f"{base_url}/agenda/{token}.ics"


def webcal(url: str) -> str:
    """The same feed as a webcal:// link, which opens the subscribe dialog."""
    return "webcal://" + url.split("://", 1)[1]


def session_text(event: dict, session: SessionEntry) -> str:
    """A session's calendar DESCRIPTION: speakers with roles, track, then its description."""
    lines = []
    for speaker, role in session.speakers:
        extra = f", {speaker.description}" if speaker.description else ""
        lines.append(f"{ROLE_LABELS.get(role, role)}: {speaker.display_name}{extra}")
    if session.track:
        lines.append(f"Track: {session.track}")
    if session.description:
        lines.append("")
        lines.append(session.description)
    return "\n".join(lines).strip()


def location(event: dict, session: SessionEntry) -> str:
    return ", ".join(part for part in (session.room, event["location"]) if part)


def calendar_event(
    view: ProgrammeView,
    session: SessionEntry,
    *,
    base_url: str | None = None,
    status: str = "CONFIRMED",
    attendee: tuple[str, str] | None = None,
    dtstamp: datetime | None = None,
    sequence: int | None = None,
) -> CalendarEvent:
    """One session as a calendar event; with ``attendee`` (ACCEPTED: registered
    delegates and speakers) it is ready for an iTIP email."""
    event = view.event
    public_page = bool(base_url) and event.get("visibility") != Visibility.INVITE_ONLY.value
    return CalendarEvent(
        uid=session.uid,
        sequence=session.sequence if sequence is None else sequence,
        start=session.start,
        end=session.end,
        summary=session.title,
        description=session_text(event, session),
        location=location(event, session),
        # The public page, where there is one (an invite-only event's is not found).
        url=session_url(base_url, event["uuid"], session.id) if public_page else None,
        status=status,
        organizer_email=event["contact_email"],
        organizer_name=event["organising_body"] or event["title"],
        attendee_email=attendee[0] if attendee else None,
        attendee_name=attendee[1] if attendee else None,
        attendee_partstat="ACCEPTED",
        dtstamp=dtstamp or session.stamp,
    )


def agenda_update(
    view: ProgrammeView,
    changed: list[SessionEntry],
    cancelled: list[SessionEntry],
    *,
    attendee_email: str,
    attendee_name: str,
) -> CalendarPart | None:
    """The calendar part for one delegate's change email, or None if nothing of theirs moved."""
    stamp = view.published_at
    attendee = (attendee_email, attendee_name)
    if len(changed) + len(cancelled) == 0:
        return None
    if len(changed) + len(cancelled) == 1:
        method = "REQUEST" if changed else "CANCEL"
        session = (changed or cancelled)[0]
        entry = calendar_event(
            view,
            session,
            attendee=attendee,
            dtstamp=stamp,
            status="CONFIRMED" if changed else "CANCELLED",
        )
        ics = build_invite([entry], method, tz=view.time_zone)
        return CalendarPart(method=method, ics=ics)
    entries = [calendar_event(view, s, dtstamp=stamp) for s in changed]
    entries += [calendar_event(view, s, dtstamp=stamp, status="CANCELLED") for s in cancelled]
    return CalendarPart(method="PUBLISH", ics=build_invite(entries, "PUBLISH", tz=view.time_zone))
