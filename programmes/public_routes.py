"""The published programme for visitors and delegates: the programme page (by time,
rooms side by side, filter by track, speakers with bios), each session's page, and the
downloads (whole-programme feed, session .ics, PDF, frab JSON and XML), the public
changelog of versions (page and Atom feed) and each speaker's page and .ics.

Public addresses (``/events/<id>/programme...``) answer only for public and unlisted
events (``service.public_programme``); invitees of an invite-only event use the same
pages under their personal link (``/i/<token>/programme...``), where registered
delegates also see not-for-publication sessions. Anything else is 404.

The public page has no personal parts for a visitor who is not signed in, so its HTML
is rendered once per version (and track) and kept on the cached view.

Every public download (``public_download``) may be read by other sites' scripts
(``Access-Control-Allow-Origin: *``) and carries a strong ETag from a hash of its
bytes, answering 304 to a matching If-None-Match. Downloads through a personal link do
neither: they stay ``no-store`` and same-origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from convenor.errors import NotFound
from convenor.templating import format_datetime
from convenor.web import current_user, render, settings_of
from programmes import service
from programmes.agenda import programme_with_agenda
from programmes.changelog import (
    Changelog,
    atom_feed,
    delegate_changelog,
    public_changelog,
)
from programmes.exports import frab_json, frab_xml
from programmes.feeds import (
    etag_for,
    etag_matches,
    event_cancelled,
    programme_feed,
    public_feed_programme,
    session_ics,
)
from programmes.grid import grid_days
from programmes.pdf import programme_pdf
from programmes.speaker_pages import delegate_speaker, public_speaker, speaker_ics
from programmes.view import ProgrammeView, SessionEntry

PAGE = "programmes/programme.html"
CHANGES = "programmes/changes.html"
SPEAKER = "programmes/public_speaker.html"
PUBLIC_CACHE = "public, max-age=300"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
ICS_TYPE = "text/calendar; charset=utf-8"


def public_download(
    request: Request, body: bytes, media_type: str, *, etag: str = "", headers=None
) -> Response:
    """A public download: cacheable, readable by any site's scripts, with a strong ETag
    (a hash of ``body`` unless given) and a 304 when the client has these bytes."""
    etag = etag or etag_for(body)
    headers = {
        "ETag": etag,
        "Cache-Control": PUBLIC_CACHE,
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag",
        **(headers or {}),
    }
    if etag_matches(etag, request.headers.get("if-none-match")):
        headers.pop("Content-Disposition", None)
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@dataclass(frozen=True)
class Slot:
    """Sessions starting at the same time (shown side by side on wide screens)."""

    start: datetime
    sessions: list[SessionEntry]


def slots(sessions: list[SessionEntry]) -> list[Slot]:
    found: list[Slot] = []
    for entry in sessions:
        if found and found[-1].start == entry.start:
            found[-1].sessions.append(entry)
        else:
            found.append(Slot(entry.start, [entry]))
    return found


def tracks_of(sessions: list[SessionEntry]) -> list[str]:
    return sorted({s.track for s in sessions if s.track}, key=str.casefold)


def speakers_in(view: ProgrammeView, sessions: list[SessionEntry]) -> list:
    ids = {speaker.id for s in sessions for speaker, _ in s.speakers}
    return [s for s in view.speakers if s.id in ids]


def programme_context(
    view: ProgrammeView,
    sessions: list[SessionEntry],
    track: str,
    base: str,
    downloads: dict,
    *,
    speaker_pages: bool = False,
) -> dict:
    tracks = tracks_of(sessions)
    track = track if track in tracks else ""
    shown = [s for s in sessions if s.track == track] if track else sessions
    return {
        "view": view,
        "slots": slots(shown),
        "days": grid_days(view, shown),  # the timetable grid (programmes.grid, issue 20)
        "tracks": tracks,
        "track": track,
        "speakers": speakers_in(view, sessions),
        "base": base,
        "downloads": downloads,
        # Whether ``{base}/speakers/<id>`` pages exist (public and delegates' programme).
        "speaker_pages": speaker_pages,
    }


def public_downloads(event: str, base_url: str) -> dict:
    """The public programme's downloads, for the event's uuid."""
    feed = f"{base_url}/events/{event}/programme.ics"
    return {
        "feed": feed,
        "webcal": "webcal://" + feed.split("://", 1)[1],
        "pdf": f"/events/{event}/programme.pdf",
        "json": f"/events/{event}/programme/schedule.json",
        "xml": f"/events/{event}/programme/schedule.xml",
        "changes": f"/events/{event}/programme/changes",
        "changes_atom": f"/events/{event}/programme/changes.atom",
    }


def event_of(request: Request) -> str:
    """The event's uuid in a public programme address, as stored (lower case, hyphens)."""
    return str(request.path_params["event"])


async def numbered_address(request: Request) -> Response:
    """``/events/<number>/programme...``, the addresses before uuids: a public event's
    programme moves to its uuid (301, query kept); any other is not found, so an
    unlisted event cannot be found by counting."""
    event = await service.uuid_for_number(request.path_params["event_id"])
    target = f"/events/{event}/programme{request.path_params['rest']}"
    query = request.url.query
    # Other sites' scripts fetched the exports at these addresses: the move is readable
    # across origins too (the exports themselves are).
    headers = {"Access-Control-Allow-Origin": "*"}  # not kept: visibility may change
    url = f"{target}?{query}" if query else target
    return RedirectResponse(url, status_code=301, headers=headers)


def track_of(request: Request) -> str:
    return request.query_params.get("track", "")[:100]


async def programme_page(request: Request) -> Response:
    event = event_of(request)
    view = await service.public_programme(event)
    sessions = view.public_sessions()
    track = track_of(request)
    if track and track not in tracks_of(sessions):  # (no track asked: nothing to check)
        track = ""
    if current_user(request) is not None:
        context = programme_context(
            view, sessions, track, f"/events/{event}/programme",
            public_downloads(event, settings_of(request).base_url), speaker_pages=True,
        )  # fmt: skip
        return render(request, PAGE, context)
    # Nobody signed in: the page is the same for every visitor, so render it once.
    key = ("page", track)
    html = view.outputs.get(key)
    if html is None:
        context = programme_context(
            view, sessions, track, f"/events/{event}/programme",
            public_downloads(event, settings_of(request).base_url), speaker_pages=True,
        )  # fmt: skip
        context.update(current_user=None, csrf_token="", request=request)
        template = request.app.state.templates.env.get_template(PAGE)
        html = view.outputs[key] = template.render(context).encode()
    return HTMLResponse(html)


def _session_or_404(view: ProgrammeView, session_id: int, *, public: bool) -> SessionEntry:
    entry = view.session(session_id)
    if entry is None or (public and entry.not_for_publication):
        raise NotFound()
    return entry


async def session_page(request: Request) -> Response:
    event = event_of(request)
    view = await service.public_programme(event)
    entry = _session_or_404(view, request.path_params["session_id"], public=True)
    context = {
        "view": view,
        "entry": entry,
        "base": f"/events/{event}/programme",
        "ics": f"/events/{event}/programme/sessions/{entry.id}.ics",
    }
    return render(request, "programmes/session.html", context)


def attachment(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def calendar_response(body: bytes, filename: str) -> Response:
    """A calendar file through a personal link: no-store (the default), no CORS, no ETag."""
    return Response(body, media_type=ICS_TYPE, headers=attachment(filename))


async def session_calendar(request: Request) -> Response:
    view = await service.public_programme(event_of(request))
    body = session_ics(view, request.path_params["session_id"], settings_of(request).base_url)
    if body is None:
        raise NotFound()
    name = f"session-{request.path_params['session_id']}.ics"
    return public_download(request, body, ICS_TYPE, headers=attachment(name))


async def programme_calendar_feed(request: Request) -> Response:
    view, cancelled = await public_feed_programme(event_of(request))
    feed = programme_feed(view, settings_of(request).base_url, cancelled=cancelled)
    modified = {"Last-Modified": feed.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT")}
    return public_download(request, feed.body, ICS_TYPE, etag=feed.etag, headers=modified)


PDF_HEADERS = {"Content-Disposition": 'inline; filename="programme.pdf"'}


def pdf_response(view: ProgrammeView, *, delegates: bool = False) -> Response:
    body = programme_pdf(view, delegates=delegates)
    return Response(body, media_type="application/pdf", headers=PDF_HEADERS)


async def programme_pdf_download(request: Request) -> Response:
    view = await service.public_programme(event_of(request))
    return public_download(request, programme_pdf(view), "application/pdf", headers=PDF_HEADERS)


async def schedule_json(request: Request) -> Response:
    view = await service.public_programme(event_of(request))
    body = frab_json(view, settings_of(request).base_url)
    return public_download(request, body, "application/json")


async def schedule_xml(request: Request) -> Response:
    view = await service.public_programme(event_of(request))
    body = frab_xml(view, settings_of(request).base_url)
    return public_download(request, body, "application/xml")


# The changelog of published versions, and each speaker's page and sessions.


def _changes_context(changelog: Changelog, base: str, feed: str) -> dict:
    return {"view": changelog.view, "changelog": changelog, "base": base, "atom": feed}


def _when(changelog: Changelog):
    tz = changelog.view.time_zone
    return lambda moment: format_datetime(moment, tz, "short")


async def changes_page(request: Request) -> Response:
    event = event_of(request)
    changelog = await public_changelog(event)
    base = f"/events/{event}/programme"
    return render(request, CHANGES, _changes_context(changelog, base, f"{base}/changes.atom"))


async def changes_atom(request: Request) -> Response:
    event = event_of(request)
    changelog = await public_changelog(event)
    page = f"{settings_of(request).base_url}/events/{event}/programme/changes"
    body = atom_feed(changelog, page, f"{page}.atom", _when(changelog))
    return public_download(request, body, ATOM_TYPE)


async def speaker_page(request: Request) -> Response:
    event = event_of(request)
    found = await public_speaker(event, request.path_params["speaker_id"])
    base = f"/events/{event}/programme"
    context = {"found": found, "view": found.view, "base": base}
    return render(request, SPEAKER, context)


async def speaker_calendar(request: Request) -> Response:
    speaker_id = request.path_params["speaker_id"]
    found = await public_speaker(event_of(request), speaker_id)
    body = speaker_ics(found, settings_of(request).base_url)
    return public_download(request, body, ICS_TYPE, headers=attachment(f"speaker-{speaker_id}.ics"))


# Invitees of any event, through their personal link.


def token_of(request: Request) -> str:
    return request.path_params["token"][:200]


async def delegate_programme_page(request: Request) -> Response:
    token = token_of(request)
    found = await programme_with_agenda(token)
    downloads = {
        "pdf": f"/i/{token}/programme.pdf",
        "changes": f"/i/{token}/programme/changes",
        "changes_atom": f"/i/{token}/programme/changes.atom",
    }
    context = programme_context(
        found.view,
        found.sessions,
        track_of(request),
        f"/i/{token}/programme",
        downloads,
        speaker_pages=True,
    )
    # ``picked`` and ``places`` let each session card offer to add or remove it.
    context.update(
        token=token, registered=found.registered, picked=found.picked, places=found.places
    )
    return render(request, PAGE, context)


async def delegate_session_page(request: Request) -> Response:
    token = token_of(request)
    found = await service.delegate_programme(token)
    entry = _session_or_404(found.view, request.path_params["session_id"], public=False)
    if entry not in found.sessions:
        raise NotFound()
    context = {
        "view": found.view,
        "entry": entry,
        "base": f"/i/{token}/programme",
        "ics": f"/i/{token}/programme/sessions/{entry.id}.ics",
        "token": token,
        "registered": found.registered,
    }
    return render(request, "programmes/session.html", context)


async def delegate_session_calendar(request: Request) -> Response:
    found = await service.delegate_programme(token_of(request))
    session_id = request.path_params["session_id"]
    if not any(s.id == session_id for s in found.sessions):
        raise NotFound()
    cancelled = await event_cancelled(found.view.event["id"])
    body = session_ics(
        found.view, session_id, settings_of(request).base_url, public=False, cancelled=cancelled
    )
    if body is None:
        raise NotFound()
    return calendar_response(body, f"session-{session_id}.ics")


async def delegate_pdf(request: Request) -> Response:
    found = await service.delegate_programme(token_of(request))
    # Registered delegates' PDF has the not-for-publication sessions their page shows.
    return pdf_response(found.view, delegates=found.registered)


async def delegate_changes_page(request: Request) -> Response:
    token = token_of(request)
    changelog = await delegate_changelog(token)
    base = f"/i/{token}/programme"
    context = _changes_context(changelog, base, f"{base}/changes.atom")
    context["token"] = token
    return render(request, CHANGES, context)


async def delegate_changes_atom(request: Request) -> Response:
    token = token_of(request)
    changelog = await delegate_changelog(token)
    page = f"{settings_of(request).base_url}/i/{token}/programme/changes"
    body = atom_feed(changelog, page, f"{page}.atom", _when(changelog))
    # Personal (the link is in it): no-store (the default) and no CORS.
    return Response(body, media_type=ATOM_TYPE)


async def delegate_speaker_page(request: Request) -> Response:
    token = token_of(request)
    found = await delegate_speaker(token, request.path_params["speaker_id"])
    context = {"found": found, "view": found.view, "base": f"/i/{token}/programme", "token": token}
    return render(request, SPEAKER, context)


async def delegate_speaker_calendar(request: Request) -> Response:
    speaker_id = request.path_params["speaker_id"]
    found = await delegate_speaker(token_of(request), speaker_id)
    body = speaker_ics(found, settings_of(request).base_url)
    return calendar_response(body, f"speaker-{speaker_id}.ics")
