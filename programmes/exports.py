"""Schedule exports for conference apps: frab/c3voc JSON and XML, from a published view.

The c3voc schedule format is what pretalx, frab and apps such as Giggity and
EventFahrplan read. Days run in the event's time zone; each day lists its rooms, each
room its sessions. GUIDs are UUIDv5 of the session's calendar UID (and of the event and
speaker ids), so they stay the same across versions. Not-for-publication sessions are
left out, and speakers appear by name, bio, photo and public page only (never an email
address). What the schemas allow and Convenor knows is carried: rooms' capacity and
access notes, a colour for each track (derived from its name, so it stays the same in
every version and every export), links to each session's calendar file. Every address
is absolute (``settings.base_url``). The XML leaves out characters XML 1.0 cannot hold
(control characters), which the JSON escapes.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from convenor.atom import xml_text
from convenor.templating import localtime
from programmes.emails import plain_text, session_url
from programmes.view import ProgrammeView, SessionEntry

SCHEDULE_VERSION_PREFIX = "version"
NO_ROOM = "Venue"
TYPES = {
    "plenary": "talk",
    "keynote": "talk",
    "panel": "discussion",
    "workshop": "workshop",
    "break": "other",
    "networking": "meeting",
    "other": "other",
}


# Track colours: distinct, readable as text on white and as a fill under white text.
TRACK_COLOURS = (
    "#1d70b8",
    "#00703c",
    "#d4351c",
    "#4c2c92",
    "#b58840",
    "#28a197",
    "#912b88",
    "#f47738",
    "#5694ca",
    "#85994b",
    "#6f72af",
    "#b52b5e",
)
SLUG = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]")


def track_colour(name: str) -> str:
    """A stable colour for a track ("#rrggbb"), chosen by a hash of its name."""
    digest = hashlib.sha256(name.strip().casefold().encode()).digest()
    return TRACK_COLOURS[int.from_bytes(digest[:4], "big") % len(TRACK_COLOURS)]


def slug_of(name: str, prefix: str) -> str:
    """A slug both schemas accept (a letter first, two characters at least): the
    name's own when it has one, else the prefix with a short hash of the name."""
    slug = slugify(name)
    if SLUG.fullmatch(slug):
        return slug
    if slug:
        return f"{prefix}-{slug}"
    return f"{prefix}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def photo_url(base_url: str, event_uuid: str, photo_path: str) -> str | None:
    """The absolute address of a published speaker photo (None without one)."""
    return f"{base_url}/events/{event_uuid}/programme/photos/{photo_path}" if photo_path else None


def speaker_url(base_url: str, event_uuid: str, speaker_id: int) -> str:
    """The absolute address of a speaker's public page."""
    return f"{base_url}/events/{event_uuid}/programme/speakers/{speaker_id}"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def acronym(view: ProgrammeView) -> str:
    """'svdpc2027' for the Serious Violence Delivery Plan Conference in 2027."""
    words = re.findall(r"[a-z0-9]+", slugify(view.title))
    initials = "".join(word[0] for word in words)[:12]
    year = datetime.fromisoformat(view.event["starts_at"]).year
    return f"{initials}{year}" if initials else f"event{view.event['id']}"


def _guid(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "convenor:" + "/".join(map(str, parts))))


def _hhmm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days(view: ProgrammeView) -> list[tuple[int, datetime, list[SessionEntry]]]:
    days: dict = {}
    for session in view.public_sessions():
        day = localtime(session.start, view.time_zone).date()  # type: ignore[union-attr]
        days.setdefault(day, []).append(session)
    return [(index, day, sessions) for index, (day, sessions) in enumerate(sorted(days.items()), 1)]


def _rooms(sessions: list[SessionEntry]) -> dict[str, list[SessionEntry]]:
    rooms: dict[str, list[SessionEntry]] = {}
    for session in sessions:
        rooms.setdefault(session.room or NO_ROOM, []).append(session)
    return rooms


def _person(view: ProgrammeView, speaker, base_url: str) -> dict:
    event_uuid = view.event["uuid"]
    return {
        "guid": _guid(view.event["uuid"], "speaker", speaker.id),
        "name": speaker.display_name,
        "biography": speaker.bio or None,
        "avatar": photo_url(base_url, event_uuid, speaker.photo_path),
        "url": speaker_url(base_url, event_uuid, speaker.id),
    }


def _room(view: ProgrammeView, name: str) -> dict:
    found = next((room for room in view.rooms if room["name"] == name), None)
    return {
        "name": name,
        "guid": _guid(view.event["uuid"], "room", name),
        "slug": slug_of(name, "room"),
        "capacity": found["capacity"] if found else None,
        "description": (found["access_notes"] or None) if found else None,
    }


def _event(view: ProgrammeView, session: SessionEntry, base_url: str) -> dict:
    tz, code = view.time_zone, acronym(view)
    start = localtime(session.start, tz)
    assert start is not None
    return {
        "guid": _guid(session.uid),
        "id": session.id,
        "date": start.isoformat(),
        "start": f"{start:%H:%M}",
        "end": localtime(session.end, tz).isoformat(),  # type: ignore[union-attr]
        "duration": _hhmm(session.end - session.start),
        "room": session.room or NO_ROOM,
        "slug": f"{code}-{session.id}-{slugify(session.title) or 'session'}",
        "url": session_url(base_url, view.event["uuid"], session.id),
        "title": session.title,
        "subtitle": "",
        "track": session.track or None,
        "type": TYPES.get(session.kind, "other"),
        "language": "en",
        "abstract": plain_text(session.description),
        "description": session.description,
        "persons": [_person(view, speaker, base_url) for speaker, _ in session.speakers],
        "links": [
            {
                "type": "related",
                "url": session_url(base_url, view.event["uuid"], session.id) + ".ics",
                "title": "Add to calendar (.ics)",
            }
        ],
    }


def frab_json(view: ProgrammeView, base_url: str) -> bytes:
    """The public programme as c3voc schedule JSON (cached on the view)."""
    key = ("frab_json", base_url)
    if key in view.outputs:
        return view.outputs[key]
    tz, days = view.time_zone, _days(view)
    rooms = {s.room or NO_ROOM for s in view.public_sessions()}
    tracks = sorted({s.track for s in view.public_sessions() if s.track})
    event = view.event
    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": "Convenor", "version": "0.1"},
        "schedule": {
            "version": f"{SCHEDULE_VERSION_PREFIX} {view.number}",
            "base_url": f"{base_url}/",
            "conference": {
                "acronym": acronym(view),
                "title": view.title,
                "description": event["summary"],
                "start": localtime(datetime.fromisoformat(event["starts_at"]), tz).isoformat(),  # type: ignore[union-attr]
                "end": localtime(datetime.fromisoformat(event["ends_at"]), tz).isoformat(),  # type: ignore[union-attr]
                "daysCount": len(days),
                "timeslot_duration": "00:15",
                "time_zone_name": tz,
                "url": f"{base_url}/events/{event['uuid']}/programme",
                "tracks": [
                    {"name": name, "slug": slug_of(name, "track"), "color": track_colour(name)}
                    for name in tracks
                ],
                "rooms": [_room(view, name) for name in sorted(rooms)],
                "days": [
                    {
                        "index": index,
                        "date": day.isoformat(),
                        "day_start": localtime(sessions[0].start, tz).isoformat(),  # type: ignore[union-attr]
                        "day_end": localtime(max(s.end for s in sessions), tz).isoformat(),  # type: ignore[union-attr]
                        "rooms": {
                            name: [_event(view, s, base_url) for s in room_sessions]
                            for name, room_sessions in _rooms(sessions).items()
                        },
                    }
                    for index, day, sessions in days
                ],
            },
        },
    }
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    view.outputs[key] = body
    return body


def _text(parent: ET.Element, tag: str, text: str | None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = xml_text(text or "")
    return element


def _attributes(values: dict[str, str]) -> dict[str, str]:
    return {key: xml_text(value) for key, value in values.items()}


def frab_xml(view: ProgrammeView, base_url: str) -> bytes:
    """The public programme as c3voc schedule XML (cached on the view)."""
    key = ("frab_xml", base_url)
    if key in view.outputs:
        return view.outputs[key]
    document = json.loads(frab_json(view, base_url))["schedule"]
    conference = document["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", {"name": "Convenor", "version": "0.1"})
    _text(root, "version", document["version"])
    head = ET.SubElement(root, "conference")
    for tag, field in (
        ("acronym", "acronym"),
        ("title", "title"),
        ("start", "start"),
        ("end", "end"),
        ("days", "daysCount"),
        ("timeslot_duration", "timeslot_duration"),
        ("base_url", None),
        ("url", "url"),
        ("time_zone_name", "time_zone_name"),
    ):
        _text(head, tag, document["base_url"] if field is None else str(conference[field]))
    for track in conference["tracks"]:
        ET.SubElement(head, "track", _attributes(track))
    guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        day_element = ET.SubElement(
            root,
            "day",
            {
                "index": str(day["index"]),
                "date": day["date"],
                "start": day["day_start"],
                "end": day["day_end"],
            },
        )
        for name, events in day["rooms"].items():
            room = ET.SubElement(
                day_element, "room", _attributes({"name": name, "guid": guids[name]})
            )
            for item in events:
                event = ET.SubElement(room, "event", {"id": str(item["id"]), "guid": item["guid"]})
                for tag in ("room", "title", "subtitle", "type", "date", "start", "duration"):
                    _text(event, tag, item[tag])
                for tag in ("abstract", "slug", "track", "language", "description", "url"):
                    _text(event, tag, item[tag])
                persons = ET.SubElement(event, "persons")
                for person in item["persons"]:
                    _text(persons, "person", person["name"]).set("guid", person["guid"])
                links = ET.SubElement(event, "links")
                for link in item["links"]:
                    _text(links, "link", link["title"]).set("href", link["url"])
    ET.indent(root)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    view.outputs[key] = body
    return body
