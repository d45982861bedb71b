"""The organiser's workshop lists: every workshop's places, or one workshop's, as
``.csv`` or ``.xlsx`` (``programmes.workshop_lists``). Another event's organisers get 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import NotFound
from convenor.models import Role
from convenor.spreadsheet import FORMATS, threaded_download
from convenor.web import require_staff
from programmes.workshop_lists import workshop_sheet


async def workshop_list(request: Request) -> Response:
    user = require_staff(request, roles=[Role.ORGANISER])
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise NotFound()
    session_id = request.path_params.get("session_id")
    event, sheet, session = await workshop_sheet(user, request.path_params["event_id"], session_id)
    name = f"workshop-places-{event.id}" + (f"-session-{session.id}" if session else "")
    return await threaded_download(sheet, fmt, name)
