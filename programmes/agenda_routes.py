"""A registered delegate's agenda, through their personal link: the page (pick and
unpick sessions, workshop sign-up), the .ics download, and the subscribable feed at a
secret URL (shown with both webcal:// and https links, made and rotated by POST).

Invitees who are not registered get the service's Forbidden page; unknown links 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, NotFound
from convenor.web import redirect, render, settings_of
from programmes import service
from programmes.emails import webcal
from programmes.feeds import agenda_feed, agenda_ics, not_modified
from programmes.forms import chosen_id
from programmes.public_routes import calendar_response, slots, token_of

DONE = {
    "added": "The session is in your agenda.",
    "removed": "The session is out of your agenda.",
    "signed-up": "You have a place in the workshop.",
    "gave-up": "You have given up your place.",
    "feed": "Your calendar subscription link is ready.",
    "rotated": "Your calendar subscription link has changed; the old one no longer works.",
}


async def _page(request: Request, token: str, *, message: str = "", error: str = "", status=200):
    agenda = await service.agenda_for(token)
    feed = await service.saved_agenda_feed_link(token, settings_of(request))
    picked = {s.id for s in agenda.sessions}
    context = {
        "token": token,
        "view": agenda.view,
        "agenda": agenda,
        "mine": slots(agenda.sessions),
        "others": [s for s in agenda.view.sessions if s.id not in picked],
        "picked": picked,
        "feed": feed,
        "webcal": webcal(feed) if feed else "",
        "message": message,
        "error": error,
    }
    return render(request, "programmes/agenda.html", context, status)


async def agenda_page(request: Request) -> Response:
    message = DONE.get(request.query_params.get("done", ""), "")
    return await _page(request, token_of(request), message=message)


def _action(act, done: str):
    """A POST handler for the agenda form's buttons: ``act(token, session_id)`` on the
    session chosen, then back to the agenda saying ``done`` (a 409 shows the conflict).
    The handler takes ``act``'s name, which is its name in this module too. A form on
    the programme page (``back=programme``) returns there instead, to the same session
    and track filter."""

    async def handler(request: Request) -> Response:
        token = token_of(request)
        form = await request.form()
        session_id = chosen_id(form)
        if session_id is None:
            raise NotFound()
        try:
            await act(token, session_id)
        except Conflict as exc:
            return await _page(request, token, error=exc.message, status=409)
        if form.get("back") == "programme":
            track = str(form.get("track", ""))[:100]
            query = "?" + urlencode({"track": track}) if track else ""
            return redirect(f"/i/{token}/programme{query}#session-{session_id}")
        return redirect(f"/i/{token}/agenda?done={done}#session-{session_id}")

    handler.__name__ = handler.__qualname__ = act.__name__
    return handler


add_to_agenda = _action(service.add_to_agenda, "added")
remove_from_agenda = _action(service.remove_from_agenda, "removed")
sign_up = _action(service.sign_up, "signed-up")
give_up_place = _action(service.give_up_place, "gave-up")


async def make_feed(request: Request) -> Response:
    token = token_of(request)
    await service.agenda_feed_link(token, settings_of(request))
    return redirect(f"/i/{token}/agenda?done=feed#feed")


async def rotate_feed(request: Request) -> Response:
    token = token_of(request)
    await service.rotate_agenda_feed(token, settings_of(request))
    return redirect(f"/i/{token}/agenda?done=rotated#feed")


async def agenda_download(request: Request) -> Response:
    agenda = await service.agenda_for(token_of(request))
    if not agenda.sessions:
        raise NotFound("Your agenda is empty.")
    body = agenda_ics(
        agenda.view, agenda.sessions, settings_of(request).base_url, cancelled=agenda.withdrawn
    )
    return calendar_response(body, "my-agenda.ics")


async def agenda_subscription(request: Request) -> Response:
    agenda = await service.agenda_for_feed(request.path_params["feed"][:200])
    feed = agenda_feed(
        agenda.view,
        agenda.sessions,
        settings_of(request).base_url,
        cancelled=agenda.withdrawn,
    )
    # Personal (which sessions), so not for shared caches; ETag lets calendars poll cheaply.
    headers = {"ETag": feed.etag, "Cache-Control": "private, no-cache"}
    if not_modified(feed, request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    return Response(feed.body, media_type="text/calendar; charset=utf-8", headers=headers)
