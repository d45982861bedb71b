"""A speaker's pages through their personal link (/speaker/<token>): confirm or
decline, edit the job title, bio and photo shown in the programme, see their sessions
and add them to a calendar. A dead or unknown link is 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid, NotFound
from convenor.web import redirect, render, settings_of
from programmes import service
from programmes.forms import profile_from_form, uploaded_photo
from programmes.public_routes import PAGE, calendar_response, programme_context, token_of, track_of

DONE = {
    "confirmed": "Thank you for confirming. We look forward to seeing you.",
    "declined": "Thank you for letting us know you cannot take part.",
    "saved": "Your details have been saved.",
    "photo": "Your photo has been saved. It appears in the programme when it is next published.",
    "photo-removed": "Your photo has been removed.",
}


async def _page(request: Request, token: str, *, values=None, errors=None, message="", status=200):
    found = await service.speaker_page(token)
    speaker = found.speaker
    context = {
        "token": token,
        "speaker": speaker,
        "event": found.event,
        "sessions": found.sessions,
        "values": values or {"job_title": speaker.job_title, "bio": speaker.bio},
        "errors": errors or {},
        "message": message,
        "time_zone": found.event.time_zone,
    }
    return render(request, "programmes/speaker.html", context, status)


async def speaker_home(request: Request) -> Response:
    message = DONE.get(request.query_params.get("done", ""), "")
    return await _page(request, token_of(request), message=message)


async def confirm(request: Request) -> Response:
    token = token_of(request)
    await service.confirm_speaker(token)
    return redirect(f"/speaker/{token}?done=confirmed")


async def decline(request: Request) -> Response:
    token = token_of(request)
    form = await request.form()
    reason = str(form.get("reason", ""))[:2000]
    await service.decline_speaker(token, reason, settings_of(request))
    return redirect(f"/speaker/{token}?done=declined")


async def save_profile(request: Request) -> Response:
    token = token_of(request)
    form = profile_from_form(await request.form())
    if form.errors:
        return await _page(request, token, values=form.values, errors=form.errors, status=400)
    try:
        await service.update_speaker_profile(token, form.job_title, form.bio)
    except Invalid as exc:
        return await _page(request, token, values=form.values, errors=exc.fields, status=400)
    except Conflict as exc:
        errors = {"bio": exc.message}
        return await _page(request, token, values=form.values, errors=errors, status=409)
    return redirect(f"/speaker/{token}?done=saved")


async def upload_photo(request: Request) -> Response:
    token = token_of(request)
    try:
        await service.check_own_photo(token)  # the link first: a stranger's file is not read
    except Conflict as exc:
        return await _page(request, token, errors={"photo": exc.message}, status=409)
    async with request.form(max_files=1, max_fields=10) as form:
        upload = await uploaded_photo(form)
    try:
        await service.set_own_photo(token, upload, settings_of(request))
    except Invalid as exc:
        return await _page(request, token, errors=exc.fields, status=400)
    except Conflict as exc:
        return await _page(request, token, errors={"photo": exc.message}, status=409)
    return redirect(f"/speaker/{token}?done=photo")


async def remove_photo(request: Request) -> Response:
    token = token_of(request)
    await service.remove_own_photo(token, settings_of(request))
    return redirect(f"/speaker/{token}?done=photo-removed")


async def speaker_sessions_calendar(request: Request) -> Response:
    body = await service.speaker_calendar(token_of(request), settings_of(request).base_url)
    return calendar_response(body, "my-sessions.ics")


async def speaker_programme_page(request: Request) -> Response:
    token = token_of(request)
    view = await service.speaker_programme(token)
    base = f"/speaker/{token}/programme"
    context = programme_context(view, view.public_sessions(), track_of(request), base, {})
    return render(request, PAGE, context)


def _public_session(view, request: Request):
    entry = view.session(request.path_params["session_id"])
    if entry is None or entry.not_for_publication:
        raise NotFound()
    return entry


async def speaker_session_page(request: Request) -> Response:
    token = token_of(request)
    view = await service.speaker_programme(token)
    entry = _public_session(view, request)
    base = f"/speaker/{token}/programme"
    context = {"view": view, "entry": entry, "base": base, "ics": f"{base}/sessions/{entry.id}.ics"}
    return render(request, "programmes/session.html", context)


async def speaker_session_calendar(request: Request) -> Response:
    view = await service.speaker_programme(token_of(request))
    entry = _public_session(view, request)
    cancelled = await service.event_cancelled(view.event["id"])
    body = service.session_ics(view, entry.id, settings_of(request).base_url, cancelled=cancelled)
    if body is None:
        raise NotFound()
    return calendar_response(body, f"session-{entry.id}.ics")
