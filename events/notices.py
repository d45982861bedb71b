"""Queueing event emails: call these inside the transaction of the change they report.

Each email that carries a personal link gets a freshly issued one: only the hash is
stored, so the raw token lives nowhere but in that email.
"""

from __future__ import annotations

from typing import Any

from convenor.mail.message import CalendarPart
from convenor.mail.models import OutboxMessage
from convenor.mail.outbox import queue_email, render_email
from convenor.settings import Settings
from events import emails
from events.access import INVITATION_LINK, issue_event_link
from events.models import Event, Invitation, Registration


async def fresh_link(invitation: Invitation, settings: Settings, event: Event) -> str:
    """Issue a new personal link for an invitation, expiring with the event; returns the
    full URL."""
    token = await issue_event_link(INVITATION_LINK, invitation.link_subject, event)
    return emails.manage_link(settings, token)


async def _queue(
    settings: Settings,
    event: Event,
    invitation: Invitation,
    template: str,
    name: str,
    context: dict[str, Any],
    calendar: CalendarPart | None = None,
) -> OutboxMessage:
    rendered = render_email(
        f"{emails.TEMPLATES}/{template}", emails.context(event, name=name, **context)
    )
    return await queue_email(
        to=invitation.email,
        to_name=name,
        rendered=rendered,
        mail_from=settings.mail_from,
        calendar=calendar,
        reply_to=event.contact_email,
        category=f"event-{template.replace('_', '-')}",
        related=invitation.link_subject,
    )


async def send_invitation(
    settings: Settings, event: Event, invitation: Invitation, template: str = "invitation"
) -> OutboxMessage:
    """The invitation (or reminder) with a personal link to register or decline."""
    link = await fresh_link(invitation, settings, event)
    extra: dict[str, Any] = {"link": link}
    if invitation.substitute_of_id is not None:  # type: ignore[attr-defined]
        original = await Invitation.get(id=invitation.substitute_of_id)  # type: ignore[attr-defined]
        extra["original"] = original.name
    return await _queue(settings, event, invitation, template, invitation.name, extra)


async def send_place_link(
    settings: Settings, event: Event, invitation: Invitation
) -> OutboxMessage:
    """The personal link for someone who asked for a place from the event's page."""
    link = await fresh_link(invitation, settings, event)
    return await _queue(settings, event, invitation, "place_link", invitation.name, {"link": link})


async def send_with_invite(
    settings: Settings,
    event: Event,
    invitation: Invitation,
    registration: Registration,
    template: str,
    **extra: Any,
) -> OutboxMessage:
    """A confirmation, promotion or update carrying METHOD:REQUEST for the delegate."""
    link = await fresh_link(invitation, settings, event)
    calendar = emails.calendar_invite(
        event,
        attendee_email=invitation.email,
        attendee_name=registration.name,
        link=link,
        method="REQUEST",
    )
    context = {"link": link, "code": registration.check_in_code, **extra}
    return await _queue(settings, event, invitation, template, registration.name, context, calendar)


async def send_cancel(
    settings: Settings,
    event: Event,
    invitation: Invitation,
    registration: Registration,
    template: str,
    **extra: Any,
) -> OutboxMessage:
    """A cancellation carrying METHOD:CANCEL with STATUS:CANCELLED."""
    link = await fresh_link(invitation, settings, event)
    calendar = emails.calendar_invite(
        event,
        attendee_email=invitation.email,
        attendee_name=registration.name,
        link=link,
        method="CANCEL",
    )
    context = {"link": link, "calendar": True, **extra}
    return await _queue(settings, event, invitation, template, registration.name, context, calendar)


async def send_plain(
    settings: Settings,
    event: Event,
    invitation: Invitation,
    template: str,
    name: str | None = None,
    with_link: bool = True,
    **extra: Any,
) -> OutboxMessage:
    """An email without a calendar part (waitlist, or a cancellation for an invitee)."""
    context = {"calendar": False, **extra}
    if with_link:
        context["link"] = await fresh_link(invitation, settings, event)
    return await _queue(settings, event, invitation, template, name or invitation.name, context)
