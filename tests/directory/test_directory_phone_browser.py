"""The directory search page and forms at a phone's width and a desktop's, in Chromium
(issue 17): on a phone the results come before the filters, which wait behind a button
until pressed; on a wide screen the filters stand open beside the results; every
checkbox sits beside its label. axe-core checks each page at each width."""

from __future__ import annotations

from convenor.models import Role
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD, make_staff
from tests.directory.factories import make_entry

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


async def boxing_clubs() -> None:
    await make_entry("Sholing Boxing Club", themes=["knife-crime"], areas=["sholing"])
    await make_entry("Bitterne Boxing Academy", themes=["knife-crime"], areas=["bitterne-park"])
    await make_entry("Shirley Boxing Network", kind="network", themes=["youth-diversion"])


async def box(locator) -> dict:
    found = await locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


async def test_phone_results_come_first_and_filters_wait_behind_a_button(page, taxonomy):
    await boxing_clubs()
    await page.set_viewport_size(PHONE)

    await page.goto("/directory?q=boxing")

    first_result = page.locator(".results > li").first
    filters = page.locator("#filters")
    summary = filters.locator("summary")
    knife_crime = filters.get_by_role("link", name="Knife crime (2)")
    assert await page.locator(".results > li").count() == 3
    assert (await box(first_result))["y"] + (await box(first_result))["height"] <= (
        await box(filters)
    )["y"]
    assert await summary.is_visible()
    assert (await summary.inner_text()).strip() == "Filters (none chosen)"
    assert await summary.get_attribute("aria-expanded") is None  # a native disclosure
    assert not await knife_crime.is_visible()
    await assert_accessible(page)

    await summary.click()

    assert await knife_crime.is_visible()
    await assert_accessible(page)

    async with page.expect_navigation():
        await knife_crime.click()

    assert await page.locator(".results > li").count() == 2
    assert await page.locator("#results-title").inner_text() == "2 groups found for “boxing”"
    assert (await summary.inner_text()).strip() == "Filters (1 chosen)"
    remove = filters.get_by_role("link", name="Knife crime (2) selected, remove")
    assert not await remove.is_visible()
    await summary.click()
    assert await remove.is_visible()
    await assert_accessible(page)


async def test_desktop_filters_stand_open_beside_the_results(page, taxonomy):
    await boxing_clubs()
    await page.set_viewport_size(DESKTOP)

    await page.goto("/directory?q=boxing")

    filters = page.locator("#filters")
    results = page.locator(".directory-results")
    knife_crime = filters.get_by_role("link", name="Knife crime (2)")
    assert await knife_crime.is_visible()
    assert not await filters.locator("summary").is_visible()
    filters_box, results_box = await box(filters), await box(results)
    assert filters_box["x"] + filters_box["width"] <= results_box["x"]
    assert abs(filters_box["y"] - results_box["y"]) < 5
    await assert_accessible(page)

    async with page.expect_navigation():
        await knife_crime.click()

    assert await page.locator(".results > li").count() == 2
    await assert_accessible(page)


async def assert_beside(page, box_id: str) -> None:
    """The checkbox and its label share a line; the hint (if any) is on the next."""
    checkbox = await box(page.locator(f"#{box_id}"))
    label = await box(page.locator(f"label[for='{box_id}']"))
    assert label["x"] >= checkbox["x"] + checkbox["width"], (checkbox, label)
    assert label["y"] < checkbox["y"] + checkbox["height"], (checkbox, label)
    assert checkbox["y"] < label["y"] + label["height"], (checkbox, label)


async def test_list_form_checkboxes_sit_beside_their_labels(page, taxonomy):
    for size in (PHONE, DESKTOP):
        await page.set_viewport_size(size)
        await page.goto("/directory/list-your-group")

        await assert_beside(page, "hide_address")
        await assert_beside(page, "themes-knife-crime")
        await assert_beside(page, "areas-banister-and-polygon")
        # The control: the hint is its own line, below the label, so the check above
        # tells a line apart from the next.
        label = await box(page.locator("label[for='hide_address']"))
        hint = await box(page.locator("#hide_address-hint"))
        assert hint["y"] >= label["y"] + label["height"]
        await page.check("label[for='hide_address']")
        assert await page.locator("#hide_address").is_checked()
        await assert_accessible(page)


async def test_staff_entry_form_checkboxes_sit_beside_their_labels(page, taxonomy):
    moderator = await make_staff(Role.MODERATOR)
    entry = await make_entry("Sholing Boxing Club", themes=["knife-crime"], areas=["sholing"])
    await page.goto("/login")
    await page.fill("#email", moderator.email)
    await page.fill("#password", STAFF_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/staff")

    for size in (PHONE, DESKTOP):
        await page.set_viewport_size(size)
        await page.goto(f"/staff/directory/{entry.id}/edit")

        await assert_beside(page, "hide_address")
        await assert_beside(page, "themes-knife-crime")
        await assert_beside(page, "areas-sholing")
        await assert_accessible(page)


async def test_staff_search_shares_the_layout(page, taxonomy):
    moderator = await make_staff(Role.MODERATOR)
    await boxing_clubs()
    await page.goto("/login")
    await page.fill("#email", moderator.email)
    await page.fill("#password", STAFF_PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/staff")

    for size, collapsed in ((PHONE, True), (DESKTOP, False)):
        await page.set_viewport_size(size)
        await page.goto("/staff/directory?q=boxing")

        filters = page.locator("#filters")
        network = filters.get_by_role("link", name="Network (1)")
        assert await page.locator(".results > li").count() == 3
        assert await network.is_visible() is not collapsed
        first_result = await box(page.locator(".results > li").first)
        if collapsed:
            assert first_result["y"] + first_result["height"] <= (await box(filters))["y"]
        await assert_accessible(page)
