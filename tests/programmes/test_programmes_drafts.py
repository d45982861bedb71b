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
from programmes.models import Session, SessionSpeaker
from tests.conftest import make_staff
from tests.events.factories import event_data
from tests.programmes.factories import DAY, at, session_data


async def test_add_room_keeps_name_capacity_and_access_notes(event, organiser):
    room = await add_room(
        organiser, event.id, RoomData(name=" Main  Hall ", capacity=120, access_notes="Lift")
    )

    assert (room.name, room.capacity, room.access_notes) == ("Main Hall", 120, "Lift")


async def test_add_room_without_name_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_room(organiser, event.id, RoomData(name=" "))

    assert caught.value.fields == {"name": "Enter the room's name"}
    assert await rooms_for(organiser, event.id) == []
    await add_room(organiser, event.id, RoomData(name="Hall"))
    assert [r.name for r in await rooms_for(organiser, event.id)] == ["Hall"]


async def test_rooms_of_another_organisers_event_are_not_found(event, organiser):
    other = await make_staff(Role.ORGANISER)

    await add_room(organiser, event.id, RoomData(name="Hall"))

    with pytest.raises(NotFound):
        await rooms_for(other, event.id)
    assert [r.name for r in await rooms_for(organiser, event.id)] == ["Hall"]


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
    assert await Session.filter(event_id=event.id).count() == 0
    await add_session(organiser, event.id, session_data("Early", 0, 0.5))  # control
    assert await Session.filter(event_id=event.id).count() == 1


async def test_add_session_ending_after_the_event_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Late", 6, 7.5))

    assert caught.value.fields == {"ends_at": "The session must end by the end of the event"}
    assert await Session.filter(event_id=event.id).count() == 0
    await add_session(organiser, event.id, session_data("Late", 6, 7))  # control: ends at 4:30
    assert await Session.filter(event_id=event.id).count() == 1


async def test_add_session_ending_before_it_starts_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Backwards", 2, 1))

    assert caught.value.fields == {"ends_at": "The session must end after it starts"}
    assert await Session.filter(event_id=event.id).count() == 0
    await add_session(organiser, event.id, session_data("Forwards", 1, 2))  # control
    assert await Session.filter(event_id=event.id).count() == 1


async def test_add_session_with_naive_time_is_a_bug(event, organiser):
    data = session_data("Naive", 0, 1)
    data.starts_at = data.starts_at.replace(tzinfo=None)

    with pytest.raises(ValueError, match="naive"):
        await add_session(organiser, event.id, data)
    assert await Session.filter(event_id=event.id).count() == 0
    await add_session(organiser, event.id, session_data("Aware", 0, 1))  # control
    assert await Session.filter(event_id=event.id).count() == 1


async def test_add_session_places_on_a_plenary_are_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Talk", 0, 1, places=10))

    assert caught.value.fields == {"places": "Only workshops take sign-ups"}
    assert await Session.filter(event_id=event.id).count() == 0
    control = session_data("Talk", 0, 1, places=10, kind="workshop")
    assert (await add_session(organiser, event.id, control)).places == 10


async def test_add_session_in_another_events_room_is_invalid(event, organiser, app):
    other = await create_event(organiser, event_data(title="Other"))
    room = await add_room(organiser, other.id, RoomData(name="Elsewhere"))

    with pytest.raises(Invalid) as caught:
        await add_session(organiser, event.id, session_data("Talk", 0, 1, room_id=room.id))

    assert caught.value.fields == {"room_id": "Choose one of this event's rooms"}
    assert await Session.filter(event_id=event.id).count() == 0
    own = await add_room(organiser, event.id, RoomData(name="Here"))
    control = await add_session(organiser, event.id, session_data("Talk", 0, 1, room_id=own.id))
    assert control.room_id == own.id


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
    welcome = programme["sessions"][0].id
    assert await SessionSpeaker.filter(session_id=welcome).count() == 2
    await set_session_speakers(
        organiser, event.id, welcome, [SessionSpeakerData(chief.id, "chair")]
    )
    assert await SessionSpeaker.filter(session_id=welcome).values_list("speaker_id", "role") == [
        (chief.id, "chair")
    ]


async def test_set_session_speakers_from_another_event_is_invalid(programme, event, organiser):
    with pytest.raises(Invalid) as caught:
        await set_session_speakers(
            organiser, event.id, programme["sessions"][0].id, [SessionSpeakerData(999_999)]
        )

    assert caught.value.fields == {"speakers.0.speaker_id": "Choose one of this event's speakers"}
    welcome, vru = programme["sessions"][0].id, programme["speakers"][2]
    assert await SessionSpeaker.filter(session_id=welcome).count() == 2
    await set_session_speakers(organiser, event.id, welcome, [SessionSpeakerData(vru.id)])
    assert await SessionSpeaker.filter(session_id=welcome).values_list("speaker_id", flat=True) == [
        vru.id
    ]


async def test_sessions_of_event_span_checks_use_event_times(event, organiser):
    last_minute = session_data("Close", 6.5, 7)
    last_minute.starts_at = event.ends_at - timedelta(minutes=30)
    last_minute.ends_at = event.ends_at

    session = await add_session(organiser, event.id, last_minute)

    assert session.ends_at == event.ends_at
