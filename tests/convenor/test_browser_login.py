"""Browser journey: an organiser signs in and out in Chromium; axe-core finds no problems."""

from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD


async def test_organiser_signs_in_and_out_in_a_browser(page, organiser):
    await page.goto("/staff")
    await assert_accessible(page)

    await page.get_by_label("Email address").fill(organiser.email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()

    await page.wait_for_url("**/staff")
    assert await page.locator("h1").inner_text() == "Dashboard"
    assert organiser.name in await page.locator("main").inner_text()
    await assert_accessible(page)

    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/login?signed_out=1")
    assert await page.get_by_role("status").inner_text() == "You have signed out."
    await page.goto("/staff")
    assert "/login" in page.url


async def test_wrong_password_shows_error_summary_in_a_browser(page, organiser):
    await page.goto("/login")

    await page.get_by_label("Email address").fill(organiser.email)
    await page.get_by_label("Password").fill("not my password")
    await page.get_by_role("button", name="Sign in").click()

    summary = page.get_by_role("alert")
    assert "The email address or password is not right." in await summary.inner_text()
    assert await page.get_by_label("Email address").input_value() == organiser.email
    await assert_accessible(page)
