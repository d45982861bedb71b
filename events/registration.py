"""Registering from a personal link, the waitlist, cancelling and changing answers.

Seats are taken with one conditional UPDATE inside the registration's transaction
(``seats_taken = seats_taken + 1 WHERE seats_taken < capacity``), never by reading
then writing, so capacity holds whatever arrives at once. Each delegate's own
submissions queue behind a lock on their invitation row (PostgreSQL; SQLite runs one
transaction at a time), which makes a repeated submission return the first result.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from convenor import plainsql
from convenor.auth import now
from convenor.cleaning import name_problem
from convenor.errors import Conflict, Invalid, NotFound
from convenor.settings import Settings
from directory.models import How, Kind
from directory.service import add_pending_entry, public_entry
from events import notices
from events.access import invitation_for_link
from events.data import RegistrationData, multi_line, one_line
from events.models import (
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationStatus,
)
from events.questions import check_answers, questions_for

KINDS = frozenset(kind.value for kind in Kind)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 6
REGISTER_ATTEMPTS = 3


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    # "registered", "waitlisted", or "unchanged" when this invitation was already in.
    outcome: str


def registration_open(event: Event, at: datetime) -> bool:
    """Whether delegates may register at ``at`` (published, within the window, not over)."""
    if event.status != EventStatus.PUBLISHED or at >= event.ends_at:
        return False
    if event.registration_opens_at is not None and at < event.registration_opens_at:
        return False
    return event.registration_closes_at is None or at < event.registration_closes_at


async def check_registration(event: Event, data: RegistrationData) -> dict:
    """A registration's fields, cleaned; raises Invalid per wrong field. No side effects."""
    values = {
        "name": one_line(data.name, 200),
        "job_title": one_line(data.job_title, 200),
        "organisation": one_line(data.organisation, 200),
        "dietary": multi_line(data.dietary, 1000),
        "access_needs": multi_line(data.access_needs, 1000),
        "consent_to_list": bool(data.consent_to_list),
    }
    values["answers"], errors = check_answers(await questions_for(event.id), data.answers)
    if not values["name"]:
        errors["name"] = "Enter your name"
    # A typed organisation may become a directory entry's name: refused, not changed,
    # when it holds control characters, more than one line, "=?" or too many characters.
    organisation = (data.organisation or "").strip()
    if problem := name_problem(organisation):
        errors["organisation"] = problem
    elif len(organisation) > 200:
        errors["organisation"] = "Use 200 characters or fewer"
    if data.organisation_kind and data.organisation_kind not in KINDS:
        errors["organisation_kind"] = "Choose a kind of organisation from the list, or leave it"
    values["organisation_entry_id"] = None
    if data.organisation_entry_id is not None:
        try:
            entry = await public_entry(data.organisation_entry_id)
        except NotFound:
            errors["organisation"] = "Choose your organisation from the list, or type its name"
        else:
            values["organisation_entry_id"] = entry.id
            values["organisation"] = entry.name
    if errors:
        raise Invalid(fields=errors)
    return values


async def record_organisation(event: Event, values: dict, kind: str = "") -> None:
    """A typed organisation becomes (or is found as, by its name key) a pending directory
    entry, inside the caller's transaction: ten delegates of one new organisation
    registering at once make one entry and one provenance row "Registered for <event>"
    (directory.service.add_pending_entry). ``kind`` is what the delegate chose (the
    form's one optional question about it), else the kind stays unknown (NULL) until a
    moderator chooses one.

    Side effects: directory entry or provenance row; sets ``organisation_entry_id``.
    """
    if values["organisation_entry_id"] is None and values["organisation"]:
        entry = await add_pending_entry(
            values["organisation"],
            provenance=How.REGISTERED,
            source=f"Registered for {event.title}",
            kind=kind or None,
        )
        values["organisation_entry_id"] = entry.id


def new_check_in_code() -> str:
    """A random check-in code (30 bits); the event's unique index refuses a repeat."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@functools.cache
def _take_seat_sql() -> str:
    return (
        f"UPDATE {plainsql.table(Event)} SET seats_taken = seats_taken + 1 "  # noqa: S608
        "WHERE id = ? AND seats_taken < capacity"
    )


async def _take_seat(event_id: int) -> bool:
    # Plain SQL: one conditional UPDATE on every registration (see convenor.plainsql).
    return await plainsql.execute(_take_seat_sql(), [event_id]) == 1


@functools.cache
def _registration_sql() -> str:
    table = plainsql.table(Registration)
    return f"SELECT {plainsql.columns(Registration)} FROM {table} WHERE invitation_id = ?"  # noqa: S608


async def _registration_of(invitation: Invitation) -> Registration | None:
    rows = await plainsql.select(_registration_sql(), [invitation.id])
    return plainsql.model_from(Registration, rows[0]) if rows else None


async def _free_seat(event_id: int) -> None:
    await Event.filter(id=event_id, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


async def register(token: str, data: RegistrationData, settings: Settings) -> RegistrationResult:
    """Register from a personal link: a seat if one is free, else the waitlist.

    Side effects: registration row, seat taken, invitation status, a typed organisation
    recorded in the directory, and one email (confirmation with METHOD:REQUEST, or a
    waitlist notice). Submitting again returns the existing registration unchanged.
    """
    # A new check-in code is not looked up before it is used (a query on every
    # registration): the unique (event, code) index refuses a repeat, about once in a
    # million registrations at a 1,000-delegate event, and the whole transaction is
    # tried again. Trying again is safe for any unique clash: nothing of the failed
    # attempt is kept, and a registration that did get in is then found "unchanged".
    for attempt in range(REGISTER_ATTEMPTS):
        try:
            return await _register(token, data, settings)
        except IntegrityError:
            if attempt == REGISTER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def _register(token: str, data: RegistrationData, settings: Settings) -> RegistrationResult:
    async with in_transaction():
        invitation = await invitation_for_link(token, lock=True, with_event=True)
        event = invitation.event
        # Read after the invitation's lock is held: a repeated submission waiting on
        # that lock must see the registration the first one committed.
        existing = await _registration_of(invitation)
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            return RegistrationResult(existing, "unchanged")
        stamp = now()
        if not registration_open(event, stamp):
            raise Conflict("Registration for this event is closed.")
        values = await check_registration(event, data)
        await record_organisation(event, values, data.organisation_kind)
        seated = await _take_seat(event.id)
        status = RegistrationStatus.REGISTERED if seated else RegistrationStatus.WAITLISTED
        values.update(
            status=status,
            updated_at=stamp,
            registered_at=stamp if seated else None,
            waitlisted_at=None if seated else stamp,
            cancelled_at=None,
            checked_in_at=None,
        )
        if existing is None:
            registration = await Registration.create(
                event=event,
                invitation=invitation,
                check_in_code=new_check_in_code(),
                created_at=stamp,
                **values,
            )
        else:
            registration = existing
            registration.update_from_dict(values)
            await registration.save()
        invitation.status = InvitationStatus(status.value)
        invitation.responded_at = stamp
        await invitation.save(update_fields=["status", "responded_at"])
        if seated:
            await notices.send_with_invite(
                settings, event, invitation, registration, "registration_confirmed"
            )
        else:
            await notices.send_plain(
                settings, event, invitation, "waitlisted", name=registration.name
            )
    return RegistrationResult(registration, status.value)


async def _promote_next(event: Event) -> Registration | None:
    """Move the first waitlisted delegate to registered (the caller holds a seat)."""
    while True:
        candidates = (
            await Registration.filter(event=event, status=RegistrationStatus.WAITLISTED)
            .order_by("waitlisted_at", "id")
            .limit(5)
        )
        if not candidates:
            return None
        for candidate in candidates:
            # Lock order everywhere is invitation, then registration, then event; whoever
            # holds a waitlisted delegate's invitation never waits for the event row.
            await (
                Invitation.filter(id=candidate.invitation_id)  # type: ignore[attr-defined]
                .select_for_update()
                .first()
            )
            stamp = now()
            # Conditional, so a delegate cancelling at this moment is skipped, not seated.
            moved = await Registration.filter(
                id=candidate.id, status=RegistrationStatus.WAITLISTED
            ).update(status=RegistrationStatus.REGISTERED, registered_at=stamp, updated_at=stamp)
            if moved:
                await Invitation.filter(id=candidate.invitation_id).update(  # type: ignore[attr-defined]
                    status=InvitationStatus.REGISTERED
                )
                return await Registration.get(id=candidate.id).select_related("invitation")


async def fill_from_waitlist(event: Event, settings: Settings) -> list[Registration]:
    """Give free seats to waitlisted delegates in order, inside the caller's transaction.

    Side effects: seats taken, registrations promoted, a confirmation with METHOD:REQUEST
    to each promoted delegate.
    """
    promoted = []
    while await _take_seat(event.id):
        registration = await _promote_next(event)
        if registration is None:
            await _free_seat(event.id)
            break
        promoted.append(registration)
        await notices.send_with_invite(
            settings, event, registration.invitation, registration, "promoted"
        )
    return promoted


async def cancel_registration(token: str, settings: Settings) -> Registration:
    """The delegate cancels. Side effects: seat freed and the first waitlisted promoted
    (with an email); METHOD:CANCEL to a registered delegate, a plain email to a waitlisted one."""
    async with in_transaction():
        invitation = await invitation_for_link(token, lock=True)
        registration = await Registration.get_or_none(invitation_id=invitation.id)
        if registration is None:
            raise NotFound()
        await cancel(registration, invitation, settings)
    return registration


async def cancel(
    registration: Registration,
    invitation: Invitation,
    settings: Settings,
    template: str = "registration_cancelled",
) -> bool:
    """Cancel one registration inside the caller's transaction; False if it already was.

    ``template`` names the email to a registered delegate (it carries METHOD:CANCEL).
    """
    event = await Event.get(id=registration.event_id)  # type: ignore[attr-defined]
    stamp = now()
    for status in (RegistrationStatus.WAITLISTED, RegistrationStatus.REGISTERED):
        # Conditional: a waitlisted delegate may be promoted by someone else right now.
        if await Registration.filter(id=registration.id, status=status).update(
            status=RegistrationStatus.CANCELLED, cancelled_at=stamp, updated_at=stamp
        ):
            break
    else:
        return False
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = registration.updated_at = stamp
    invitation.status = InvitationStatus.CANCELLED
    invitation.responded_at = stamp
    await invitation.save(update_fields=["status", "responded_at"])
    if event.status == EventStatus.CANCELLED:
        return True
    if status == RegistrationStatus.REGISTERED:
        await _free_seat(event.id)
        await notices.send_cancel(
            settings, event, invitation, registration, template, was_waitlisted=False
        )
        await fill_from_waitlist(event, settings)
    elif template == "registration_cancelled":
        await notices.send_plain(
            settings,
            event,
            invitation,
            template,
            name=registration.name,
            was_waitlisted=True,
        )
    return True
