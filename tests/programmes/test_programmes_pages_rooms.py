"""Room editing and past versions in the organiser's programme editor, over HTTP."""

from __future__ import annotations

from convenor.models import Role
from programmes.drafts import add_session
from programmes.models import Room
from programmes.publishing import publish_programme
from tests.conftest import csrf_token, make_staff, sign_in

from .factories import session_data


def editor(event) -> str:
    return f"/staff/events/{event.id}/programme"


async def post(client, event, path: str, data: dict | None = None):
    token = await csrf_token(client, editor(event))
    return await client.post(editor(event) + path, data={**(data or {}), "csrf_token": token})


async def test_editor_lists_rooms_in_order_with_move_buttons(staff_client, event, programme):
    main, side = programme["rooms"]

    response = await staff_client.get(editor(event))

    assert response.status_code == 200
    text = response.text
    assert f'href="/staff/events/{event.id}/programme/rooms/{main.id}">Main Hall</a>' in text
    assert text.index("Main Hall</a>") < text.index("Itchen Suite</a>")
    # Main Hall can only move down, the Itchen Suite only up: both post the swapped order.
    assert text.count(f'name="room_ids" value="{side.id},{main.id}"') == 2
    assert 'Move up<span class="visually-hidden"> Main Hall' not in text


async def test_room_page_shows_values_and_its_sessions(staff_client, event, programme):
    main, _ = programme["rooms"]

    response = await staff_client.get(f"{editor(event)}/rooms/{main.id}")

    assert response.status_code == 200
    assert 'id="room_name" name="room_name" type="text" value="Main Hall"' in response.text
    assert 'value="200"' in response.text
    assert "Welcome</a>" in response.text
    assert "What serious violence means here</a>" in response.text
    assert "You can remove this room once no session is in it" in response.text
    assert f'action="/staff/events/{event.id}/programme/rooms/{main.id}/remove"' not in (
        response.text
    )


async def test_room_update_renames_it(staff_client, event, programme):
    main, _ = programme["rooms"]

    response = await post(
        staff_client,
        event,
        f"/rooms/{main.id}",
        {"room_name": "Mountbatten Hall", "room_capacity": "", "room_access_notes": "Lift"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"{editor(event)}?done=room-saved#rooms"
    room = await Room.get(id=main.id)
    assert (room.name, room.capacity, room.access_notes) == ("Mountbatten Hall", None, "Lift")


async def test_room_update_bad_values_is_400_keeps_typing_and_saves_nothing(
    staff_client, event, programme
):
    main, _ = programme["rooms"]

    response = await post(
        staff_client,
        event,
        f"/rooms/{main.id}",
        {"room_name": "", "room_capacity": "many", "room_access_notes": "Ramp at the back"},
    )

    assert response.status_code == 400
    text = response.text
    assert "Enter the room&#39;s name" in text
    assert "Enter the capacity as a whole number from 1, or leave it empty" in text
    assert 'value="many"' in text
    assert ">Ramp at the back</textarea>" in text
    assert (await Room.get(id=main.id)).name == "Main Hall"
    control = await post(
        staff_client,
        event,
        f"/rooms/{main.id}",
        {"room_name": "Great Hall", "room_capacity": "150", "room_access_notes": "Ramp"},
    )
    assert control.status_code == 303
    assert ((await Room.get(id=main.id)).name, (await Room.get(id=main.id)).capacity) == (
        "Great Hall",
        150,
    )


async def test_room_remove_with_sessions_is_409_with_the_reason(staff_client, event, programme):
    main, _ = programme["rooms"]

    response = await post(staff_client, event, f"/rooms/{main.id}/remove")

    assert response.status_code == 409
    assert (
        "2 sessions are in Main Hall (Welcome, What serious violence means here). "
        "Move them to another room, or cancel them, before removing it."
    ) in response.text
    assert await Room.filter(id=main.id).exists()


async def test_room_remove_unused_room(staff_client, event, programme):
    response = await post(staff_client, event, "/rooms", {"room_name": "Boardroom"})
    boardroom = await Room.get(event_id=event.id, name="Boardroom")
    page = await staff_client.get(f"{editor(event)}/rooms/{boardroom.id}")

    removed = await post(staff_client, event, f"/rooms/{boardroom.id}/remove")

    assert response.status_code == 303
    assert "No sessions are in this room." in page.text
    assert removed.status_code == 303
    assert removed.headers["location"] == f"{editor(event)}?done=room-removed#rooms"
    assert not await Room.filter(id=boardroom.id).exists()


async def test_rooms_order_moves_a_room_up(staff_client, event, programme):
    main, side = programme["rooms"]

    response = await post(staff_client, event, "/rooms/order", {"room_ids": f"{side.id},{main.id}"})

    assert response.status_code == 303
    names = await Room.filter(event_id=event.id).order_by("position").values_list("name", flat=True)
    assert names == ["Itchen Suite", "Main Hall"]


async def test_rooms_order_stale_list_is_400_and_changes_nothing(staff_client, event, programme):
    main, side = programme["rooms"]
    await post(staff_client, event, "/rooms", {"room_name": "Boardroom"})

    response = await post(staff_client, event, "/rooms/order", {"room_ids": f"{side.id},{main.id}"})

    assert response.status_code == 400
    assert "The rooms have changed since the page was loaded; try again." in response.text
    names = await Room.filter(event_id=event.id).order_by("position").values_list("name", flat=True)
    assert names == ["Main Hall", "Itchen Suite", "Boardroom"]


async def test_room_pages_of_another_organisers_event_are_404(client, event, programme, organiser):
    main, _ = programme["rooms"]
    await sign_in(client, await make_staff(Role.ORGANISER))
    token = await csrf_token(client, "/staff/events")

    page = await client.get(f"{editor(event)}/rooms/{main.id}")
    saved = await client.post(
        f"{editor(event)}/rooms/{main.id}", data={"room_name": "Mine", "csrf_token": token}
    )
    ordered = await client.post(
        f"{editor(event)}/rooms/order", data={"room_ids": str(main.id), "csrf_token": token}
    )

    assert (page.status_code, saved.status_code, ordered.status_code) == (404, 404, 404)
    assert (await Room.get(id=main.id)).name == "Main Hall"
    await sign_in(client, organiser)  # control: the event's organiser
    assert (await client.get(f"{editor(event)}/rooms/{main.id}")).status_code == 200
    control = await post(client, event, f"/rooms/{main.id}", {"room_name": "Mine"})
    assert control.status_code == 303
    assert (await Room.get(id=main.id)).name == "Mine"


async def test_room_post_without_csrf_is_refused(staff_client, event, programme):
    await post(staff_client, event, "/rooms", {"room_name": "Boardroom"})
    boardroom = await Room.get(event_id=event.id, name="Boardroom")

    response = await staff_client.post(f"{editor(event)}/rooms/{boardroom.id}/remove")

    assert response.status_code == 403
    assert await Room.filter(id=boardroom.id).exists()
    control = await post(staff_client, event, f"/rooms/{boardroom.id}/remove")
    assert control.status_code == 303
    assert not await Room.filter(id=boardroom.id).exists()


async def test_editor_lists_published_versions_with_who_and_what(
    staff_client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    await add_session(organiser, event.id, session_data("Close", 6, 6.5))
    await publish_programme(organiser, event.id, settings)

    response = await staff_client.get(editor(event))

    text = response.text
    assert f'href="/staff/events/{event.id}/programme/versions/2">Version 2</a>' in text
    assert f'href="/staff/events/{event.id}/programme/versions/1">Version 1</a>' in text
    assert "1 session changed" in text
    assert "First version" in text
    assert text.count("<td>Test organiser</td>") == 2


async def test_version_page_shows_its_changelog(
    staff_client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    await add_session(organiser, event.id, session_data("Close", 6, 6.5))
    await publish_programme(organiser, event.id, settings)

    response = await staff_client.get(f"{editor(event)}/versions/2")

    assert response.status_code == 200
    title = "Serious Violence Delivery Plan Conference"
    assert f"<h1>Programme version 2: {title}</h1>" in response.text
    assert "by Test organiser." in response.text
    assert "<li>New: Close, Wednesday 9 June 2027, 3:30pm to 4:00pm.</li>" in response.text


async def test_version_page_unknown_or_other_organiser_is_404(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    await sign_in(client, organiser)
    missing = await client.get(f"{editor(event)}/versions/2")
    await sign_in(client, await make_staff(Role.ORGANISER))

    other = await client.get(f"{editor(event)}/versions/1")
    await sign_in(client, organiser)
    control = await client.get(f"{editor(event)}/versions/1")

    assert (missing.status_code, other.status_code) == (404, 404)
    assert control.status_code == 200
