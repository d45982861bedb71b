"""The programme in the JSON API: public events without a token, organisers with one."""

from __future__ import annotations

import pytest

from convenor import auth
from convenor.models import Role
from events.models import Event
from programmes.publishing import publish_programme
from tests.conftest import make_staff

PUBLIC_TITLES = ["Welcome", "What serious violence means here", "Workshop: the draft plan"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def published(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


async def make_public(event) -> None:
    await Event.filter(id=event.id).update(visibility="public")


async def test_api_programme_public_without_token(client, event, published):
    await make_public(event)

    response = await client.get(f"/api/v1/events/{event.id}/programme")

    assert response.status_code == 200
    body = response.json()
    assert [s["title"] for s in body["sessions"]] == PUBLIC_TITLES
    assert body["version"] == 1
    assert body["sessions"][0]["speakers"][0]["display_name"] == "Chief Constable Zoë Ł. Dąbrowska"
    assert body["sessions"][0]["starts_at"] == "2027-06-09T08:30:00Z"
    assert "email" not in body["speakers"][0]


async def test_api_programme_invite_only_without_token_is_404(client, event, published, organiser):
    own = bearer(await auth.create_api_token(organiser.email))

    response = await client.get(f"/api/v1/events/{event.id}/programme")
    control = await client.get(f"/api/v1/events/{event.id}/programme", headers=own)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert control.status_code == 200


async def test_api_programme_organiser_token_sees_every_session(
    client, event, published, organiser
):
    token = await auth.create_api_token(organiser.email)

    response = await client.get(f"/api/v1/events/{event.id}/programme", headers=bearer(token))

    assert response.status_code == 200
    titles = [s["title"] for s in response.json()["sessions"]]
    assert titles == [*PUBLIC_TITLES, "Closed briefing"]


async def test_api_programme_other_organiser_token_is_404(client, event, published, organiser):
    other = await make_staff(Role.ORGANISER)
    token = await auth.create_api_token(other.email)
    own = await auth.create_api_token(organiser.email)

    response = await client.get(f"/api/v1/events/{event.id}/programme", headers=bearer(token))
    control = await client.get(f"/api/v1/events/{event.id}/programme", headers=bearer(own))

    assert response.status_code == 404
    assert control.status_code == 200


async def test_api_programme_bad_token_is_401(client, event, published):
    await make_public(event)

    response = await client.get(f"/api/v1/events/{event.id}/programme", headers=bearer("nope"))
    control = await client.get(f"/api/v1/events/{event.id}/programme")

    assert response.status_code == 401
    assert control.status_code == 200


async def test_api_session_public_and_not_for_publication(client, event, published):
    await make_public(event)
    welcome, briefing = published["sessions"][0], published["sessions"][3]

    found = await client.get(f"/api/v1/events/{event.id}/programme/sessions/{welcome.id}")
    hidden = await client.get(f"/api/v1/events/{event.id}/programme/sessions/{briefing.id}")

    assert found.status_code == 200
    assert found.json()["uid"] == welcome.calendar_uid
    assert hidden.status_code == 404


async def test_api_openapi_documents_programme(client, app):
    response = await client.get("/api/v1/openapi.json")

    paths = response.json()["paths"]
    assert "/api/v1/events/{id}/programme" in paths
    operation = paths["/api/v1/events/{id}/programme"]["get"]
    assert operation["security"] == [{}, {"bearer": []}]
