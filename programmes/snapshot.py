"""Pure functions: the draft as a published snapshot, and what changed since the last one.

A snapshot is plain JSON (stored on ``ProgrammeVersion``) holding everything a page,
feed, PDF or export needs, so none of them query the draft. Each session carries its
calendar UID, its SEQUENCE and ``stamp``: the publication time of the version in which
it last changed. Feeds use that stamp as DTSTAMP, so an unchanged session is the same
bytes in every version, and only the sessions that changed move their SEQUENCE.
Private data (speakers' emails, delegates) never enters a snapshot.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from convenor.templating import format_datetime

# The fields whose change is a change of the session (and raises its SEQUENCE).
COMPARED = (
    "title",
    "description",
    "kind",
    "start",
    "end",
    "room_id",
    "room",
    "track",
    "not_for_publication",
    "places",
    "speakers",
)


def event_entry(event: Any) -> dict:
    return {
        "id": event.id,
        "uuid": event.uuid,
        "title": event.title,
        "summary": event.summary,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "time_zone": event.time_zone,
        "venue_name": event.venue_name,
        "location": event.location,
        "venue_access": event.venue_access,
        "organising_body": event.organising_body,
        "contact_email": event.contact_email,
        "visibility": str(getattr(event.visibility, "value", event.visibility)),
    }


def session_entry(session: Any) -> dict:
    """A draft session (room and speaker links loaded) as a snapshot entry, unnumbered."""
    room = session.room
    return {
        "id": session.id,
        "uid": session.calendar_uid,
        "title": session.title,
        "description": session.description,
        "kind": str(session.kind.value if hasattr(session.kind, "value") else session.kind),
        "start": session.starts_at.isoformat(),
        "end": session.ends_at.isoformat(),
        "room_id": room.id if room is not None else None,
        "room": room.name if room is not None else "",
        "track": session.track,
        "not_for_publication": bool(session.not_for_publication),
        "places": session.places,
        "speakers": [
            [link.speaker_id, str(getattr(link.role, "value", link.role))]
            for link in sorted(session.speaker_links, key=lambda link: (link.position, link.id))
        ],
    }


def speaker_entry(speaker: Any) -> dict:
    return {
        "id": speaker.id,
        "honorific": speaker.honorific,
        "name": speaker.name,
        "display_name": speaker.display_name,
        "job_title": speaker.job_title,
        "organisation": speaker.organisation,
        "bio": speaker.bio,
        "photo_path": speaker.photo_path,
    }


def room_entry(room: Any) -> dict:
    return {
        "id": room.id,
        "name": room.name,
        "capacity": room.capacity,
        "access_notes": room.access_notes,
    }


def number_sessions(
    entries: list[dict],
    previous: dict | None,
    sequences: dict[int, int | None],
    stamp: datetime,
) -> list[dict]:
    """Give each entry its SEQUENCE and stamp, keeping both for unchanged sessions.

    ``sequences`` is each session's last published SEQUENCE (None if never published).
    """
    before = {entry["id"]: entry for entry in (previous or {}).get("sessions", [])}
    numbered = []
    for entry in entries:
        old = before.get(entry["id"])
        if old is not None and all(old[key] == entry[key] for key in COMPARED):
            entry = {**entry, "sequence": old["sequence"], "stamp": old["stamp"]}
        else:
            last = sequences.get(entry["id"])
            entry = {
                **entry,
                "sequence": 0 if last is None else last + 1,
                "stamp": stamp.isoformat(),
            }
        numbered.append(entry)
    return numbered


def cancelled_entries(entries: list[dict], previous: dict | None, stamp: datetime) -> list[dict]:
    """Sessions in the previous version and not in this one, with a raised SEQUENCE."""
    kept = {entry["id"] for entry in entries}
    return [
        {**old, "sequence": old["sequence"] + 1, "stamp": stamp.isoformat()}
        for old in (previous or {}).get("sessions", [])
        if old["id"] not in kept
    ]


def _when(entry: dict, tz: str) -> str:
    start, end = datetime.fromisoformat(entry["start"]), datetime.fromisoformat(entry["end"])
    return f"{format_datetime(start, tz, 'long')} to {format_datetime(end, tz, 'time')}"


def _names(entry: dict, speakers: dict[int, dict]) -> str:
    names = [speakers[sid]["display_name"] for sid, _ in entry["speakers"] if sid in speakers]
    return ", ".join(names) if names else "no speakers"


def changelog(
    previous: dict | None,
    sessions: list[dict],
    cancelled: list[dict],
    speakers: dict[int, dict],
    tz: str,
) -> list[dict]:
    """What changed since ``previous``: one item per session with kinds and sentences.

    Kinds are new, cancelled, retimed, moved, speakers and updated (other details).
    The first version has an empty changelog: everything is new.
    """
    if previous is None:
        return []
    before = {entry["id"]: entry for entry in previous.get("sessions", [])}
    old_speakers = {entry["id"]: entry for entry in previous.get("speakers", [])}
    items = []
    for entry in sessions:
        old = before.get(entry["id"])
        kinds, lines = [], []
        title = entry["title"]
        if old is None:
            kinds.append("new")
            where = f", {entry['room']}" if entry["room"] else ""
            lines.append(f"New: {title}, {_when(entry, tz)}{where}.")
        else:
            if (old["start"], old["end"]) != (entry["start"], entry["end"]):
                kinds.append("retimed")
                lines.append(f"{title} is now {_when(entry, tz)} (was {_when(old, tz)}).")
            if old["room_id"] != entry["room_id"]:
                kinds.append("moved")
                lines.append(
                    f"{title} has moved to {entry['room'] or 'a room to be confirmed'}"
                    f" (was {old['room'] or 'no room'})."
                )
            elif old["room"] != entry["room"]:
                # Same room, new name: what delegates look for (and calendars show) changed.
                kinds.append("moved")
                lines.append(
                    f"{title}: the room is now called {entry['room']} (was {old['room']})."
                )
            if old["speakers"] != entry["speakers"]:
                kinds.append("speakers")
                lines.append(
                    f"{title}: speakers are now {_names(entry, speakers)} "
                    f"(were {_names(old, {**old_speakers, **speakers})})."
                )
            rest = ("title", "description", "kind", "track", "not_for_publication", "places")
            if any(old[key] != entry[key] for key in rest):
                kinds.append("updated")
                lines.append(
                    f"{title}: details have changed"
                    + (f" (was called {old['title']})." if old["title"] != title else ".")
                )
        if kinds:
            items.append(_item(entry, kinds, lines))
    for old in cancelled:
        items.append(_item(old, ["cancelled"], [f"Cancelled: {old['title']}, {_when(old, tz)}."]))
    return items


def _item(entry: dict, kinds: list[str], lines: list[str]) -> dict:
    return {
        "session_id": entry["id"],
        "uid": entry["uid"],
        "title": entry["title"],
        "kinds": kinds,
        "lines": lines,
        "not_for_publication": entry["not_for_publication"],
    }
