"""The delegate's home in Chromium: Enter in any field of the registration form
registers (not the directory search), Enter in the answers form saves, and the home
and a full event's invitation pass axe-core (issue 16)."""

from __future__ import annotations

from events.models import Registration, RegistrationStatus
from events.registration import register
from tests.browser import assert_accessible

from .factories import answers, invite, link_for, published_event


async def test_enter_in_a_field_registers(page, organiser, event):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)
    await page.goto(f"/i/{token}")

    await page.get_by_label("Organisation", exact=True).fill("Hampshire Constabulary")
    await page.get_by_label("Organisation", exact=True).press("Enter")
    await page.wait_for_url("**/registered")

    registration = await Registration.get(invitation_id=invitation.id)
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.organisation == "Hampshire Constabulary"
    assert await page.locator("h1").inner_text() == "You are registered"


async def test_search_button_still_searches_and_saves_nothing(page, organiser, event):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)
    await page.goto(f"/i/{token}")

    await page.get_by_label("Organisation", exact=True).fill("Hampshire Constabulary")
    await page.get_by_role("button", name="Search the directory").click()
    await page.get_by_text("Organisations in the directory").wait_for()

    assert await Registration.get_or_none(invitation_id=invitation.id) is None


async def test_enter_in_an_answer_saves_it(page, organiser, event, settings):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)
    await register(token, answers("Ann Lee"), settings)
    await page.goto(f"/i/{token}")

    await page.get_by_label("Job title", exact=True).fill("Chief Inspector")
    await page.get_by_label("Job title", exact=True).press("Enter")
    await page.wait_for_url("**?done=updated")

    registration = await Registration.get(invitation_id=invitation.id)
    assert registration.job_title == "Chief Inspector"


async def test_home_of_a_registered_delegate_is_accessible(page, organiser, event, settings):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)
    await register(token, answers("Ann Lee"), settings)

    await page.goto(f"/i/{token}")

    assert await page.locator("#status").inner_text() == "Your status: Registered"
    await assert_accessible(page)


async def test_full_events_invitation_with_waitlist_warning_is_accessible(
    page, organiser, settings
):
    event = await published_event(organiser, capacity=1)
    first = await invite(organiser, event, 1)
    await register(await link_for(first), answers("Ann Lee"), settings)
    token = await link_for(await invite(organiser, event, 2))

    await page.goto(f"/i/{token}")

    assert await page.locator("#waitlist-warning").is_visible()
    await assert_accessible(page)
