"""Calendar files from a published programme view: the whole-programme feed, one session
as an .ics download, and a delegate's agenda feed. Pure functions over a view.

Feeds carry no METHOD, ORGANIZER or ATTENDEE, and each session's DTSTAMP is the time of
the version in which it last changed, so the same programme always gives the same bytes
and the ETag (a hash of the bytes) changes only when a session in the feed does.
Not-for-publication sessions stay out of the public feed and downloads; a delegate's
own agenda feed includes them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from convenor.calendar import build_feed, build_invite
from programmes.emails import calendar_event
from programmes.view import ProgrammeView, SessionEntry

REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedFile:
    body: bytes
    etag: str  # quoted, ready for the ETag header
    last_modified: datetime


def _file(body: bytes, sessions: list[SessionEntry], view: ProgrammeView) -> FeedFile:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    stamps = [s.stamp for s in sessions] + [s.stamp for s in view.cancelled]
    return FeedFile(body, etag, max(stamps, default=view.published_at))


def programme_feed(view: ProgrammeView, base_url: str) -> FeedFile:
    """The whole public programme as a subscribable feed (cached on the view)."""
    key = ("programme_feed", base_url)
    found = view.outputs.get(key)
    if found is None:
        sessions = view.public_sessions()
        body = build_feed(
            [calendar_event(view, s, base_url=base_url) for s in sessions],
            name=view.title,
            tz=view.time_zone,
            description=f"Programme of {view.title}",
            refresh=REFRESH,
        )
        found = view.outputs[key] = _file(body, sessions, view)
    return found


def session_ics(
    view: ProgrammeView, session_id: int, base_url: str, *, public: bool = True
) -> bytes | None:
    """One session as an "add to calendar" file (METHOD:PUBLISH, no attendee), or None
    when it is not in the view (or is not for publication and ``public``)."""
    session = view.session(session_id)
    if session is None or (public and session.not_for_publication):
        return None
    entry = calendar_event(view, session, base_url=base_url)
    return build_invite([entry], "PUBLISH", tz=view.time_zone)


def agenda_feed(view: ProgrammeView, sessions: list[SessionEntry], base_url: str) -> FeedFile:
    """A delegate's agenda as a feed; named after the event only (no personal data)."""
    body = build_feed(
        [calendar_event(view, s, base_url=base_url) for s in sessions],
        name=f"My agenda: {view.title}",
        tz=view.time_zone,
        refresh=REFRESH,
    )
    return _file(body, sessions, view)


def not_modified(feed: FeedFile, if_none_match: str | None) -> bool:
    """Whether a request's If-None-Match names this feed (so the answer is a 304)."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or feed.etag in tags
