"""Workshop lists for organisers: per workshop session, the registered delegates who
hold a place, as CSV or .xlsx (written by ``convenor.spreadsheet``).

A place held by a delegate who has since cancelled is left out (such places are given
back lazily, when the workshop fills: see ``programmes.agenda``).
"""

from __future__ import annotations

from datetime import datetime

from convenor.errors import NotFound
from convenor.models import User
from convenor.spreadsheet import Cell, Sheet
from convenor.templating import localtime
from events.access import get_event_for
from events.models import Event, RegistrationStatus
from programmes.models import AgendaPick, Session

COLUMNS = (
    "Workshop", "Starts", "Ends", "Room", "Name", "Email", "Job title", "Organisation",
    "Check-in code",
)  # fmt: skip


def _local(moment: datetime, event: Event) -> datetime:
    """Wall-clock time in the event's zone (a spreadsheet has no zones)."""
    return localtime(moment, event.time_zone).replace(tzinfo=None)


def _row(event: Event, pick: AgendaPick) -> list[Cell]:
    session, registration = pick.session, pick.registration
    return [
        session.title,
        _local(session.starts_at, event),
        _local(session.ends_at, event),
        session.room.name if session.room else "",
        registration.name,
        registration.invitation.email,
        registration.job_title,
        registration.organisation,
        registration.check_in_code,
    ]


async def workshop_sheet(
    user: User, event_id: int, session_id: int | None = None
) -> tuple[Event, Sheet, Session | None]:
    """Who holds a place in each of the event's workshops (or in one of them), by
    workshop time then name. NotFound for another event's session. No side effects."""
    event = await get_event_for(user, event_id)
    picks = AgendaPick.filter(
        session__event_id=event.id,
        has_place=True,
        registration__status=RegistrationStatus.REGISTERED,
    )
    session = None
    if session_id is not None:
        session = await Session.get_or_none(id=session_id, event_id=event.id)
        if session is None:
            raise NotFound()
        picks = picks.filter(session_id=session.id)
    ordered = await picks.select_related(
        "session", "session__room", "registration", "registration__invitation"
    ).order_by("session__starts_at", "session__title", "session_id", "registration__name", "id")
    rows = [_row(event, pick) for pick in ordered]
    return event, Sheet("Workshop places", COLUMNS, rows), session


async def workshops_held(event_id: int) -> tuple[str, dict[int, str]] | None:
    """The delegate export's "Workshops" column (``programmes.delegate_columns``): for
    each registered delegate, the titles of the workshops they hold a place in, in time
    order, joined by "; "; None when the event has no workshops (no column). Cancelled
    workshops and places of delegates no longer registered are left out, as in
    ``workshop_sheet``. The caller has checked the organiser may read the event.
    No side effects."""
    if not await Session.filter(
        event_id=event_id, places__isnull=False, cancelled_at=None
    ).exists():
        return None
    held = (
        await AgendaPick.filter(
            session__event_id=event_id,
            session__cancelled_at=None,
            has_place=True,
            registration__status=RegistrationStatus.REGISTERED,
        )
        .order_by("session__starts_at", "session__title", "session_id")
        .values_list("registration_id", "session__title")
    )
    titles: dict[int, list[str]] = {}
    for registration_id, title in held:
        titles.setdefault(registration_id, []).append(title)
    return "Workshops", {rid: "; ".join(names) for rid, names in titles.items()}
