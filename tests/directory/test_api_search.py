"""The directory's JSON API search and HSDS search over HTTP (issue 17): exact totals
with no estimate field, the shortened-query flag the page shows too, each hit's wards,
and HSDS pages past the last empty. ``test_search_agreement`` walks every page."""

from __future__ import annotations

from directory.search.text import MAX_QUERY_CHARS
from tests.directory.factories import make_entry

API = "/api/v1/directory/entries"


async def test_api_search_has_an_exact_total_and_no_estimate(client, taxonomy):
    for i in range(25):
        await make_entry(f"Allotment {i}", description="Garden plots.")

    first = (await client.get(API, params={"q": "garden", "page": 1})).json()
    second = (await client.get(API, params={"q": "garden", "page": 2})).json()

    assert (first["total"], first["pages"], len(first["items"])) == (25, 2, 20)
    assert (second["total"], second["pages"], len(second["items"])) == (25, 2, 5)
    assert not {item["id"] for item in first["items"]} & {item["id"] for item in second["items"]}
    assert "approximate" not in first
    assert set(first) == {"total", "page", "pages", "suggestion", "shortened", "items", "facets"}


async def test_api_search_says_when_the_query_was_shortened(client, taxonomy):
    await make_entry("Harbour Rowing Club", description="Rowing on the Itchen.")
    long_query = "rowing " + "x" * MAX_QUERY_CHARS

    shortened = (await client.get(API, params={"q": long_query})).json()
    short = (await client.get(API, params={"q": "rowing"})).json()
    page = await client.get("/directory", params={"q": long_query})

    assert (shortened["shortened"], short["shortened"]) == (True, False)
    assert short["total"] == 1
    assert "shortened" in page.text  # the page says so too


async def test_api_search_hits_name_their_wards(client, taxonomy):
    entry = await make_entry("Polygon Pantry", areas=["bevois", "banister-and-polygon"])
    await make_entry("Citywide Pantry")

    body = (await client.get(API, params={"q": "pantry"})).json()

    by_name = {item["name"]: item for item in body["items"]}
    assert by_name["Polygon Pantry"]["areas"] == ["Banister & Polygon", "Bevois"]
    assert by_name["Citywide Pantry"]["areas"] == []
    assert by_name["Polygon Pantry"]["url"] == f"{API}/{entry.id}"


async def test_hsds_search_page_past_the_last_is_empty(client, taxonomy):
    for i in range(3):
        await make_entry(f"Allotment {i}", description="Garden plots.")

    last = (
        await client.get("/api/hsds/organizations", params={"search": "garden", "per_page": 2})
    ).json()
    past = (
        await client.get(
            "/api/hsds/organizations", params={"search": "garden", "per_page": 2, "page": 3}
        )
    ).json()

    assert (last["total_items"], last["total_pages"], last["size"]) == (3, 2, 2)
    assert (past["total_items"], past["page_number"], past["contents"]) == (3, 3, [])
    assert past["last_page"] is True


async def test_hsds_ids_with_control_characters_are_not_found(client, taxonomy):
    entry = await make_entry("Open Group", services=[{"name": "Drop-in"}])

    organisation = await client.get("/api/hsds/organizations/bad%00id")
    service = await client.get("/api/hsds/services/bad%00id")
    services = await client.get("/api/hsds/services", params={"organization_id": "bad\x00id"})
    control = await client.get("/api/hsds/services", params={"organization_id": entry.uuid})

    assert (organisation.status_code, service.status_code) == (404, 404)
    assert (services.status_code, services.json()["total_items"]) == (200, 0)
    assert (control.status_code, control.json()["total_items"]) == (200, 1)


async def test_api_search_reaches_pages_past_five_hundred(client, taxonomy):
    for i in range(560):
        await make_entry(f"Allotment {i:03}", description="Garden plots.")

    last = (await client.get(API, params={"q": "garden", "page": 560, "per_page": 1})).json()
    past = (await client.get(API, params={"q": "garden", "page": 561, "per_page": 1})).json()

    assert (last["total"], last["pages"], last["page"]) == (560, 560, 560)
    assert [item["name"] for item in last["items"]] == ["Allotment 559"]
    assert (past["page"], [i["name"] for i in past["items"]]) == (560, ["Allotment 559"])
