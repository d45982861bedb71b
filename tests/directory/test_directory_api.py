"""The directory JSON API: public search and read, staff create, update and read."""

from __future__ import annotations

import pytest

from convenor import auth
from convenor.models import Role
from directory.models import Entry, Status
from tests.conftest import make_staff
from tests.directory.factories import make_entry

NEW = {
    "kind": "network",
    "name": "Southampton Street Pastors",
    "description": "Volunteers out on Friday and Saturday nights.",
    "themes": ["anti-social-behaviour"],
    "areas": ["bargate"],
    "services": [{"name": "Night patrols", "who_for": "People out in the city centre"}],
}


@pytest.fixture
async def moderator_token(app) -> str:
    user = await make_staff(Role.MODERATOR)
    return await auth.create_api_token(user.email)


async def test_api_search_returns_published_only(client, taxonomy):
    await make_entry("Portswood Chess Club")
    await make_entry("Pending Chess Club", status=Status.PENDING)

    response = await client.get("/api/v1/directory/entries", params={"q": "chess"})

    body = response.json()
    assert response.status_code == 200
    assert [item["name"] for item in body["items"]] == ["Portswood Chess Club"]
    assert body["total"] == 1


async def test_api_search_hostile_query_answers(client, taxonomy):
    response = await client.get("/api/v1/directory/entries", params={"q": '" OR 1=1 -- NEAR(*'})

    assert response.status_code == 200
    assert response.json()["total"] == 0


async def test_api_read_hides_address_and_contact(client, taxonomy):
    entry = await make_entry(
        "Safe Haven Refuge", address="12 Secret Street", postcode="SO14 7LY", hide_address=True
    )

    body = (await client.get(f"/api/v1/directory/entries/{entry.id}")).json()

    assert (body["address"], body["postcode"], body["address_hidden"]) == ("", "", True)
    assert "contact_email" not in body
    assert "sam@example.org" not in str(body)


async def test_api_read_unpublished_is_not_found(client, taxonomy):
    entry = await make_entry("Pending Group", status=Status.PENDING)
    shown = await make_entry("Published Group")

    response = await client.get(f"/api/v1/directory/entries/{entry.id}")
    control = await client.get(f"/api/v1/directory/entries/{shown.id}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert control.status_code == 200


async def test_api_read_with_moderator_token_shows_any_entry_as_moderators_see_it(
    client, taxonomy, moderator_token
):
    entry = await make_entry(
        "Safe Haven Refuge",
        status=Status.PENDING,
        address="12 Secret Street",
        postcode="SO14 7LY",
        hide_address=True,
        contact_name="Sam Lee",
        contact_email="sam@example.org",
    )

    response = await client.get(
        f"/api/v1/directory/entries/{entry.id}",
        headers={"Authorization": f"Bearer {moderator_token}"},
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["status"], body["address"], body["postcode"], body["address_hidden"]) == (
        "pending",
        "12 Secret Street",
        "SO14 7LY",
        True,
    )
    assert (body["contact_name"], body["contact_email"]) == ("Sam Lee", "sam@example.org")
    assert [(p["how"], p["source"]) for p in body["provenance"]] == [("staff", "Test fixture")]


async def test_api_read_with_organiser_token_is_the_public_view(client, taxonomy):
    organiser = await make_staff(Role.ORGANISER)
    token = await auth.create_api_token(organiser.email)
    pending = await make_entry("Pending Group", status=Status.PENDING)
    published = await make_entry("Open Group", contact_email="sam@example.org")
    headers = {"Authorization": f"Bearer {token}"}

    hidden = await client.get(f"/api/v1/directory/entries/{pending.id}", headers=headers)
    shown = await client.get(f"/api/v1/directory/entries/{published.id}", headers=headers)

    assert hidden.status_code == 404
    assert shown.status_code == 200
    assert shown.json()["name"] == "Open Group"
    assert "contact_email" not in shown.json()
    assert "status" not in shown.json()


async def test_api_read_with_a_bad_token_is_unauthorised(client, taxonomy):
    entry = await make_entry("Open Group")

    response = await client.get(
        f"/api/v1/directory/entries/{entry.id}", headers={"Authorization": "Bearer nonsense"}
    )
    control = await client.get(f"/api/v1/directory/entries/{entry.id}")  # no token at all

    assert response.status_code == 401
    assert control.status_code == 200


async def test_api_create_without_token_is_unauthorised(client, taxonomy, moderator_token):
    response = await client.post("/api/v1/directory/entries", json=NEW)

    assert response.status_code == 401
    assert await Entry.all().count() == 0
    control = await client.post(
        "/api/v1/directory/entries",
        json=NEW,
        headers={"Authorization": f"Bearer {moderator_token}"},
    )
    assert control.status_code == 201


async def test_api_create_with_organiser_token_is_forbidden(client, taxonomy, moderator_token):
    organiser = await make_staff(Role.ORGANISER)
    token = await auth.create_api_token(organiser.email)

    response = await client.post(
        "/api/v1/directory/entries", json=NEW, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 403
    assert await Entry.all().count() == 0
    control = await client.post(
        "/api/v1/directory/entries",
        json=NEW,
        headers={"Authorization": f"Bearer {moderator_token}"},
    )
    assert control.status_code == 201


async def test_api_create_with_moderator_token(client, taxonomy, moderator_token):
    response = await client.post(
        "/api/v1/directory/entries",
        json=NEW,
        headers={"Authorization": f"Bearer {moderator_token}"},
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["name"], body["themes"], body["services"][0]["name"]) == (
        "Southampton Street Pastors",
        [{"slug": "anti-social-behaviour", "name": "Anti-social behaviour"}],
        "Night patrols",
    )
    assert body["status"] == "published"
    assert [p["how"] for p in body["provenance"]] == ["staff"]


async def test_api_create_bad_fields_are_reported(client, taxonomy, moderator_token):
    response = await client.post(
        "/api/v1/directory/entries",
        json={**NEW, "kind": "club", "email": "nope"},
        headers={"Authorization": f"Bearer {moderator_token}"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "kind": "Choose what kind of organisation this is",
        "email": "Enter an email address like name@example.org",
    }
    assert await Entry.all().count() == 0
    control = await client.post(
        "/api/v1/directory/entries",
        json={**NEW, "email": "pastors@example.org"},
        headers={"Authorization": f"Bearer {moderator_token}"},
    )
    assert control.status_code == 201


async def test_api_update_replaces_fields(client, taxonomy, moderator_token):
    entry = await make_entry("Old Name")

    response = await client.put(
        f"/api/v1/directory/entries/{entry.id}",
        json={**NEW, "status": "hidden"},
        headers={"Authorization": f"Bearer {moderator_token}"},
    )

    saved = await Entry.get(id=entry.id)
    assert response.status_code == 200
    assert (saved.name, saved.status) == ("Southampton Street Pastors", Status.HIDDEN)


async def test_api_directory_routes_in_openapi(client):
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]

    assert {"/api/v1/directory/entries", "/api/v1/directory/entries/{entry_id}"} <= set(paths)


async def test_api_update_with_an_unknown_status_saves_nothing(client, taxonomy, moderator_token):
    entry = await make_entry("Old Name")

    response = await client.put(
        f"/api/v1/directory/entries/{entry.id}",
        json={**NEW, "status": "merged"},
        headers={"Authorization": f"Bearer {moderator_token}"},
    )

    assert response.status_code == 422
    assert (await Entry.get(id=entry.id)).name == "Old Name"
    control = await client.put(
        f"/api/v1/directory/entries/{entry.id}",
        json={**NEW, "status": "hidden"},
        headers={"Authorization": f"Bearer {moderator_token}"},
    )
    assert control.status_code == 200
    assert (await Entry.get(id=entry.id)).name == "Southampton Street Pastors"
