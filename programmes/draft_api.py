"""Editing the draft programme through the JSON API (staff bearer tokens).

Rooms, sessions (with their speakers in order), speakers, publishing the draft as the
next version, and the list of published versions, under
``/api/v1/events/<id>/programme/...``. Each route calls the same service function as
the organiser's pages, so the rules, the transactions and the emails are the same.
Only organisers of the event (and admins) get anything: for anyone else the event is
404, as in the rest of the API. Bad values are 422 with a message per field; times
need an offset and come back in UTC. Photos are uploaded on the speaker's page, not here.
"""

from __future__ import annotations

from spectree import Response as SpecResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from convenor.api import ErrorResponse, api_user, spec
from convenor.errors import Invalid
from programmes import service
from programmes.data import RoomData, SessionData, SessionSpeakerData, SpeakerData
from programmes.draft_api_models import (
    CancelOut,
    DraftOut,
    DraftSessionOut,
    DraftSpeakerOut,
    PublishIn,
    RoomIn,
    RoomList,
    RoomOrderIn,
    RoomOut,
    SessionIn,
    SessionSpeakersIn,
    SpeakerIn,
    VersionList,
    VersionOut,
    changes_json,
    room_json,
    session_json,
    speaker_json,
    version_json,
)

TAGS = ["programme editing"]


def body_of(request: Request, what: str):
    body = request.context.json  # type: ignore[attr-defined]
    if body is None:
        raise Invalid(f"Send the {what} as a JSON body.", fields={"body": "Missing JSON body"})
    return body


async def editor(request: Request):
    """The token's user and the event id; anyone but its organisers and admins gets 404
    from the services."""
    return await api_user(request), request.path_params["id"]


def responses(ok: str, model=None, *errors: int) -> SpecResponse:
    codes = {f"HTTP_{code}": ErrorResponse for code in (401, 404, *errors)}
    if model is None:
        return SpecResponse(ok, **codes)
    return SpecResponse(**{ok: model}, **codes)


@spec.validate(resp=responses("HTTP_200", DraftOut), tags=TAGS)
async def read_draft(request: Request) -> Response:
    """The draft: rooms in order, sessions (cancelled ones too), speakers with their
    private email and status, and what publishing now would put in the changelog."""
    user, event_id = await editor(request)
    rooms = await service.rooms_for(user, event_id)
    sessions = await service.draft_sessions(user, event_id)
    speakers = await service.speakers_for(user, event_id)
    preview = await service.preview_changes(user, event_id)
    body = {
        "event_id": event_id,
        "rooms": [room_json(room) for room in rooms],
        "sessions": [session_json(session) for session in sessions],
        "speakers": [speaker_json(speaker) for speaker in speakers],
        "changes_if_published": changes_json(preview),
    }
    return JSONResponse(body)


@spec.validate(json=RoomIn, resp=responses("HTTP_201", RoomOut, 422), tags=TAGS)
async def create_room(request: Request) -> Response:
    """Add a room after the event's other rooms."""
    user, event_id = await editor(request)
    body: RoomIn = body_of(request, "room")
    room = await service.add_room(user, event_id, RoomData(**body.model_dump()))
    return JSONResponse(room_json(room), status_code=201)


@spec.validate(json=RoomIn, resp=responses("HTTP_200", RoomOut, 422), tags=TAGS)
async def update_room(request: Request) -> Response:
    """Rename a room or change its capacity and access notes (every field is replaced)."""
    user, event_id = await editor(request)
    body: RoomIn = body_of(request, "room")
    room = await service.update_room(
        user, event_id, request.path_params["room_id"], RoomData(**body.model_dump())
    )
    return JSONResponse(room_json(room))


@spec.validate(resp=responses("HTTP_204", None, 409), tags=TAGS)
async def delete_room(request: Request) -> Response:
    """Remove a room; 409 (naming them) while sessions that are not cancelled use it."""
    user, event_id = await editor(request)
    await service.delete_room(user, event_id, request.path_params["room_id"])
    return Response(status_code=204)


@spec.validate(json=RoomOrderIn, resp=responses("HTTP_200", RoomList, 422), tags=TAGS)
async def order_rooms(request: Request) -> Response:
    """Put the rooms in a new order (parallel sessions are shown in this order)."""
    user, event_id = await editor(request)
    body: RoomOrderIn = body_of(request, "room ids")
    rooms = await service.reorder_rooms(user, event_id, body.room_ids)
    return JSONResponse({"items": [room_json(room) for room in rooms]})


def session_data(body: SessionIn) -> SessionData:
    return SessionData(**body.model_dump())


@spec.validate(resp=responses("HTTP_200", DraftSessionOut), tags=TAGS)
async def read_session(request: Request) -> Response:
    """One session of the draft, cancelled or not."""
    user, event_id = await editor(request)
    session = await service.draft_session(user, event_id, request.path_params["session_id"])
    return JSONResponse(session_json(session))


async def _session_reply(user, event_id: int, session_id: int, status: int = 200) -> Response:
    session = await service.draft_session(user, event_id, session_id)
    return JSONResponse(session_json(session), status_code=status)


@spec.validate(json=SessionIn, resp=responses("HTTP_201", DraftSessionOut, 422), tags=TAGS)
async def create_session(request: Request) -> Response:
    """Add a session to the draft (it reaches delegates when the draft is published)."""
    user, event_id = await editor(request)
    body: SessionIn = body_of(request, "session")
    session = await service.add_session(user, event_id, session_data(body))
    return await _session_reply(user, event_id, session.id, 201)


@spec.validate(json=SessionIn, resp=responses("HTTP_200", DraftSessionOut, 422), tags=TAGS)
async def update_session(request: Request) -> Response:
    """Change a draft session (every field is replaced; its speakers stay)."""
    user, event_id = await editor(request)
    body: SessionIn = body_of(request, "session")
    session_id = request.path_params["session_id"]
    await service.update_session(user, event_id, session_id, session_data(body))
    return await _session_reply(user, event_id, session_id)


@spec.validate(resp=responses("HTTP_200", CancelOut), tags=TAGS)
async def cancel_session(request: Request) -> Response:
    """Cancel a session: one never published is deleted; a published one is marked
    cancelled, and the next version tells delegates (restore it to undo)."""
    user, event_id = await editor(request)
    session = await service.cancel_session(user, event_id, request.path_params["session_id"])
    if session is None:
        return JSONResponse({"deleted": True, "session": None})
    reply = await service.draft_session(user, event_id, session.id)
    return JSONResponse({"deleted": False, "session": session_json(reply)})


@spec.validate(resp=responses("HTTP_200", DraftSessionOut), tags=TAGS)
async def restore_session(request: Request) -> Response:
    """Bring a cancelled session back into the draft."""
    user, event_id = await editor(request)
    session_id = request.path_params["session_id"]
    await service.restore_session(user, event_id, session_id)
    return await _session_reply(user, event_id, session_id)


@spec.validate(json=SessionSpeakersIn, resp=responses("HTTP_200", DraftSessionOut, 422), tags=TAGS)
async def set_session_speakers(request: Request) -> Response:
    """Replace who speaks in a session, in order, each with a role (all or nothing)."""
    user, event_id = await editor(request)
    body: SessionSpeakersIn = body_of(request, "speakers")
    session_id = request.path_params["session_id"]
    chosen = [SessionSpeakerData(item.speaker_id, item.role) for item in body.speakers]
    await service.set_session_speakers(user, event_id, session_id, chosen)
    return await _session_reply(user, event_id, session_id)


@spec.validate(json=SpeakerIn, resp=responses("HTTP_201", DraftSpeakerOut, 422), tags=TAGS)
async def create_speaker(request: Request) -> Response:
    """Add a speaker (status invited; no email is sent)."""
    user, event_id = await editor(request)
    body: SpeakerIn = body_of(request, "speaker")
    speaker = await service.add_speaker(user, event_id, SpeakerData(**body.model_dump()))
    return JSONResponse(speaker_json(speaker), status_code=201)


@spec.validate(json=SpeakerIn, resp=responses("HTTP_200", DraftSpeakerOut, 422), tags=TAGS)
async def update_speaker(request: Request) -> Response:
    """Change a speaker's details (every field is replaced; the photo stays)."""
    user, event_id = await editor(request)
    body: SpeakerIn = body_of(request, "speaker")
    speaker = await service.update_speaker(
        user, event_id, request.path_params["speaker_id"], SpeakerData(**body.model_dump())
    )
    return JSONResponse(speaker_json(speaker))


@spec.validate(resp=responses("HTTP_204"), tags=TAGS)
async def delete_speaker(request: Request) -> Response:
    """Remove a speaker and their places in sessions; their personal links stop working."""
    user, event_id = await editor(request)
    await service.remove_speaker(
        user, event_id, request.path_params["speaker_id"], request.app.state.settings
    )
    return Response(status_code=204)


@spec.validate(json=PublishIn, resp=responses("HTTP_201", VersionOut, 409, 422), tags=TAGS)
async def publish(request: Request) -> Response:
    """Publish the draft as the next version and email the delegates and speakers whose
    sessions changed. 422 when there is nothing to publish; 409 when nothing changed
    since the last one, or when rooms or speakers are double-booked (each clash is in
    ``fields``) unless the body is ``{"publish_anyway": true}``. The body is optional."""
    user, event_id = await editor(request)
    body: PublishIn | None = request.context.json  # type: ignore[attr-defined]
    anyway = bool(body and body.publish_anyway)
    view = await service.publish_programme(
        user, event_id, request.app.state.settings, publish_anyway=anyway
    )
    return JSONResponse(
        version_json(await service.programme_version(user, event_id, view.number)),
        status_code=201,
    )


@spec.validate(resp=responses("HTTP_200", VersionList), tags=TAGS)
async def list_versions(request: Request) -> Response:
    """Every published version, newest first, with who published it and its changelog."""
    user, event_id = await editor(request)
    versions = await service.versions_for(user, event_id)
    return JSONResponse({"items": [version_json(v) for v in versions]})


@spec.validate(resp=responses("HTTP_200", VersionOut), tags=TAGS)
async def read_version(request: Request) -> Response:
    """One published version's changelog."""
    user, event_id = await editor(request)
    version = await service.programme_version(user, event_id, request.path_params["number"])
    return JSONResponse(version_json(version))


P = "/events/{id:int}/programme"
ROOM = f"{P}/draft/rooms/{{room_id:int}}"
SESSION = f"{P}/draft/sessions/{{session_id:int}}"
SPEAKER = f"{P}/draft/speakers/{{speaker_id:int}}"

routes = [
    Route(f"{P}/draft", read_draft, methods=["GET"]),
    Route(f"{P}/draft/rooms", create_room, methods=["POST"]),
    Route(f"{P}/draft/rooms/order", order_rooms, methods=["PUT"]),
    Route(ROOM, update_room, methods=["PUT"]),
    Route(ROOM, delete_room, methods=["DELETE"]),
    Route(f"{P}/draft/sessions", create_session, methods=["POST"]),
    Route(SESSION, read_session, methods=["GET"]),
    Route(SESSION, update_session, methods=["PUT"]),
    Route(SESSION, cancel_session, methods=["DELETE"]),
    Route(f"{SESSION}/restore", restore_session, methods=["POST"]),
    Route(f"{SESSION}/speakers", set_session_speakers, methods=["PUT"]),
    Route(f"{P}/draft/speakers", create_speaker, methods=["POST"]),
    Route(SPEAKER, update_speaker, methods=["PUT"]),
    Route(SPEAKER, delete_speaker, methods=["DELETE"]),
    Route(f"{P}/publish", publish, methods=["POST"]),
    Route(f"{P}/versions", list_versions, methods=["GET"]),
    Route(f"{P}/versions/{{number:int}}", read_version, methods=["GET"]),
]
