"""Calendar files from a published programme view: the whole-programme feed, one session
as an .ics download, and a delegate's agenda feed. Pure functions over a view.

Feeds carry no METHOD, ORGANIZER or ATTENDEE, and each session's DTSTAMP is the time of
the version in which it last changed, so the same programme always gives the same bytes
and the ETag (a hash of the bytes) changes only when a session in the feed does.
Not-for-publication sessions stay out of the public feed and downloads; a delegate's
own agenda feed includes them. Once the event is cancelled both feeds still answer,
with every session STATUS:CANCELLED and its SEQUENCE one higher, so subscribed
calendars strike the sessions out instead of keeping them; a delegate's agenda feed
does the same once their place is cancelled or their invitation revoked (until the
event's links expire). The downloads a delegate can still take once the event is
cancelled (their agenda, one session) say CANCELLED the same way.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from convenor.calendar import CalendarEvent, build_feed, build_invite
from convenor.errors import NotFound
from events.models import Event, EventStatus
from programmes.emails import calendar_event
from programmes.public_cache import public_published
from programmes.view import ProgrammeView, SessionEntry

REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedFile:
    body: bytes
    etag: str  # quoted, ready for the ETag header
    last_modified: datetime


def etag_for(body: bytes) -> str:
    """A strong ETag (quoted, ready for the header) from a hash of the bytes: every
    public download's validator, so the same bytes always give the same tag."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(etag: str, if_none_match: str | None) -> bool:
    """Whether a request's If-None-Match names ``etag`` (so the answer is a 304)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


def _file(body: bytes, sessions: list[SessionEntry], view: ProgrammeView) -> FeedFile:
    etag = etag_for(body)
    stamps = [s.stamp for s in sessions] + [s.stamp for s in view.cancelled]
    return FeedFile(body, etag, max(stamps, default=view.published_at))


def _entries(
    view: ProgrammeView, sessions: list[SessionEntry], base_url: str, cancelled: bool
) -> list[CalendarEvent]:
    if not cancelled:
        return [calendar_event(view, s, base_url=base_url) for s in sessions]
    return [
        calendar_event(view, s, base_url=base_url, status="CANCELLED", sequence=s.sequence + 1)
        for s in sessions
    ]


async def public_feed_programme(event: str | int) -> tuple[ProgrammeView, bool]:
    """The programme behind the public feed and whether the event is cancelled, for the
    event's uuid (or id: public events only, ``public_cache.public_published``): NotFound
    for an invite-only, draft or unpublished one. No side effects."""
    published = await public_published(event)
    if published.event_status not in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
        raise NotFound()
    return published.view, published.event_status == EventStatus.CANCELLED


def programme_feed(view: ProgrammeView, base_url: str, *, cancelled: bool = False) -> FeedFile:
    """The whole public programme as a subscribable feed (cached on the view); with
    ``cancelled``, every session cancelled."""
    key = ("programme_feed", base_url, cancelled)
    found = view.outputs.get(key)
    if found is None:
        sessions = view.public_sessions()
        body = build_feed(
            _entries(view, sessions, base_url, cancelled),
            name=view.title,
            tz=view.time_zone,
            description=f"Programme of {view.title}",
            refresh=REFRESH,
        )
        found = view.outputs[key] = _file(body, sessions, view)
    return found


def session_ics(
    view: ProgrammeView,
    session_id: int,
    base_url: str,
    *,
    public: bool = True,
    cancelled: bool = False,
) -> bytes | None:
    """One session as an "add to calendar" file (METHOD:PUBLISH, no attendee), or None
    when it is not in the view (or is not for publication and ``public``); with
    ``cancelled``, the session cancelled."""
    session = view.session(session_id)
    if session is None or (public and session.not_for_publication):
        return None
    return build_invite(
        _entries(view, [session], base_url, cancelled), "PUBLISH", tz=view.time_zone
    )


def agenda_ics(
    view: ProgrammeView, sessions: list[SessionEntry], base_url: str, *, cancelled: bool = False
) -> bytes:
    """A delegate's agenda as an "add to calendar" file (METHOD:PUBLISH, no attendee);
    with ``cancelled``, every session cancelled."""
    return build_invite(_entries(view, sessions, base_url, cancelled), "PUBLISH", tz=view.time_zone)


async def event_cancelled(event_id: int) -> bool:
    """Whether the event is cancelled (its downloads then say so). No side effects."""
    status = await Event.filter(id=event_id).values_list("status", flat=True)
    return EventStatus.CANCELLED in status


def agenda_feed(
    view: ProgrammeView, sessions: list[SessionEntry], base_url: str, *, cancelled: bool = False
) -> FeedFile:
    """A delegate's agenda as a feed; named after the event only (no personal data);
    with ``cancelled``, every session cancelled."""
    body = build_feed(
        _entries(view, sessions, base_url, cancelled),
        name=f"My agenda: {view.title}",
        tz=view.time_zone,
        refresh=REFRESH,
    )
    return _file(body, sessions, view)


def not_modified(feed: FeedFile, if_none_match: str | None) -> bool:
    """Whether a request's If-None-Match names this feed (so the answer is a 304)."""
    return etag_matches(feed.etag, if_none_match)
