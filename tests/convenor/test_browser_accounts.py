"""Browser journey: an admin deactivates a colleague on the staff accounts page."""

from convenor.models import Role, User
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD, make_staff


async def test_admin_deactivates_a_user_in_a_browser(page, organiser):
    admin = await make_staff(Role.ADMIN)
    await page.goto("/login")
    await page.get_by_label("Email address").fill(admin.email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff")

    await page.get_by_role("link", name="Staff accounts").click()
    await page.wait_for_url("**/staff/accounts")
    await assert_accessible(page)
    await page.get_by_role("button", name=f"Deactivate {organiser.email}").click()

    await page.wait_for_url("**/staff/accounts?done=deactivated")
    assert "The user has been deactivated." in await page.get_by_role("status").inner_text()
    assert await page.get_by_role("button", name=f"Reactivate {organiser.email}").count() == 1
    assert await page.get_by_role("button", name=f"Deactivate {admin.email}").count() == 0
    assert (await User.get(id=organiser.id)).is_active is False
    await assert_accessible(page)
