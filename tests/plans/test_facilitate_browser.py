"""A facilitator on a phone (375 px) in Chromium (issue 21): the organiser adds them on
the workshops page, they open the emailed link, record two table points, change one,
and the organiser sees both. axe-core on every page; nothing wider than the phone."""

from __future__ import annotations

from plans.models import Priority, TablePoint
from tests.browser import assert_accessible
from tests.events.factories import outbox
from tests.journeys import sign_in
from tests.plans.factories import plan_actions, workshop_plan

PHONE = {"width": 375, "height": 740}


async def _fits_the_phone(page) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


async def test_facilitator_records_two_points_on_a_phone(page, organiser):
    setup = await workshop_plan(organiser)
    first = await Priority.filter(plan=setup.plan).order_by("position").first()
    actions = [a for a in await plan_actions(setup.plan) if a.priority_id == first.id]

    # The organiser links the workshop to priority 1 and adds a facilitator.
    await sign_in(page, organiser)
    await page.goto(f"/staff/plans/{setup.plan.id}/workshops")
    workshop = page.locator(f"section[aria-labelledby='session-{setup.workshop.id}']")
    await workshop.get_by_label("Priority 1: Keeping people safe from harm").check()
    await workshop.get_by_role("button", name="Save the priorities").click()
    await page.wait_for_url("**done=linked*")
    await workshop.get_by_label("Name").fill("Femi Bakare")
    await workshop.get_by_label("Email address").fill("femi@example.org")
    await workshop.get_by_label("Table (optional, e.g. Table 3)").fill("Table 3")
    await workshop.get_by_role("button", name="Add and email the link").click()
    await page.wait_for_url("**done=added*")
    await assert_accessible(page)

    # The facilitator opens their emailed link on a phone.
    (email,) = await outbox("plan-facilitator")
    link = "/facilitate/" + email.text_body.split("/facilitate/")[1].split()[0]
    await page.context.clear_cookies()
    await page.set_viewport_size(PHONE)
    await page.goto(link)
    assert await page.locator("h1").inner_text() == "Workshop: the draft plan"
    assert await page.locator("#against option").count() == 1 + 1 + len(actions)
    await assert_accessible(page)
    await _fits_the_phone(page)

    await page.get_by_label("About").select_option(value=f"a{actions[0].id}")
    await page.get_by_label("The table's point").fill("Patrols should include youth workers")
    await page.get_by_role("button", name="Save the point").click()
    await page.wait_for_url("**done=saved*")
    await page.get_by_label("About").select_option(value=f"p{first.id}")
    await page.get_by_label("The table's point").fill("Ask young people where they feel unsafe")
    await page.get_by_role("button", name="Save the point").click()
    await page.wait_for_url("**done=saved*")

    points = page.locator(".points-list > li")
    assert await points.count() == 2
    assert await points.nth(0).locator("h3").inner_text() == (
        "Action 1.1: Target knife crime hot spots with joint patrols"
    )
    assert await points.nth(1).locator("h3").inner_text() == (
        "Priority 1 as a whole: Keeping people safe from harm"
    )
    await assert_accessible(page)
    await _fits_the_phone(page)

    # They correct the first point.
    await points.nth(0).get_by_role("link", name="Change or delete").click()
    await page.get_by_label("The table's point").fill("Patrols with youth workers, not instead")
    await assert_accessible(page)
    await _fits_the_phone(page)
    await page.get_by_role("button", name="Save the change").click()
    await page.wait_for_url("**done=changed*")

    texts = await TablePoint.all().order_by("id").values_list("text", flat=True)
    assert texts == [
        "Patrols with youth workers, not instead",
        "Ask young people where they feel unsafe",
    ]
