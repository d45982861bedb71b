"""The events JSON API: events, bulk invitations, registrations, check-in; who gets in."""

from __future__ import annotations

import pytest

from convenor import auth
from convenor.models import Role
from events.models import Event, Invitation, Registration
from events.registration import register
from events.service import create_event, publish_event
from tests.conftest import make_staff
from tests.forms import bearer

from .factories import answers, event_data, invite, link_for, outbox, registered

NEW_EVENT = {
    "title": "Serious Violence Delivery Plan Conference",
    "contact_email": "events@safercity.example.org",
    "starts_at": "2027-06-09T09:30:00+01:00",
    "ends_at": "2027-06-09T16:30:00+01:00",
    "capacity": 100,
    "venue_name": "St Mary's Stadium",
    "venue_postcode": "SO14 5FP",
}


@pytest.fixture
async def token(organiser) -> str:
    return await auth.create_api_token(organiser.email)


@pytest.fixture
async def other_token(app) -> str:
    other = await make_staff(Role.ORGANISER)
    return await auth.create_api_token(other.email)


async def test_api_create_event_stores_utc_and_returns_201(client, token, organiser):
    response = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(token))

    assert response.status_code == 201
    body = response.json()
    assert body["starts_at"] == "2027-06-09T08:30:00Z"
    assert body["status"] == "draft"
    event = await Event.get(id=body["id"])
    assert [o.id for o in await event.organisers.all()] == [organiser.id]


async def test_api_create_event_naive_time_is_422(client, token):
    body = {**NEW_EVENT, "starts_at": "2027-06-09T09:30:00"}

    response = await client.post("/api/v1/events", json=body, headers=bearer(token))

    assert response.status_code == 422
    assert "starts_at" in response.json()["error"]["fields"]
    assert await Event.all().count() == 0
    control = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(token))
    assert control.status_code == 201
    assert await Event.all().count() == 1


async def test_api_create_event_service_errors_are_per_field(client, token):
    body = {**NEW_EVENT, "contact_email": "nope", "venue_postcode": "XYZ"}

    response = await client.post("/api/v1/events", json=body, headers=bearer(token))

    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"contact_email", "venue_postcode"}
    assert await Event.all().count() == 0
    control = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(token))
    assert control.status_code == 201
    assert await Event.all().count() == 1


async def test_api_create_event_without_token_is_401(client, token):
    response = await client.post("/api/v1/events", json=NEW_EVENT)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"
    assert await Event.all().count() == 0
    control = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(token))
    assert control.status_code == 201


async def test_api_create_event_moderator_token_is_403(client, token):
    moderator = await make_staff(Role.MODERATOR)
    moderator_token = await auth.create_api_token(moderator.email)

    response = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(moderator_token))

    assert response.status_code == 403
    assert await Event.all().count() == 0
    control = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(token))
    assert control.status_code == 201


async def test_api_list_events_shows_only_mine(client, token, other_token, event):
    mine = await client.get("/api/v1/events", headers=bearer(token))
    theirs = await client.get("/api/v1/events", headers=bearer(other_token))

    assert [e["id"] for e in mine.json()["items"]] == [event.id]
    assert theirs.json()["items"] == []


async def test_api_read_event(client, token, event):
    response = await client.get(f"/api/v1/events/{event.id}", headers=bearer(token))

    assert response.status_code == 200
    assert response.json()["uuid"] == event.uuid


async def test_api_read_other_organisers_event_is_404(client, token, other_token, event):
    response = await client.get(f"/api/v1/events/{event.id}", headers=bearer(other_token))

    assert response.status_code == 404
    control = await client.get(f"/api/v1/events/{event.id}", headers=bearer(token))
    assert control.status_code == 200


async def test_api_bulk_invitations_created_and_sent(client, token, event):
    body = {
        "invitees": [
            {"name": "Ann Lee", "email": "ann@police.example.org", "organisation": "Police"},
            {"name": "Bob Ray", "email": "bob@council.example.org"},
        ],
        "send": True,
    }

    response = await client.post(
        f"/api/v1/events/{event.id}/invitations", json=body, headers=bearer(token)
    )

    assert response.status_code == 201
    result = response.json()
    assert result["sent"] == 2
    assert [i["email"] for i in result["items"]] == [
        "ann@police.example.org",
        "bob@council.example.org",
    ]
    assert all(i["sent_at"] for i in result["items"])
    assert len(await outbox("event-invitation")) == 2


async def test_api_bulk_invitations_with_a_bad_row_saves_nothing(client, token, event):
    body = {
        "invitees": [
            {"name": "Ann Lee", "email": "ann@police.example.org"},
            {"name": "", "email": "not-an-email"},
        ]
    }

    response = await client.post(
        f"/api/v1/events/{event.id}/invitations", json=body, headers=bearer(token)
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["row_2"]
    assert await Invitation.all().count() == 0
    control = await client.post(
        f"/api/v1/events/{event.id}/invitations",
        json={"invitees": body["invitees"][:1]},
        headers=bearer(token),
    )
    assert control.status_code == 201
    assert await Invitation.all().count() == 1


async def test_api_bulk_invitations_other_organiser_is_404(client, token, other_token, event):
    body = {"invitees": [{"name": "Ann Lee", "email": "ann@police.example.org"}]}
    path = f"/api/v1/events/{event.id}/invitations"

    response = await client.post(path, json=body, headers=bearer(other_token))

    assert response.status_code == 404
    assert await Invitation.all().count() == 0
    assert (await client.post(path, json=body, headers=bearer(token))).status_code == 201
    assert await Invitation.all().count() == 1


async def test_api_registrations_include_needs_for_organiser(
    client, token, organiser, event, settings
):
    registration, _ = await registered(organiser, event, settings)

    response = await client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(token))

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == registration.id
    assert item["email"] == "delegate1@partner.example.org"
    assert item["dietary"] == "Vegetarian"
    assert item["status"] == "registered"


async def test_api_registrations_other_organiser_is_404(
    client, token, other_token, organiser, event, settings
):
    await registered(organiser, event, settings)

    response = await client.get(
        f"/api/v1/events/{event.id}/registrations", headers=bearer(other_token)
    )

    assert response.status_code == 404
    control = await client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(token))
    assert control.status_code == 200


async def test_api_registrations_without_token_is_401(client, token, organiser, event, settings):
    await registered(organiser, event, settings)

    response = await client.get(f"/api/v1/events/{event.id}/registrations")

    assert response.status_code == 401
    control = await client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(token))
    assert control.status_code == 200


async def test_api_registrations_with_delegate_link_as_token_is_401(
    client, token, organiser, event, settings
):
    invitation = await invite(organiser, event)
    link = await link_for(invitation)
    await register(link, answers(), settings)

    response = await client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(link))

    assert response.status_code == 401
    control = await client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(token))
    assert control.status_code == 200


async def test_api_check_in_by_code_then_repeat(client, token, organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    path = f"/api/v1/events/{event.id}/check-in"

    first = await client.post(
        path, json={"code": registration.check_in_code.lower()}, headers=bearer(token)
    )
    second = await client.post(
        path, json={"registration_id": registration.id}, headers=bearer(token)
    )

    assert first.status_code == 200
    assert first.json()["first_time"] is True
    assert first.json()["registration"]["checked_in_at"] is not None
    assert second.json()["first_time"] is False


async def test_api_check_in_unknown_code_is_404(client, token, organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    path = f"/api/v1/events/{event.id}/check-in"

    response = await client.post(path, json={"code": "ZZZZZZ"}, headers=bearer(token))

    assert response.status_code == 404
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    code = registration.check_in_code
    control = await client.post(path, json={"code": code}, headers=bearer(token))
    assert control.status_code == 200


async def test_api_check_in_without_code_is_422(client, token, organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    path = f"/api/v1/events/{event.id}/check-in"

    response = await client.post(path, json={}, headers=bearer(token))

    assert response.status_code == 422
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    control = await client.post(
        path, json={"registration_id": registration.id}, headers=bearer(token)
    )
    assert control.status_code == 200


async def test_api_events_routes_in_openapi(client):
    response = await client.get("/api/v1/openapi.json")

    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/events"])
    assert "get" in paths["/api/v1/events/{id}"]
    assert "post" in paths["/api/v1/events/{id}/invitations"]
    assert "get" in paths["/api/v1/events/{id}/registrations"]
    assert "post" in paths["/api/v1/events/{id}/check-in"]


async def test_api_bulk_invitations_send_on_draft_is_409_and_saves_nothing(
    client, token, organiser
):
    draft = await create_event(organiser, event_data())
    body = {"invitees": [{"name": "Ann Lee", "email": "ann@police.example.org"}], "send": True}

    response = await client.post(
        f"/api/v1/events/{draft.id}/invitations", json=body, headers=bearer(token)
    )

    assert response.status_code == 409
    assert await Invitation.all().count() == 0
    assert await outbox() == []
    await publish_event(organiser, draft.id)
    control = await client.post(
        f"/api/v1/events/{draft.id}/invitations", json=body, headers=bearer(token)
    )
    assert control.status_code == 201
    assert await Invitation.all().count() == 1
