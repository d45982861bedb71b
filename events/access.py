"""Who may see which event: organisers see the events they are assigned to, admins all;
and how long personal links of an event live.

Every organiser-facing service starts here, so an event the caller may not see is
``NotFound`` (not Forbidden): its existence is not revealed.

Personal links tied to an event (delegates' ``/i/...``, speakers' and agenda feeds')
stop working ``purge_after_days`` after the event ends, when its sensitive answers are
purged. The link's ``expires_at`` is set to that moment when it is issued, but the
event's current dates decide when it is resolved (``check_link_live``): an event moved
later keeps its links alive, one moved earlier ends them sooner, and links issued before
links had an expiry stop too.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from convenor import plainsql
from convenor.auth import issue_link, now, unrevoked_link
from convenor.errors import Forbidden, Gone, NotFound
from convenor.models import Role, User
from convenor.templating import format_datetime
from events.models import Event, Invitation, InvitationStatus

INVITATION_LINK = "invitation"


def is_admin(user: User) -> bool:
    return user.is_active and user.role == Role.ADMIN


def may_organise(user: User) -> bool:
    return user.is_active and user.role in (Role.ADMIN, Role.ORGANISER)


def check_may_organise(user: User) -> None:
    if not may_organise(user):
        raise Forbidden("Only organisers and admins can manage events.")


def _visible(user: User):
    if is_admin(user):
        return Event.all()
    if may_organise(user):
        return Event.filter(organisers__id=user.id)
    return Event.filter(id=-1)


async def events_for(user: User) -> list[Event]:
    """The events this user may manage, soonest first. No side effects."""
    return list(await _visible(user).distinct().order_by("starts_at", "id"))


async def get_event_for(user: User, event_id: int) -> Event:
    """One event the user may manage; NotFound for any other. No side effects."""
    event = await _visible(user).filter(id=event_id).first()
    if event is None:
        raise NotFound()
    return event


async def locked_event_for(user: User, event_id: int) -> Event:
    """Like ``get_event_for`` but locks the row (PostgreSQL); call inside a transaction."""
    await get_event_for(user, event_id)
    return await Event.filter(id=event_id).select_for_update().get()


def link_expiry(event: Event) -> datetime:
    """When the event's personal links stop working: ``purge_after_days`` after it ends."""
    return event.ends_at + timedelta(days=event.purge_after_days)


def expired_message(event: Event) -> str:
    """What someone following an expired link of this event is told."""
    ended = format_datetime(event.ends_at, event.time_zone, "date")
    data = (
        "your dietary and access answers have been deleted"
        if event.sensitive_purged_at is not None
        else "your dietary and access answers will be deleted shortly"
    )
    return (
        f"This link has expired: {event.title} ended on {ended}; {data}. "
        f"Contact the organiser at {event.contact_email}."
    )


def check_link_live(event: Event, at: datetime | None = None) -> None:
    """Gone (410, with ``expired_message``) once the event's personal links have expired."""
    if (at or now()) >= link_expiry(event):
        raise Gone(expired_message(event))


async def check_event_link_live(event_id: int) -> Event:
    """The event of a personal link, after ``check_link_live``; NotFound if it is gone."""
    event = await Event.get_or_none(id=event_id)
    if event is None:
        raise NotFound()
    check_link_live(event)
    return event


async def issue_event_link(purpose: str, subject: str, event: Event) -> str:
    """Issue a personal link tied to the event, expiring with it; returns the raw token."""
    return await issue_link(purpose, subject, expires_at=link_expiry(event))


async def invitation_for_link(
    token: str, *, lock: bool = False, with_event: bool = False
) -> Invitation:
    """The invitation a personal link is for; NotFound for a dead, revoked or odd link,
    Gone once the event's links have expired (``check_link_live``).

    With ``lock`` the row is locked (PostgreSQL) so one delegate's submissions queue up
    behind each other; call it inside a transaction then. With ``with_event`` the
    event comes in the same query, as ``invitation.event`` (never locked).
    """
    link = await unrevoked_link(token, INVITATION_LINK)
    prefix, _, number = (link.subject if link else "").partition(":")
    if prefix != "invitation" or not number.isdigit():
        raise NotFound()
    # Plain SQL: this is the first query of every delegate's page and form, and the
    # ORM's query building cost more than the query (see convenor.plainsql).
    # Only the invitation is locked: locking the event row too would queue every
    # delegate of the event behind each other for their whole transaction.
    rows = await plainsql.select(_invitation_sql(), [int(number)], lock="i" if lock else None)
    if not rows:
        raise NotFound()
    invitation = plainsql.model_from(Invitation, rows[0], "i")
    if invitation.status in (InvitationStatus.REVOKED, InvitationStatus.PROPOSED):
        raise NotFound()
    event = plainsql.model_from(Event, rows[0], "e")
    check_link_live(event)
    if with_event:
        invitation.event = event
    return invitation


@functools.cache
def _invitation_sql() -> str:
    invitation, event = plainsql.table(Invitation), plainsql.table(Event)
    return (
        f"SELECT {plainsql.columns(Invitation, 'i')}, {plainsql.columns(Event, 'e')} "  # noqa: S608
        f"FROM {invitation} i JOIN {event} e ON e.id = i.event_id WHERE i.id = ?"
    )
