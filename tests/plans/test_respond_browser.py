"""Responding in a real browser (issue 21): a delegate from their invitation link, by
way of their home page; a member of the public after confirming their email address
through the real SMTP server. axe-core on every page."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from plans.models import Answer, Moderation, Respondent, RespondentKind
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD
from tests.journeys import Mailbox, counts, link_in, submit, visit
from tests.plans.factories import link_event, make_plan, summit
from tests.programmes.factories import registered

LONDON = ZoneInfo("Europe/London")
LOCAL = "%Y-%m-%dT%H:%M"


async def press(page, button) -> None:
    """Click a form's button and wait for the next page (axe-core already checked this
    form's page in the same state; the long form takes seconds to check)."""
    async with page.expect_navigation():
        await button.click()


async def organiser_opens_the_consultation(browser, live_server, organiser, plan) -> None:
    """Sign in, publish the draft for consultation open to the public, invite a partner."""
    context = await browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    staff = await context.new_page()
    await visit(staff, "/login")
    await staff.get_by_label("Email address").fill(organiser.email)
    await staff.get_by_label("Password").fill(STAFF_PASSWORD)
    await press(staff, staff.get_by_role("button", name="Sign in"))
    await visit(staff, f"/staff/plans/{plan.id}/consultation")
    now = datetime.now(LONDON)
    await staff.get_by_label("Opens (London time)").fill(
        (now - timedelta(minutes=5)).strftime(LOCAL)
    )
    await staff.get_by_label("Closes (London time)").fill(
        (now + timedelta(days=84)).strftime(LOCAL)
    )
    await staff.get_by_label("The public may respond").check()
    await submit(staff, staff.get_by_role("button", name="Publish for consultation"))
    assert (
        "published for consultation (version 1)" in await staff.get_by_role("status").inner_text()
    )
    await staff.get_by_label("Email addresses to invite").fill("ann@police.example.org")
    await submit(staff, staff.get_by_role("button", name="Send invitations"))
    assert "Invitations sent: 1." in await staff.get_by_role("status").first.inner_text()
    await context.close()


async def test_delegate_and_public_respond(
    page, browser, live_server, organiser, settings, smtp_server
):
    mail = Mailbox(settings, smtp_server)
    plan = await make_plan()
    event = await summit(organiser)
    await link_event(plan, event)
    _, token = await registered(organiser, event, 1, settings)
    await organiser_opens_the_consultation(browser, live_server, organiser, plan)
    sent = await mail.step()  # the registration's confirmation, the partner's invitation
    invitation = sent["ann@police.example.org"][0]
    assert invitation["Subject"] == f"Have your say: {plan.title}"
    assert link_in(invitation, r"(http://\S+/plans/respond/\S+)").startswith(live_server)

    # A delegate goes from their home to the plan, saves a draft, then sends it.
    await visit(page, f"/i/{token}")
    await page.get_by_role("link", name="Give your views on the draft plan").click()
    await page.wait_for_url(f"**/i/{token}/plans/{plan.uuid}")
    await assert_accessible(page)
    await page.get_by_label("Strongly support").first.check()
    await page.get_by_label("Your comment on action 1.1 (optional)").fill("Yes, with youth workers")
    await press(page, page.get_by_role("button", name="Save as a draft and come back later"))
    assert "Your answers are saved as a draft" in await page.get_by_role("status").inner_text()
    await page.get_by_label("Partner agency").check()
    await page.get_by_label("What is missing from priority 1? (optional)").fill("Knife amnesties")
    await submit(page, page.get_by_role("button", name="Send my response"))
    assert "your response is sent" in await page.get_by_role("status").inner_text()
    assert await page.get_by_label("Your comment on action 1.1 (optional)").input_value() == (
        "Yes, with youth workers"
    )
    delegate = await Respondent.get(kind=RespondentKind.DELEGATE)
    assert delegate.submitted_at is not None and delegate.capacity == "partner_agency"

    # A member of the public asks for a link, confirms by opening it from the email.
    public = await browser.new_context(base_url=live_server)
    public.set_default_timeout(10_000)
    visitor = await public.new_page()
    await visit(visitor, f"/plans/{plan.uuid}/respond")
    await visitor.get_by_label("Email address").fill("cat@example.org")
    await visitor.get_by_label("Your name (optional, never published)").fill("Cat Jones")
    await submit(visitor, visitor.get_by_role("button", name="Email me my link"))
    assert await visitor.locator("h1").inner_text() == "Check your email"
    arrived = await mail.step()
    assert counts(arrived) == {"cat@example.org": 1}
    message = arrived["cat@example.org"][0]
    assert message["Subject"] == f"Your link to respond: {plan.title}"
    link = link_in(message, r"(http://\S+/plans/respond/\S+)")
    assert link.startswith(live_server)
    await visit(visitor, link)
    await visitor.get_by_label("Resident").check()
    await visitor.get_by_label("Oppose", exact=True).nth(1).check()
    await visitor.get_by_label("Your comment on action 1.2 (optional)").fill(
        "Call me on 07700 900123"
    )
    await press(visitor, visitor.get_by_role("button", name="Send my response"))
    assert "your response is sent" in await visitor.get_by_role("status").inner_text()
    await public.close()

    member = await Respondent.get(kind=RespondentKind.PUBLIC)
    assert member.email_confirmed_at is not None and member.submitted_at is not None
    comment = await Answer.get(respondent_id=member.id, comment__not="")
    assert (comment.support, comment.moderation) == (2, Moderation.WAITING)
