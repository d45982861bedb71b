"""Asking for a place: public and unlisted events take requests from their own page.

Invite-only events stay closed to this. A request is an invitation the person made for
themselves: it is emailed a personal link at once, so the address is proved before
anything else happens, and from the link the person registers like any invitee.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.cleaning import name_problem
from convenor.errors import Conflict, Invalid
from convenor.settings import Settings
from directory.service import limit_public_form
from events import notices
from events.data import InviteeData
from events.invitee_csv import clean_invitee
from events.models import Event, EventStatus, Invitation, InvitationStatus, Visibility
from events.registration import registration_open
from events.service import event_page

# The organiser's decision stands: a revoked invitee or an unapproved substitute gets
# no link, though the page says the same as to anyone else.
NO_LINK = (InvitationStatus.REVOKED, InvitationStatus.PROPOSED)
CLOSED = "Registration for this event is not open."
# A second request this soon after a link went out is a double click: one email is enough.
RESEND_AFTER = timedelta(minutes=1)


async def public_events() -> list[Event]:
    """Published public events that have not ended, soonest first. No side effects."""
    return list(
        await Event.filter(
            status=EventStatus.PUBLISHED, visibility=Visibility.PUBLIC, ends_at__gt=now()
        ).order_by("starts_at", "id")
    )


def takes_requests(event: Event) -> bool:
    """Whether the event's page offers a place now (public or unlisted, registration open)."""
    return event.visibility != Visibility.INVITE_ONLY and registration_open(event, now())


def _checked(data: InviteeData) -> InviteeData:
    invitee, email_ok = clean_invitee(data)
    errors = {}
    refused = name_problem(data.name or "")
    if refused:
        errors["name"] = refused
    elif not invitee.name:
        errors["name"] = "Enter your name"
    if not email_ok:
        errors["email"] = "Enter an email address in the form name@example.org"
    if errors:
        raise Invalid(fields=errors)
    return invitee


async def ask_for_a_place(
    event_uuid: str,
    data: InviteeData,
    settings: Settings,
    client_address: str,
    honeypot: str = "",
) -> Event:
    """Email a personal link to register. Side effects: an invitation row for a new
    address (marked as requested), an outbox row, a rate-limit attempt.

    The outcome looks the same whether the address was new, already invited or revoked,
    so the form reveals nothing about who is on the list. Raises NotFound for events that
    do not take requests, Conflict when registration is not open, Invalid per field, and
    RateLimited after too many requests from one address.
    """
    event = await event_page(event_uuid, None)
    if not takes_requests(event):
        raise Conflict(CLOSED)
    invitee = _checked(data)
    await limit_public_form("place", client_address)
    if honeypot.strip():
        return event
    try:
        async with in_transaction():
            await _send_link(event, invitee, settings)
    except IntegrityError:
        # The same address asked twice at the same moment; the other request sends it.
        pass
    return event


async def _send_link(event: Event, invitee: InviteeData, settings: Settings) -> None:
    stamp = now()
    invitation = (
        await Invitation.filter(event=event, email=invitee.email).select_for_update().first()
    )
    if invitation is None:
        invitation = await Invitation.create(
            event=event,
            status=InvitationStatus.INVITED,
            created_at=stamp,
            requested_at=stamp,
            **vars(invitee),
        )
    elif invitation.status in NO_LINK:
        return
    elif invitation.sent_at is not None and stamp - invitation.sent_at < RESEND_AFTER:
        return
    await notices.send_place_link(settings, event, invitation)
    # They have their link now: "send invitations" must not email them again.
    invitation.sent_at = stamp
    await invitation.save(update_fields=["sent_at"])
