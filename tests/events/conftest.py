"""Event fixtures: an organiser, a published event, invitations with live links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from convenor.auth import issue_link
from convenor.mail.models import OutboxMessage
from events.data import EventData, InviteeData, RegistrationData
from events.invitations import add_invitee
from events.models import Event, Invitation
from events.service import create_event, publish_event

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


@pytest.fixture
async def event(app, organiser) -> Event:
    made = await create_event(organiser, event_data())
    return await publish_event(organiser, made.id)


async def invite(organiser, event: Event, number: int = 1, **overrides) -> Invitation:
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


async def outbox(category: str | None = None) -> list[OutboxMessage]:
    query = OutboxMessage.all().order_by("id")
    if category is not None:
        query = query.filter(category=category)
    return list(await query)


def later(days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)
