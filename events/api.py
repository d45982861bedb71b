"""The events JSON API under /api/v1 (staff bearer tokens: organisers and admins).

Events (list, read, create), invitations (bulk create, optionally sent at once),
registrations (organisers of the event only) and check-in. The same service functions
as the pages; an event the token's user may not manage is 404. Sensitive answers
(dietary, access, answers to sensitive questions) come only from the registrations list,
and each such read is logged as a CSV download is; ``include_needs=false`` leaves them
out (null) and is not logged; check-in answers never carry them. Times are ISO 8601 with
an offset (a time without one is refused) and come back in UTC.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from spectree import Response as SpecResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from convenor.api import ApiTime, DatabaseId, ErrorResponse, api_user, spec
from convenor.cleaning import CheckedInput, PersonName
from convenor.errors import Conflict, Invalid
from convenor.models import Role, User
from convenor.settings import Settings
from events import checkin, export, invitations, privacy, service
from events.data import EventData, InviteeData
from events.models import (
    DEFAULT_PURGE_DAYS,
    DEFAULT_TIME_ZONE,
    Event,
    EventStatus,
    Registration,
)

TAGS = ["events"]


class EventIn(CheckedInput):
    title: str = Field(max_length=200)
    summary: str = Field("", max_length=2000)
    description: str = Field("", max_length=20000, description="Markdown")
    organising_body: str = Field("", max_length=200)
    contact_email: str = Field(max_length=254)
    venue_name: str = Field("", max_length=200)
    venue_address: str = Field("", max_length=500)
    venue_postcode: str = Field("", max_length=10)
    venue_access: str = Field("", max_length=2000)
    starts_at: ApiTime
    ends_at: ApiTime
    time_zone: str = DEFAULT_TIME_ZONE
    capacity: int = Field(ge=1, le=100_000)
    registration_opens_at: ApiTime | None = None
    registration_closes_at: ApiTime | None = None
    visibility: str = Field("invite_only", description="invite_only, unlisted or public")
    substitutes_need_approval: bool = True
    purge_after_days: int = Field(DEFAULT_PURGE_DAYS, ge=1, le=3650)


class EventOut(BaseModel):
    id: int
    uuid: str
    title: str
    summary: str
    description: str
    organising_body: str
    contact_email: str
    venue_name: str
    venue_address: str
    venue_postcode: str
    venue_access: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    capacity: int
    seats_taken: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    visibility: str
    status: str


class EventList(BaseModel):
    items: list[EventOut]


class InviteeIn(CheckedInput):
    name: PersonName = Field(max_length=200)
    email: str = Field(max_length=254)
    organisation: str = Field("", max_length=200)
    job_title: str = Field("", max_length=200)


class InvitationsIn(CheckedInput):
    invitees: list[InviteeIn] = Field(min_length=1, max_length=5000)
    send: bool = Field(False, description="Email the new invitees at once (event published)")


class InvitationOut(BaseModel):
    id: int
    name: str
    email: str
    organisation: str
    job_title: str
    status: str
    sent_at: datetime | None


class InvitationsOut(BaseModel):
    items: list[InvitationOut]
    sent: int


class RegistrationOut(BaseModel):
    id: int
    invitation_id: int
    name: str
    email: str
    job_title: str
    organisation: str
    status: str
    check_in_code: str
    dietary: str | None = Field(description="null unless sensitive answers were asked for")
    access_needs: str | None = Field(description="null unless sensitive answers were asked for")
    consent_to_list: bool
    answers: dict[str, str] = Field(
        description="question id -> answer; sensitive questions only with include_needs"
    )
    registered_at: datetime | None
    waitlisted_at: datetime | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None


class RegistrationList(BaseModel):
    items: list[RegistrationOut]


class RegistrationQuery(CheckedInput):
    q: str = Field("", max_length=200, description="Name, organisation, email or code")
    status: str = Field("", description="registered, waitlisted or cancelled")
    include_needs: bool = Field(
        True,
        description="With dietary, access and sensitive answers (the read is logged)",
    )


class CheckInIn(CheckedInput):
    code: str | None = Field(None, max_length=40, description="The code on the confirmation")
    registration_id: DatabaseId | None = None


class CheckInOut(BaseModel):
    registration: RegistrationOut
    first_time: bool


def api_settings(request: Request) -> Settings:
    """The settings of the app serving this request (``create_app`` sets them on the API)."""
    return request.app.state.settings


async def organiser(request: Request) -> User:
    return await api_user(request, {Role.ORGANISER})


def event_json(event: Event) -> dict:
    fields = {name: getattr(event, name) for name in EventOut.model_fields}
    fields.update(visibility=event.visibility.value, status=event.status.value)
    return EventOut(**fields).model_dump(mode="json")


def registration_json(r: Registration, plain_keys: set[str] | None = None) -> dict:
    """The registration as JSON; with ``plain_keys`` (the answer keys of questions that
    are not sensitive) its sensitive answers are left out."""
    needs = plain_keys is None
    return RegistrationOut(
        id=r.id,
        invitation_id=r.invitation_id,  # type: ignore[attr-defined]
        name=r.name,
        email=r.invitation.email,
        job_title=r.job_title,
        organisation=r.organisation,
        status=r.status.value,
        check_in_code=r.check_in_code,
        dietary=r.dietary if needs else None,
        access_needs=r.access_needs if needs else None,
        consent_to_list=r.consent_to_list,
        answers=r.answers if needs else {k: v for k, v in r.answers.items() if k in plain_keys},
        registered_at=r.registered_at,
        waitlisted_at=r.waitlisted_at,
        cancelled_at=r.cancelled_at,
        checked_in_at=r.checked_in_at,
    ).model_dump(mode="json")


@spec.validate(resp=SpecResponse(HTTP_200=EventList, HTTP_401=ErrorResponse), tags=TAGS)
async def list_events(request: Request) -> Response:
    """The events the token's user organises (admins: all), soonest first."""
    user = await organiser(request)
    events = await service.events_for(user)
    return JSONResponse({"items": [event_json(e) for e in events]})


@spec.validate(
    resp=SpecResponse(HTTP_200=EventOut, HTTP_401=ErrorResponse, HTTP_404=ErrorResponse),
    tags=TAGS,
)
async def read_event(request: Request) -> Response:
    """One event the token's user organises."""
    user = await organiser(request)
    return JSONResponse(event_json(await service.get_event_for(user, request.path_params["id"])))


@spec.validate(
    json=EventIn,
    resp=SpecResponse(HTTP_201=EventOut, HTTP_401=ErrorResponse, HTTP_422=ErrorResponse),
    tags=TAGS,
)
async def create_event(request: Request) -> Response:
    """Create a draft event with the token's user as its organiser."""
    user = await organiser(request)
    body: EventIn | None = request.context.json  # type: ignore[attr-defined]
    if body is None:
        raise Invalid("Send the event as a JSON body.", fields={"body": "Missing JSON body"})
    event = await service.create_event(user, EventData(**body.model_dump()))
    return JSONResponse(event_json(event), status_code=201)


@spec.validate(
    json=InvitationsIn,
    resp=SpecResponse(
        HTTP_201=InvitationsOut,
        HTTP_401=ErrorResponse,
        HTTP_404=ErrorResponse,
        HTTP_409=ErrorResponse,
        HTTP_422=ErrorResponse,
    ),
    tags=TAGS,
)
async def create_invitations(request: Request) -> Response:
    """Invite many people at once, all or nothing; errors name rows as row_<n> from 1."""
    user = await organiser(request)
    body: InvitationsIn | None = request.context.json  # type: ignore[attr-defined]
    if body is None:
        raise Invalid("Send the invitees as a JSON body.", fields={"body": "Missing JSON body"})
    event_id = request.path_params["id"]
    event = await service.get_event_for(user, event_id)
    if body.send and event.status != EventStatus.PUBLISHED:
        # Refuse before saving anything, so the list is not half-done.
        raise Conflict("Publish the event before sending invitations.")
    made = await invitations.import_invitees(
        user, event_id, [InviteeData(**i.model_dump()) for i in body.invitees]
    )
    sent = 0
    if body.send:
        sent = await invitations.send_invitations(
            user, event_id, api_settings(request), [i.id for i in made]
        )
        for invitation in made:
            await invitation.refresh_from_db()  # sent_at was set by the send
    items = [
        InvitationOut(
            id=i.id,
            name=i.name,
            email=i.email,
            organisation=i.organisation,
            job_title=i.job_title,
            status=i.status.value,
            sent_at=i.sent_at,
        ).model_dump(mode="json")
        for i in made
    ]
    return JSONResponse({"items": items, "sent": sent}, status_code=201)


@spec.validate(
    query=RegistrationQuery,
    resp=SpecResponse(HTTP_200=RegistrationList, HTTP_401=ErrorResponse, HTTP_404=ErrorResponse),
    tags=TAGS,
)
async def list_registrations(request: Request) -> Response:
    """Registrations of an event (its organisers only), with dietary, access and sensitive
    answers unless include_needs is false; a read with them is logged."""
    user = await organiser(request)
    query: RegistrationQuery = request.context.query  # type: ignore[attr-defined]
    read = await export.api_read(
        user,
        request.path_params["id"],
        include_needs=query.include_needs,
        search=query.q,
        status=query.status or None,
    )
    plain = None if read.include_needs else {str(q.id) for q in read.questions}
    return JSONResponse({"items": [registration_json(r, plain) for r in read.registrations]})


@spec.validate(
    json=CheckInIn,
    resp=SpecResponse(
        HTTP_200=CheckInOut,
        HTTP_401=ErrorResponse,
        HTTP_404=ErrorResponse,
        HTTP_409=ErrorResponse,
        HTTP_422=ErrorResponse,
    ),
    tags=TAGS,
)
async def check_in(request: Request) -> Response:
    """Check a delegate in by code or registration id; first_time is false on a repeat."""
    user = await organiser(request)
    body: CheckInIn | None = request.context.json  # type: ignore[attr-defined]
    event_id = request.path_params["id"]
    if body is not None and body.registration_id is not None:
        result = await checkin.check_in(user, event_id, body.registration_id)
    elif body is not None and body.code:
        result = await checkin.check_in_by_code(user, event_id, body.code)
    else:
        raise Invalid("Send a code or a registration_id.", fields={"code": "Enter the code"})
    await result.registration.fetch_related("invitation")
    plain = await privacy.plain_answer_keys(event_id)
    return JSONResponse(
        {
            "registration": registration_json(result.registration, plain),
            "first_time": result.first_time,
        }
    )


routes = [
    Route("/events", list_events, methods=["GET"]),
    Route("/events", create_event, methods=["POST"]),
    Route("/events/{id:int}", read_event, methods=["GET"]),
    Route("/events/{id:int}/invitations", create_invitations, methods=["POST"]),
    Route("/events/{id:int}/registrations", list_registrations, methods=["GET"]),
    Route("/events/{id:int}/check-in", check_in, methods=["POST"]),
]
