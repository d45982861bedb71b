"""Bad input gets a 4xx with a clear message, never a 500 (issue 15).

Ids beyond what the database holds, an unknown status filter, a JSON body that is not
UTF-8; the API checks the token before it says anything about the body; the OpenAPI
document shows the 422 body the server sends.
"""

from __future__ import annotations

import json

import pytest

from convenor import auth
from convenor.models import Role
from events.models import Event
from events.service import create_event
from tests.conftest import make_staff
from tests.directory.factories import make_entry
from tests.events.factories import event_data, published_event, registered

HUGE = "99999999999999999999"  # beyond 64 bits
INT32_PLUS_ONE = str(2**31)  # beyond PostgreSQL's integer
NEW_EVENT = {
    "title": "Serious Violence Delivery Plan Conference",
    "contact_email": "events@safercity.example.org",
    "starts_at": "2027-06-09T09:30:00+01:00",
    "ends_at": "2027-06-09T16:30:00+01:00",
    "capacity": 100,
}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def admin_token(app) -> str:
    admin = await make_staff(Role.ADMIN)
    return await auth.create_api_token(admin.email)


@pytest.fixture
async def entry(app):
    return await make_entry()


# ids outside the database's integer range


@pytest.mark.parametrize("number", [HUGE, INT32_PLUS_ONE])
@pytest.mark.parametrize(
    "template", ["/events/{}/programme", "/directory/{}", "/events/{}/programme.ics"]
)
async def test_page_id_beyond_database_range_is_404(client, template, number):
    response = await client.get(template.format(number))

    assert response.status_code == 404
    assert "Page not found" in response.text


async def test_page_id_in_range_still_found(client, entry):
    response = await client.get(f"/directory/{entry.id}")

    assert response.status_code == 200
    assert "Portswood Youth Club" in response.text


@pytest.mark.parametrize("number", [HUGE, INT32_PLUS_ONE])
@pytest.mark.parametrize(
    "template",
    [
        "/api/v1/directory/entries/{}",
        "/api/v1/events/{}",
        "/api/v1/events/{}/programme",
        "/api/v1/events/{}/registrations",
        "/api/v1/events/1/programme/versions/{}",
    ],
)
async def test_api_id_beyond_database_range_is_404(client, admin_token, template, number):
    response = await client.get(template.format(number), headers=bearer(admin_token))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_api_id_in_range_still_found(client, entry):
    response = await client.get(f"/api/v1/directory/entries/{entry.id}")

    assert response.status_code == 200
    assert response.json()["name"] == "Portswood Youth Club"


# status filters


async def test_api_registrations_unknown_status_is_422_naming_the_field(client, admin_token):
    admin = await auth.api_token_user(admin_token)
    event = await create_event(admin, event_data())

    response = await client.get(
        f"/api/v1/events/{event.id}/registrations?status=bogus", headers=bearer(admin_token)
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"status": "One of: registered, waitlisted, cancelled"}
    control = await client.get(
        f"/api/v1/events/{event.id}/registrations?status=registered", headers=bearer(admin_token)
    )
    assert control.status_code == 200


async def test_api_registrations_known_status_is_200(client, admin_token):
    admin = await auth.api_token_user(admin_token)
    event = await create_event(admin, event_data())

    response = await client.get(
        f"/api/v1/events/{event.id}/registrations?status=registered", headers=bearer(admin_token)
    )

    assert response.status_code == 200
    assert response.json() == {"items": []}


# JSON bodies that are not UTF-8


async def test_api_body_not_utf8_is_422_json_error(client, admin_token):
    body = json.dumps(NEW_EVENT).replace("Serious", "Seri\xf6us").encode("latin-1")

    response = await client.post(
        "/api/v1/events",
        content=body,
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"body": "Not UTF-8 JSON"}
    assert await Event.all().count() == 0
    control = await client.post(
        "/api/v1/events",
        content=json.dumps(NEW_EVENT).encode("utf-8"),
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )
    assert control.status_code == 201


async def test_api_body_utf8_is_created(client, admin_token):
    body = json.dumps(NEW_EVENT).replace("Serious", "Seri\xf6us").encode("utf-8")

    response = await client.post(
        "/api/v1/events",
        content=body,
        headers={**bearer(admin_token), "Content-Type": "application/json"},
    )

    assert response.status_code == 201
    assert response.json()["title"] == "Seriöus Violence Delivery Plan Conference"


# authentication before the body


async def test_api_anonymous_post_empty_object_is_401_not_field_list(client, admin_token):
    response = await client.post("/api/v1/events", json={})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorised"
    assert response.json()["error"]["fields"] == {}
    assert await Event.all().count() == 0
    control = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(admin_token))
    assert control.status_code == 201


async def test_api_anonymous_post_bad_json_is_401(client, admin_token):
    response = await client.post(
        "/api/v1/events", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"
    assert await Event.all().count() == 0
    control = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(admin_token))
    assert control.status_code == 201


async def test_api_bad_token_post_empty_object_is_401(client, admin_token):
    response = await client.post("/api/v1/events", json={}, headers=bearer("not-a-token"))

    assert response.status_code == 401
    assert response.json()["error"]["fields"] == {}
    control = await client.post("/api/v1/events", json={}, headers=bearer(admin_token))
    assert control.status_code == 422  # a real token is told what the body lacks


async def test_api_token_post_empty_object_is_422_with_fields(client, admin_token):
    response = await client.post("/api/v1/events", json={}, headers=bearer(admin_token))

    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"title", "contact_email", "starts_at", "ends_at", "capacity"} <= set(fields)
    assert await Event.all().count() == 0
    control = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(admin_token))
    assert control.status_code == 201


async def test_api_public_operation_needs_no_token(client, entry):
    response = await client.get("/api/v1/directory/entries")

    assert response.status_code == 200
    assert response.json()["total"] == 1


# the OpenAPI document's 422


async def test_openapi_every_422_is_the_error_object(client, app):
    document = (await client.get("/api/v1/openapi.json")).json()
    components = document["components"]["schemas"]

    def resolve(schema: dict) -> dict:
        return components[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema

    documented = [
        (path, method, answers["422"])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if "422" in (answers := operation["responses"])
    ]
    assert len(documented) == sum(len(m) for m in document["paths"].values())
    for path, method, answer in documented:
        schema = resolve(answer["content"]["application/json"]["schema"])
        assert schema["required"] == ["error"], (method, path)
        error = resolve(schema["properties"]["error"])
        assert set(error["properties"]) == {"code", "message", "fields"}, (method, path)
        assert error["properties"]["fields"]["type"] == "object", (method, path)


# numbers and times in bodies beyond what the database holds


async def test_api_body_id_beyond_database_range_is_422_naming_the_field(
    client, admin_token, settings
):
    admin = await auth.api_token_user(admin_token)
    event = await published_event(admin)
    delegate, _ = await registered(admin, event, settings)

    response = await client.post(
        f"/api/v1/events/{event.id}/check-in",
        json={"registration_id": 2**31},
        headers=bearer(admin_token),
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["registration_id"]
    control = await client.post(
        f"/api/v1/events/{event.id}/check-in",
        json={"registration_id": delegate.id},
        headers=bearer(admin_token),
    )
    assert control.status_code == 200


async def test_api_body_id_in_range_unknown_is_404(client, admin_token, settings):
    admin = await auth.api_token_user(admin_token)
    event = await published_event(admin)
    delegate, _ = await registered(admin, event, settings)

    response = await client.post(
        f"/api/v1/events/{event.id}/check-in",
        json={"registration_id": 2**31 - 1},
        headers=bearer(admin_token),
    )

    assert response.status_code == 404
    control = await client.post(
        f"/api/v1/events/{event.id}/check-in",
        json={"registration_id": delegate.id},
        headers=bearer(admin_token),
    )
    assert control.status_code == 200


async def test_api_time_in_year_one_is_422_naming_the_field(client, admin_token):
    body = {**NEW_EVENT, "starts_at": "0001-01-01T00:00:01+00:01"}

    response = await client.post("/api/v1/events", json=body, headers=bearer(admin_token))

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
    assert await Event.all().count() == 0
    control = await client.post("/api/v1/events", json=NEW_EVENT, headers=bearer(admin_token))
    assert control.status_code == 201
