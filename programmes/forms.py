"""Reading programme forms into the plain dataclasses the services take.

Each reader returns the values as typed (so a form can be shown again with everything
kept), the data, and a dict of errors keyed by field name. Session times are typed as
wall clock in the event's time zone and become aware UTC here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.datastructures import UploadFile

from events.forms import local_input, parse_local
from programmes.data import RoomData, SessionData, SessionSpeakerData, SpeakerData
from programmes.models import SessionType, SpeakerRole
from programmes.photo_files import MAX_PHOTO_BYTES

MAX_FIELD = 20_000
SESSION_KINDS = [(kind.value, kind.value.capitalize()) for kind in SessionType]
SPEAKER_ROLES = [(role.value, role.value.capitalize()) for role in SpeakerRole]


def _text(form: Mapping, name: str, limit: int = MAX_FIELD) -> str:
    value = form.get(name, "")
    return str(value)[:limit] if value is not None else ""


def _whole_number(text: str, name: str, errors: dict, label: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1 or int(text) > 100_000:
        errors[name] = f"Enter {label} as a whole number from 1, or leave it empty"
        return None
    return int(text)


def chosen_id(form: Mapping, name: str = "session_id") -> int | None:
    """The id a button posted (hidden field), or None when it is not a number."""
    text = _text(form, name, 20).strip()
    return int(text) if text.isdigit() else None


@dataclass
class Form:
    values: dict[str, str]
    data: object
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class ProfileForm:
    values: dict[str, str]
    job_title: str
    bio: str
    errors: dict[str, str] = field(default_factory=dict)


def profile_from_form(form: Mapping) -> ProfileForm:
    values = {"job_title": _text(form, "job_title", 300), "bio": _text(form, "bio")}
    errors = {}
    if len(values["job_title"]) > 200:
        errors["job_title"] = "Keep the job title under 200 characters"
    return ProfileForm(values, values["job_title"].strip(), values["bio"].strip(), errors)


def room_from_form(form: Mapping) -> Form:
    values = {name: _text(form, name) for name in ("name", "capacity", "access_notes")}
    errors: dict[str, str] = {}
    if not values["name"].strip():
        errors["name"] = "Enter the room's name"
    capacity = _whole_number(values["capacity"], "capacity", errors, "the capacity")
    data = RoomData(
        name=values["name"].strip(), capacity=capacity, access_notes=values["access_notes"]
    )
    return Form(values, data, errors)


def room_order_from_form(form: Mapping) -> list[int]:
    """The rooms' new order a Move button posted (``room_ids``: ids separated by commas);
    the service refuses anything that is not each of the event's rooms once."""
    parts = _text(form, "room_ids", 2000).split(",")
    return [int(part) for part in parts if part.strip().isdigit()][:500]


async def uploaded_photo(form: Mapping) -> bytes:
    """The bytes of the file posted as ``photo``, read to one byte over the size limit
    (so the service can say it is too large); empty when no file was chosen."""
    upload = form.get("photo")
    if not isinstance(upload, UploadFile):
        return b""
    return await upload.read(MAX_PHOTO_BYTES + 1)


SESSION_TEXT = ("title", "description", "kind", "starts_at", "ends_at", "room_id", "track")


def session_values(session, time_zone: str) -> dict[str, str]:
    """A draft session as form values (for editing)."""
    return {
        "title": session.title,
        "description": session.description,
        "kind": str(getattr(session.kind, "value", session.kind)),
        "starts_at": local_input(session.starts_at, time_zone),
        "ends_at": local_input(session.ends_at, time_zone),
        "room_id": str(session.room_id or ""),
        "track": session.track,
        "places": "" if session.places is None else str(session.places),
        "not_for_publication": "yes" if session.not_for_publication else "",
    }


def session_from_form(form: Mapping, time_zone: str) -> Form:
    values = {name: _text(form, name) for name in SESSION_TEXT}
    values["places"] = _text(form, "places", 20)
    values["not_for_publication"] = "yes" if _text(form, "not_for_publication", 10) else ""
    errors: dict[str, str] = {}
    if not values["title"].strip():
        errors["title"] = "Enter the session's title"
    if values["kind"] not in {kind for kind, _ in SESSION_KINDS}:
        errors["kind"] = "Choose the type of session"
    times = {}
    for name, label in (("starts_at", "start"), ("ends_at", "end")):
        times[name] = parse_local(values[name], time_zone)
        if times[name] is None:
            errors[name] = f"Enter the {label} as a date and time, for example 2027-06-09 09:30"
    room = values["room_id"].strip()
    if room and not room.isdigit():
        errors["room_id"] = "Choose a room from the list"
    places = _whole_number(values["places"], "places", errors, "the number of places")
    data = SessionData(
        title=values["title"].strip(),
        description=values["description"],
        kind=values["kind"] or "plenary",
        starts_at=times["starts_at"],
        ends_at=times["ends_at"],
        room_id=int(room) if room.isdigit() else None,
        track=values["track"].strip(),
        not_for_publication=bool(values["not_for_publication"]),
        places=places,
    )
    return Form(values, data, errors)


SPEAKER_TEXT = ("honorific", "name", "job_title", "organisation", "bio", "email")


def speaker_values(speaker) -> dict[str, str]:
    return {name: getattr(speaker, name) for name in SPEAKER_TEXT}


def speaker_from_form(form: Mapping) -> Form:
    values = {name: _text(form, name) for name in SPEAKER_TEXT}
    errors: dict[str, str] = {}
    if not values["name"].strip():
        errors["name"] = "Enter the speaker's name"
    email = values["email"].strip()
    if email and ("@" not in email or " " in email):
        errors["email"] = "Enter an email address like name@example.org, or leave it empty"
    data = SpeakerData(**{name: values[name].strip() for name in SPEAKER_TEXT})
    return Form(values, data, errors)


ROWS_FIELD = "rows"  # how many speaker rows the form showed
MIN_SPEAKER_ROWS = 6
MAX_SPEAKER_ROWS = 500


def _row_number(name: str) -> int | None:
    prefix, _, number = name.partition("_")
    if prefix not in {"speaker", "role"} or not number.isdigit():
        return None
    value = int(number)
    return value if 0 < value <= MAX_SPEAKER_ROWS else None


def speaker_rows(values: Mapping, linked: int) -> int:
    """How many speaker rows to show: every row typed or asked for, one free row after
    the session's speakers, and at least six."""
    asked = _text(values, ROWS_FIELD, 10).strip()
    numbers = [n for n in map(_row_number, values) if n is not None]
    wanted = int(asked) if asked.isdigit() else 0
    return min(max(MIN_SPEAKER_ROWS, linked + 1, wanted, *numbers), MAX_SPEAKER_ROWS)


def session_speakers_from_form(form) -> Form:
    """Speakers in order: fields speaker_<n> (an id or empty) and role_<n>, any number of
    rows (up to 500); ``rows`` is how many rows the form showed."""
    values: dict[str, str] = {}
    chosen: list[SessionSpeakerData] = []
    errors: dict[str, str] = {}
    roles = {role for role, _ in SPEAKER_ROLES}
    rows = speaker_rows(form, 0)
    for number in range(1, rows + 1):
        speaker = _text(form, f"speaker_{number}", 20).strip()
        role = _text(form, f"role_{number}", 20).strip() or "speaker"
        values[f"speaker_{number}"], values[f"role_{number}"] = speaker, role
        if not speaker:
            continue
        if not speaker.isdigit():
            errors[f"speaker_{number}"] = "Choose a speaker from the list"
        elif role not in roles:
            errors[f"role_{number}"] = "Choose a role from the list"
        else:
            chosen.append(SessionSpeakerData(int(speaker), role))
    values[ROWS_FIELD] = str(rows)
    return Form(values, chosen, errors)
