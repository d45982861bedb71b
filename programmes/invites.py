"""Calendar parts of programme change emails to delegates, through the invitee's
calendar record (``events.notices.personal_entry``).

The parts are those of ``programmes.emails.agenda_update`` (one changed session:
METHOD:REQUEST or CANCEL; several: one METHOD:PUBLISH), but each session carries the
SEQUENCE and ORGANIZER this delegate's calendar holds, and is recorded, so that when
the event is cancelled, or the delegate's place is, every session they were sent is
withdrawn by METHOD:CANCEL (``events.notices.withdraw_sessions``).
"""

from __future__ import annotations

from convenor.calendar import build_invite
from convenor.mail.message import CalendarPart
from events.models import Invitation
from events.notices import SESSION, personal_entry
from programmes.emails import calendar_event
from programmes.view import ProgrammeView, SessionEntry

__all__ = ["delegate_agenda_update"]


async def delegate_agenda_update(
    view: ProgrammeView,
    changed: list[SessionEntry],
    cancelled: list[SessionEntry],
    *,
    invitation: Invitation,
    attendee_name: str,
) -> CalendarPart | None:
    """The calendar part for one delegate's change email, or None if nothing of theirs
    moved. Side effects: the delegate's calendar records of these sessions."""
    if not changed and not cancelled:
        return None
    stamp = view.published_at
    attendee = (invitation.email, attendee_name)
    pairs = [(s, "CONFIRMED") for s in changed] + [(s, "CANCELLED") for s in cancelled]
    entries = []
    for session, status in pairs:
        entry = calendar_event(view, session, attendee=attendee, dtstamp=stamp, status=status)
        entries.append(
            await personal_entry(invitation, entry, status, kind=SESSION, tz=view.time_zone)
        )
    if len(entries) == 1:
        method = "REQUEST" if changed else "CANCEL"
        return CalendarPart(method=method, ics=build_invite(entries, method, tz=view.time_zone))
    return CalendarPart(method="PUBLISH", ics=build_invite(entries, "PUBLISH", tz=view.time_zone))
