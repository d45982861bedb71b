"""The organiser's programme editor under /staff/events/<id>/programme: the editor page,
draft sessions (speakers in order with roles, cancel and restore), publishing the draft
as the next version with a preview of its changelog, and past versions with theirs.
Rooms are edited in ``staff_room_routes``, speakers and their photos in
``staff_speaker_routes``; this module holds the helpers they share.

Organisers of another event get 404 from the services, like a page that does not exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid
from convenor.models import Role, User
from convenor.web import redirect, render, require_staff, settings_of
from events.access import get_event_for
from programmes import service
from programmes.forms import (
    ROWS_FIELD,
    SESSION_KINDS,
    SPEAKER_ROLES,
    Form,
    session_from_form,
    session_speakers_from_form,
    session_values,
    speaker_rows,
)

MESSAGES = {
    "room": "The room has been added.",
    "room-removed": "The room has been removed.",
    "room-saved": "The room has been saved.",
    "rooms-ordered": "The rooms are in their new order.",
    "session": "The session has been added to the draft.",
    "saved": "The session has been saved in the draft.",
    "speakers": "The session's speakers have been saved in the draft.",
    "cancelled": "The session is cancelled in the draft.",
    "restored": "The session is back in the draft.",
    "speaker": "The speaker has been added.",
    "speaker-removed": "The speaker has been removed.",
    "speaker-saved": "The speaker's details have been saved.",
    "invited": "The speaker's invitation is on its way.",
    "published": "The programme is published; delegates and speakers whose sessions "
    "changed are being told.",
    "kept-on": "The speaker stays on the programme from the next version you publish.",
    "taken-off": "The speaker will be left off the next version you publish.",
}
EMPTY_SESSION = {"kind": "plenary", "starts_at": "", "ends_at": "", "room_id": ""}


def organiser(request: Request) -> tuple[User, int]:
    return require_staff(request, roles=[Role.ORGANISER]), request.path_params["event_id"]


def unprefixed(form, prefix: str) -> dict[str, str]:
    """The editor page holds several forms; their fields are prefixed to keep ids unique."""
    return {k.removeprefix(prefix): str(v) for k, v in form.items() if k.startswith(prefix)}


def prefixed(fields: dict[str, str], prefix: str) -> dict[str, str]:
    return {f"{prefix}{name}": value for name, value in fields.items()}


async def save_prefixed_form(
    request: Request,
    prefix: str,
    parse: Callable[[dict[str, str]], Form],
    save: Callable[[User, int, Any], Awaitable[object]],
    page: Callable[..., Awaitable[Response]],
    done: tuple[str, str],
) -> Response:
    """Read one of the editor's prefixed forms (rooms, speakers) and ``save(user,
    event_id, data)``; on any error, ``page`` again with the fields prefixed back, else
    to the editor with ``done`` (message, anchor)."""
    user, event_id = organiser(request)
    form = parse(unprefixed(await request.form(), prefix))
    values, errors = prefixed(form.values, prefix), prefixed(form.errors, prefix)
    if not errors:
        try:
            await save(user, event_id, form.data)
        except Invalid as exc:
            errors = prefixed(exc.fields, prefix)
    if errors:
        return await page(request, values=values, errors=errors, status=400)
    return redirect(editor_url(event_id, *done))


def editor_url(event_id: int, done: str = "", anchor: str = "") -> str:
    return f"/staff/events/{event_id}/programme" + (f"?done={done}" if done else "") + anchor


def room_orders(rooms: list) -> dict[int, dict[str, str]]:
    """For each room, the order of all rooms after moving it up or down one place
    (what its Move buttons post, as comma-separated ids)."""
    ids = [room.id for room in rooms]
    orders: dict[int, dict[str, str]] = {}
    for index, room_id in enumerate(ids):
        moves = {}
        for label, other in (("up", index - 1), ("down", index + 1)):
            if 0 <= other < len(ids):
                order = list(ids)
                order[index], order[other] = order[other], order[index]
                moves[label] = ",".join(str(i) for i in order)
        orders[room_id] = moves
    return orders


async def editor_page(request: Request, *, errors=None, values=None, status=200) -> Response:
    """The editor page, with errors and typed values when one of its forms failed."""
    user, event_id = organiser(request)
    event = await get_event_for(user, event_id)
    versions = await service.versions_for(user, event_id)
    rooms = await service.rooms_for(user, event_id)
    context = {
        "event": event,
        "rooms": rooms,
        "room_orders": room_orders(rooms),
        "clashes": await service.draft_clashes(user, event_id),
        "holders": await service.workshop_holders(user, event_id),
        "sessions": await service.draft_sessions(user, event_id),
        "speakers": await service.speakers_for(user, event_id),
        "versions": versions,
        "preview": await service.preview_changes(user, event_id) if versions else [],
        "kinds": SESSION_KINDS,
        "errors": errors or {},
        "values": {**EMPTY_SESSION, **(values or {})},
        "message": MESSAGES.get(request.query_params.get("done", ""), ""),
    }
    return render(request, "programmes/staff_editor.html", context, status)


async def editor(request: Request) -> Response:
    return await editor_page(request)


async def _event_zone(user: User, event_id: int) -> str:
    return (await get_event_for(user, event_id)).time_zone


async def add_session(request: Request) -> Response:
    user, event_id = organiser(request)
    form = session_from_form(await request.form(), await _event_zone(user, event_id))
    if form.errors:
        return await editor_page(request, errors=form.errors, values=form.values, status=400)
    try:
        await service.add_session(user, event_id, form.data)
    except Invalid as exc:
        return await editor_page(request, errors=exc.fields, values=form.values, status=400)
    return redirect(editor_url(event_id, "session", "#sessions"))


async def _session_page(request, *, values=None, errors=None, speaker_values=None, status=200):
    user, event_id = organiser(request)
    session_id = request.path_params["session_id"]
    event = await get_event_for(user, event_id)
    session = await service.draft_session(user, event_id, session_id)
    links = list(session.speaker_links)
    chosen = speaker_values or {}
    if speaker_values is None:
        for number, link in enumerate(links, start=1):
            chosen[f"speaker_{number}"] = str(link.speaker_id)
            chosen[f"role_{number}"] = str(getattr(link.role, "value", link.role))
    clashes = [
        c
        for c in await service.draft_clashes(user, event_id)
        if session.id in (c.first.id, c.second.id)
    ]
    holders = (await service.workshop_holders(user, event_id)).get(session.id, [])
    context = {
        "event": event,
        "session": session,
        "clashes": clashes,
        "holders": holders,
        "rooms": await service.rooms_for(user, event_id),
        "speakers": await service.speakers_for(user, event_id),
        "kinds": SESSION_KINDS,
        "roles": SPEAKER_ROLES,
        "values": values or session_values(session, event.time_zone),
        "chosen": chosen,
        "rows": range(1, speaker_rows(chosen, len(links)) + 1),
        "errors": errors or {},
    }
    return render(request, "programmes/staff_session.html", context, status)


async def session_page(request: Request) -> Response:
    return await _session_page(request)


async def update_session(request: Request) -> Response:
    user, event_id = organiser(request)
    form = session_from_form(await request.form(), await _event_zone(user, event_id))
    if form.errors:
        return await _session_page(request, values=form.values, errors=form.errors, status=400)
    try:
        await service.update_session(user, event_id, request.path_params["session_id"], form.data)
    except Invalid as exc:
        return await _session_page(request, values=form.values, errors=exc.fields, status=400)
    return redirect(editor_url(event_id, "saved", "#sessions"))


async def session_speakers(request: Request) -> Response:
    user, event_id = organiser(request)
    posted = await request.form()
    form = session_speakers_from_form(posted)
    if posted.get("add_row"):
        # "Add another speaker": the same form again with one more row, nothing saved.
        values = {**form.values, ROWS_FIELD: str(int(form.values[ROWS_FIELD]) + 1)}
        return await _session_page(request, speaker_values=values)
    page = {"speaker_values": form.values, "status": 400}
    if form.errors:
        return await _session_page(request, errors=form.errors, **page)
    session_id = request.path_params["session_id"]
    try:
        await service.set_session_speakers(user, event_id, session_id, form.data)
    except Invalid as exc:
        errors = {"speaker_1": exc.fields.get("speakers", "Check the speakers chosen")}
        return await _session_page(request, errors=errors, **page)
    return redirect(editor_url(event_id, "speakers", "#sessions"))


async def cancel_session(request: Request) -> Response:
    user, event_id = organiser(request)
    await service.cancel_session(user, event_id, request.path_params["session_id"])
    return redirect(editor_url(event_id, "cancelled", "#sessions"))


async def restore_session(request: Request) -> Response:
    user, event_id = organiser(request)
    await service.restore_session(user, event_id, request.path_params["session_id"])
    return redirect(editor_url(event_id, "restored", "#sessions"))


async def publish(request: Request) -> Response:
    user, event_id = organiser(request)
    form = await request.form()
    anyway = bool(form.get("publish_anyway"))
    try:
        await service.publish_programme(user, event_id, settings_of(request), publish_anyway=anyway)
    except service.Clashes as exc:
        errors = {"publish": exc.message}
        return await editor_page(request, errors=errors, status=409)
    except (Invalid, Conflict) as exc:
        errors = {"publish": exc.fields.get("sessions", exc.message)}
        return await editor_page(request, errors=errors, status=400)
    return redirect(editor_url(event_id, "published", "#publish"))


async def keep_speaker_on(request: Request) -> Response:
    user, event_id = organiser(request)
    keep = (await request.form()).get("keep") == "yes"
    await service.keep_speaker_on(user, event_id, request.path_params["speaker_id"], keep)
    return redirect(editor_url(event_id, "kept-on" if keep else "taken-off", "#speakers"))


async def workshops_page(request: Request) -> Response:
    """Who holds each workshop place (linked from the delegates page)."""
    user, event_id = organiser(request)
    event = await get_event_for(user, event_id)
    sessions = await service.draft_sessions(user, event_id)
    context = {
        "event": event,
        "workshops": [s for s in sessions if s.places is not None],
        "holders": await service.workshop_holders(user, event_id),
    }
    return render(request, "programmes/staff_workshops.html", context)


async def version_page(request: Request) -> Response:
    user, event_id = organiser(request)
    event = await get_event_for(user, event_id)
    version = await service.programme_version(user, event_id, request.path_params["number"])
    context = {"event": event, "version": version}
    return render(request, "programmes/staff_version.html", context)
