"""Pages for anyone: the list of public events, a public or unlisted event's page with
its calendar file, and asking for a place there.

Invite-only and draft events answer 404 here (staff who may manage them excepted).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid, RateLimited
from convenor.web import client_address, current_user, redirect, render, settings_of
from events import emails, place_requests, service
from events.data import InviteeData
from events.event_page import event_page_links
from events.models import Event

BLANK = {"name": "", "email": "", "organisation": "", "job_title": ""}


def uuid_of(request: Request) -> str:
    return request.path_params["uuid"]


async def event_list(request: Request) -> Response:
    events = await place_requests.public_events()
    return render(request, "events/public_list.html", {"events": events})


async def _event_page(request: Request, event: Event, values: dict, errors: dict, status=200):
    context = {
        "event": event,
        "takes_requests": place_requests.takes_requests(event),
        "links": await event_page_links(event, settings_of(request).domains),
        "values": values,
        "errors": errors,
    }
    return render(request, "events/event_page.html", context, status)


async def event_page(request: Request) -> Response:
    event = await service.event_page(uuid_of(request), current_user(request))
    return await _event_page(request, event, BLANK, {})


async def event_calendar(request: Request) -> Response:
    event = await service.event_page(uuid_of(request), current_user(request))
    link = f"{settings_of(request).base_url}/events/{event.uuid}"
    return Response(
        emails.calendar_download(event, link=link),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="event.ics"'},
    )


async def ask_for_a_place(request: Request) -> Response:
    form = await request.form()
    data = InviteeData(**{name: str(form.get(name, "")) for name in BLANK})
    try:
        event = await place_requests.ask_for_a_place(
            uuid_of(request),
            data,
            settings_of(request),
            client_address(request),
            honeypot=str(form.get("nickname", "")),
        )
    except Invalid as exc:
        return await _again(request, data, exc.fields, 400)
    except RateLimited as exc:
        return await _again(request, data, {"name": exc.message}, 429)
    except Conflict:
        # Registration closed while the form was open: the page now says so.
        return await _again(request, data, {}, 409)
    return redirect(f"/events/{event.uuid}/asked")


async def _again(request: Request, data: InviteeData, errors: dict, status: int) -> Response:
    """The event page again with what was typed and the errors next to the fields."""
    event = await service.event_page(uuid_of(request), None)
    return await _event_page(request, event, vars(data), errors, status)


async def asked(request: Request) -> Response:
    event = await service.event_page(uuid_of(request), None)
    return render(request, "events/place_asked.html", {"event": event})
