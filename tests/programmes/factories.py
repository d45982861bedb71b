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
from programmes.drafts import add_session, set_session_speakers
from programmes.models import Session, Speaker
from programmes.speakers import add_speaker
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
