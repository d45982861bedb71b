"""HSDS 3.0 export (validated against the published schemas when present) and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from convenor.spreadsheet import safe_cell
from directory import moderation
from directory.models import Service, Status
from tests.directory.factories import make_entry

STANDARDS = Path(__file__).resolve().parents[1] / "standards" / "hsds-3.0"  # copies of ../shared


def hsds_validator(name: str) -> Draft202012Validator:
    resources = []
    for path in STANDARDS.glob("*.json"):
        contents = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    registry = Registry().with_resources(resources)
    schema = {**json.loads((STANDARDS / name).read_text()), "$id": name}
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(validator: Draft202012Validator, document) -> list[str]:
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


async def refuge(**fields):
    return await make_entry(
        "Safe Haven Refuge",
        address="12 Secret Street",
        town="Southampton",
        postcode="SO14 7LY",
        hide_address=True,
        themes=["domestic-abuse"],
        areas=["bevois"],
        services=[{"name": "Emergency accommodation", "who_for": "Women and children"}],
        **fields,
    )


async def youth_club():
    return await make_entry(
        "Portswood Youth Club",
        address="1 High Street\nPortswood",
        town="Southampton",
        postcode="SO17 2JB",
        phone="023 8000 0000",
        website="https://youth.example.org",
        charity_number="1012345",
        languages="English, Polish",
        opening_times="Tuesdays 6pm to 9pm",
        themes=["youth-diversion"],
        areas=["portswood"],
        services=[{"name": "Boxing", "description": "Weekly sessions"}],
    )


async def test_hsds_root_describes_api(client):
    body = (await client.get("/api/hsds/")).json()

    assert body["version"] == "3.0"


async def test_hsds_organisation_is_valid(client, taxonomy):
    entry = await youth_club()

    body = (await client.get(f"/api/hsds/organizations/{entry.uuid}")).json()

    assert errors(hsds_validator("organization.json"), body) == []
    assert body["locations"][0]["addresses"][0]["postal_code"] == "SO17 2JB"
    assert body["organization_identifiers"][0]["identifier"] == "1012345"


async def test_hsds_service_is_valid(client, taxonomy):
    await youth_club()
    service = await Service.get(name="Boxing")

    body = (await client.get(f"/api/hsds/services/{service.uuid}")).json()

    assert errors(hsds_validator("service.json"), body) == []
    assert [a["taxonomy_term"]["name"] for a in body["attributes"]] == ["Youth diversion"]
    assert [a["name"] for a in body["service_areas"]] == ["Portswood"]


async def test_hsds_service_list_has_paging_fields(client, taxonomy):
    await youth_club()
    await refuge()

    body = (await client.get("/api/hsds/services", params={"per_page": 1, "page": 2})).json()

    validator = hsds_validator("compiled_service_list.json")
    assert [errors(validator, item) for item in body["contents"]] == [[]]
    assert {k: v for k, v in body.items() if k != "contents"} == {
        "total_items": 2,
        "total_pages": 2,
        "page_number": 2,
        "size": 1,
        "first_page": False,
        "last_page": True,
        "empty": False,
    }


async def test_hsds_organisation_list_is_valid(client, taxonomy):
    await youth_club()

    body = (await client.get("/api/hsds/organizations")).json()

    validator = hsds_validator("organization.json")
    assert [errors(validator, item) for item in body["contents"]] == [[]]
    assert body["total_items"] == 1


async def test_hsds_hidden_address_never_exported(client, taxonomy):
    entry = await refuge()
    service = await Service.get(name="Emergency accommodation")

    texts = [
        (await client.get(path)).text
        for path in (
            f"/api/hsds/organizations/{entry.uuid}",
            f"/api/hsds/services/{service.uuid}",
            "/api/hsds/services",
            "/api/hsds/organizations",
        )
    ]

    assert [("Secret Street" in t, "SO14 7LY" in t, "sam@example.org" in t) for t in texts] == [
        (False, False, False)
    ] * 4


async def test_hsds_unpublished_entries_never_exported(client, taxonomy):
    entry = await refuge(status=Status.PENDING)
    service = await Service.get(name="Emergency accommodation")

    organisation = await client.get(f"/api/hsds/organizations/{entry.uuid}")
    detail = await client.get(f"/api/hsds/services/{service.uuid}")
    listing = (await client.get("/api/hsds/services")).json()

    assert (organisation.status_code, detail.status_code) == (404, 404)
    assert listing["contents"] == []
    assert listing["empty"] is True
    # Control: the same three once the entry is published.
    await moderation.set_status(entry.id, Status.PUBLISHED)
    assert (await client.get(f"/api/hsds/organizations/{entry.uuid}")).status_code == 200
    assert (await client.get(f"/api/hsds/services/{service.uuid}")).status_code == 200
    shown = (await client.get("/api/hsds/services")).json()
    assert [s["name"] for s in shown["contents"]] == ["Emergency accommodation"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 23", "'+44 23"),
        ("-1+1", "'-1+1"),  # "-1" alone is a plain number, left as typed
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Plain text", "Plain text"),
        ('\uff1dHYPERLINK("http://x")', '\'\uff1dHYPERLINK("http://x")'),
        ("\uff0b44 23", "'\uff0b44 23"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20SUM(A1)", "'\uff20SUM(A1)"),
        ("+44 23 8083 3000", "+44 23 8083 3000"),
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


async def test_csv_download_has_public_rows_only(client, taxonomy):
    await make_entry("=cmd|' /C calc'!A0", description="Evil")
    await refuge()
    await make_entry("Pending Group", status=Status.PENDING)

    response = await client.get("/directory/export.csv")

    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert [r["name"] for r in rows] == ["'=cmd|' /C calc'!A0", "Safe Haven Refuge"]
    assert (rows[1]["address"], rows[1]["postcode"], rows[1]["town"]) == ("", "", "Southampton")
    assert "sam@example.org" not in response.text
