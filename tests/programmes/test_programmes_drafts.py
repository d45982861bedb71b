"""Rooms, sessions and session speakers in the organisers' draft."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convenor.errors import Invalid, NotFound
from convenor.models import Role
from events.service import create_event
from programmes.data import RoomData, SessionSpeakerData
from programmes.drafts import (
    add_room,
    add_session,
    cancel_session,
    draft_sessions,
    rooms_for,
    set_session_speakers,
    update_session,
)
from programmes.models import Session
from tests.conftest import make_staff
from tests.events.conftest import event_data
from tests.programmes.conftest import DAY, at, session_data


async def test_add_room_keeps_name_capacity_and_access_notes(event, organiser):
    room = await add_room(
        organiser, event.id, RoomData(name=" Main  Hall ", capacity=120, access_notes="Lift")
    )

    assert (room.name, room.capacity, room.access_notes) == ("Main Hall", 120, "Lift")


async def test_add_room_without_name_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_room(organiser, event.id, RoomData(name=" "))

    assert caught.value.fields == {"name": "Enter the room's name"}


async def test_rooms_of_another_organisers_event_are_not_found(event, organiser):
    other = await make_staff(Role.ORGANISER)

    with pytest.raises(NotFound):
        await rooms_for(other, event.id)


async def test_add_session_stores_aware_times_and_a_calendar_uid(event, organiser):
    session = await add_session(organiser, event.id, session_data("Welcome", 0, 0.5))

    stored = await Session.get(id=session.id)
    assert (stored.starts_at, stored.ends_at) == (DAY, at(0.5))
    assert stored.calendar_uid.startswith("session-")
    assert stored.calendar_sequence is None


async def test_add_session_before_the_event_starts_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Early", -1, 0.5))

    assert caught.value.fields == {"starts_at": "The session must start during the event"}


async def test_add_session_ending_after_the_event_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Late", 6, 7.5))

    assert caught.value.fields == {"ends_at": "The session must end by the end of the event"}


async def test_add_session_ending_before_it_starts_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Backwards", 2, 1))

    assert caught.value.fields == {"ends_at": "The session must end after it starts"}


async def test_add_session_with_naive_time_is_a_bug(event, organiser):
    data = session_data("Naive", 0, 1)
    data.starts_at = data.starts_at.replace(tzinfo=None)

    with pytest.raises(ValueError, match="naive"):
        await add_session(organiser, event.id, data)


async def test_add_session_places_on_a_plenary_are_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Talk", 0, 1, places=10))

    assert caught.value.fields == {"places": "Only workshops take sign-ups"}


async def test_add_session_in_another_events_room_is_invalid(event, organiser, app):
    other = await create_event(organiser, event_data(title="Other"))
    room = await add_room(organiser, other.id, RoomData(name="Elsewhere"))

    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Talk", 0, 1, room_id=room.id))

    assert caught.value.fields == {"room_id": "Choose one of this event's rooms"}


async def test_update_session_moves_it(programme, event, organiser):
    welcome = programme["sessions"][0]
    side = programme["rooms"][1]

    moved = await update_session(
        organiser, event.id, welcome.id, session_data("Welcome", 1, 1.5, room_id=side.id)
    )

    assert (moved.starts_at, moved.room_id) == (at(1), side.id)


async def test_cancel_session_never_published_deletes_it(programme, event, organiser):
    welcome = programme["sessions"][0]

    result = await cancel_session(organiser, event.id, welcome.id)

    assert result is None
    assert not await Session.filter(id=welcome.id).exists()


async def test_set_session_speakers_keeps_order_and_roles(programme, event, organiser):
    chief, leader, vru = programme["speakers"]
    panel = await add_session(organiser, event.id, session_data("Panel", 4, 5, kind="panel"))

    await set_session_speakers(
        organiser,
        event.id,
        panel.id,
        [
            SessionSpeakerData(vru.id, "chair"),
            SessionSpeakerData(chief.id, "panellist"),
            SessionSpeakerData(leader.id, "panellist"),
        ],
    )

    sessions = {s.id: s for s in await draft_sessions(organiser, event.id)}
    links = sessions[panel.id].speaker_links
    assert [(link.speaker_id, link.role.value) for link in links] == [
        (vru.id, "chair"),
        (chief.id, "panellist"),
        (leader.id, "panellist"),
    ]


async def test_set_session_speakers_with_unknown_role_is_invalid(programme, event, organiser):
    chief = programme["speakers"][0]

    with pytest.raises(Invalid) as caught:
        await set_session_speakers(
            organiser, event.id, programme["sessions"][0].id, [SessionSpeakerData(chief.id, "host")]
        )

    assert caught.value.fields == {
        "speakers.0.role": "Choose chair, speaker, panellist or facilitator"
    }


async def test_set_session_speakers_from_another_event_is_invalid(programme, event, organiser):
    with pytest.raises(Invalid) as caught:
        await set_session_speakers(
            organiser, event.id, programme["sessions"][0].id, [SessionSpeakerData(999_999)]
        )

    assert caught.value.fields == {"speakers.0.speaker_id": "Choose one of this event's speakers"}


async def test_sessions_of_event_span_checks_use_event_times(event, organiser):
    last_minute = session_data("Close", 6.5, 7)
    last_minute.starts_at = event.ends_at - timedelta(minutes=30)
    last_minute.ends_at = event.ends_at

    session = await add_session(organiser, event.id, last_minute)

    assert session.ends_at == event.ends_at
