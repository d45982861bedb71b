"""The venue's "now and next" screen and the programme a partner's website embeds.

- ``/events/<uuid>/programme/now``: large type for a 1920x1080 display, what is on in each
  room and what starts next, refreshed every 30 seconds by a static script
  (``programme-now.js``; no script, no refresh). It answers where the public programme
  does (public and unlisted events) and shows only public sessions.
  ``?at=2027-06-09T14:00`` (the event's local time) shows the screen as it will be at
  that moment, to check it before the day; only times on the event's days are taken
  (anything else is a 422 page). The programme is public, so this reveals nothing.
- ``/i/<token>/programme/now``: the same screen for an invite-only event, through an
  invitee's personal link. A screen is read by a whole room, so it shows public sessions
  only, whoever's link opens it.
- ``/events/<uuid>/programme/embed``: the public programme as a small HTML page with its
  own stylesheet, which any site may frame: its Content-Security-Policy names
  ``frame-ancestors *`` (``convenor.security`` then sends no X-Frame-Options). Its
  addresses are relative (the frame's document is this site's), and links open the
  programme's pages in the top window.
"""

from __future__ import annotations

from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from convenor.errors import Invalid
from convenor.web import render
from programmes import grid, service
from programmes.public_routes import event_of, token_of
from programmes.view import ProgrammeView

NOW_PAGE = "programmes/now.html"
EMBED_PAGE = "programmes/embed.html"
SCREEN_CACHE = "public, max-age=30"
SCREENS_KEPT = 4  # rendered public screens kept per version (this minute's, previews)
EMBED_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors *",
    ]
)


def screen_moment(request: Request, view: ProgrammeView):
    """The moment the screen shows: ``?at=`` if given (on one of the event's days), else now."""
    text = request.query_params.get("at", "")
    if not text:
        return grid.clock(), False
    try:
        return grid.preview_time(view, text), True
    except ValueError:
        message = "Give a time on one of the event's days, such as 2027-06-09T14:00."
        raise Invalid(message, {"at": message}) from None


def screen_context(view: ProgrammeView, at, preview: bool, base: str) -> dict:
    return {
        "view": view,
        "screen": grid.now_and_next(view, view.public_sessions(), at),
        "preview": preview,
        "base": base,
    }


async def now_screen(request: Request) -> Response:
    event = event_of(request)
    view = await service.public_programme(event)
    at, preview = screen_moment(request, view)
    at = grid.minute(at)
    # Every visitor sees the same screen in the same minute: the rendered bytes are
    # kept on the view for the last few minutes asked for (a new version is a new view,
    # so nothing is ever stale). benchmarks/programmes_grid.py: rendering each time
    # served about half as many screens a second.
    screens = view.outputs.setdefault("now_screens", OrderedDict())
    key = (at, preview)
    html = screens.get(key)
    if html is None:
        context = screen_context(view, at, preview, f"/events/{event}/programme")
        template = request.app.state.templates.env.get_template(NOW_PAGE)
        html = screens[key] = template.render(context).encode()
        while len(screens) > SCREENS_KEPT:
            screens.popitem(last=False)
    else:
        screens.move_to_end(key)
    return HTMLResponse(html, headers={"Cache-Control": SCREEN_CACHE})


async def delegate_now_screen(request: Request) -> Response:
    token = token_of(request)
    found = await service.delegate_programme(token)
    at, preview = screen_moment(request, found.view)
    context = screen_context(found.view, at, preview, f"/i/{token}/programme")
    return render(request, NOW_PAGE, context)


async def embedded_programme(request: Request) -> Response:
    event = event_of(request)
    view = await service.public_programme(event)
    # The same for every visitor and every site: rendered once per version.
    html = view.outputs.get("embed")
    if html is None:
        context = {
            "view": view,
            "days": grid.grid_days(view, view.public_sessions()),
            "base": f"/events/{event}/programme",
        }
        template = request.app.state.templates.env.get_template(EMBED_PAGE)
        html = view.outputs["embed"] = template.render(context).encode()
    headers = {"Content-Security-Policy": EMBED_POLICY, "Cache-Control": "public, max-age=300"}
    return HTMLResponse(html, headers=headers)
