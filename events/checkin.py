"""Check-in on the day: find a delegate by code or name, record the time once.

A handheld scanner types the code printed on the confirmation (and in its QR code),
so a code is matched whatever its case, spacing or hyphens ("ab3 k7q", "AB3-K7Q").
A second check-in does not move the first time; it comes back flagged so the desk
can warn.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, NotFound
from convenor.models import User
from events.access import get_event_for
from events.data import one_line
from events.models import Registration, RegistrationStatus
from events.registration import CODE_LENGTH

MAX_MATCHES = 20


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    # False when the delegate had already checked in: warn, and show the first time.
    first_time: bool


# Hyphen-minus and the dashes a phone or word processor substitutes for it.
DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")


def _as_code(text: str) -> str:
    # Only printable characters can be in a code (a NUL would also fail on PostgreSQL);
    # people group codes with spaces or hyphens, which are never part of one.
    return "".join(
        c for c in text if c.isprintable() and not c.isspace() and c not in DASHES
    ).upper()


async def find_delegates(user: User, event_id: int, query: str) -> list[Registration]:
    """Registered delegates whose code is ``query`` or whose name contains it. No side effects."""
    await get_event_for(user, event_id)
    query = one_line(query, 200)
    if not query:
        return []
    registered = Registration.filter(event_id=event_id, status=RegistrationStatus.REGISTERED)
    code = _as_code(query)
    if len(code) == CODE_LENGTH:
        exact = await registered.filter(check_in_code=code).select_related("invitation")
        if exact:
            return list(exact)
    matches = (
        registered.filter(Q(name__icontains=query) | Q(organisation__icontains=query))
        .select_related("invitation")
        .order_by("name", "id")
        .limit(MAX_MATCHES)
    )
    return list(await matches)


async def check_in(user: User, event_id: int, registration_id: int) -> CheckIn:
    """Record that a delegate has arrived. Side effects: checked_in_at, set once."""
    await get_event_for(user, event_id)
    async with in_transaction():
        # One conditional UPDATE: two desks checking the same person in at once both see
        # one first check-in.
        recorded = await Registration.filter(
            id=registration_id,
            event_id=event_id,
            status=RegistrationStatus.REGISTERED,
            checked_in_at__isnull=True,
        ).update(checked_in_at=now())
        registration = await Registration.get_or_none(id=registration_id, event_id=event_id)
    if registration is None:
        raise NotFound()
    if not recorded and registration.status != RegistrationStatus.REGISTERED:
        raise Conflict(f"{registration.name} is not registered ({registration.status.value}).")
    return CheckIn(registration, first_time=bool(recorded))


async def check_in_by_code(user: User, event_id: int, code: str) -> CheckIn:
    """Check in the delegate with this code. Side effects: checked_in_at, set once."""
    await get_event_for(user, event_id)
    registration = await Registration.get_or_none(
        event_id=event_id, check_in_code=_as_code(code)[:CODE_LENGTH]
    )
    if registration is None:
        raise NotFound("No delegate has this code.")
    return await check_in(user, event_id, registration.id)


async def undo_check_in(user: User, event_id: int, registration_id: int) -> Registration:
    """Clear a check-in made by mistake. Side effects: checked_in_at cleared."""
    await get_event_for(user, event_id)
    if not await Registration.filter(id=registration_id, event_id=event_id).update(
        checked_in_at=None
    ):
        raise NotFound()
    return await Registration.get(id=registration_id)
