"""Plain values the programme services take; forms and the API read requests into these.

Times must be aware (``events.data.from_local`` turns a time typed in the event's zone
into one). Text is cleaned by the services, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class RoomData:
    name: str = ""
    capacity: int | None = None
    access_notes: str = ""  # the order of rooms is set on its own (reorder_rooms)


@dataclass
class SessionData:
    title: str = ""
    description: str = ""  # Markdown
    kind: str = "plenary"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    room_id: int | None = None
    track: str = ""
    not_for_publication: bool = False
    places: int | None = None  # workshop places; None: no sign-up


@dataclass
class SpeakerData:
    honorific: str = ""
    name: str = ""
    job_title: str = ""
    organisation: str = ""
    organisation_entry_id: int | None = None
    bio: str = ""  # the photo is set on its own (programmes.photos)
    email: str = ""


@dataclass
class SessionSpeakerData:
    speaker_id: int
    role: str = "speaker"
