"""Organiser pages for the day: the delegate list and its exports (CSV and .xlsx, the
invite list's too), the catering and access summary, and the check-in desk (by name or
by code; a scanner types the code).
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from convenor.errors import Conflict, NotFound
from convenor.models import Role, User
from convenor.spreadsheet import FORMATS, threaded_download
from convenor.web import current_user, redirect, render, require_staff, settings_of
from events import checkin, export, overview, privacy, service
from events.models import InvitationStatus, RegistrationStatus

STATUSES = [(s.value, s.value.capitalize()) for s in RegistrationStatus]


def organiser(request: Request) -> User:
    """The signed-in organiser or admin. Pages about one event answer 404 to anyone else,
    anonymous visitors included, so an event's existence is not revealed."""
    if current_user(request) is None:
        raise NotFound()
    return require_staff(request, roles=[Role.ORGANISER])


def _filters(source) -> tuple[str, str]:
    search = str(source.get("q", ""))[:200]
    status = str(source.get("status", ""))
    return search, status if status in dict(STATUSES) else ""


async def delegates(request: Request) -> Response:
    user = organiser(request)
    event_id = request.path_params["event_id"]
    event = await service.get_event_for(user, event_id)
    search, status = _filters(request.query_params)
    context = {
        "event": event,
        "delegates": await overview.delegate_list(user, event_id, search, status or None),
        "search": search,
        "chosen": status,
        "statuses": STATUSES,
        "export_query": urlencode({"q": search, "status": status}),
    }
    return render(request, "events/delegates.html", context)


def _format(request: Request) -> str:
    """The export's format from the path (``.csv`` or ``.xlsx``); any other is 404."""
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise NotFound()
    return fmt


async def delegates_export(request: Request) -> Response:
    """The list without dietary and access answers (a plain download, nothing logged)."""
    user = organiser(request)
    search, status = _filters(request.query_params)
    fmt = _format(request)
    event, sheet = await export.delegate_sheet(
        user,
        request.path_params["event_id"],
        fmt=fmt,
        search=search,
        status=status or None,
        domains=settings_of(request).domains,
    )
    return await threaded_download(sheet, fmt, f"delegates-{event.id}")


async def delegates_export_with_needs(request: Request) -> Response:
    """The list with dietary and access answers: a POST, because the export is logged."""
    user = organiser(request)
    search, status = _filters(await request.form())
    fmt = _format(request)
    event, sheet = await export.delegate_sheet(
        user,
        request.path_params["event_id"],
        fmt=fmt,
        include_needs=True,
        search=search,
        status=status or None,
        domains=settings_of(request).domains,
    )
    return await threaded_download(sheet, fmt, f"delegates-{event.id}-with-needs")


async def invitees_export(request: Request) -> Response:
    """The invite list with each invitee's status (the invitee page's filters apply)."""
    user = organiser(request)
    search = str(request.query_params.get("q", ""))[:200]
    status = str(request.query_params.get("status", ""))
    status = status if status in {s.value for s in InvitationStatus} else ""
    event, sheet = await export.invitee_sheet(
        user, request.path_params["event_id"], search=search, status=status or None
    )
    return await threaded_download(sheet, _format(request), f"invitees-{event.id}")


async def needs(request: Request) -> Response:
    user = organiser(request)
    event_id = request.path_params["event_id"]
    page = await privacy.needs_page(user, event_id)
    context = {
        "event": await service.get_event_for(user, event_id),
        "summary": page.summary,
        "counts": page.counts,
        "answers": page.answers,
        "exports": await export.export_log(user, event_id),
    }
    return render(request, "events/needs.html", context)


async def check_in_page(request: Request) -> Response:
    user = organiser(request)
    event_id = request.path_params["event_id"]
    board = await overview.dashboard(user, event_id)
    query = request.query_params.get("q", "")[:200]
    context = {
        "event": board.event,
        "board": board,
        "query": query,
        "matches": await checkin.find_delegates(user, event_id, query) if query else None,
        "checked": None,
        "first_time": request.query_params.get("first") == "1",
        "problem": request.query_params.get("problem", "")[:20],
    }
    code = request.query_params.get("checked", "")[:20]
    if code:
        found = await checkin.find_delegates(user, event_id, code)
        context["checked"] = found[0] if len(found) == 1 else None
    return render(request, "events/check_in.html", context)


async def check_in(request: Request) -> Response:
    """Check a delegate in by code (typed or scanned) or by the button next to a name."""
    user = organiser(request)
    event_id = request.path_params["event_id"]
    form = await request.form()
    chosen = str(form.get("registration_id", ""))
    code = str(form.get("code", ""))[:40]
    url = f"/staff/events/{event_id}/check-in"
    try:
        if chosen.isdigit():
            result = await checkin.check_in(user, event_id, int(chosen))
        elif code.strip():
            result = await checkin.check_in_by_code(user, event_id, code)
        else:
            await service.get_event_for(user, event_id)
            return redirect(f"{url}?problem=empty")
    except NotFound:
        await service.get_event_for(user, event_id)  # another event's desk: still 404
        if chosen.isdigit():
            raise
        return redirect(f"{url}?{urlencode({'problem': 'unknown', 'q': code})}")
    except Conflict:
        return redirect(f"{url}?problem=not-registered")
    first = "1" if result.first_time else "0"
    return redirect(f"{url}?checked={result.registration.check_in_code}&first={first}")


async def counts(request: Request) -> Response:
    """Live counts for the check-in page (polled by a small script, if it runs)."""
    user = organiser(request)
    board = await overview.dashboard(user, request.path_params["event_id"])
    return JSONResponse(
        {
            "registered": board.registered,
            "attended": board.attended,
            "waitlisted": board.waitlisted,
            "capacity_left": board.capacity_left,
        }
    )
