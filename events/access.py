"""Who may see which event: organisers see the events they are assigned to, admins all.

Every organiser-facing service starts here, so an event the caller may not see is
``NotFound`` (not Forbidden): its existence is not revealed.
"""

from __future__ import annotations

import functools

from convenor import plainsql
from convenor.auth import resolve_link
from convenor.errors import Forbidden, NotFound
from convenor.models import Role, User
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


async def invitation_for_link(
    token: str, *, lock: bool = False, with_event: bool = False
) -> Invitation:
    """The invitation a personal link is for; NotFound for a dead, revoked or odd link.

    With ``lock`` the row is locked (PostgreSQL) so one delegate's submissions queue up
    behind each other; call it inside a transaction then. With ``with_event`` the
    event comes in the same query, as ``invitation.event`` (never locked).
    """
    subject = await resolve_link(token, INVITATION_LINK)
    prefix, _, number = (subject or "").partition(":")
    if prefix != "invitation" or not number.isdigit():
        raise NotFound()
    # Plain SQL: this is the first query of every delegate's page and form, and the
    # ORM's query building cost more than the query (see convenor.plainsql).
    # Only the invitation is locked: locking the event row too would queue every
    # delegate of the event behind each other for their whole transaction.
    sql = _invitation_sql(with_event)
    rows = await plainsql.select(sql, [int(number)], lock="i" if lock else None)
    if not rows:
        raise NotFound()
    invitation = plainsql.model_from(Invitation, rows[0], "i")
    if invitation.status in (InvitationStatus.REVOKED, InvitationStatus.PROPOSED):
        raise NotFound()
    if with_event:
        invitation.event = plainsql.model_from(Event, rows[0], "e")
    return invitation


@functools.cache
def _invitation_sql(with_event: bool) -> str:
    invitation, event = plainsql.table(Invitation), plainsql.table(Event)
    if not with_event:
        return f"SELECT {plainsql.columns(Invitation, 'i')} FROM {invitation} i WHERE i.id = ?"  # noqa: S608
    return (
        f"SELECT {plainsql.columns(Invitation, 'i')}, {plainsql.columns(Event, 'e')} "  # noqa: S608
        f"FROM {invitation} i JOIN {event} e ON e.id = i.event_id WHERE i.id = ?"
    )
