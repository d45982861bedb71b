"""The self-listing journey in a real browser: submit, confirm by the emailed link,
approve as a moderator, find it by search; axe-core on search, entry and form pages,
and on the moderator's queue, entry and edit pages."""

from __future__ import annotations

import re

from convenor.mail.models import OutboxMessage
from convenor.models import Role
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD, make_staff
from tests.directory.factories import make_entry


async def emailed_path(category: str) -> str:
    message = await OutboxMessage.filter(category=category).order_by("-id").first()
    assert message is not None
    return re.search(r"https?://[^/\s]+(/\S+)", message.text_body).group(1)


async def test_self_listing_journey_in_browser(page, taxonomy):
    moderator = await make_staff(Role.MODERATOR)

    await page.goto("/directory/list-your-group")
    await assert_accessible(page)
    await page.select_option("#kind", "community")
    await page.fill("#name", "Lordshill Lantern Walkers")
    await page.fill("#description", "Evening lantern walks that make the park feel safer.")
    await page.check("#themes-anti-social-behaviour")
    await page.check("#areas-coxford")
    await page.fill("#contact_name", "Lee Lantern")
    await page.fill("#contact_email", "lee@example.org")
    await page.click("button[type=submit]")
    await page.wait_for_selector("h1:has-text('Check your email')")

    await page.goto(await emailed_path("directory-confirm"))
    await page.click("main button:has-text('Confirm the listing')")
    await page.wait_for_selector("h1:has-text('your listing is confirmed')")

    await page.goto("/login")
    await page.fill("#email", moderator.email)
    await page.fill("#password", STAFF_PASSWORD)
    await page.click("button[type=submit]")
    await page.goto("/staff/directory")
    await assert_accessible(page)
    await page.click("main table a:has-text('Lordshill Lantern Walkers')")
    await page.wait_for_selector("h1:has-text('Lordshill Lantern Walkers')")
    await assert_accessible(page)
    await page.click("button:has-text('Approve and publish')")
    await page.wait_for_selector("text=status published")

    await page.goto("/directory")
    await page.fill("#q", "lantern walk")
    await page.click("form[role=search] button[type=submit]")
    result = page.locator(".results a", has_text="Lordshill Lantern Walkers")
    await result.wait_for()
    await assert_accessible(page)
    await result.click()
    await page.wait_for_selector("h1:has-text('Lordshill Lantern Walkers')")
    await assert_accessible(page)


async def test_search_page_with_filters_is_accessible(page, taxonomy):
    await make_entry("Sholing Boxing Club", themes=["knife-crime"], areas=["sholing"])
    await make_entry("Shirley Boxing Network", kind="network", themes=["youth-diversion"])

    await page.goto("/directory?q=boxing&theme=knife-crime")

    assert await page.locator(".results li").count() == 1
    await assert_accessible(page)


async def test_list_form_errors_are_accessible(page, taxonomy):
    await page.goto("/directory/list-your-group")
    await page.click("button[type=submit]")
    await page.wait_for_selector(".error-summary")

    assert await page.locator(".error-summary li").count() == 5
    await assert_accessible(page)


async def test_staff_edit_form_with_errors_is_accessible(page, taxonomy):
    moderator = await make_staff(Role.MODERATOR)
    entry = await make_entry("Sholing Boxing Club", themes=["knife-crime"], areas=["sholing"])
    await page.goto("/login")
    await page.fill("#email", moderator.email)
    await page.fill("#password", STAFF_PASSWORD)
    await page.click("button[type=submit]")

    await page.goto(f"/staff/directory/{entry.id}/edit")
    await assert_accessible(page)
    await page.fill("#name", "")
    await page.click("main form button[type=submit]")
    await page.wait_for_selector(".error-summary")

    assert await page.locator(".error-summary li").count() == 1
    await assert_accessible(page)


async def test_taxonomy_page_with_an_error_is_accessible(page, taxonomy):
    moderator = await make_staff(Role.MODERATOR)
    await page.goto("/login")
    await page.fill("#email", moderator.email)
    await page.fill("#password", STAFF_PASSWORD)
    await page.click("button[type=submit]")

    await page.goto("/staff/directory/taxonomy")
    await assert_accessible(page)
    await page.fill("#area-name", "Bevois")
    await page.click("button:has-text('Add the area')")
    await page.wait_for_selector("#area-name-error")

    assert await page.locator("#area-name").input_value() == "Bevois"
    await assert_accessible(page)
