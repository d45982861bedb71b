"""Speakers in the organiser's programme editor: add (on the editor page), edit on their
own page, invite by email, remove; and their photo: upload (a multipart form, checked
and re-encoded by the service), see and remove.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Invalid, NotFound
from convenor.web import redirect, render, settings_of
from events.access import get_event_for
from programmes import service
from programmes.forms import speaker_from_form, speaker_values, uploaded_photo
from programmes.photo_routes import CURRENT_CACHE, photo_response
from programmes.staff_routes import (
    editor_page,
    editor_url,
    organiser,
    prefixed,
    save_prefixed_form,
)


async def add_speaker(request: Request) -> Response:
    return await save_prefixed_form(
        request,
        "speaker_",
        speaker_from_form,
        service.add_speaker,
        editor_page,
        ("speaker", "#speakers"),
    )


async def _speaker_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    user, event_id = organiser(request)
    event = await get_event_for(user, event_id)
    speaker_id = request.path_params["speaker_id"]
    found = [s for s in await service.speakers_for(user, event_id) if s.id == speaker_id]
    if not found:
        raise NotFound()
    context = {
        "event": event,
        "speaker": found[0],
        "values": values or prefixed(speaker_values(found[0]), "speaker_"),
        "errors": errors or {},
        "message": {
            "photo": "The photo has been saved. It appears in the programme once you publish.",
            "photo-removed": "The photo has been removed.",
        }.get(request.query_params.get("done", ""), ""),
    }
    return render(request, "programmes/staff_speaker.html", context, status)


async def speaker_page(request: Request) -> Response:
    return await _speaker_page(request)


async def update_speaker(request: Request) -> Response:
    speaker_id = request.path_params["speaker_id"]

    async def save(user, event_id, data):
        return await service.update_speaker(user, event_id, speaker_id, data)

    return await save_prefixed_form(
        request, "speaker_", speaker_from_form, save, _speaker_page, ("speaker-saved", "#speakers")
    )


async def invite_speaker(request: Request) -> Response:
    user, event_id = organiser(request)
    speaker_id = request.path_params["speaker_id"]
    try:
        await service.invite_speaker(user, event_id, speaker_id, settings_of(request))
    except Invalid as exc:
        errors = {f"invite_{speaker_id}": exc.fields.get("email", exc.message)}
        return await editor_page(request, errors=errors, status=400)
    return redirect(editor_url(event_id, "invited", "#speakers"))


async def remove_speaker(request: Request) -> Response:
    user, event_id = organiser(request)
    speaker_id = request.path_params["speaker_id"]
    await service.remove_speaker(user, event_id, speaker_id, settings_of(request))
    return redirect(editor_url(event_id, "speaker-removed", "#speakers"))


def _speaker_url(request: Request, done: str) -> str:
    params = request.path_params
    return f"/staff/events/{params['event_id']}/programme/speakers/{params['speaker_id']}" + (
        f"?done={done}#photo-section"
    )


async def upload_photo(request: Request) -> Response:
    user, event_id = organiser(request)
    speaker_id = request.path_params["speaker_id"]
    await service.check_speaker_photo(user, event_id, speaker_id)  # before reading the file
    async with request.form(max_files=1, max_fields=10) as form:
        upload = await uploaded_photo(form)
    try:
        await service.set_speaker_photo(user, event_id, speaker_id, upload, settings_of(request))
    except Invalid as exc:
        return await _speaker_page(request, errors=exc.fields, status=400)
    return redirect(_speaker_url(request, "photo"))


async def remove_photo(request: Request) -> Response:
    user, event_id = organiser(request)
    speaker_id = request.path_params["speaker_id"]
    await service.remove_speaker_photo(user, event_id, speaker_id, settings_of(request))
    return redirect(_speaker_url(request, "photo-removed"))


async def photo(request: Request) -> Response:
    user, event_id = organiser(request)
    name = await service.speaker_photo(user, event_id, request.path_params["speaker_id"])
    return await photo_response(request, name, CURRENT_CACHE)
