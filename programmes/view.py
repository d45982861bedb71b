"""The published programme as ready-to-use values, cached per version.

A ``ProgrammeView`` is built once from a version's snapshot and kept in memory by
version id; versions never change, so the cache needs no invalidation, only a bound.
``published_programme`` reads one small row (the latest version's id, joined with the
event's visibility and status; plain SQL, as the ORM's query building cost twice the
query) and answers from the cache; only a version not seen before costs a second query
for its snapshot. Feeds, PDF and exports are built from a view, and their
bytes are cached on it.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from convenor import plainsql
from events.models import Event
from programmes.models import ProgrammeVersion

CACHE_SIZE = 128
# Keyed by (version id, publication time): ids alone can come round again when a
# database is emptied and refilled (tests, a restored backup) while the process lives.
_cache: OrderedDict[tuple[int, datetime], ProgrammeView] = OrderedDict()


@dataclass(frozen=True)
class SpeakerEntry:
    id: int
    honorific: str
    name: str
    display_name: str
    job_title: str
    organisation: str
    bio: str
    photo_path: str

    @property
    def description(self) -> str:
        """'Chief Inspector, Hampshire Constabulary' (what follows the name)."""
        return ", ".join(part for part in (self.job_title, self.organisation) if part)


@dataclass(frozen=True)
class SessionEntry:
    id: int
    uid: str
    sequence: int
    stamp: datetime
    title: str
    description: str
    kind: str
    start: datetime
    end: datetime
    room_id: int | None
    room: str
    track: str
    not_for_publication: bool
    places: int | None
    speakers: tuple[tuple[SpeakerEntry, str], ...]

    @property
    def speaker_names(self) -> str:
        return ", ".join(speaker.display_name for speaker, _ in self.speakers)


@dataclass
class ProgrammeView:
    version_id: int
    number: int
    published_at: datetime
    event: dict[str, Any]
    rooms: list[dict[str, Any]]
    sessions: list[SessionEntry]  # every published session, by start time
    cancelled: list[SessionEntry]  # cancelled in this version (for calendar updates)
    speakers: list[SpeakerEntry]
    changelog: list[dict[str, Any]]
    # Built lazily by feeds, PDF and exports; a view never changes, so neither do they.
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def time_zone(self) -> str:
        return self.event["time_zone"]

    @property
    def title(self) -> str:
        return self.event["title"]

    def public_sessions(self) -> list[SessionEntry]:
        """Sessions for public pages, feeds and exports (not-for-publication left out)."""
        found = self.outputs.get("public_sessions")
        if found is None:
            found = self.outputs["public_sessions"] = [
                s for s in self.sessions if not s.not_for_publication
            ]
        return found

    def public_speakers(self) -> list[SpeakerEntry]:
        """Speakers who appear in at least one public session, by name."""
        found = self.outputs.get("public_speakers")
        if found is None:
            ids = {speaker.id for s in self.public_sessions() for speaker, _ in s.speakers}
            found = self.outputs["public_speakers"] = [s for s in self.speakers if s.id in ids]
        return found

    def public_changelog(self) -> list[dict[str, Any]]:
        return [item for item in self.changelog if not item["not_for_publication"]]

    def session(self, session_id: int) -> SessionEntry | None:
        for entry in self.sessions:
            if entry.id == session_id:
                return entry
        return None


def _session(entry: dict, speakers: dict[int, SpeakerEntry]) -> SessionEntry:
    return SessionEntry(
        id=entry["id"],
        uid=entry["uid"],
        sequence=entry["sequence"],
        stamp=datetime.fromisoformat(entry["stamp"]),
        title=entry["title"],
        description=entry["description"],
        kind=entry["kind"],
        start=datetime.fromisoformat(entry["start"]),
        end=datetime.fromisoformat(entry["end"]),
        room_id=entry["room_id"],
        room=entry["room"],
        track=entry["track"],
        not_for_publication=entry["not_for_publication"],
        places=entry["places"],
        speakers=tuple((speakers[sid], role) for sid, role in entry["speakers"] if sid in speakers),
    )


def view_from_snapshot(
    version_id: int, number: int, published_at: datetime, snapshot: dict, changelog: list
) -> ProgrammeView:
    """A view of one version's snapshot (pure)."""
    speakers = [SpeakerEntry(**entry) for entry in snapshot["speakers"]]
    by_id = {speaker.id: speaker for speaker in speakers}
    sessions = [_session(entry, by_id) for entry in snapshot["sessions"]]
    # Parallel sessions follow the rooms' order (the snapshot lists rooms by position).
    order = {room["id"]: index for index, room in enumerate(snapshot["rooms"])}
    sessions.sort(key=lambda s: (s.start, s.end, order.get(s.room_id, len(order)), s.id))
    return ProgrammeView(
        version_id=version_id,
        number=number,
        published_at=published_at,
        event=snapshot["event"],
        rooms=snapshot["rooms"],
        sessions=sessions,
        cancelled=[_session(entry, by_id) for entry in snapshot.get("cancelled", [])],
        speakers=sorted(speakers, key=lambda s: (s.name.casefold(), s.id)),
        changelog=changelog,
    )


def cached_view(version: ProgrammeVersion) -> ProgrammeView:
    key = (version.id, version.published_at)
    view = _cache.get(key)
    if view is None:
        view = view_from_snapshot(
            version.id, version.number, version.published_at, version.snapshot, version.changelog
        )
        _cache[key] = view
    _cache.move_to_end(key)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return view


@dataclass(frozen=True)
class Published:
    """The latest version of an event's programme, and the event's visibility now."""

    view: ProgrammeView
    visibility: str
    event_status: str


async def published_programme(event_id: int) -> Published | None:
    """The latest published version of an event's programme, or None. No side effects.

    Callers decide who may see it (``visibility``); pages for delegates may show
    not-for-publication sessions, public ones use ``view.public_sessions()``.
    """
    # Plain SQL: this runs for every programme page and feed (see convenor.plainsql).
    rows = await plainsql.select(_latest_version_sql(), [event_id])
    if not rows:
        return None
    row = rows[0]
    published_at = _moment(row["published_at"])
    view = _cache.get((row["id"], published_at))
    if view is None:
        view = cached_view(await ProgrammeVersion.get(id=row["id"]))
    return Published(view, str(row["visibility"]), str(row["status"]))


def _moment(value: datetime | str) -> datetime:
    """A timestamp as read by plain SQL (PostgreSQL: a datetime; SQLite: ISO text) as
    the aware datetime the ORM reads, so the two key the cache alike."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@functools.cache
def _latest_version_sql() -> str:
    return (
        "SELECT v.id, v.published_at, e.visibility, e.status "  # noqa: S608
        f"FROM {plainsql.table(ProgrammeVersion)} v JOIN {plainsql.table(Event)} e "
        "ON e.id = v.event_id WHERE v.event_id = ? ORDER BY v.number DESC LIMIT 1"
    )


async def version_view(event_id: int, number: int) -> ProgrammeView | None:
    """One numbered version of an event's programme (for history pages). No side effects."""
    version = await ProgrammeVersion.get_or_none(event_id=event_id, number=number)
    return None if version is None else cached_view(version)
