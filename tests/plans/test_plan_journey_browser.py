"""The whole consultation loop in Chromium with real SMTP (issue 21).

An organiser imports a draft of three priorities and eight actions from a spreadsheet,
links it to the summit and one of its workshop sessions (adding a facilitator), and
opens the consultation to delegates and the public; a registered delegate responds from
their invitation link; the facilitator records two table points on a phone; a member of
the public confirms their email address through the emailed link and responds, and
their comment waits for moderation; the worker's job closes the consultation at its
close time and nothing more is accepted; the organiser tags comments with a theme,
rewords an action, writes "you said, we did", adopts version 2 and publishes the
report, which shows the counts and the changed action and names nobody. Every email
is read from the SMTP server; axe-core checks every page on the way.

The summit itself (event, workshop session, the delegate's registration) is made by
the events and programmes services beforehand: it is where this journey starts from.
The close job runs with its clock at the consultation's close time
(``close_due(closes_at)``), as the worker would when that minute comes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from plans.consultation import close_due
from plans.models import Answer, Moderation, Plan, PlanStatus, PlanVersion, Respondent, TablePoint
from programmes.data import SessionData
from programmes.drafts import add_session
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD
from tests.journeys import Mailbox, counts, link_in
from tests.plans.factories import PRIORITIES, SUMMIT, lead_entry, summit
from tests.programmes.factories import registered
from tests.tables_corpus import xlsx

LONDON = ZoneInfo("Europe/London")
PHONE = {"width": 375, "height": 740}
WORKSHOP = "Workshop: the draft delivery plan"
FACILITATOR = ("Femi Bakare", "femi@facilitators.example.org")
PUBLIC = ("Cat Jones", "cat@example.org")
FIRST_ACTION = PRIORITIES[0][2][0][0]  # "Target knife crime hot spots with joint patrols"
REWORDED = "Target knife crime hot spots with joint patrols and youth workers"


CHECKED: set[str] = set()  # paths axe-core has checked in this run


async def check(page) -> None:
    """axe-core on each page of the journey, the first time it is reached (axe takes
    seconds on the long forms; a page seen again in the same shape is not run twice)."""
    path = urlsplit(page.url).path
    if path not in CHECKED:
        CHECKED.add(path)
        await assert_accessible(page)


async def submit(page, button) -> None:
    async with page.expect_navigation():
        await button.click()
    await check(page)


async def visit(page, url: str) -> None:
    await page.goto(url)
    await check(page)


def local(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def spreadsheet() -> bytes:
    rows = [["Priority", "Key action", "Lead agency", "Measure of success"]]
    for title, _why, actions in PRIORITIES:
        rows += [[title, text, lead, f"Measure for: {text}"] for text, lead in actions]
    assert len(rows) == 1 + 8
    return xlsx(rows)


async def the_summit(organiser, settings):
    """The summit under way today, its workshop starting in ten minutes, one delegate."""
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    event = await summit(
        organiser, SUMMIT, starts_at=start - timedelta(hours=1), ends_at=start + timedelta(hours=6)
    )
    workshop = await add_session(
        organiser,
        event.id,
        SessionData(
            title=WORKSHOP,
            kind="workshop",
            starts_at=start + timedelta(minutes=10),
            ends_at=start + timedelta(minutes=70),
        ),
    )
    _, token = await registered(organiser, event, 1, settings)
    return event, workshop, token


async def new_page(browser, live_server, viewport=None):
    context = await browser.new_context(base_url=live_server, viewport=viewport)
    context.set_default_timeout(15_000)
    return context, await context.new_page()


async def test_the_consultation_loop(
    page, browser, live_server, organiser, settings, smtp_server, tmp_path
):
    CHECKED.clear()
    mail = Mailbox(settings, smtp_server)
    for name in (
        "Hampshire Constabulary",
        "Probation Services",
        "Youth Offending Service",
        "Southampton City Council",
    ):
        await lead_entry(name)
    _, workshop, delegate_token = await the_summit(organiser, settings)
    await mail.step()  # the delegate's registration confirmation
    upload = tmp_path / "draft.xlsx"
    upload.write_bytes(spreadsheet())

    # 1. The organiser creates the plan and imports the draft.
    await visit(page, "/login")
    await page.get_by_label("Email address").fill(organiser.email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await submit(page, page.get_by_role("button", name="Sign in"))
    await visit(page, "/staff/plans")
    await page.get_by_label("Title").fill("Serious Violence Delivery Plan")
    await page.get_by_label("Partnership").fill("Southampton Safe City Partnership")
    await page.get_by_label("Period (optional)").fill("2022-2027")
    await submit(page, page.get_by_role("button", name="Create the plan"))
    plan = await Plan.get(title="Serious Violence Delivery Plan")
    await submit(page, page.get_by_role("link", name="Import a draft from a spreadsheet"))
    await page.get_by_label("Spreadsheet").set_input_files(str(upload))
    await submit(page, page.get_by_role("button", name="Preview the import"))
    await page.get_by_text("8 key actions under 3 priorities are ready to import").wait_for()
    await submit(page, page.get_by_role("button", name="Import 8 key actions"))

    # 2. ... links it to the summit and the workshop, and adds a facilitator.
    await page.get_by_label("Event", exact=True).select_option(label=SUMMIT)
    await submit(page, page.get_by_role("button", name="Link the event"))
    await visit(page, f"/staff/plans/{plan.id}/workshops")
    section = page.locator(f"section[aria-labelledby='session-{workshop.id}']")
    await section.get_by_label("Priority 1: Keeping people safe from harm").check()
    await section.get_by_label("Priority 2: Preventing and reducing offending").check()
    await submit(page, section.get_by_role("button", name="Save the priorities"))
    await section.get_by_label("Name").fill(FACILITATOR[0])
    await section.get_by_label("Email address").fill(FACILITATOR[1])
    await section.get_by_label("Table (optional, e.g. Table 3)").fill("Table 3")
    await submit(page, section.get_by_role("button", name="Add and email the link"))

    # 3. ... and opens the consultation, to the public too.
    closes = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    await visit(page, f"/staff/plans/{plan.id}/consultation")
    await page.get_by_label("Opens (London time)").fill(
        local(datetime.now(UTC) - timedelta(minutes=5))
    )
    await page.get_by_label("Closes (London time)").fill(local(closes))
    await page.get_by_label("The public may respond").check()
    await submit(page, page.get_by_role("button", name="Publish for consultation"))
    plan = await Plan.get(id=plan.id)
    assert (plan.status, plan.closes_at) == (PlanStatus.CONSULTATION, closes)
    assert await PlanVersion.filter(plan_id=plan.id).values_list("number", "kind") == [
        (1, "consultation")
    ]

    # 4. The delegate responds from their invitation link, by way of their home.
    delegate_context, delegate = await new_page(browser, live_server)
    await visit(delegate, f"/i/{delegate_token}")
    await submit(delegate, delegate.get_by_role("link", name="Give your views on the draft plan"))
    await delegate.get_by_label("Partner agency").check()
    await delegate.get_by_label("Strongly support").first.check()
    await delegate.get_by_label("Your comment on action 1.1 (optional)").fill(
        "Patrols need youth workers with them"
    )
    await submit(delegate, delegate.get_by_role("button", name="Send my response"))
    assert "your response is sent" in await delegate.get_by_role("status").inner_text()
    await assert_accessible(delegate)  # the form again, as sent

    # 5. The facilitator opens the emailed link on a phone and records two points.
    arrived = await mail.step()
    assert counts(arrived) == {FACILITATOR[1]: 1}
    facilitator_link = link_in(arrived[FACILITATOR[1]][0], r"(http://\S+/facilitate/\S+)")
    phone_context, phone = await new_page(browser, live_server, PHONE)
    await visit(phone, facilitator_link)
    assert await phone.locator("h1").inner_text() == WORKSHOP
    for against, text in (
        ("1.1 Target knife crime", "Ask young people where they feel unsafe"),
        ("Priority 2 as a whole", "Mentors with lived experience are trusted"),
    ):
        option = phone.locator("#against option", has_text=against)
        await phone.get_by_label("About").select_option(value=await option.get_attribute("value"))
        await phone.get_by_label("The table's point").fill(text)
        await submit(phone, phone.get_by_role("button", name="Save the point"))
    assert await phone.locator(".points-list > li").count() == 2
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # 6. A member of the public confirms their address from the email and responds.
    public_context, visitor = await new_page(browser, live_server)
    await visit(visitor, f"/plans/{plan.uuid}/respond")
    await visitor.get_by_label("Email address").fill(PUBLIC[1])
    await visitor.get_by_label("Your name (optional, never published)").fill(PUBLIC[0])
    await submit(visitor, visitor.get_by_role("button", name="Email me my link"))
    arrived = await mail.step()
    assert counts(arrived) == {PUBLIC[1]: 1}
    await visit(visitor, link_in(arrived[PUBLIC[1]][0], r"(http://\S+/plans/respond/\S+)"))
    await visitor.get_by_label("Resident").check()
    await visitor.get_by_label("Oppose", exact=True).first.check()
    await visitor.get_by_label("Your comment on action 1.1 (optional)").fill(
        "Patrols alone push it elsewhere"
    )
    await submit(visitor, visitor.get_by_role("button", name="Send my response"))
    public = await Respondent.get(plan_id=plan.id, kind="public")
    assert public.email_confirmed_at is not None and public.submitted_at is not None
    waiting = await Answer.get(respondent_id=public.id, comment__not="")
    assert waiting.moderation == Moderation.WAITING

    # 7. The consultation closes on time: the worker's job at the close time.
    assert await close_due(closes) == 1
    await visit(delegate, f"/i/{delegate_token}/plans/{plan.uuid}")
    assert await delegate.get_by_role("button", name="Save my changes").count() == 0
    await visit(phone, facilitator_link)
    assert await phone.get_by_role("button", name="Save the point").count() == 0
    for context in (delegate_context, phone_context, public_context):
        await context.close()

    # 8. The organiser tags comments with a theme and rewords action 1.1.
    await visit(page, f"/staff/plans/{plan.id}/analysis")
    await page.get_by_label("New theme").fill("Youth workers")
    await submit(page, page.get_by_role("button", name="Add theme"))
    delegate_answer = await Answer.get(
        plan_id=plan.id, respondent__kind="delegate", comment__not=""
    )
    point = await TablePoint.get(plan_id=plan.id, text="Ask young people where they feel unsafe")
    for anchor in (f"#answer-{delegate_answer.id}", f"#point-{point.id}"):
        await submit(page, page.locator(anchor).get_by_role("button", name="Tag"))
    assert await page.locator(".comment-themes .tag", has_text="Youth workers").count() == 2
    await assert_accessible(page)  # the analysis again, now with its theme and tags
    await visit(page, f"/staff/plans/{plan.id}")
    await submit(page, page.get_by_role("link", name=FIRST_ACTION))
    await page.get_by_label("Key action").fill(REWORDED)
    await submit(page, page.get_by_role("button", name="Save the key action"))

    # 9. ... writes "you said, we did", adopts version 2 and publishes the report.
    await visit(page, f"/staff/plans/{plan.id}/response")
    await page.get_by_label("You said", exact=True).fill("Patrols need youth workers with them.")
    await page.get_by_label("We did", exact=True).fill("Youth workers now join the patrols.")
    await page.get_by_label("We changed the action").check()
    await page.get_by_label("Action", exact=True).select_option(label=f"1.1: {REWORDED}")
    await submit(page, page.get_by_role("button", name="Add the reply"))
    await page.get_by_label("Note for the adopted version (optional)").fill("Adopted by the board")
    await submit(page, page.get_by_role("button", name="Adopt the plan"))
    assert (await page.locator("#adopted").inner_text()).startswith("Adopted as version 2 on ")
    await submit(page, page.get_by_role("button", name="Publish the response report"))
    await submit(page, page.get_by_role("link", name="read the report"))

    # 10. The report: the counts, the changed action, nobody named.
    assert page.url.endswith(f"/plans/{plan.uuid}/report")
    assert (await page.locator("#respondent-total").inner_text()).startswith(
        "2 responses, and 2 points recorded by 1 workshop table."
    )
    changes = await page.locator("#changes-list").inner_text()
    assert f"Reworded from “{FIRST_ACTION}” to “{REWORDED}”." in changes
    body = await page.locator("main").inner_text()
    assert "Youth workers now join the patrols." in body
    for private in (
        "Delegate 1",
        "delegate1@",
        PUBLIC[0],
        PUBLIC[1],
        FACILITATOR[0],
        FACILITATOR[1],
    ):
        assert private not in body
    assert await PlanVersion.filter(plan_id=plan.id).values_list("number", "kind") == [
        (1, "consultation"),
        (2, "adopted"),
    ]
    await assert_accessible(page)
