"""Rooms in the organisers' draft: add in order, edit, reorder and remove."""

from __future__ import annotations

import pytest

from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import Role
from events.service import create_event
from programmes.data import RoomData
from programmes.drafts import (
    add_room,
    add_session,
    cancel_session,
    delete_room,
    draft_sessions,
    reorder_rooms,
    rooms_for,
    sessions_in_room,
    update_room,
)
from programmes.models import Room, Session
from programmes.publishing import publish_programme
from tests.conftest import make_staff
from tests.events.factories import event_data
from tests.programmes.factories import at, session_data


async def test_add_room_goes_after_the_others(event, organiser):
    for name in ("Main Hall", "Itchen Suite", "Boardroom"):
        await add_room(organiser, event.id, RoomData(name=name))

    rooms = await rooms_for(organiser, event.id)

    assert [(r.name, r.position) for r in rooms] == [
        ("Main Hall", 0),
        ("Itchen Suite", 1),
        ("Boardroom", 2),
    ]


async def test_update_room_renames_it_and_keeps_its_place_and_sessions(programme, event, organiser):
    main, _ = programme["rooms"]

    await update_room(
        organiser,
        event.id,
        main.id,
        RoomData(name="Mountbatten Hall", capacity=180, access_notes="Step-free from Ogle Road"),
    )

    room = await Room.get(id=main.id)
    assert (room.name, room.capacity, room.access_notes, room.position) == (
        "Mountbatten Hall",
        180,
        "Step-free from Ogle Road",
        0,
    )
    welcome = next(s for s in await draft_sessions(organiser, event.id) if s.title == "Welcome")
    assert welcome.room.name == "Mountbatten Hall"


async def test_update_room_bad_values_are_invalid_and_change_nothing(programme, event, organiser):
    main, _ = programme["rooms"]

    with pytest.raises(Invalid) as caught:
        await update_room(organiser, event.id, main.id, RoomData(name=" ", capacity=0))

    assert caught.value.fields == {
        "name": "Enter the room's name",
        "capacity": "Enter a capacity between 1 and 10000, or leave it empty",
    }
    assert (await Room.get(id=main.id)).name == "Main Hall"
    await update_room(organiser, event.id, main.id, RoomData(name="Great Hall", capacity=1))
    assert (await Room.get(id=main.id)).name == "Great Hall"  # control


async def test_update_room_of_another_event_is_not_found(programme, event, organiser):
    other = await create_event(organiser, event_data(title="Other"))
    elsewhere = await add_room(organiser, other.id, RoomData(name="Elsewhere"))

    with pytest.raises(NotFound):
        await update_room(organiser, event.id, elsewhere.id, RoomData(name="Mine now"))

    assert (await Room.get(id=elsewhere.id)).name == "Elsewhere"
    await update_room(organiser, other.id, elsewhere.id, RoomData(name="Mine now"))
    assert (await Room.get(id=elsewhere.id)).name == "Mine now"  # control: its own event


async def test_update_room_other_organiser_is_not_found(programme, event, organiser):
    other = await make_staff(Role.ORGANISER)
    main = programme["rooms"][0]

    with pytest.raises(NotFound):
        await update_room(other, event.id, main.id, RoomData(name="Taken"))

    assert (await Room.get(id=main.id)).name == "Main Hall"
    await update_room(organiser, event.id, main.id, RoomData(name="Taken"))
    assert (await Room.get(id=main.id)).name == "Taken"  # control: the event's organiser


async def test_delete_room_used_by_sessions_is_refused_naming_them(programme, event, organiser):
    main, _ = programme["rooms"]

    with pytest.raises(Conflict) as caught:
        await delete_room(organiser, event.id, main.id)

    assert caught.value.message == (
        "2 sessions are in Main Hall (Welcome, What serious violence means here). "
        "Move them to another room, or cancel them, before removing it."
    )
    assert await Room.filter(id=main.id).exists()
    annex = await add_room(organiser, event.id, RoomData(name="Annex"))
    await delete_room(organiser, event.id, annex.id)  # control: a room no session is in
    assert not await Room.filter(id=annex.id).exists()


async def test_delete_room_with_only_cancelled_sessions_leaves_them_without_a_room(
    programme, event, organiser, settings
):
    _, side = programme["rooms"]
    workshop, briefing = programme["sessions"][2:]
    await publish_programme(organiser, event.id, settings)
    await cancel_session(organiser, event.id, workshop.id)
    await cancel_session(organiser, event.id, briefing.id)

    await delete_room(organiser, event.id, side.id)

    assert not await Room.filter(id=side.id).exists()
    assert await Session.filter(id__in=[workshop.id, briefing.id]).values_list(
        "room_id", flat=True
    ) == [None, None]


async def test_delete_room_unknown_is_not_found(event, organiser):
    annex = await add_room(organiser, event.id, RoomData(name="Annex"))

    with pytest.raises(NotFound):
        await delete_room(organiser, event.id, 999_999)

    assert await Room.filter(id=annex.id).exists()
    await delete_room(organiser, event.id, annex.id)  # control: a room it has
    assert not await Room.filter(id=annex.id).exists()


async def test_sessions_in_room_lists_the_live_ones_by_time(programme, event, organiser):
    _, side = programme["rooms"]

    sessions = await sessions_in_room(organiser, event.id, side.id)

    assert [s.title for s in sessions] == ["Workshop: the draft plan", "Closed briefing"]


async def test_reorder_rooms_puts_them_in_the_order_given(programme, event, organiser):
    main, side = programme["rooms"]
    boardroom = await add_room(organiser, event.id, RoomData(name="Boardroom"))

    await reorder_rooms(organiser, event.id, [boardroom.id, main.id, side.id])

    rooms = await rooms_for(organiser, event.id)
    assert [(r.name, r.position) for r in rooms] == [
        ("Boardroom", 0),
        ("Main Hall", 1),
        ("Itchen Suite", 2),
    ]


@pytest.mark.parametrize("kind", ["missing", "repeated", "foreign"])
async def test_reorder_rooms_not_listing_each_room_once_is_invalid(
    programme, event, organiser, kind
):
    side = programme["rooms"][1]
    other = await create_event(organiser, event_data(title="Other"))
    elsewhere = await add_room(organiser, other.id, RoomData(name="Elsewhere"))
    order = {
        "missing": [side.id],
        "repeated": [side.id, side.id],
        "foreign": [side.id, elsewhere.id],
    }[kind]

    with pytest.raises(Invalid) as caught:
        await reorder_rooms(organiser, event.id, order)

    assert caught.value.fields == {"room_ids": "List each of this event's rooms once"}
    assert [r.name for r in await rooms_for(organiser, event.id)] == ["Main Hall", "Itchen Suite"]
    await reorder_rooms(organiser, event.id, [side.id, programme["rooms"][0].id])  # control
    assert [r.name for r in await rooms_for(organiser, event.id)] == ["Itchen Suite", "Main Hall"]


async def test_reorder_rooms_changes_the_order_of_parallel_sessions_when_published(
    programme, event, organiser, settings
):
    main, side = programme["rooms"]
    # A session in Main Hall at the same time as the workshop in the Itchen Suite.
    await add_session(organiser, event.id, session_data("Plenary", 2, 3, room_id=main.id))

    await reorder_rooms(organiser, event.id, [side.id, main.id])
    view = await publish_programme(organiser, event.id, settings)

    assert [s.title for s in view.sessions if s.start == at(2)] == [
        "Workshop: the draft plan",
        "Plenary",
    ]
