"""The directory API's edits (issue 17): a PUT replaces an entry's content and changes
its status only when it sends one; a PATCH changes only the fields it sends.

Every test reads the entry back (through the API as a moderator sees it, and from the
database) rather than trusting the answer to the edit.
"""

from __future__ import annotations

import asyncio

import pytest

from convenor import auth
from convenor.models import Role
from directory import moderation
from directory.models import Entry, Service, Status
from tests.conftest import make_staff
from tests.directory.factories import make_entry

API = "/api/v1/directory/entries"
NEW = {
    "kind": "network",
    "name": "Southampton Street Pastors",
    "description": "Volunteers out on Friday and Saturday nights.",
    "themes": ["anti-social-behaviour"],
    "areas": ["bargate"],
    "services": [{"name": "Night patrols", "who_for": "People out in the city centre"}],
}
# An entry with every field filled, two themes, two areas and two services.
FULL = {
    "kind": "voluntary",
    "alternate_names": "Shirley Youth\nSYP",
    "description": "Youth work in Shirley and Freemantle.",
    "website": "https://shirley-youth.example.org",
    "email": "hello@shirley-youth.example.org",
    "phone": "023 8000 0000",
    "address": "1 High Street\nShirley",
    "town": "Southampton",
    "postcode": "SO15 3AA",
    "hide_address": True,
    "charity_number": "1234567",
    "company_number": "07654321",
    "opening_times": "Mondays 6pm to 9pm",
    "accessibility": "Step-free entrance",
    "languages": "English, Polish",
    "contact_name": "Sam Contact",
    "contact_email": "sam@example.org",
    "themes": ["youth-diversion", "knife-crime"],
    "areas": ["shirley", "freemantle"],
    "services": [
        {"name": "Drop-in", "description": "Open evenings", "who_for": "Ages 11 to 16"},
        {"name": "Mentoring", "how_to_access": "Ask at the drop-in"},
    ],
}


@pytest.fixture
async def moderator(app):
    return await make_staff(Role.MODERATOR)


@pytest.fixture
async def headers(moderator) -> dict[str, str]:
    return {"Authorization": f"Bearer {await auth.create_api_token(moderator.email)}"}


async def full_entry(status: Status = Status.PUBLISHED, **changes):
    fields = {**FULL, **changes}
    return await make_entry("Shirley Youth Project", status=status, **fields)


async def staff_json(client, headers, entry_id: int) -> dict:
    response = await client.get(f"{API}/{entry_id}", headers=headers)
    assert response.status_code == 200
    return response.json()


async def stored(entry_id: int) -> dict:
    """The entry's row and its services' rows as stored, for before/after comparisons."""
    row = await Entry.filter(id=entry_id).values()  # every column
    services = await Service.filter(entry_id=entry_id).order_by("position", "id").values()
    entry = await Entry.get(id=entry_id)
    await entry.fetch_related("themes", "areas")
    return {
        "row": row[0],
        "services": services,
        "themes": sorted(t.slug for t in entry.themes),
        "areas": sorted(a.slug for a in entry.areas),
    }


# -- PUT: the status changes only when sent --------------------------------------------


@pytest.mark.parametrize(
    "status", [Status.PENDING, Status.ARCHIVED, Status.PUBLISHED, Status.HIDDEN]
)
async def test_put_without_status_keeps_the_status(client, taxonomy, headers, status):
    entry = await make_entry("Old Name", status=status)
    published_at = (await Entry.get(id=entry.id)).published_at

    response = await client.put(f"{API}/{entry.id}", json=NEW, headers=headers)

    saved = await Entry.get(id=entry.id)
    assert response.status_code == 200
    assert response.json()["status"] == status.value
    assert (saved.name, saved.status, saved.published_at) == (
        "Southampton Street Pastors",
        status,
        published_at,
    )


async def test_put_with_status_published_publishes_a_pending_entry(client, taxonomy, headers):
    entry = await make_entry("Old Name", status=Status.PENDING)
    assert (await Entry.get(id=entry.id)).published_at is None

    response = await client.put(
        f"{API}/{entry.id}", json={**NEW, "status": "published"}, headers=headers
    )

    saved = await Entry.get(id=entry.id)
    assert response.status_code == 200
    assert (response.json()["status"], saved.status) == ("published", Status.PUBLISHED)
    assert saved.name == "Southampton Street Pastors"
    assert saved.published_at is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [({"description": ""}, "description"), ({"kind": ""}, "kind"), ({"kind": None}, "kind")],
)
async def test_put_publishing_without_description_or_kind_is_refused(
    client, taxonomy, headers, change, field
):
    entry = await make_entry("Old Name", status=Status.PENDING)
    before = await stored(entry.id)

    response = await client.put(
        f"{API}/{entry.id}", json={**NEW, **change, "status": "published"}, headers=headers
    )

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert await stored(entry.id) == before


async def test_put_by_organiser_is_forbidden_and_changes_nothing(client, taxonomy, headers):
    organiser = await make_staff(Role.ORGANISER)
    token = await auth.create_api_token(organiser.email)
    entry = await make_entry("Old Name", status=Status.PENDING)

    response = await client.put(
        f"{API}/{entry.id}", json=NEW, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 403
    assert (await Entry.get(id=entry.id)).name == "Old Name"
    control = await client.put(f"{API}/{entry.id}", json=NEW, headers=headers)  # a moderator
    assert control.status_code == 200
    assert (await Entry.get(id=entry.id)).name == "Southampton Street Pastors"


# -- PATCH: only the fields sent ------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        ({"phone": "023 8099 1234"}, {"phone": "023 8099 1234"}),
        ({"description": "New words."}, {"description": "New words."}),
        ({"name": "Shirley Youth"}, {"name": "Shirley Youth"}),
        ({"hide_address": False}, {"address_hidden": False}),
        ({"website": None}, {"website": ""}),
        (
            {"themes": ["hate-crime"]},
            {"themes": [{"slug": "hate-crime", "name": "Hate crime"}]},
        ),
        ({"areas": []}, {"areas": []}),
    ],
)
async def test_patch_of_one_field_changes_only_it(client, taxonomy, headers, change, expect):
    entry = await full_entry()
    before = await staff_json(client, headers, entry.id)

    response = await client.patch(f"{API}/{entry.id}", json=change, headers=headers)

    after = await staff_json(client, headers, entry.id)
    assert response.status_code == 200
    assert response.json() == after
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {*expect, "updated_at"}
    assert {key: after[key] for key in expect} == expect


async def test_patch_services_replaces_the_list_and_keeps_the_first_service_id(
    client, taxonomy, headers
):
    entry = await full_entry()
    before = await staff_json(client, headers, entry.id)

    response = await client.patch(
        f"{API}/{entry.id}", json={"services": [{"name": "Drop-in night"}]}, headers=headers
    )

    after = await staff_json(client, headers, entry.id)
    assert response.status_code == 200
    assert [(s["uuid"], s["name"], s["who_for"]) for s in after["services"]] == [
        (before["services"][0]["uuid"], "Drop-in night", "")
    ]
    assert {k for k in before if before[k] != after[k]} == {"services", "updated_at"}


async def test_patch_reads_back_every_other_column_unchanged(client, taxonomy, headers):
    entry = await full_entry()
    before = await stored(entry.id)

    response = await client.patch(f"{API}/{entry.id}", json={"town": "Totton"}, headers=headers)

    after = await stored(entry.id)
    assert response.status_code == 200
    assert after["row"].pop("town") == "Totton"
    assert after["row"].pop("updated_at") >= before["row"].pop("updated_at")
    before["row"].pop("town")
    assert after == before


async def test_patch_keeps_stored_values_todays_checks_would_refuse(client, taxonomy, headers):
    """An imported entry may hold a phone number the form would refuse: a PATCH of
    another field saves, and the phone stays exactly as stored."""
    entry = await full_entry(phone="call the office", website="shirley.example.org")

    response = await client.patch(
        f"{API}/{entry.id}", json={"description": "New words."}, headers=headers
    )

    saved = await Entry.get(id=entry.id)
    assert response.status_code == 200
    assert (saved.description, saved.phone, saved.website) == (
        "New words.",
        "call the office",
        "shirley.example.org",
    )
    refused = await client.patch(
        f"{API}/{entry.id}", json={"phone": "call the office"}, headers=headers
    )
    assert refused.status_code == 422
    assert list(refused.json()["error"]["fields"]) == ["phone"]


async def test_patch_with_nothing_sent_changes_nothing(client, taxonomy, headers):
    entry = await full_entry(status=Status.PENDING)
    before = await stored(entry.id)

    response = await client.patch(f"{API}/{entry.id}", json={}, headers=headers)

    assert response.status_code == 200
    assert await stored(entry.id) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "Nul\x00byte"}, "description"),
        ({"name": "Nul\x00byte"}, "name"),
        ({"themes": ["knife-crime\x00"]}, "themes"),
        ({"description": "x" * 10_000}, "description"),
        ({"name": "x" * 10_000}, "name"),
        ({"address": "x" * 10_000}, "address"),
        ({"services": [{"name": "x" * 10_000}]}, "services"),
        ({"email": "not an email"}, "email"),
        ({"name": None}, "name"),
        ({"description": None}, "description"),
        ({"kind": "club"}, "kind"),
        ({"themes": ["no-such-theme"]}, "themes"),
        ({"status": "merged"}, "status"),
        ({"status": None}, "status"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_patch_with_bad_input_is_422_naming_the_field_and_changes_nothing(
    client, taxonomy, headers, change, field
):
    entry = await full_entry(status=Status.PENDING)
    before = await stored(entry.id)
    body = {"town": "Totton", **change}  # a good field along with the bad one

    response = await client.patch(f"{API}/{entry.id}", json=body, headers=headers)

    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert any(name == field or name.startswith(f"{field}.") for name in fields), fields
    if field == "services":
        assert any(name.startswith("service") for name in fields), fields
    assert await stored(entry.id) == before
    # The control: the good field alone saves.
    good = await client.patch(f"{API}/{entry.id}", json={"town": "Totton"}, headers=headers)
    assert good.status_code == 200
    assert (await Entry.get(id=entry.id)).town == "Totton"


async def test_patch_without_a_json_body_is_422(client, taxonomy, headers):
    entry = await full_entry()
    before = await stored(entry.id)

    response = await client.patch(
        f"{API}/{entry.id}",
        content=b"town=Totton",
        headers={**headers, "content-type": "text/plain"},
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"body": "Missing JSON body"}
    assert await stored(entry.id) == before
    control = await client.patch(f"{API}/{entry.id}", json={"town": "Totton"}, headers=headers)
    assert control.status_code == 200
    assert (await Entry.get(id=entry.id)).town == "Totton"


async def test_patch_by_organiser_is_forbidden_as_put_is(client, taxonomy, headers):
    organiser = await make_staff(Role.ORGANISER)
    token = await auth.create_api_token(organiser.email)
    entry = await full_entry()
    before = await stored(entry.id)
    organiser_headers = {"Authorization": f"Bearer {token}"}

    patched = await client.patch(f"{API}/{entry.id}", json={"town": "X"}, headers=organiser_headers)
    put = await client.put(f"{API}/{entry.id}", json=NEW, headers=organiser_headers)
    anonymous = await client.patch(f"{API}/{entry.id}", json={"town": "X"})

    assert (patched.status_code, put.status_code, anonymous.status_code) == (403, 403, 401)
    assert await stored(entry.id) == before
    control = await client.patch(f"{API}/{entry.id}", json={"town": "X"}, headers=headers)
    assert control.status_code == 200


async def test_patch_of_a_missing_entry_is_not_found(client, taxonomy, headers):
    entry = await full_entry()
    before = await stored(entry.id)

    response = await client.patch(f"{API}/999999", json={"town": "X"}, headers=headers)

    assert response.status_code == 404
    assert await stored(entry.id) == before
    control = await client.patch(f"{API}/{entry.id}", json={"town": "X"}, headers=headers)
    assert control.status_code == 200


@pytest.mark.parametrize("status", [Status.PENDING, Status.ARCHIVED, Status.HIDDEN])
async def test_patch_without_status_keeps_the_status(client, taxonomy, headers, status):
    entry = await full_entry(status=status)

    response = await client.patch(f"{API}/{entry.id}", json={"town": "Totton"}, headers=headers)

    saved = await Entry.get(id=entry.id)
    assert response.status_code == 200
    assert (saved.town, saved.status, saved.published_at) == ("Totton", status, None)


async def test_patch_status_alone_changes_only_the_status(client, taxonomy, headers):
    entry = await full_entry(status=Status.PENDING)
    before = await staff_json(client, headers, entry.id)

    response = await client.patch(
        f"{API}/{entry.id}", json={"status": "published"}, headers=headers
    )

    after = await staff_json(client, headers, entry.id)
    assert response.status_code == 200
    assert after["status"] == "published"
    assert {k for k in before if before[k] != after[k]} == {
        "status",
        "published_at",
        "updated_at",
    }


async def test_patch_and_put_on_an_archived_entry_edit_it_and_keep_it_archived(
    client, taxonomy, headers
):
    patched_entry = await full_entry(status=Status.ARCHIVED)
    put_entry = await full_entry(status=Status.ARCHIVED)

    patched = await client.patch(
        f"{API}/{patched_entry.id}", json={"name": "Renamed"}, headers=headers
    )
    put = await client.put(
        f"{API}/{put_entry.id}", json={**NEW, "name": "Renamed"}, headers=headers
    )

    assert (patched.status_code, put.status_code) == (200, 200)
    for entry in (patched_entry, put_entry):
        saved = await Entry.get(id=entry.id)
        assert (saved.name, saved.status) == ("Renamed", Status.ARCHIVED)


async def test_patch_and_put_on_a_merged_entry_are_conflicts(client, taxonomy, headers, moderator):
    keep = await full_entry()
    duplicate = await make_entry("Shirley Youth Project Ltd")
    await moderation.merge_entries(keep.id, duplicate.id, moderator)
    before = await stored(duplicate.id), await stored(keep.id)

    patched = await client.patch(
        f"{API}/{duplicate.id}", json={"status": "published"}, headers=headers
    )
    put = await client.put(
        f"{API}/{duplicate.id}", json={**NEW, "status": "published"}, headers=headers
    )

    assert (patched.status_code, put.status_code) == (409, 409)
    assert f"entry {keep.id}" in patched.json()["error"]["message"]
    assert (await stored(duplicate.id), await stored(keep.id)) == before
    assert (await Entry.get(id=duplicate.id)).status == Status.ARCHIVED
    # The control: the kept entry takes the same edits.
    kept = await client.patch(f"{API}/{keep.id}", json={"town": "Totton"}, headers=headers)
    assert kept.status_code == 200


async def test_patch_is_in_the_openapi_document(client):
    document = (await client.get("/api/v1/openapi.json")).json()

    operation = document["paths"]["/api/v1/directory/entries/{entry_id}"]["patch"]
    assert operation["summary"] == "Change only the fields sent (staff token: moderator or admin)."
    assert "JSON merge patch (RFC 7396)" in operation["description"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(operation["responses"])


# -- entries that cannot be published yet (no kind, no description) --------------------


async def test_publishing_by_patch_needs_a_description_and_a_kind_and_saves_nothing_else(
    client, taxonomy, headers
):
    entry = await make_entry("Nominated Group", status=Status.PENDING, kind=None, description="")
    before = await stored(entry.id)

    refused = await client.patch(
        f"{API}/{entry.id}", json={"town": "Totton", "status": "published"}, headers=headers
    )

    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) == {"description", "kind"}
    assert await stored(entry.id) == before  # the town was not saved either
    # The control: with a kind and a description the same PATCH publishes.
    body = {"town": "Totton", "kind": "community", "description": "Meets on Tuesdays."}
    published = await client.patch(
        f"{API}/{entry.id}", json={**body, "status": "published"}, headers=headers
    )
    assert published.status_code == 200
    saved = await Entry.get(id=entry.id)
    assert (saved.status, saved.town, saved.kind) == (Status.PUBLISHED, "Totton", "community")


async def test_an_entry_whose_kind_is_not_known_is_read_and_patched(client, taxonomy, headers):
    entry = await make_entry("Nominated Group", status=Status.PENDING, kind=None, description="")

    read = await client.get(f"{API}/{entry.id}", headers=headers)
    patched = await client.patch(f"{API}/{entry.id}", json={"town": "Totton"}, headers=headers)

    assert read.status_code == 200
    assert (read.json()["kind"], read.json()["kind_label"]) == (None, "Kind not known")
    assert patched.status_code == 200
    saved = await Entry.get(id=entry.id)
    assert (saved.town, saved.kind, saved.description, saved.status) == (
        "Totton",
        None,
        "",
        Status.PENDING,
    )


async def test_patches_of_different_fields_at_once_both_stay(client, taxonomy, headers):
    """Each PATCH reads the entry locked, so one cannot write back what the other had
    not yet changed."""
    entry = await full_entry()
    changes = [
        {"town": "Totton"},
        {"phone": "023 8011 2233"},
        {"opening_times": "Fridays"},
        {"themes": ["hate-crime"]},
        {"languages": "Somali"},
        {"services": [{"name": "Drop-in night"}]},
    ]

    answers = await asyncio.gather(
        *(client.patch(f"{API}/{entry.id}", json=change, headers=headers) for change in changes)
    )

    assert [a.status_code for a in answers] == [200] * len(changes)
    saved = await staff_json(client, headers, entry.id)
    assert (saved["town"], saved["phone"], saved["opening_times"], saved["languages"]) == (
        "Totton",
        "023 8011 2233",
        "Fridays",
        "Somali",
    )
    assert [t["slug"] for t in saved["themes"]] == ["hate-crime"]
    assert [s["name"] for s in saved["services"]] == ["Drop-in night"]
