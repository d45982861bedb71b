"""The organisers' draft programme: rooms, sessions and who speaks in each session.

Every public function takes ``(user, event_id, ...)``, checks that the user may organise
that event (another event is NotFound), runs in its own transaction and raises the
core's domain errors. Nothing here is visible to delegates until it is published
(``programmes.publishing``). A session that was ever published is cancelled, not
deleted, so its calendar UID lives on for the cancellation.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import User
from convenor.templating import format_datetime
from events.access import get_event_for, locked_event_for
from events.data import aware_utc, multi_line, one_line
from events.models import Event, RegistrationStatus
from programmes.data import RoomData, SessionData, SessionSpeakerData
from programmes.models import (
    AgendaPick,
    Room,
    Session,
    SessionSpeaker,
    SessionType,
    Speaker,
    SpeakerRole,
)

MAX_PLACES = 10_000


def _room_values(data: RoomData) -> dict:
    values = {
        "name": one_line(data.name, 200),
        "capacity": data.capacity,
        "access_notes": multi_line(data.access_notes, 2000),
    }
    errors = {}
    if not values["name"]:
        errors["name"] = "Enter the room's name"
    if data.capacity is not None and not 0 < data.capacity <= MAX_PLACES:
        errors["capacity"] = f"Enter a capacity between 1 and {MAX_PLACES}, or leave it empty"
    if errors:
        raise Invalid(fields=errors)
    return values


async def rooms_for(user: User, event_id: int) -> list[Room]:
    """The event's rooms in order. No side effects."""
    await get_event_for(user, event_id)
    return list(await Room.filter(event_id=event_id))


async def add_room(user: User, event_id: int, data: RoomData) -> Room:
    """Add a room after the event's other rooms. Side effects: room row."""
    async with in_transaction():
        event = await locked_event_for(user, event_id)
        last = await Room.filter(event_id=event_id).order_by("-position").first()
        position = last.position + 1 if last is not None else 0
        return await Room.create(event=event, position=position, **_room_values(data))


async def _room_of(event_id: int, room_id: int) -> Room:
    room = await Room.filter(id=room_id, event_id=event_id).select_for_update().first()
    if room is None:
        raise NotFound()
    return room


async def update_room(user: User, event_id: int, room_id: int, data: RoomData) -> Room:
    """Rename a room or change its capacity and access notes (its sessions follow it).

    Side effects: room row.
    """
    async with in_transaction():
        await get_event_for(user, event_id)
        room = await _room_of(event_id, room_id)
        room.update_from_dict(_room_values(data))
        await room.save()
        return room


async def sessions_in_room(user: User, event_id: int, room_id: int) -> list[Session]:
    """The draft sessions (not cancelled) held in a room, by time. No side effects."""
    await get_event_for(user, event_id)
    if not await Room.filter(id=room_id, event_id=event_id).exists():
        raise NotFound()
    return list(await Session.filter(room_id=room_id, cancelled_at=None))


async def delete_room(user: User, event_id: int, room_id: int) -> None:
    """Remove a room that no session uses (Conflict, naming them, if any does); cancelled
    sessions that were in it are left with no room. Side effects: room row."""
    async with in_transaction():
        await get_event_for(user, event_id)
        room = await _room_of(event_id, room_id)
        titles = await Session.filter(room_id=room.id, cancelled_at=None).values_list(
            "title", flat=True
        )
        if titles:
            count = "1 session is" if len(titles) == 1 else f"{len(titles)} sessions are"
            raise Conflict(
                f"{count} in {room.name} ({', '.join(titles)}). "
                "Move them to another room, or cancel them, before removing it."
            )
        await room.delete()


async def reorder_rooms(user: User, event_id: int, room_ids: list[int]) -> list[Room]:
    """Put the event's rooms in the order given (parallel sessions are shown in this
    order). Invalid unless the list names each of the event's rooms once, as when someone
    added or removed a room meanwhile. Side effects: rooms' positions."""
    async with in_transaction():
        await locked_event_for(user, event_id)
        rooms = {room.id: room for room in await Room.filter(event_id=event_id)}
        if sorted(room_ids) != sorted(rooms):
            raise Invalid(
                "The rooms have changed since the page was loaded; try again.",
                fields={"room_ids": "List each of this event's rooms once"},
            )
        for position, room_id in enumerate(room_ids):
            if rooms[room_id].position != position:
                await Room.filter(id=room_id).update(position=position)
                rooms[room_id].position = position
        return [rooms[room_id] for room_id in room_ids]


async def _session_values(event: Event, data: SessionData, taken: int = 0) -> dict:
    errors: dict[str, str] = {}
    values = {
        "title": one_line(data.title, 300),
        "description": multi_line(data.description, 20000),
        "track": one_line(data.track, 100),
        "not_for_publication": bool(data.not_for_publication),
        "starts_at": aware_utc(data.starts_at),
        "ends_at": aware_utc(data.ends_at),
        "room_id": data.room_id,
        "places": data.places,
    }
    if not values["title"]:
        errors["title"] = "Enter the session's title"
    try:
        values["kind"] = SessionType(data.kind)
    except ValueError:
        errors["kind"] = "Choose the kind of session"
    starts, ends = values["starts_at"], values["ends_at"]
    if starts is None:
        errors["starts_at"] = "Enter when the session starts"
    elif not event.starts_at <= starts < event.ends_at:
        errors["starts_at"] = "The session must start during the event"
    if ends is None:
        errors["ends_at"] = "Enter when the session ends"
    elif starts is not None and ends <= starts:
        errors["ends_at"] = "The session must end after it starts"
    elif ends > event.ends_at:
        errors["ends_at"] = "The session must end by the end of the event"
    if (
        data.room_id is not None
        and not await Room.filter(id=data.room_id, event_id=event.id).exists()
    ):
        errors["room_id"] = "Choose one of this event's rooms"
    if data.places is not None:
        if values.get("kind") != SessionType.WORKSHOP:
            errors["places"] = "Only workshops take sign-ups"
        elif not 0 < data.places <= MAX_PLACES:
            errors["places"] = f"Enter between 1 and {MAX_PLACES} places, or leave it empty"
        elif data.places < taken:
            errors["places"] = f"{taken} delegates have already signed up"
    if errors:
        raise Invalid(fields=errors)
    return values


async def draft_sessions(user: User, event_id: int) -> list[Session]:
    """The draft's sessions (cancelled ones too) with room and speakers. No side effects."""
    await get_event_for(user, event_id)
    return list(
        await Session.filter(event_id=event_id)
        .select_related("room")
        .prefetch_related("speaker_links__speaker")
    )


async def draft_session(user: User, event_id: int, session_id: int) -> Session:
    """One draft session (cancelled or not) with its room and speakers. No side effects."""
    await get_event_for(user, event_id)
    session = (
        await Session.filter(id=session_id, event_id=event_id)
        .select_related("room")
        .prefetch_related("speaker_links__speaker")
        .first()
    )
    if session is None:
        raise NotFound()
    return session


async def add_session(user: User, event_id: int, data: SessionData) -> Session:
    """Add a session to the draft. Side effects: session row with a new calendar UID."""
    async with in_transaction():
        event = await get_event_for(user, event_id)
        values = await _session_values(event, data)
        stamp = now()
        return await Session.create(
            event=event,
            calendar_uid=f"session-{uuid.uuid4()}@convenor",
            created_at=stamp,
            updated_at=stamp,
            **values,
        )


async def _draft_session(event_id: int, session_id: int, lock: bool = False) -> Session:
    query = Session.filter(id=session_id, event_id=event_id)
    if lock:
        query = query.select_for_update()
    session = await query.first()
    if session is None:
        raise NotFound()
    return session


async def update_session(user: User, event_id: int, session_id: int, data: SessionData) -> Session:
    """Change a draft session. Side effects: session row."""
    async with in_transaction():
        event = await get_event_for(user, event_id)
        session = await _draft_session(event_id, session_id, lock=True)
        session.update_from_dict(await _session_values(event, data, session.places_taken))
        session.updated_at = now()
        await session.save()
        return session


async def cancel_session(user: User, event_id: int, session_id: int) -> Session | None:
    """Cancel a session: one never published is deleted (returns None); a published one
    is marked cancelled until the next version says so. Side effects: session row."""
    async with in_transaction():
        await get_event_for(user, event_id)
        session = await _draft_session(event_id, session_id, lock=True)
        if session.calendar_sequence is None:
            await session.delete()
            return None
        session.cancelled_at = session.updated_at = now()
        await session.save(update_fields=["cancelled_at", "updated_at"])
        return session


async def restore_session(user: User, event_id: int, session_id: int) -> Session:
    """Bring a cancelled session back into the draft. Side effects: session row."""
    async with in_transaction():
        await get_event_for(user, event_id)
        session = await _draft_session(event_id, session_id, lock=True)
        session.cancelled_at = None
        session.updated_at = now()
        await session.save(update_fields=["cancelled_at", "updated_at"])
        return session


async def set_session_speakers(
    user: User, event_id: int, session_id: int, speakers: list[SessionSpeakerData]
) -> list[SessionSpeaker]:
    """Replace who speaks in a session, in the order given, each with a role.

    Side effects: session-speaker rows replaced; the session's updated_at.
    """
    errors: dict[str, str] = {}
    roles = []
    for index, item in enumerate(speakers):
        try:
            roles.append(SpeakerRole(item.role))
        except ValueError:
            errors[f"speakers.{index}.role"] = "Choose chair, speaker, panellist or facilitator"
    ids = [item.speaker_id for item in speakers]
    if len(set(ids)) != len(ids):
        errors["speakers"] = "Each speaker can appear once in a session"
    async with in_transaction():
        await get_event_for(user, event_id)
        session = await _draft_session(event_id, session_id, lock=True)
        known = set(
            await Speaker.filter(event_id=event_id, id__in=ids).values_list("id", flat=True)
        )
        for index, speaker_id in enumerate(ids):
            if speaker_id not in known:
                errors[f"speakers.{index}.speaker_id"] = "Choose one of this event's speakers"
        if errors:
            raise Invalid(fields=errors)
        await SessionSpeaker.filter(session_id=session.id).delete()
        links = [
            await SessionSpeaker.create(
                session=session, speaker_id=speaker_id, role=role, position=position
            )
            for position, (speaker_id, role) in enumerate(zip(ids, roles, strict=True))
        ]
        session.updated_at = now()
        await session.save(update_fields=["updated_at"])
        return links


@dataclass(frozen=True)
class Clash:
    """Two draft sessions at overlapping times in one room, or with one speaker."""

    kind: str  # "room" or "speaker"
    what: str  # the room's or the speaker's name
    first: Session
    second: Session
    message: str

    def as_line(self) -> str:
        return f"Published with a clash: {self.message}"


def _overlap(a: Session, b: Session) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _span(session: Session, tz: str) -> str:
    start = format_datetime(session.starts_at, tz, "short")
    return f"{start} to {format_datetime(session.ends_at, tz, 'time')}"


def _clash_message(kind: str, what: str, a: Session, b: Session, tz: str) -> str:
    when, other = _span(a, tz), _span(b, tz)
    if kind == "room":
        return f"{a.title} ({when}) and {b.title} ({other}) are both in {what}."
    return f"{what} speaks in {a.title} ({when}) and {b.title} ({other}) at the same time."


def find_clashes(sessions: list[Session], tz: str) -> list[Clash]:
    """Room and speaker double-bookings among sessions that are not cancelled (room and
    speaker links with their speakers loaded); speakers left off the programme (declined,
    not kept on) are not counted. Pure."""
    live = sorted(
        (s for s in sessions if s.cancelled_at is None), key=lambda s: (s.starts_at, s.id)
    )
    clashes = []
    for index, a in enumerate(live):
        for b in live[index + 1 :]:
            if b.starts_at >= a.ends_at:
                continue
            if not _overlap(a, b):
                continue
            if a.room_id is not None and a.room_id == b.room_id:  # type: ignore[attr-defined]
                name = a.room.name if a.room is not None else "the same room"
                message = _clash_message("room", name, a, b, tz)
                clashes.append(Clash("room", name, a, b, message))
            theirs = {link.speaker_id: link.speaker for link in b.speaker_links}
            for link in a.speaker_links:
                speaker = theirs.get(link.speaker_id)
                if speaker is None or link.speaker.withdrawn:
                    continue
                message = _clash_message("speaker", speaker.display_name, a, b, tz)
                clashes.append(Clash("speaker", speaker.display_name, a, b, message))
    return clashes


async def draft_clashes(user: User, event_id: int) -> list[Clash]:
    """The draft's room and speaker clashes (what blocks publishing). No side effects."""
    event = await get_event_for(user, event_id)
    sessions = (
        await Session.filter(event_id=event_id, cancelled_at=None)
        .select_related("room")
        .prefetch_related("speaker_links__speaker")
    )
    return find_clashes(list(sessions), event.time_zone)


@dataclass(frozen=True)
class PlaceHolder:
    """A registered delegate holding a place in a workshop."""

    name: str
    email: str
    organisation: str


async def workshop_holders(user: User, event_id: int) -> dict[int, list[PlaceHolder]]:
    """Who holds each workshop place, by session id (registered delegates only; places
    of delegates who have since cancelled are not shown). No side effects."""
    await get_event_for(user, event_id)
    rows = (
        await AgendaPick.filter(
            session__event_id=event_id,
            has_place=True,
            registration__status=RegistrationStatus.REGISTERED,
        )
        .order_by("registration__name", "id")
        .values_list(
            "session_id",
            "registration__name",
            "registration__invitation__email",
            "registration__organisation",
        )
    )
    holders: dict[int, list[PlaceHolder]] = {}
    for session_id, name, email, organisation in rows:
        holders.setdefault(session_id, []).append(PlaceHolder(name, email, organisation or ""))
    return holders
