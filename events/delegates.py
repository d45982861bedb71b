"""What a delegate can see and do from their personal link, besides registering:
the manage page, changing answers, downloading their data, the shared delegate list,
and nominating community groups for the directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.cleaning import clean_name, name_problem, text_problem
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.message import InvalidAddress, validate_address
from convenor.settings import Settings
from directory.forms import website_domain
from directory.models import Area, How, Kind
from directory.service import add_pending_entry
from events.access import invitation_for_link
from events.data import NominationData, RegistrationData, multi_line
from events.models import (
    Event,
    EventStatus,
    Invitation,
    Nomination,
    Question,
    Registration,
    RegistrationStatus,
)
from events.questions import questions_for
from events.registration import check_registration, record_organisation, registration_open


@dataclass(frozen=True)
class DelegateView:
    """Everything the registration and manage pages show to the link's holder."""

    event: Event
    invitation: Invitation
    registration: Registration | None
    questions: list[Question]
    registration_open: bool


async def delegate_view(token: str) -> DelegateView:
    """The invitation behind a link, with its event; NotFound for a dead link. No side effects."""
    invitation = await invitation_for_link(token)
    event = await Event.get(id=invitation.event_id)  # type: ignore[attr-defined]
    if event.status == EventStatus.DRAFT:
        raise NotFound()
    return DelegateView(
        event=event,
        invitation=invitation,
        registration=await Registration.get_or_none(invitation_id=invitation.id),
        questions=await questions_for(event.id),
        registration_open=registration_open(event, now()),
    )


async def update_registration(token: str, data: RegistrationData) -> Registration:
    """Change one's answers before the event. Side effects: registration row; a newly
    typed organisation recorded in the directory."""
    async with in_transaction():
        invitation = await invitation_for_link(token, lock=True)
        event = await Event.get(id=invitation.event_id)  # type: ignore[attr-defined]
        registration = await Registration.get_or_none(invitation_id=invitation.id)
        if registration is None or registration.status == RegistrationStatus.CANCELLED:
            raise NotFound()
        if event.status != EventStatus.PUBLISHED or now() >= event.ends_at:
            raise Conflict("This event is over or cancelled; answers can no longer change.")
        values = await check_registration(event, data)
        if values["organisation"] != registration.organisation:
            await record_organisation(event, values, data.organisation_kind)
        else:
            values["organisation_entry_id"] = registration.organisation_entry_id  # type: ignore[attr-defined]
        registration.update_from_dict({**values, "updated_at": now()})
        await registration.save()
    return registration


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


async def my_data(token: str) -> dict[str, Any]:
    """Everything held about the link's holder for this event, as JSON-ready values.

    No side effects.
    """
    invitation = await invitation_for_link(token)
    event = await Event.get(id=invitation.event_id)  # type: ignore[attr-defined]
    registration = await Registration.get_or_none(invitation_id=invitation.id)
    data: dict[str, Any] = {
        "event": {"title": event.title, "starts_at": _time(event.starts_at)},
        "invitation": {
            "name": invitation.name,
            "email": invitation.email,
            "organisation": invitation.organisation,
            "job_title": invitation.job_title,
            "status": invitation.status.value,
            "decline_reason": invitation.decline_reason,
            "invited_at": _time(invitation.created_at),
        },
        "registration": None,
        "nominations": [],
    }
    if registration is not None:
        labels = {str(q.id): q.label for q in await questions_for(event.id)}
        data["registration"] = {
            "name": registration.name,
            "job_title": registration.job_title,
            "organisation": registration.organisation,
            "dietary": registration.dietary,
            "access_needs": registration.access_needs,
            "consent_to_list": registration.consent_to_list,
            "answers": [
                {"question": labels.get(key, "(question removed)"), "answer": value}
                for key, value in registration.answers.items()
            ],
            "status": registration.status.value,
            "check_in_code": registration.check_in_code,
            "registered_at": _time(registration.registered_at),
            "waitlisted_at": _time(registration.waitlisted_at),
            "cancelled_at": _time(registration.cancelled_at),
            "checked_in_at": _time(registration.checked_in_at),
        }
        data["nominations"] = [
            {
                "name": n.name,
                "what_they_do": n.what_they_do,
                "area": n.area,
                "contact_name": n.contact_name,
                "contact_email": n.contact_email,
            }
            for n in await Nomination.filter(registration=registration)
        ]
    return data


@dataclass(frozen=True)
class ListedDelegate:
    name: str
    job_title: str
    organisation: str


async def shared_delegate_list(token: str) -> list[ListedDelegate]:
    """Registered delegates who agreed to be listed, for another registered delegate.

    No side effects; NotFound unless the link's holder is registered.
    """
    invitation = await invitation_for_link(token)
    mine = await Registration.get_or_none(
        invitation_id=invitation.id, status=RegistrationStatus.REGISTERED
    )
    if mine is None:
        raise NotFound()
    listed = Registration.filter(
        event_id=mine.event_id,  # type: ignore[attr-defined]
        status=RegistrationStatus.REGISTERED,
        consent_to_list=True,
    ).order_by("name", "id")
    return [ListedDelegate(r.name, r.job_title, r.organisation) for r in await listed]


NOMINATION_LIMITS = {
    "name": 200,
    "what_they_do": 2000,
    "website": 300,
    "contact_name": 200,
    "contact_email": 254,
}


def _nomination_website(typed: str) -> tuple[str, str | None]:
    """A website as the directory keeps it (https:// added), or a message."""
    if not typed:
        return "", None
    url = typed if re.match(r"^https?://", typed, re.I) else f"https://{typed}"
    domain = website_domain(url) if not re.search(r"\s", url) else ""
    if "." not in domain:
        return typed, "Enter a web address like https://example.org, or leave it blank"
    return url, None


async def _checked_nomination(data: NominationData) -> tuple[dict, list[Area]]:
    """The nomination's fields, cleaned, and its area; raises Invalid with a message per
    field. Text with control characters, or a name on more than one line, is refused
    next to its field (never silently changed); nothing is cut short."""
    typed = {name: (getattr(data, name) or "").strip() for name in vars(data)}
    errors: dict[str, str] = {}
    for name in ("name", "contact_name"):
        if problem := name_problem(typed[name]):
            errors[name] = problem
    for name in ("what_they_do", "website", "contact_email", "kind", "area"):
        if problem := text_problem(typed[name], multi_line=name == "what_they_do"):
            errors[name] = problem
    for name, limit in NOMINATION_LIMITS.items():
        if name not in errors and len(typed[name]) > limit:
            errors[name] = f"Use {limit} characters or fewer"
    values = {
        "name": clean_name(typed["name"]),
        "kind": typed["kind"],
        "what_they_do": multi_line(typed["what_they_do"], NOMINATION_LIMITS["what_they_do"]),
        "website": "",
        "contact_name": clean_name(typed["contact_name"]),
        "contact_email": "",
    }
    if not values["name"] and "name" not in errors:
        errors["name"] = "Enter the name of the group or network"
    if typed["kind"] and typed["kind"] not in {k.value for k in Kind} and "kind" not in errors:
        errors["kind"] = "Choose what kind of group it is from the list, or leave it"
    if "website" not in errors:
        values["website"], problem = _nomination_website(typed["website"])
        if problem:
            errors["website"] = problem
    if typed["contact_email"] and "contact_email" not in errors:
        try:
            values["contact_email"] = validate_address(typed["contact_email"]).lower()
        except InvalidAddress:
            errors["contact_email"] = (
                "Enter an email address like name@example.org, or leave it blank"
            )
    areas: list[Area] = []
    if typed["area"] and "area" not in errors:
        areas = list(await Area.filter(slug=typed["area"]))
        if not areas:
            errors["area"] = "Choose an area from the list, or leave it"
    if errors:
        raise Invalid(fields=errors)
    return values, areas


async def nominate(
    token: str, data: NominationData, settings: Settings | None = None
) -> Nomination:
    """A delegate tells us of a community group or network.

    Side effects: nomination row, and a pending directory entry (or provenance on the
    live entry of the same name) "nominated at <event>" holding what the delegate gave:
    kind, what they do as the description, the area as an area, the website and the
    contact. With ``settings``, a contact email given is asked once whether they are
    happy to be listed (directory.service.ask_contact).
    """
    values, areas = await _checked_nomination(data)
    async with in_transaction():
        invitation = await invitation_for_link(token, lock=True)
        event = await Event.get(id=invitation.event_id)  # type: ignore[attr-defined]
        registration = await Registration.get_or_none(invitation_id=invitation.id)
        if registration is None:
            raise NotFound()
        entry = await add_pending_entry(
            values["name"],
            provenance=How.NOMINATED,
            source=f"Nominated at {event.title}",
            kind=values["kind"] or None,
            description=values["what_they_do"],
            website=values["website"],
            areas=[area.slug for area in areas],
            contact_name=values["contact_name"],
            contact_email=values["contact_email"],
            settings=settings,
        )
        return await Nomination.create(
            event=event,
            registration=registration,
            entry=entry,
            created_at=now(),
            name=values["name"],
            what_they_do=values["what_they_do"],
            area=areas[0].name if areas else "",
            contact_name=values["contact_name"],
            contact_email=values["contact_email"],
        )
