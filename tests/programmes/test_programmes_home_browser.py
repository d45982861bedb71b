"""The delegate's home with a published programme in Chromium: from the home to the
programme and the agenda, a workshop sign-up from the home, and axe-core (issue 16)."""

from __future__ import annotations

from programmes.agenda import add_to_agenda
from programmes.models import AgendaPick
from programmes.publishing import publish_programme
from tests.browser import assert_accessible

from .factories import registered


async def test_home_with_programme_agenda_and_workshop_is_accessible(
    page, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    await add_to_agenda(token, programme["sessions"][1].id)

    await page.goto(f"/i/{token}")

    assert await page.locator("#agenda").inner_text() == "My agenda"
    await assert_accessible(page)


async def test_workshop_sign_up_from_the_home(page, event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    workshop = programme["sessions"][2]
    await page.goto(f"/i/{token}")

    await page.locator("#programme").get_by_role("button", name="Sign up").click()
    await page.wait_for_url("**/agenda?done=signed-up*")
    await page.goto(f"/i/{token}#programme")

    pick = await AgendaPick.get(session_id=workshop.id)
    assert pick.has_place is True
    assert "you have a place" in await page.locator("#programme").inner_text()
    await assert_accessible(page)


async def test_see_the_whole_programme_from_the_home(page, event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    await page.goto(f"/i/{token}")

    await page.get_by_role("link", name="See the whole programme").click()
    await page.wait_for_url(f"**/i/{token}/programme")

    assert "Workshop: the draft plan" in await page.content()
