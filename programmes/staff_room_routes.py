"""Rooms in the organiser's programme editor: add a room (on the editor page), edit its
name, capacity and access notes on its own page, move it up or down (parallel sessions
are shown in the rooms' order), and remove it once no session is held in it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid, NotFound
from convenor.web import redirect, render
from events.access import get_event_for
from programmes import service
from programmes.forms import room_from_form, room_order_from_form
from programmes.staff_routes import (
    editor_page,
    editor_url,
    organiser,
    prefixed,
    save_prefixed_form,
)


async def add_room(request: Request) -> Response:
    return await save_prefixed_form(
        request, "room_", room_from_form, service.add_room, editor_page, ("room", "#rooms")
    )


async def _room_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    user, event_id = organiser(request)
    room_id = request.path_params["room_id"]
    event = await get_event_for(user, event_id)
    sessions = await service.sessions_in_room(user, event_id, room_id)
    room = next((r for r in await service.rooms_for(user, event_id) if r.id == room_id), None)
    if room is None:
        raise NotFound()
    saved = {
        "name": room.name,
        "capacity": "" if room.capacity is None else str(room.capacity),
        "access_notes": room.access_notes,
    }
    context = {
        "event": event,
        "room": room,
        "sessions": sessions,
        "values": values or prefixed(saved, "room_"),
        "errors": errors or {},
    }
    return render(request, "programmes/staff_room.html", context, status)


async def room_page(request: Request) -> Response:
    return await _room_page(request)


async def update_room(request: Request) -> Response:
    room_id = request.path_params["room_id"]

    async def save(user, event_id, data):
        return await service.update_room(user, event_id, room_id, data)

    return await save_prefixed_form(
        request, "room_", room_from_form, save, _room_page, ("room-saved", "#rooms")
    )


async def remove_room(request: Request) -> Response:
    user, event_id = organiser(request)
    try:
        await service.delete_room(user, event_id, request.path_params["room_id"])
    except Conflict as exc:
        return await _room_page(request, errors={"remove": exc.message}, status=409)
    return redirect(editor_url(event_id, "room-removed", "#rooms"))


async def order_rooms(request: Request) -> Response:
    user, event_id = organiser(request)
    room_ids = room_order_from_form(await request.form())
    try:
        await service.reorder_rooms(user, event_id, room_ids)
    except Invalid as exc:
        return await editor_page(request, errors={"room_ids": exc.message}, status=400)
    return redirect(editor_url(event_id, "rooms-ordered", "#rooms"))
