"""The response journey in Chromium: after the consultation has closed, the organiser
writes a reply (a blank one first, refused beside its fields), adopts the plan as
version 2, previews and publishes the report, and reads it: counts, the reply, nobody
named. axe-core checks the response page (with errors too), the preview and the report."""

from __future__ import annotations

from plans.models import Plan, PlanStatus, Reply
from tests.browser import assert_accessible
from tests.journeys import sign_in
from tests.plans.factories import closed_plan, make_answer, make_respondent, plan_actions


async def test_organiser_replies_adopts_and_publishes_the_report(page, organiser):
    plan = await closed_plan()
    actions = await plan_actions(plan)
    resident = await make_respondent(
        plan,
        "public",
        "resident",
        name="Rita Resident",
        email="rita@private.example",
        may_quote=True,
    )
    await make_answer(
        resident,
        actions[0],
        support=5,
        comment="Patrols near the park, please",
        moderation="approved",
    )
    delegate = await make_respondent(plan, "delegate", "partner_agency", name="Dev Delegate")
    await make_answer(delegate, actions[0], support=2)

    await sign_in(page, organiser)
    await page.goto(f"/staff/plans/{plan.id}/response")
    await assert_accessible(page)

    # A blank reply is refused beside its fields.
    await page.get_by_role("button", name="Add the reply").click()
    await page.get_by_text("Enter what respondents said").first.wait_for()
    await assert_accessible(page)
    assert await Reply.filter(plan=plan).count() == 0

    await page.get_by_label("You said", exact=True).fill("Patrols alone will not stop knife crime.")
    await page.get_by_label("We did", exact=True).fill("We added youth workers to the patrols.")
    await page.get_by_label("We changed the action").check()
    await page.get_by_label("Action", exact=True).select_option(label=f"1.1: {actions[0].text}")
    await page.get_by_role("button", name="Add the reply").click()
    await page.wait_for_url("**?done=added#replies")
    assert await page.locator("#replies + ol li dd").first.inner_text() == (
        "Patrols alone will not stop knife crime."
    )

    await page.get_by_label("Note for the adopted version (optional)").fill("Adopted by the board")
    await page.get_by_role("button", name="Adopt the plan").click()
    await page.wait_for_url("**?done=adopted#adoption")
    assert (await page.locator("#adopted").inner_text()).startswith("Adopted as version 2 on ")
    assert (await Plan.get(id=plan.id)).status == PlanStatus.ADOPTED

    await page.get_by_role("link", name="Preview the report").click()
    await page.wait_for_url("**/response/preview")
    await assert_accessible(page)
    await page.goto(f"/staff/plans/{plan.id}/response")
    await page.get_by_role("button", name="Publish the response report").click()
    await page.wait_for_url("**?done=published#adoption")

    await page.get_by_role("link", name="read the report").click()
    await page.wait_for_url(f"**/plans/{plan.uuid}/report")
    await assert_accessible(page)
    assert await page.locator("#respondent-total").inner_text() == (
        "2 responses. We do not publish the names, email addresses or organisations of the "
        "people who responded."
    )
    body = await page.locator("main").inner_text()
    assert "Patrols near the park, please" in body
    assert "We added youth workers to the patrols." in body
    for private in ("Rita Resident", "rita@private.example", "Dev Delegate"):
        assert private not in body
