"""In Chromium: an organiser marks a question sensitive on the questions page and reads
the catering and access page; a delegate follows a link after it expired. axe-core
checks each page."""

from __future__ import annotations

from events.models import Question
from tests.browser import assert_accessible
from tests.journeys import sign_in

from .factories import ended_days_ago, registered


async def test_organiser_adds_a_sensitive_question(page, organiser, event):
    await sign_in(page, organiser)
    await page.goto(f"/staff/events/{event.id}/questions")

    await page.get_by_label("Question").fill("Do you need the prayer room?")
    await page.get_by_label("Kind of answer").select_option("yes_no")
    await page.get_by_label("Sensitive (for example health, religion or access)").check()
    await page.get_by_role("button", name="Add the question").click()

    await page.get_by_role(
        "button", name="Mark “Do you need the prayer room?” not sensitive"
    ).wait_for()
    [question] = await Question.all()
    assert question.sensitive is True
    await assert_accessible(page)


async def test_needs_page_with_its_read_log_is_accessible(page, organiser, event, settings):
    await registered(organiser, event, settings)
    await sign_in(page, organiser)

    await page.goto(f"/staff/events/{event.id}/needs")

    await page.get_by_role("heading", name="Who has read these answers").wait_for()
    assert await page.get_by_role("cell", name="This page").count() == 1
    await assert_accessible(page)


async def test_expired_link_page_is_accessible(page, organiser, event, settings):
    _, token = await registered(organiser, event, settings)
    await ended_days_ago(event, 31)

    response = await page.goto(f"/i/{token}")

    assert response is not None and response.status == 410
    await page.get_by_role("heading", name="This link has expired").wait_for()
    await assert_accessible(page)
