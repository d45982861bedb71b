"""The programme in the JSON API under /api/v1: the latest published version of an
event's programme and one session. Editing the draft and publishing are in
``programmes.draft_api``, whose routes are mounted with these.

Without a token the programme of a public or unlisted event is answered (public
sessions only, as on the public page); with a staff bearer token, an organiser of the
event gets every published session, not-for-publication ones included (marked). An
invite-only event without a token, or an event the token's user does not organise, is
404. Times are ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from spectree import Response as SpecResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from convenor.api import ErrorResponse, api_user, spec
from convenor.errors import NotFound
from convenor.models import Role
from programmes import draft_api, service
from programmes.view import ProgrammeView, SessionEntry, SpeakerEntry

TAGS = ["programmes"]
# The programme is public for public events: the token is optional.
OPTIONAL_TOKEN = [{}, {"bearer": []}]


class SpeakerOut(BaseModel):
    id: int
    honorific: str
    name: str
    display_name: str
    job_title: str
    organisation: str
    bio: str


class SessionSpeakerOut(BaseModel):
    speaker_id: int
    display_name: str
    role: str


class SessionOut(BaseModel):
    id: int
    uid: str
    sequence: int
    title: str
    description: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    room: str
    track: str
    not_for_publication: bool
    places: int | None
    speakers: list[SessionSpeakerOut]


class RoomOut(BaseModel):
    id: int
    name: str


class ProgrammeOut(BaseModel):
    event_id: int
    title: str
    time_zone: str
    version: int
    published_at: datetime
    rooms: list[RoomOut]
    sessions: list[SessionOut]
    speakers: list[SpeakerOut]


def speaker_json(speaker: SpeakerEntry) -> dict:
    return SpeakerOut(
        **{name: getattr(speaker, name) for name in SpeakerOut.model_fields}
    ).model_dump()


def session_json(entry: SessionEntry) -> dict:
    return SessionOut(
        id=entry.id,
        uid=entry.uid,
        sequence=entry.sequence,
        title=entry.title,
        description=entry.description,
        kind=entry.kind,
        starts_at=entry.start,
        ends_at=entry.end,
        room_id=entry.room_id,
        room=entry.room,
        track=entry.track,
        not_for_publication=entry.not_for_publication,
        places=entry.places,
        speakers=[
            SessionSpeakerOut(speaker_id=s.id, display_name=s.display_name, role=role)
            for s, role in entry.speakers
        ],
    ).model_dump(mode="json")


async def _programme(request: Request) -> tuple[ProgrammeView, list[SessionEntry]]:
    """The view and the sessions the caller may see (organiser with a token, or public)."""
    event_id = request.path_params["id"]
    if request.headers.get("authorization"):
        user = await api_user(request, {Role.ORGANISER})
        view = await service.organiser_programme(user, event_id)
        return view, view.sessions
    view = await service.public_programme(event_id)
    return view, view.public_sessions()


@spec.validate(
    resp=SpecResponse(HTTP_200=ProgrammeOut, HTTP_401=ErrorResponse, HTTP_404=ErrorResponse),
    tags=TAGS,
    security=OPTIONAL_TOKEN,
)
async def read_programme(request: Request) -> Response:
    """The latest published programme: sessions by time with speakers in order."""
    view, sessions = await _programme(request)
    ids = {s.id for entry in sessions for s, _ in entry.speakers}
    body = {
        "event_id": view.event["id"],
        "title": view.title,
        "time_zone": view.time_zone,
        "version": view.number,
        "published_at": view.published_at.isoformat(),
        "rooms": [{"id": room["id"], "name": room["name"]} for room in view.rooms],
        "sessions": [session_json(entry) for entry in sessions],
        "speakers": [speaker_json(s) for s in view.speakers if s.id in ids],
    }
    return JSONResponse(body)


@spec.validate(
    resp=SpecResponse(HTTP_200=SessionOut, HTTP_401=ErrorResponse, HTTP_404=ErrorResponse),
    tags=TAGS,
    security=OPTIONAL_TOKEN,
)
async def read_session(request: Request) -> Response:
    """One session of the latest published programme."""
    _, sessions = await _programme(request)
    session_id = request.path_params["session_id"]
    for entry in sessions:
        if entry.id == session_id:
            return JSONResponse(session_json(entry))
    raise NotFound()


routes = [
    Route("/events/{id:int}/programme", read_programme, methods=["GET"]),
    Route("/events/{id:int}/programme/sessions/{session_id:int}", read_session, methods=["GET"]),
    *draft_api.routes,
]
