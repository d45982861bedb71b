"""Browser journey (real Chromium, axe-core): a moderator redacts a waiting public
comment from the queue; the organiser reads the analysis (chart beside its table),
searches without accents, makes a theme and tags the comment, and filters by it."""

from __future__ import annotations

from plans.models import Answer, Moderation, PlanStatus
from tests.browser import assert_accessible
from tests.journeys import sign_in
from tests.plans.factories import (
    analysis_answer,
    analysis_point,
    analysis_respondent,
    make_plan,
    plan_actions,
)


async def test_moderate_then_analyse_and_tag(page, organiser):
    plan = await make_plan(PlanStatus.CONSULTATION)
    actions = await plan_actions(plan)
    public = await analysis_respondent(plan, "public", capacity="resident")
    waiting = await analysis_answer(
        public, actions[0], support=2, comment="Ask Jo Bloggs at 12 Elm Road about Łódź"
    )
    delegate = await analysis_respondent(plan, "delegate", organisation="Millbrook Mums")
    await analysis_answer(delegate, actions[0], support=5, comment="More youth workers")
    await analysis_point(plan, actions[0], "Table 3: open the library later")

    await sign_in(page, organiser)
    await page.goto(f"/staff/plans/{plan.id}/comments")
    await assert_accessible(page)
    await page.get_by_role("link", name="Hide or redact this comment").click()
    await assert_accessible(page)
    await page.get_by_label("Comment as it will be shown").fill(
        "Ask [name] at [address] about Łódź"
    )
    await page.get_by_role("button", name="Save the redacted copy and show it").click()
    await page.get_by_text("The redacted copy is saved and shown.").wait_for()
    saved = await Answer.get(id=waiting.id)
    assert saved.moderation == Moderation.APPROVED
    assert saved.comment == "Ask Jo Bloggs at 12 Elm Road about Łódź"

    await page.goto(f"/staff/plans/{plan.id}/analysis")
    chart = page.locator(f"#chart-{actions[0].id}")
    assert await chart.get_attribute("role") == "img"
    assert await page.get_by_role("img", name="Support for action 1.1").count() == 1
    assert await page.get_by_role("table", name="Support for action 1.1").count() == 1
    await assert_accessible(page)

    await page.get_by_label("Words in comments").fill("LODZ")
    await page.get_by_role("button", name="Show").click()
    await page.get_by_role("heading", name="Comments (1)").wait_for()
    assert await page.get_by_text("Ask [name] at [address] about Łódź").count() == 1
    assert await page.get_by_text("Jo Bloggs").count() == 1  # only inside the original
    assert not await page.get_by_text("Jo Bloggs").is_visible()  # folded away

    await page.get_by_label("New theme").fill("Opening hours")
    await page.get_by_role("button", name="Add theme").click()
    await page.get_by_role("link", name="Opening hours").wait_for()
    await page.goto(f"/staff/plans/{plan.id}/analysis?source=workshop")
    await page.get_by_label("Add a theme").select_option(label="Opening hours")
    await page.get_by_role("button", name="Tag", exact=True).click()
    await page.get_by_role("button", name="Remove theme Opening hours").wait_for()
    await page.goto(f"/staff/plans/{plan.id}/analysis")
    await page.get_by_label("Theme", exact=True).select_option(label="Opening hours")
    await page.get_by_role("button", name="Show").click()
    await page.get_by_role("heading", name="Comments (1)").wait_for()
    assert await page.get_by_text("Table 3: open the library later").count() == 1
    await assert_accessible(page)
