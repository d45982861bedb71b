"""Programme factories: times on the fixture event's day, sessions, speakers and
delegates, made through the services the app uses (no rows written behind their back).

Tests import these; the fixtures that use them live in tests/programmes/conftest.py.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from convenor.auth import issue_link
from events.models import Event, Invitation, Registration
from events.registration import register
from programmes.agenda import sign_up
from programmes.data import SessionData, SessionSpeakerData, SpeakerData
from programmes.drafts import add_session, cancel_session, set_session_speakers, update_session
from programmes.models import Session, Speaker
from programmes.publishing import publish_programme
from programmes.speakers import add_speaker
from programmes.view import ProgrammeView, view_from_snapshot
from tests.events.factories import answers, invite, link_for

# The events fixture's day: Wednesday 9 June 2027, 9:30am to 4:30pm in London (BST).
DAY = datetime(2027, 6, 9, 8, 30, tzinfo=UTC)


def at(hours: float) -> datetime:
    """``hours`` after the start of the event (9:30am London)."""
    return DAY + timedelta(hours=hours)


def session_data(title: str, start: float, end: float, **overrides) -> SessionData:
    values = {"title": title, "starts_at": at(start), "ends_at": at(end), "kind": "plenary"}
    values.update(overrides)
    return SessionData(**values)


def image_bytes(fmt: str, size=(1200, 900)) -> bytes:
    """A plain red picture in the given Pillow format (PNG, JPEG, WEBP, GIF...)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


async def make_speaker(organiser, event: Event, name: str, **fields) -> Speaker:
    """A speaker added by the organiser; ``fields`` are SpeakerData's other fields."""
    return await add_speaker(organiser, event.id, SpeakerData(name=name, **fields))


async def make_session(
    organiser,
    event: Event,
    title: str,
    start: float,
    end: float,
    *,
    speakers: tuple[Speaker, ...] = (),
    role: str = "speaker",
    **overrides,
) -> Session:
    """A session ``start`` to ``end`` hours into the day (session_data's ``overrides``),
    with ``speakers`` in ``role`` when given."""
    session = await add_session(organiser, event.id, session_data(title, start, end, **overrides))
    if speakers:
        await set_session_speakers(
            organiser, event.id, session.id, [SessionSpeakerData(s.id, role) for s in speakers]
        )
    return session


async def registered(
    organiser, event: Event, number: int, settings, **typed
) -> tuple[Invitation, str]:
    """An invited delegate who registered as "Delegate <number>" (``typed`` overrides the
    form's answers); returns the invitation and its link token."""
    invitation = await invite(organiser, event, number)
    token = await link_for(invitation)
    await register(token, answers(typed.pop("name", f"Delegate {number}"), **typed), settings)
    return invitation, token


async def registered_with_place(
    organiser, event: Event, number: int, settings, session_id: int, **typed
) -> tuple[Registration, str]:
    """A registered delegate (as ``registered``) holding a place in the workshop; returns
    the registration and the link token."""
    invitation, token = await registered(organiser, event, number, settings, **typed)
    await sign_up(token, session_id)
    return await Registration.get(invitation_id=invitation.id), token


async def speaker_token(speaker: Speaker) -> str:
    """A fresh link token for the speaker's page."""
    return await issue_link("speaker", speaker.link_subject)


async def draft_of(session_id: int) -> dict:
    """A session's current draft values, as update_session takes them."""
    row = await Session.get(id=session_id)
    return {
        "title": row.title,
        "description": row.description,
        "kind": str(row.kind.value),
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "room_id": row.room_id,  # type: ignore[attr-defined]
        "track": row.track,
        "not_for_publication": row.not_for_publication,
        "places": row.places,
    }


async def change(organiser, event, session, **values):
    data = {**(await draft_of(session.id)), **values}
    return await update_session(organiser, event.id, session.id, SessionData(**data))


async def add_wall_sessions(organiser, event, programme) -> dict:
    """To the programme fixture (welcome 9:30-10 and keynote 10-11 in Main Hall, the
    workshop 11:30-12:30 and a closed briefing 12:30-1:30 in the Itchen Suite) add a
    parallel workshop in Main Hall 11:30-12:30, lunch without a room 1:30-2pm and a
    session cancelled after it was published; publishes twice. Returns the sessions."""
    main, _ = programme["rooms"]
    parallel = await add_session(
        organiser,
        event.id,
        session_data("Workshop: partners' data", 2, 3, kind="workshop", room_id=main.id),
    )
    lunch = await add_session(organiser, event.id, session_data("Lunch", 4, 4.5, kind="break"))
    dropped = await add_session(
        organiser, event.id, session_data("Dropped talk", 4.5, 5, room_id=main.id)
    )
    return {"parallel": parallel, "lunch": lunch, "dropped": dropped}


async def public_wall(event, programme, organiser, settings) -> dict:
    """The programme fixture's event made public, with the wall sessions, published; the
    dropped one then cancelled and published again. Returns every session."""
    await Event.filter(id=event.id).update(visibility="public")
    added = await add_wall_sessions(organiser, event, programme)
    await publish_programme(organiser, event.id, settings, publish_anyway=True)
    await cancel_session(organiser, event.id, added["dropped"].id)
    await publish_programme(organiser, event.id, settings, publish_anyway=True)
    return {**programme, **added}


ROOMS = {1: "Main Hall", 2: "Itchen Suite", 3: "Solent Room"}


def room_name(room: int) -> str:
    return ROOMS.get(room, f"Room {room}")


def entry(sid: int, start: float, end: float, room: int | None = None, **extra) -> dict:
    """A snapshot session from ``start`` to ``end`` hours after 9:30am on the day."""
    values = {
        "id": sid,
        "uid": f"s{sid}@convenor",
        "sequence": 0,
        "stamp": DAY.isoformat(),
        "title": f"Session {sid}",
        "description": "",
        "kind": "plenary",
        "start": (DAY + timedelta(hours=start)).isoformat(),
        "end": (DAY + timedelta(hours=end)).isoformat(),
        "room_id": room,
        "room": room_name(room) if room else "",
        "track": "",
        "not_for_publication": False,
        "places": None,
        "speakers": [],
    }
    values.update(extra)
    return values


def make_view(sessions: list[dict], rooms=(1, 2, 3), cancelled=()) -> ProgrammeView:
    snapshot = {
        "event": {
            "id": 1,
            "title": "Summit",
            "time_zone": "Europe/London",
            "starts_at": DAY.isoformat(),
            "ends_at": (DAY + timedelta(hours=7)).isoformat(),
        },
        "rooms": [
            {"id": r, "name": room_name(r), "capacity": None, "access_notes": ""} for r in rooms
        ],
        "sessions": sessions,
        "cancelled": list(cancelled),
        "speakers": [],
    }
    return view_from_snapshot(1, 1, DAY, snapshot, [])
