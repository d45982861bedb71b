"""Makers for the events domain: events, invitations with live links, registrations.

Every test that needs one of these makes it here rather than with a helper of its own,
so that a change to what it takes to make an event or a registration is made once.
Each maker goes through the service (as the app would), with keyword arguments for
the variations tests need.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from convenor.auth import issue_link
from convenor.mail.models import OutboxMessage
from convenor.models import User
from convenor.settings import Settings
from events.data import EventData, InviteeData, RegistrationData
from events.invitations import add_invitee
from events.models import Event, Invitation, Registration
from events.registration import register
from events.service import create_event, publish_event
from tests.forms import post_form

# Tuesday 16 March 2027, 9:30am to 4:30pm in London (GMT, so the same in UTC).
STARTS = datetime(2027, 3, 16, 9, 30, tzinfo=UTC)
ENDS = datetime(2027, 3, 16, 16, 30, tzinfo=UTC)
# Wednesday 9 June 2027, 9:30am to 4:30pm in London (BST: 8:30 UTC).
SUMMER_STARTS = datetime(2027, 6, 9, 8, 30, tzinfo=UTC)
SUMMER_ENDS = datetime(2027, 6, 9, 15, 30, tzinfo=UTC)


def event_data(**overrides) -> EventData:
    values = {
        "title": "Serious Violence Delivery Plan Conference",
        "summary": "Partners consult on the draft Serious Violence delivery plan.",
        "description": "## Programme\n\nSpeakers from the police, council and VRU.",
        "organising_body": "Southampton Community Safety Partnership",
        "contact_email": "events@safercity.example.org",
        "venue_name": "St Mary's Stadium",
        "venue_address": "Britannia Road\nSouthampton",
        "venue_postcode": "so14 5fp",
        "venue_access": "Step-free entrance at the West Stand.",
        "starts_at": SUMMER_STARTS,
        "ends_at": SUMMER_ENDS,
        "capacity": 50,
    }
    values.update(overrides)
    return EventData(**values)


async def published_event(organiser: User, **overrides) -> Event:
    """A published event: ``event_data`` with ``overrides`` (capacity=1, visibility=...)."""
    made = await create_event(organiser, event_data(**overrides))
    return await publish_event(organiser, made.id)


async def ended_days_ago(event: Event, days: float, purge_after_days: int = 30) -> Event:
    """Move the event so that it ended ``days`` ago (it lasted seven hours)."""
    ends = datetime.now(UTC) - timedelta(days=days)
    await Event.filter(id=event.id).update(
        starts_at=ends - timedelta(hours=7), ends_at=ends, purge_after_days=purge_after_days
    )
    return await Event.get(id=event.id)


async def invite(organiser: User, event: Event, number: int = 1, **overrides) -> Invitation:
    values = {
        "name": f"Delegate {number}",
        "email": f"delegate{number}@partner.example.org",
        "organisation": "Hampshire Constabulary",
        "job_title": "Inspector",
    }
    values.update(overrides)
    return await add_invitee(organiser, event.id, InviteeData(**values))


async def link_for(invitation: Invitation) -> str:
    """A live personal link token, as the invitation email would carry."""
    return await issue_link("invitation", invitation.link_subject)


async def invited(
    organiser: User, event: Event, number: int = 1, **overrides
) -> tuple[Invitation, str]:
    """An invitee and the token of their personal link."""
    invitation = await invite(organiser, event, number, **overrides)
    return invitation, await link_for(invitation)


def answers(name: str = "Ann Lee", **overrides) -> RegistrationData:
    values = {
        "name": name,
        "job_title": "Inspector",
        "organisation": "",
        "dietary": "Vegetarian",
        "access_needs": "",
        "consent_to_list": True,
    }
    values.update(overrides)
    return RegistrationData(**values)


class Registered(NamedTuple):
    registration: Registration
    token: str  # the delegate's personal link


async def registered(
    organiser: User,
    event: Event,
    settings: Settings,
    number: int = 1,
    name: str | None = None,
    **overrides,
) -> Registered:
    """Invitee ``number`` registered from their link, under ``name`` (their invited name,
    "Delegate <number>", unless given) with ``answers(**overrides)``."""
    _, token = await invited(organiser, event, number)
    result = await register(token, answers(name or f"Delegate {number}", **overrides), settings)
    return Registered(result.registration, token)


async def outbox(category: str | None = None) -> list[OutboxMessage]:
    query = OutboxMessage.all().order_by("id")
    if category is not None:
        query = query.filter(category=category)
    return list(await query)


def later(days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


async def post(client, path: str, data: dict, page: str = "/staff/events"):
    """A staff form posted with the CSRF token of ``page`` (the events list unless named)."""
    return await post_form(client, path, data, page)


CONTACT = "events@safercity.example.org"
# A delegate's registration form, as the tests fill it in.
ANSWERS = {
    "name": "Ann Lee",
    "job_title": "Inspector",
    "organisation": "Hampshire Constabulary",
    "dietary": "Vegetarian",
    "access_needs": "",
    "consent_to_list": "yes",
}
