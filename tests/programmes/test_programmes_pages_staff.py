"""The organiser's programme editor over HTTP."""

from __future__ import annotations

import pytest

from convenor.mail.models import OutboxMessage
from convenor.models import Role
from programmes.models import ProgrammeVersion, Room, Session, SessionSpeaker, Speaker
from programmes.publishing import publish_programme
from tests.conftest import csrf_token, make_staff, sign_in

from .factories import registered


def editor(event) -> str:
    return f"/staff/events/{event.id}/programme"


async def post(client, event, path: str, data: dict | None = None):
    token = await csrf_token(client, editor(event))
    return await client.post(editor(event) + path, data={**(data or {}), "csrf_token": token})


SESSION = {
    "title": "Panel: partners together",
    "description": "Questions from the floor.",
    "kind": "panel",
    "starts_at": "2027-06-09T14:00",
    "ends_at": "2027-06-09T15:00",
    "room_id": "",
    "track": "Plan",
    "places": "",
}


async def test_editor_shows_draft_rooms_sessions_and_speakers(staff_client, event, programme):
    response = await staff_client.get(editor(event))

    assert response.status_code == 200
    text = response.text
    assert "Not published yet." in text
    assert "Main Hall" in text and "Itchen Suite" in text
    assert "Workshop: the draft plan" in text
    assert "Chief Constable Zoë Ł. Dąbrowska" in text
    assert "Invited" in text


async def test_editor_anonymous_is_sent_to_sign_in(client, event, programme):
    response = await client.get(editor(event))

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_editor_other_events_organiser_gets_404(client, event, programme, organiser):
    other = await make_staff(Role.ORGANISER)
    await sign_in(client, other)

    page = await client.get(editor(event))
    token = await csrf_token(client, "/staff/events")
    publish = await client.post(editor(event) + "/publish", data={"csrf_token": token})

    assert (page.status_code, publish.status_code) == (404, 404)
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    await sign_in(client, organiser)  # control: the event's organiser
    assert (await client.get(editor(event))).status_code == 200
    assert (await post(client, event, "/publish")).status_code == 303
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1


async def test_editor_add_room(staff_client, event):
    response = await post(
        staff_client, event, "/rooms", {"room_name": "Boardroom", "room_capacity": "12"}
    )

    assert response.status_code == 303
    room = await Room.get(event_id=event.id)
    assert (room.name, room.capacity) == ("Boardroom", 12)


async def test_editor_add_room_bad_capacity_is_400_and_keeps_typing(staff_client, event):
    response = await post(
        staff_client, event, "/rooms", {"room_name": "Boardroom", "room_capacity": "lots"}
    )

    assert response.status_code == 400
    assert 'id="room_capacity-error"' in response.text
    assert 'value="Boardroom"' in response.text
    assert 'value="lots"' in response.text
    assert await Room.filter(event_id=event.id).count() == 0
    control = await post(
        staff_client, event, "/rooms", {"room_name": "Boardroom", "room_capacity": "12"}
    )
    assert control.status_code == 303
    assert await Room.filter(event_id=event.id).values_list("capacity", flat=True) == [12]


async def test_editor_add_session(staff_client, event, programme):
    response = await post(staff_client, event, "/sessions", SESSION)

    assert response.status_code == 303
    session = await Session.get(title="Panel: partners together")
    assert (session.kind.value, session.track) == ("panel", "Plan")


async def test_editor_add_session_outside_event_is_400_and_keeps_typing(staff_client, event):
    data = {**SESSION, "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T10:00"}

    response = await post(staff_client, event, "/sessions", data)

    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert 'value="Panel: partners together"' in response.text
    assert 'value="2030-01-01T09:00"' in response.text
    assert await Session.filter(event_id=event.id).count() == 0
    assert (await post(staff_client, event, "/sessions", SESSION)).status_code == 303  # control
    assert await Session.filter(event_id=event.id).count() == 1


async def test_editor_add_session_missing_title_and_time_is_400(staff_client, event):
    data = {**SESSION, "title": "", "starts_at": "soon"}

    response = await post(staff_client, event, "/sessions", data)

    assert response.status_code == 400
    assert 'id="title-error"' in response.text
    assert 'id="starts_at-error"' in response.text
    assert 'value="soon"' in response.text
    assert await Session.filter(event_id=event.id).count() == 0
    assert (await post(staff_client, event, "/sessions", SESSION)).status_code == 303  # control
    assert await Session.filter(event_id=event.id).count() == 1


async def test_editor_session_page_and_update(staff_client, event, programme):
    keynote = programme["sessions"][1]
    main = programme["rooms"][0]
    page = await staff_client.get(f"{editor(event)}/sessions/{keynote.id}")
    data = {**SESSION, "title": "Keynote moved", "room_id": str(main.id), "kind": "keynote"}

    response = await post(staff_client, event, f"/sessions/{keynote.id}", data)

    assert page.status_code == 200
    assert 'value="What serious violence means here"' in page.text
    assert response.status_code == 303
    saved = await Session.get(id=keynote.id)
    assert (saved.title, saved.room_id) == ("Keynote moved", main.id)


async def test_editor_session_speakers_in_order_with_roles(staff_client, event, programme):
    chief, _leader, vru = programme["speakers"]
    workshop = programme["sessions"][2]
    data = {
        "speaker_1": str(vru.id),
        "role_1": "facilitator",
        "speaker_2": str(chief.id),
        "role_2": "panellist",
    }

    response = await post(staff_client, event, f"/sessions/{workshop.id}/speakers", data)

    assert response.status_code == 303
    links = await SessionSpeaker.filter(session_id=workshop.id).order_by("position")
    assert [(link.speaker_id, link.role.value) for link in links] == [
        (vru.id, "facilitator"),
        (chief.id, "panellist"),
    ]


async def test_editor_session_speakers_twice_is_400(staff_client, event, programme):
    chief = programme["speakers"][0]
    workshop = programme["sessions"][2]
    data = {"speaker_1": str(chief.id), "speaker_2": str(chief.id)}

    response = await post(staff_client, event, f"/sessions/{workshop.id}/speakers", data)

    assert response.status_code == 400
    assert "Each speaker can appear once in a session" in response.text
    assert await SessionSpeaker.filter(session_id=workshop.id).count() == 0
    control = await post(
        staff_client, event, f"/sessions/{workshop.id}/speakers", {"speaker_1": str(chief.id)}
    )
    assert control.status_code == 303
    assert await SessionSpeaker.filter(session_id=workshop.id).values_list(
        "speaker_id", flat=True
    ) == [chief.id]


async def test_editor_cancel_and_restore_session(
    staff_client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]

    cancelled = await post(staff_client, event, f"/sessions/{keynote.id}/cancel")
    page = await staff_client.get(editor(event))
    restored = await post(staff_client, event, f"/sessions/{keynote.id}/restore")

    assert (cancelled.status_code, restored.status_code) == (303, 303)
    assert "Cancelled: What serious violence means here" in page.text
    assert (await Session.get(id=keynote.id)).cancelled_at is None


async def test_editor_add_speaker(staff_client, event):
    data = {"speaker_honorific": "Supt", "speaker_name": "Ann Lee", "speaker_email": "ann@x.org"}

    response = await post(staff_client, event, "/speakers", data)

    assert response.status_code == 303
    speaker = await Speaker.get(event_id=event.id)
    assert (speaker.display_name, speaker.email) == ("Supt Ann Lee", "ann@x.org")


async def test_editor_add_speaker_without_name_is_400(staff_client, event):
    response = await post(staff_client, event, "/speakers", {"speaker_honorific": "Dr"})

    assert response.status_code == 400
    assert 'id="speaker_name-error"' in response.text
    assert 'value="Dr"' in response.text
    assert await Speaker.filter(event_id=event.id).count() == 0
    data = {"speaker_honorific": "Dr", "speaker_name": "Ann Lee"}
    assert (await post(staff_client, event, "/speakers", data)).status_code == 303  # control
    assert await Speaker.filter(event_id=event.id).count() == 1


async def test_editor_invite_speaker_queues_email(staff_client, event, programme):
    chief = programme["speakers"][0]

    response = await post(staff_client, event, f"/speakers/{chief.id}/invite")

    assert response.status_code == 303
    messages = await OutboxMessage.filter(category="programme-speaker-invitation")
    assert [m.to_address for m in messages] == ["chief@police.example.org"]


async def test_editor_publish_first_version(staff_client, event, programme):
    response = await post(staff_client, event, "/publish")

    assert response.status_code == 303
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1


async def test_editor_publish_nothing_changed_is_400(
    staff_client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)

    response = await post(staff_client, event, "/publish")

    assert response.status_code == 400
    assert "Nothing has changed since version 1." in response.text
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1
    await post(staff_client, event, f"/sessions/{programme['sessions'][1].id}/cancel")
    assert (await post(staff_client, event, "/publish")).status_code == 303  # control: a change
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 2


async def test_editor_previews_changelog_then_publishes_version_2(
    staff_client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    await registered(organiser, event, 1, settings)
    keynote, main = programme["sessions"][1], programme["rooms"][1]
    data = {
        **SESSION,
        "title": keynote.title,
        "kind": "keynote",
        "starts_at": "2027-06-09T10:00",
        "ends_at": "2027-06-09T11:00",
        "room_id": str(main.id),
    }
    await post(staff_client, event, f"/sessions/{keynote.id}", data)

    page = await staff_client.get(editor(event))
    response = await post(staff_client, event, "/publish")

    assert (
        "What serious violence means here has moved to Itchen Suite (was Main Hall)." in page.text
    )
    assert "Publish version 2" in page.text
    assert response.status_code == 303
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 2


async def test_editor_script_in_session_title_is_inert(staff_client, event, programme):
    await post(staff_client, event, "/sessions", {**SESSION, "title": "<script>x()</script>"})

    response = await staff_client.get(editor(event))

    assert "<script>x()</script>" not in response.text
    assert "&lt;script&gt;x()&lt;/script&gt;" in response.text


# A form each path takes, for the control with the token.
FILLED = {
    "/rooms": {"room_name": "Boardroom"},
    "/sessions": SESSION,
    "/speakers": {"speaker_name": "Ann Lee"},
    "/publish": {},
}


async def programme_rows(event) -> tuple[int, int, int, int]:
    return (
        await Room.filter(event_id=event.id).count(),
        await Session.filter(event_id=event.id).count(),
        await Speaker.filter(event_id=event.id).count(),
        await ProgrammeVersion.filter(event_id=event.id).count(),
    )


@pytest.mark.parametrize("path", ["/rooms", "/sessions", "/speakers", "/publish"])
async def test_editor_post_without_csrf_is_refused(staff_client, event, programme, path):
    before = await programme_rows(event)

    response = await staff_client.post(editor(event) + path, data=FILLED[path])

    assert response.status_code == 403
    assert await programme_rows(event) == before
    control = await post(staff_client, event, path, FILLED[path])
    assert control.status_code == 303
    assert await programme_rows(event) != before


async def test_editor_speaker_page_and_update(staff_client, event, programme):
    leader = programme["speakers"][1]
    page = await staff_client.get(f"{editor(event)}/speakers/{leader.id}")
    data = {"speaker_honorific": "Cllr", "speaker_name": "Ахмед Петров", "speaker_bio": "Leads."}

    response = await post(staff_client, event, f"/speakers/{leader.id}", data)

    assert page.status_code == 200
    assert 'value="leader@council.example.org"' in page.text
    assert response.status_code == 303
    assert (await Speaker.get(id=leader.id)).bio == "Leads."


async def test_editor_speaker_update_without_name_is_400_and_keeps_typing(
    staff_client, event, programme
):
    leader = programme["speakers"][1]
    data = {"speaker_name": "", "speaker_bio": "Typed bio"}

    response = await post(staff_client, event, f"/speakers/{leader.id}", data)

    assert response.status_code == 400
    assert 'id="speaker_name-error"' in response.text
    assert "Typed bio" in response.text
    assert (await Speaker.get(id=leader.id)).name == "Ахмед Петров"
    control = await post(
        staff_client, event, f"/speakers/{leader.id}", {**data, "speaker_name": "Ахмед Петров"}
    )
    assert control.status_code == 303
    assert (await Speaker.get(id=leader.id)).bio == "Typed bio"


async def test_editor_speaker_page_other_event_is_404(client, event, programme, organiser):
    other = await make_staff(Role.ORGANISER)
    await sign_in(client, other)

    response = await client.get(f"{editor(event)}/speakers/{programme['speakers'][0].id}")
    await sign_in(client, organiser)
    control = await client.get(f"{editor(event)}/speakers/{programme['speakers'][0].id}")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_event_dashboard_links_to_the_programme_editor(staff_client, event):
    response = await staff_client.get(f"/staff/events/{event.id}")

    assert f'<a href="/staff/events/{event.id}/programme">Programme</a>' in response.text
