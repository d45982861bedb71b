"""Event rules: creating, changing, publishing and cancelling events, and organisers.

Every public function runs in its own transaction, takes plain values and raises the
core's domain errors. Emails caused by a change are queued in the same transaction.
Invitations are in ``events.invitations``, registrations in ``events.registration``.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterable

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.cleaning import text_problem
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.message import InvalidAddress, validate_address
from convenor.models import Role, User
from convenor.settings import DEFAULT_DOMAINS, Settings
from events import notices
from events.access import (
    check_may_organise,
    events_for,
    get_event_for,
    locked_event_for,
)
from events.cancel_hooks import domains_reach, tell_domains
from events.changes import changing, event_changed
from events.data import EventData, aware_utc, multi_line, one_line, valid_time_zone
from events.emails import Snapshot, changes
from events.models import (
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationStatus,
    Visibility,
)
from events.registration import fill_from_waitlist

__all__ = [
    "add_organiser",
    "cancel_event",
    "cancel_event_reach",
    "check_event_data",
    "create_event",
    "event_page",
    "events_for",
    "get_event_for",
    "organisers_of",
    "publish_event",
    "remove_organiser",
    "update_event",
]

MAX_CAPACITY = 100_000
MAX_PURGE_DAYS = 3650
MAX_REMINDER_HOURS = 24 * 60  # sixty days
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def _checked(data: EventData) -> dict:
    """The event's fields, cleaned; raises Invalid with a message per wrong field."""
    errors: dict[str, str] = {}
    values = {
        "title": one_line(data.title, 200),
        "summary": multi_line(data.summary, 2000),
        "description": multi_line(data.description, 20000),
        "organising_body": one_line(data.organising_body, 200),
        "venue_name": one_line(data.venue_name, 200),
        "venue_address": multi_line(data.venue_address, 500),
        "venue_postcode": one_line(data.venue_postcode, 10).upper(),
        "venue_access": multi_line(data.venue_access, 2000),
        "time_zone": (data.time_zone or "").strip(),
        "starts_at": aware_utc(data.starts_at),
        "ends_at": aware_utc(data.ends_at),
        "registration_opens_at": aware_utc(data.registration_opens_at),
        "registration_closes_at": aware_utc(data.registration_closes_at),
        "substitutes_need_approval": bool(data.substitutes_need_approval),
        "reminders_enabled": bool(data.reminders_enabled),
    }
    if not values["title"]:
        errors["title"] = "Enter the event's title"
    try:
        values["contact_email"] = validate_address(data.contact_email or "")
    except InvalidAddress:
        errors["contact_email"] = "Enter an email address like events@example.org"
    if values["venue_postcode"] and not POSTCODE.match(values["venue_postcode"]):
        errors["venue_postcode"] = "Enter a postcode like SO14 7LP, or leave it blank"
    if not valid_time_zone(values["time_zone"]):
        errors["time_zone"] = "Choose a time zone such as Europe/London"
    if values["starts_at"] is None:
        errors["starts_at"] = "Enter when the event starts"
    if values["ends_at"] is None:
        errors["ends_at"] = "Enter when the event ends"
    elif values["starts_at"] is not None and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = "The end must be after the start"
    opens, closes = values["registration_opens_at"], values["registration_closes_at"]
    if opens is not None and closes is not None and closes <= opens:
        errors["registration_closes_at"] = "Registration must close after it opens"
    if not isinstance(data.capacity, int) or not 1 <= data.capacity <= MAX_CAPACITY:
        errors["capacity"] = f"Enter a number of places from 1 to {MAX_CAPACITY:,}"
    else:
        values["capacity"] = data.capacity
    try:
        values["visibility"] = Visibility(data.visibility)
    except ValueError:
        errors["visibility"] = "Choose invite-only, unlisted or public"
    if not isinstance(data.purge_after_days, int) or not (
        1 <= data.purge_after_days <= MAX_PURGE_DAYS
    ):
        errors["purge_after_days"] = f"Enter a number of days from 1 to {MAX_PURGE_DAYS}"
    else:
        values["purge_after_days"] = data.purge_after_days
    hours = data.reminder_hours_before
    if not isinstance(hours, int) or not 1 <= hours <= MAX_REMINDER_HOURS:
        errors["reminder_hours_before"] = f"Enter a number of hours from 1 to {MAX_REMINDER_HOURS}"
    else:
        values["reminder_hours_before"] = hours
    if errors:
        raise Invalid(fields=errors)
    return values


def check_event_data(data: EventData) -> None:
    """Raise Invalid with a message per wrong field, as create/update would. No side effects."""
    _checked(data)


async def event_page(event_uuid: str, user: User | None) -> Event:
    """A published public or unlisted event by its UUID; an invite-only or draft one only
    for staff who may manage it, NotFound for anyone else. No side effects."""
    event = await Event.get_or_none(uuid=event_uuid[:36])
    if event is None:
        raise NotFound()
    if event.status != EventStatus.DRAFT and event.visibility != Visibility.INVITE_ONLY:
        return event
    if user is None:
        raise NotFound()
    return await get_event_for(user, event.id)


async def create_event(user: User, data: EventData) -> Event:
    """Create a draft event with the user as its organiser. Side effects: event row."""
    check_may_organise(user)
    values = _checked(data)
    stamp = now()
    async with in_transaction():
        event = await Event.create(
            uuid=str(uuid.uuid4()),
            calendar_uid=f"{secrets.token_hex(16)}@convenor",
            calendar_sequence=0,
            seats_taken=0,
            status=EventStatus.DRAFT,
            created_at=stamp,
            updated_at=stamp,
            **values,
        )
        await event.organisers.add(user)
    # A new event can take an id a cache has seen (a database emptied or restored).
    event_changed(event.id)
    return event


async def update_event(user: User, event_id: int, data: EventData, settings: Settings) -> Event:
    """Change an event. Side effects: when a published event's time or venue changes,
    SEQUENCE goes up and every registered delegate gets an updated invite; more places
    promote people from the waitlist (with emails)."""
    values = _checked(data)
    async with changing(event_id), in_transaction():
        event = await locked_event_for(user, event_id)
        if event.status == EventStatus.CANCELLED:
            raise Conflict("This event has been cancelled and can no longer be changed.")
        if values["capacity"] < event.seats_taken:
            raise Invalid(
                fields={
                    "capacity": f"{event.seats_taken} delegates are registered already; "
                    "the capacity cannot be lower"
                }
            )
        before = Snapshot.of(event)
        event.update_from_dict(values)
        event.updated_at = now()
        changed = changes(before, event) if event.status == EventStatus.PUBLISHED else []
        if changed:
            event.calendar_sequence += 1
        await event.save()
        for registration in await _registered(event):
            if changed:
                await notices.send_with_invite(
                    settings,
                    event,
                    registration.invitation,
                    registration,
                    "event_updated",
                    changes=changed,
                )
        if event.status == EventStatus.PUBLISHED:
            await fill_from_waitlist(event, settings)
    return event


async def _registered(event: Event) -> list[Registration]:
    return list(
        await Registration.filter(event=event, status=RegistrationStatus.REGISTERED)
        .select_related("invitation")
        .order_by("id")
    )


async def publish_event(user: User, event_id: int) -> Event:
    """Open a draft event to its invitees. Side effects: status published."""
    async with changing(event_id), in_transaction():
        event = await locked_event_for(user, event_id)
        if event.status == EventStatus.CANCELLED:
            raise Conflict("A cancelled event cannot be published.")
        if event.status == EventStatus.DRAFT:
            event.status = EventStatus.PUBLISHED
            event.published_at = event.updated_at = now()
            await event.save(update_fields=["status", "published_at", "updated_at"])
    return event


async def _cancel_audience(event: Event) -> tuple[list[Registration], list[Invitation]]:
    """Whom cancelling the event emails: registered delegates (a METHOD:CANCEL), and
    the other invitees who were sent an invitation or are on the waitlist (plain)."""
    if event.status != EventStatus.PUBLISHED:
        return [], []
    registered = await _registered(event)
    told = {registration.invitation.id for registration in registered}
    emailed = Q(
        sent_at__not_isnull=True,
        status__in=[InvitationStatus.INVITED, InvitationStatus.DECLINED],
    )
    others = await Invitation.filter(
        emailed | Q(status=InvitationStatus.WAITLISTED), event=event
    ).order_by("id")
    return registered, [invitation for invitation in others if invitation.id not in told]


async def cancel_event_reach(
    user: User, event_id: int, domains: Iterable[str] = DEFAULT_DOMAINS
) -> int:
    """How many people cancelling the event now would email (for the confirmation
    step), with those the ``domains`` tell (``events.cancel_hooks``). No side effects."""
    event = await get_event_for(user, event_id)
    if event.status == EventStatus.CANCELLED:
        return 0
    registered, others = await _cancel_audience(event)
    return len(registered) + len(others) + await domains_reach(event, domains)


async def cancel_event(user: User, event_id: int, settings: Settings, message: str = "") -> Event:
    """Cancel an event. Side effects: status cancelled, SEQUENCE up; registered delegates
    get METHOD:CANCEL (for the summit and each session they were sent), other invitees
    who were sent an invitation a plain email, and the configured domains tell their
    people (``events.cancel_hooks``: programmes cancels speakers' sessions)."""
    message = multi_line(message, 2000)
    async with changing(event_id), in_transaction():
        event = await locked_event_for(user, event_id)
        if event.status == EventStatus.CANCELLED:
            return event
        registered, others = await _cancel_audience(event)
        event.status = EventStatus.CANCELLED
        event.cancelled_at = event.updated_at = now()
        event.calendar_sequence += 1
        await event.save()
        for registration in registered:
            await notices.send_cancel(
                settings,
                event,
                registration.invitation,
                registration,
                "event_cancelled",
                message=message,
            )
        for invitation in others:
            await notices.send_plain(
                settings, event, invitation, "event_cancelled", with_link=False, message=message
            )
        await tell_domains(event, settings, message)
    return event


async def organisers_of(user: User, event_id: int) -> list[User]:
    """The staff assigned to an event the user may manage. No side effects."""
    event = await get_event_for(user, event_id)
    return list(await event.organisers.all().order_by("name", "id"))


async def add_organiser(user: User, event_id: int, email: str) -> User:
    """Assign another organiser (or admin) to an event. Side effects: organiser link."""
    async with in_transaction():
        event = await locked_event_for(user, event_id)
        email = email.strip().lower()
        # Text with a NUL cannot be looked up (PostgreSQL refuses it): nobody has it.
        other = None if text_problem(email) else await User.get_or_none(email=email, is_active=True)
        if other is None or other.role not in (Role.ADMIN, Role.ORGANISER):
            raise Invalid(fields={"email": "There is no active organiser with this email address"})
        if not await event.organisers.filter(id=other.id).exists():
            await event.organisers.add(other)
    return other


async def remove_organiser(user: User, event_id: int, organiser_id: int) -> None:
    """Unassign an organiser; the last one stays. Side effects: organiser link removed."""
    async with in_transaction():
        event = await locked_event_for(user, event_id)
        organisers = await event.organisers.all()
        other = next((o for o in organisers if o.id == organiser_id), None)
        if other is None:
            raise NotFound()
        if len(organisers) == 1:
            raise Conflict("An event needs at least one organiser.")
        await event.organisers.remove(other)
