"""Editing the draft programme and publishing through the JSON API (staff tokens)."""

from __future__ import annotations

import pytest

from convenor import auth
from convenor.mail.models import OutboxMessage
from convenor.models import Role
from events.service import create_event
from programmes.models import ProgrammeVersion, Room, Session, SessionSpeaker, Speaker
from programmes.publishing import publish_programme
from tests.conftest import make_staff
from tests.events.factories import event_data

from .factories import registered


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def token(organiser) -> str:
    return await auth.create_api_token(organiser.email)


def draft(event) -> str:
    return f"/api/v1/events/{event.id}/programme/draft"


SESSION = {
    "title": "Panel: partners together",
    "kind": "panel",
    "starts_at": "2027-06-09T14:00:00+01:00",
    "ends_at": "2027-06-09T15:00:00+01:00",
    "track": "Plan",
}


async def test_api_draft_lists_rooms_sessions_and_speakers(client, event, programme, token):
    response = await client.get(draft(event), headers=bearer(token))

    assert response.status_code == 200
    body = response.json()
    assert [r["name"] for r in body["rooms"]] == ["Main Hall", "Itchen Suite"]
    assert [s["title"] for s in body["sessions"]] == [
        "Welcome",
        "What serious violence means here",
        "Workshop: the draft plan",
        "Closed briefing",
    ]
    chief, leader, _ = programme["speakers"]
    assert body["sessions"][0]["speakers"] == [
        {"speaker_id": chief.id, "role": "speaker"},
        {"speaker_id": leader.id, "role": "speaker"},
    ]
    assert body["sessions"][0]["published"] is False
    emails = {s["id"]: s["email"] for s in body["speakers"]}
    assert emails[chief.id] == "chief@police.example.org"
    assert body["changes_if_published"] == []


async def test_api_create_session(client, event, programme, token):
    main = programme["rooms"][0]

    response = await client.post(
        f"{draft(event)}/sessions", json={**SESSION, "room_id": main.id}, headers=bearer(token)
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["starts_at"], body["room_id"]) == (
        "Panel: partners together",
        "2027-06-09T13:00:00Z",
        main.id,
    )
    assert body["speakers"] == []
    assert await Session.filter(event_id=event.id, title="Panel: partners together").count() == 1


async def test_api_create_session_with_bad_values_is_422_with_field_messages(client, event, token):
    response = await client.post(
        f"{draft(event)}/sessions",
        json={**SESSION, "title": "", "starts_at": "2027-06-09T07:00:00+01:00", "places": 5},
        headers=bearer(token),
    )

    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "Some answers need correcting.",
        "fields": {
            "title": "Enter the session's title",
            "starts_at": "The session must start during the event",
            "places": "Only workshops take sign-ups",
        },
    }
    assert await Session.filter(event_id=event.id).count() == 0
    control = await client.post(f"{draft(event)}/sessions", json=SESSION, headers=bearer(token))
    assert control.status_code == 201


async def test_api_create_session_time_without_offset_is_422(client, event, token):
    response = await client.post(
        f"{draft(event)}/sessions",
        json={**SESSION, "starts_at": "2027-06-09T14:00:00"},
        headers=bearer(token),
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
    assert await Session.filter(event_id=event.id).count() == 0
    control = await client.post(f"{draft(event)}/sessions", json=SESSION, headers=bearer(token))
    assert control.status_code == 201


async def test_api_update_session_moves_it(client, event, programme, token):
    welcome, side = programme["sessions"][0], programme["rooms"][1]

    response = await client.put(
        f"{draft(event)}/sessions/{welcome.id}",
        json={
            **SESSION,
            "title": "Welcome",
            "kind": "plenary",
            "starts_at": "2027-06-09T09:30:00+01:00",
            "ends_at": "2027-06-09T10:00:00+01:00",
            "room_id": side.id,
        },
        headers=bearer(token),
    )

    assert response.status_code == 200
    assert response.json()["room_id"] == side.id
    assert len(response.json()["speakers"]) == 2
    assert (await Session.get(id=welcome.id)).room_id == side.id


async def test_api_set_session_speakers_in_order(client, event, programme, token):
    workshop = programme["sessions"][2]
    chief, _, vru = programme["speakers"]

    response = await client.put(
        f"{draft(event)}/sessions/{workshop.id}/speakers",
        json={
            "speakers": [
                {"speaker_id": vru.id, "role": "facilitator"},
                {"speaker_id": chief.id, "role": "speaker"},
            ]
        },
        headers=bearer(token),
    )

    assert response.status_code == 200
    assert response.json()["speakers"] == [
        {"speaker_id": vru.id, "role": "facilitator"},
        {"speaker_id": chief.id, "role": "speaker"},
    ]


async def test_api_set_session_speakers_bad_role_is_422_and_keeps_the_old_ones(
    client, event, programme, token
):
    welcome = programme["sessions"][0]
    _, _, vru = programme["speakers"]

    response = await client.put(
        f"{draft(event)}/sessions/{welcome.id}/speakers",
        json={"speakers": [{"speaker_id": vru.id, "role": "compère"}]},
        headers=bearer(token),
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "speakers.0.role": "Choose chair, speaker, panellist or facilitator"
    }
    assert await SessionSpeaker.filter(session_id=welcome.id).count() == 2
    control = await client.put(
        f"{draft(event)}/sessions/{welcome.id}/speakers",
        json={"speakers": [{"speaker_id": vru.id, "role": "chair"}]},
        headers=bearer(token),
    )
    assert control.status_code == 200
    assert await SessionSpeaker.filter(session_id=welcome.id).values_list("speaker_id", "role") == [
        (vru.id, "chair")
    ]


async def test_api_cancel_unpublished_session_deletes_it(client, event, programme, token):
    welcome = programme["sessions"][0]

    response = await client.delete(f"{draft(event)}/sessions/{welcome.id}", headers=bearer(token))

    assert response.status_code == 200
    assert response.json() == {"deleted": True, "session": None}
    assert not await Session.filter(id=welcome.id).exists()


async def test_api_cancel_published_session_marks_it_and_restore_brings_it_back(
    client, event, programme, organiser, token, settings
):
    welcome = programme["sessions"][0]
    await publish_programme(organiser, event.id, settings)

    cancelled = await client.delete(f"{draft(event)}/sessions/{welcome.id}", headers=bearer(token))
    restored = await client.post(
        f"{draft(event)}/sessions/{welcome.id}/restore", headers=bearer(token)
    )

    assert cancelled.status_code == 200
    assert cancelled.json()["deleted"] is False
    assert cancelled.json()["session"]["cancelled_at"] is not None
    assert cancelled.json()["session"]["published"] is True
    assert restored.status_code == 200
    assert restored.json()["cancelled_at"] is None


async def test_api_rooms_create_update_order_and_delete(client, event, programme, token):
    main, side = programme["rooms"]

    made = await client.post(
        f"{draft(event)}/rooms", json={"name": "Boardroom", "capacity": 12}, headers=bearer(token)
    )
    room_id = made.json()["id"]
    renamed = await client.put(
        f"{draft(event)}/rooms/{room_id}",
        json={"name": "Board Room", "capacity": None, "access_notes": "Lift to floor 2"},
        headers=bearer(token),
    )
    ordered = await client.put(
        f"{draft(event)}/rooms/order",
        json={"room_ids": [room_id, main.id, side.id]},
        headers=bearer(token),
    )
    deleted = await client.delete(f"{draft(event)}/rooms/{room_id}", headers=bearer(token))

    assert made.status_code == 201
    assert made.json()["position"] == 2
    assert renamed.json() == {
        "id": room_id,
        "name": "Board Room",
        "capacity": None,
        "access_notes": "Lift to floor 2",
        "position": 2,
    }
    assert [r["name"] for r in ordered.json()["items"]] == [
        "Board Room",
        "Main Hall",
        "Itchen Suite",
    ]
    assert deleted.status_code == 204
    assert not await Room.filter(id=room_id).exists()


async def test_api_delete_room_in_use_is_409(client, event, programme, token):
    main = programme["rooms"][0]

    response = await client.delete(f"{draft(event)}/rooms/{main.id}", headers=bearer(token))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["message"].startswith("2 sessions are in Main Hall")
    assert await Room.filter(id=main.id).exists()
    unused = await client.post(
        f"{draft(event)}/rooms", json={"name": "Annex"}, headers=bearer(token)
    )
    control = await client.delete(
        f"{draft(event)}/rooms/{unused.json()['id']}", headers=bearer(token)
    )
    assert control.status_code == 204
    assert await Room.filter(event_id=event.id).count() == 2


async def test_api_create_room_bad_capacity_is_422(client, event, token):
    response = await client.post(
        f"{draft(event)}/rooms", json={"name": "Hall", "capacity": 0}, headers=bearer(token)
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "capacity": "Enter a capacity between 1 and 10000, or leave it empty"
    }
    assert await Room.filter(event_id=event.id).count() == 0
    control = await client.post(
        f"{draft(event)}/rooms", json={"name": "Hall", "capacity": 1}, headers=bearer(token)
    )
    assert control.status_code == 201


async def test_api_order_rooms_not_each_once_is_422(client, event, programme, token):
    main, side = programme["rooms"]

    response = await client.put(
        f"{draft(event)}/rooms/order", json={"room_ids": [main.id]}, headers=bearer(token)
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "room_ids": "List each of this event's rooms once"
    }
    assert await Room.filter(event_id=event.id).order_by("position").values_list(
        "id", flat=True
    ) == [main.id, side.id]
    control = await client.put(
        f"{draft(event)}/rooms/order", json={"room_ids": [side.id, main.id]}, headers=bearer(token)
    )
    assert control.status_code == 200
    assert await Room.filter(event_id=event.id).order_by("position").values_list(
        "id", flat=True
    ) == [side.id, main.id]


async def test_api_speakers_create_update_and_delete(client, event, token):
    made = await client.post(
        f"{draft(event)}/speakers",
        json={"honorific": "Dr", "name": "Amina Hassan", "email": "Amina@Example.org"},
        headers=bearer(token),
    )
    speaker_id = made.json()["id"]
    updated = await client.put(
        f"{draft(event)}/speakers/{speaker_id}",
        json={"name": "Amina Hassan", "job_title": "Youth worker"},
        headers=bearer(token),
    )
    deleted = await client.delete(f"{draft(event)}/speakers/{speaker_id}", headers=bearer(token))

    assert made.status_code == 201
    assert (made.json()["display_name"], made.json()["email"], made.json()["status"]) == (
        "Dr Amina Hassan",
        "amina@example.org",
        "invited",
    )
    assert (updated.json()["honorific"], updated.json()["job_title"]) == ("", "Youth worker")
    assert deleted.status_code == 204
    assert not await Speaker.filter(id=speaker_id).exists()


async def test_api_create_speaker_bad_email_is_422(client, event, token):
    response = await client.post(
        f"{draft(event)}/speakers",
        json={"name": "Jo", "email": "not an address"},
        headers=bearer(token),
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "email": "Enter an email address like name@example.org"
    }
    assert await Speaker.filter(event_id=event.id).count() == 0
    control = await client.post(
        f"{draft(event)}/speakers",
        json={"name": "Jo", "email": "jo@example.org"},
        headers=bearer(token),
    )
    assert control.status_code == 201


async def test_api_create_speaker_without_name_is_422(client, event, token):
    response = await client.post(
        f"{draft(event)}/speakers", json={"job_title": "Lead"}, headers=bearer(token)
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["name"]
    assert await Speaker.filter(event_id=event.id).count() == 0
    control = await client.post(
        f"{draft(event)}/speakers", json={"name": "Jo", "job_title": "Lead"}, headers=bearer(token)
    )
    assert control.status_code == 201


async def test_api_publish_makes_a_version_and_tells_delegates(
    client, event, programme, organiser, token, settings
):
    await registered(organiser, event, 1, settings)

    response = await client.post(
        f"/api/v1/events/{event.id}/programme/publish", headers=bearer(token)
    )

    assert response.status_code == 201
    assert (response.json()["number"], response.json()["changelog"]) == (1, [])
    assert response.json()["published_by"] == "Test organiser"
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1
    assert await OutboxMessage.filter(category="programme-published").count() == 1


async def test_api_publish_twice_without_changes_is_409(
    client, event, programme, organiser, token, settings
):
    await publish_programme(organiser, event.id, settings)

    response = await client.post(
        f"/api/v1/events/{event.id}/programme/publish", headers=bearer(token)
    )

    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Nothing has changed since version 1."
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1
    await client.delete(
        f"{draft(event)}/sessions/{programme['sessions'][0].id}", headers=bearer(token)
    )
    control = await client.post(
        f"/api/v1/events/{event.id}/programme/publish", headers=bearer(token)
    )
    assert control.status_code == 201
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 2


async def test_api_publish_empty_draft_is_422(client, event, token):
    response = await client.post(
        f"/api/v1/events/{event.id}/programme/publish", headers=bearer(token)
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "sessions": "Add at least one session before publishing"
    }
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    await client.post(f"{draft(event)}/sessions", json=SESSION, headers=bearer(token))
    control = await client.post(
        f"/api/v1/events/{event.id}/programme/publish", headers=bearer(token)
    )
    assert control.status_code == 201


async def test_api_versions_list_and_one(client, event, programme, organiser, token, settings):
    await publish_programme(organiser, event.id, settings)
    welcome = programme["sessions"][0]
    await client.delete(f"{draft(event)}/sessions/{welcome.id}", headers=bearer(token))
    await publish_programme(organiser, event.id, settings)

    listed = await client.get(
        f"/api/v1/events/{event.id}/programme/versions", headers=bearer(token)
    )
    one = await client.get(f"/api/v1/events/{event.id}/programme/versions/2", headers=bearer(token))

    assert [v["number"] for v in listed.json()["items"]] == [2, 1]
    assert one.json()["changelog"] == [
        {
            "session_id": welcome.id,
            "title": "Welcome",
            "kinds": ["cancelled"],
            "lines": ["Cancelled: Welcome, Wednesday 9 June 2027, 9:30am to 10:00am."],
            "not_for_publication": False,
        }
    ]


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.MODERATOR])
async def test_api_editing_by_anyone_but_the_events_organisers_is_404(
    client, event, programme, role, token
):
    other = await make_staff(role)
    main, welcome = programme["rooms"][0], programme["sessions"][0]
    headers = bearer(await auth.create_api_token(other.email))

    answers = [
        await client.get(draft(event), headers=headers),
        await client.post(f"{draft(event)}/rooms", json={"name": "Mine"}, headers=headers),
        await client.delete(f"{draft(event)}/rooms/{main.id}", headers=headers),
        await client.delete(f"{draft(event)}/sessions/{welcome.id}", headers=headers),
        await client.post(f"/api/v1/events/{event.id}/programme/publish", headers=headers),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert answers[0].json()["error"]["code"] == "not_found"
    assert await Room.filter(event_id=event.id).count() == 2
    assert await Session.filter(id=welcome.id).exists()
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    control = await client.get(draft(event), headers=bearer(token))  # the event's organiser
    assert control.status_code == 200


async def test_api_admin_may_edit_any_event(client, event, programme):
    admin = await make_staff(Role.ADMIN)
    token = await auth.create_api_token(admin.email)

    response = await client.post(
        f"{draft(event)}/rooms", json={"name": "Annex"}, headers=bearer(token)
    )

    assert response.status_code == 201


async def test_api_editing_without_a_token_is_401(client, event, programme, token):
    response = await client.post(f"{draft(event)}/rooms", json={"name": "Mine"})

    assert response.status_code == 401
    assert await Room.filter(event_id=event.id).count() == 2
    control = await client.post(
        f"{draft(event)}/rooms", json={"name": "Mine"}, headers=bearer(token)
    )
    assert control.status_code == 201


async def test_api_session_of_another_event_is_404(client, event, programme, organiser, token):
    other = await create_event(organiser, event_data(title="Other"))
    welcome = programme["sessions"][0]

    response = await client.get(
        f"/api/v1/events/{other.id}/programme/draft/sessions/{welcome.id}", headers=bearer(token)
    )
    control = await client.get(f"{draft(event)}/sessions/{welcome.id}", headers=bearer(token))

    assert response.status_code == 404
    assert control.status_code == 200


async def test_api_openapi_documents_programme_editing(client):
    response = await client.get("/api/v1/openapi.json")

    paths = response.json()["paths"]
    base = "/api/v1/events/{id}/programme"
    assert set(paths[f"{base}/draft/sessions/{{session_id}}"]) == {"get", "put", "delete"}
    assert set(paths[f"{base}/draft/rooms/{{room_id}}"]) == {"put", "delete"}
    assert set(paths[f"{base}/draft/speakers/{{speaker_id}}"]) == {"put", "delete"}
    assert "post" in paths[f"{base}/publish"]
    create = paths[f"{base}/draft/sessions"]["post"]
    assert "security" not in create  # the document's default: a bearer token
    assert response.json()["security"] == [{"bearer": []}]
    assert set(create["responses"]) == {"201", "401", "404", "422"}
    assert "requestBody" in create
