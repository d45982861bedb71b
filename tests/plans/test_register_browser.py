"""The actions register in Chromium with real SMTP (issue 22).

The organiser adopts a plan whose consultation has closed (on the response page), sets
a quarterly schedule, takes a baseline review, names a contact at the police and one at
probation and invites both; the two emails are read from the SMTP server. The police
contact updates action 1.1 from their link (status, progress, text, evidence) and adds a
reading; their link cannot touch probation's action (404). A quarter passes (the
invitations are moved back 92 days): the reminder job emails probation only, and the
organiser's page shows probation overdue. The public register and its Atom feed show the
update; a second review is taken and compared with the baseline (1.1 changed status),
and its PDF downloads. axe-core checks every page of the register on the way.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from lxml import etree

from plans.lead_contacts import send_due_reminders
from plans.models import Action, ActionStatus, LeadContact
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD
from tests.journeys import Mailbox, visit
from tests.plans.factories import closed_plan
from tests.plans.register_support import POLICE, PROBATION, actions_by_number

ANN = "ann@police.example.org"
PAT = "pat@probation.example.org"


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


async def submit(page, button, *, check: bool = True) -> None:
    """Click and wait for the next page; axe-core checks it unless it was checked
    in the same state already (axe takes seconds a page)."""
    async with page.expect_navigation():
        await button.click()
    if check:
        await assert_accessible(page)


async def test_register_journey(page, live_server, settings, smtp_server, organiser):
    plan = await closed_plan()
    actions = await actions_by_number(plan)
    mailbox = Mailbox(replace(settings, base_url=live_server), smtp_server)
    today = datetime.now(UTC).date()

    await visit(page, "/login")
    await page.get_by_label("Email address").fill(organiser.email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await submit(page, page.get_by_role("button", name="Sign in"), check=False)

    await page.goto(f"/staff/plans/{plan.id}/response")
    await submit(page, page.get_by_role("button", name="Adopt the plan"), check=False)
    assert await page.locator("#adopted").count() == 1

    staff = f"/staff/plans/{plan.id}/register"
    await page.goto(staff)
    await page.get_by_label("Ask lead organisations for an update").fill("91")
    await submit(page, page.get_by_role("button", name="Save the schedule"), check=False)
    await page.get_by_label("Review title").fill("Baseline")
    await page.get_by_label("The date it describes").fill((today - timedelta(days=1)).isoformat())
    await submit(page, page.get_by_role("button", name="Take the review"), check=False)
    for org, name, address in ((POLICE, "Ann Lee", ANN), (PROBATION, "Pat Shah", PAT)):
        await page.get_by_label(f"Contact's name at {org}").fill(name)
        await page.get_by_label(f"Contact's email at {org}").fill(address)
        await submit(
            page, page.get_by_role("button", name=f"Add the contact for {org}"), check=False
        )
        await submit(
            page, page.get_by_role("button", name=f"Invite {name}"), check=org == PROBATION
        )

    mails = await mailbox.step()
    assert {to: len(m) for to, m in mails.items()} == {ANN: 1, PAT: 1}
    ann_link = re.search(r"(http://\S+/lead/\S+)", text_of(mails[ANN][0])).group(1)
    assert "1.1 Target knife crime hot spots" in text_of(mails[ANN][0])
    assert "2.1 Mentor young people leaving custody" in text_of(mails[PAT][0])

    # The police contact updates their action.
    await visit(page, ann_link)
    own = page.locator(f"#action-{actions['1.1'].id}")
    assert await page.locator(f"#action-{actions['2.1'].id}").count() == 0
    await own.get_by_label("Status", exact=True).select_option("on_track")
    await own.get_by_label("Progress, per cent").fill("40")
    await own.get_by_label("What has happened").fill("Joint patrols began in Bevois Valley.")
    await own.get_by_label("Link to evidence").fill("https://police.example.org/patrols")
    await submit(page, own.get_by_role("button", name="Save the update"))
    assert "your update is saved" in await page.locator(".notice").inner_text()
    own = page.locator(f"#action-{actions['1.1'].id}")
    await own.get_by_label("Value").fill("12")
    await own.get_by_label("Unit").fill("patrols")
    await own.get_by_label("Date of the reading").fill(today.isoformat())
    await submit(page, own.get_by_role("button", name="Add the reading"), check=False)
    assert await own.locator("svg[role=img]").count() == 1

    # ...and cannot touch probation's.
    token = page.locator("input[name=csrf_token]").first
    refused = await page.request.post(
        f"{ann_link}/actions/{actions['2.1'].id}",
        form={"csrf_token": await token.get_attribute("value"), "status": "done", "text": "x"},
        max_redirects=0,
    )
    assert refused.status == 404
    assert (await Action.get(id=actions["2.1"].id)).status == ActionStatus.NOT_STARTED

    # A quarter passes: only probation is reminded, and shown overdue.
    await LeadContact.filter(plan_id=plan.id).update(
        invited_at=datetime.now(UTC) - timedelta(days=92)
    )
    assert await send_due_reminders(mailbox.settings) == 1
    mails = await mailbox.step()
    assert list(mails) == [PAT]
    assert mails[PAT][0]["Subject"].startswith("Reminder:")
    await visit(page, staff)
    overdue = await page.locator("ul.overdue").inner_text()
    assert PROBATION in overdue and POLICE not in overdue

    # The organiser updates an action all partners lead (no lead agency's link covers it).
    await page.get_by_role("link", name=actions["1.2"].text).click()
    await page.wait_for_load_state()
    await page.get_by_label("Status", exact=True).select_option("at_risk")
    await page.get_by_label("What has happened").fill("The referral route waits for funding.")
    await submit(page, page.get_by_role("button", name="Save the update"))

    # The public register and its feed show the updates.
    await visit(page, f"/plans/{plan.uuid}/register")
    public = page.locator(f"#action-{actions['1.1'].ref}")
    assert "Joint patrols began in Bevois Valley." in await public.inner_text()
    assert "On track" in await public.inner_text()
    await page.get_by_label("Status").select_option("on_track")
    await submit(page, page.get_by_role("button", name="Filter"), check=False)
    assert "Showing 1 of 8 actions" in await page.locator("#register-count").inner_text()
    assert await page.locator(f"#action-{actions['1.1'].ref}").count() == 1
    feed = await page.request.get(f"/plans/{plan.uuid}/register/feed.atom")
    entries = etree.fromstring(await feed.body()).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 2
    assert "referral route waits" in etree.tostring(entries[0], encoding="unicode")
    assert "Joint patrols began" in etree.tostring(entries[1], encoding="unicode")

    # The police's directory entry lists the actions it leads, linked to the register.
    await page.get_by_role("link", name=POLICE).first.click()
    await page.wait_for_load_state()
    await assert_accessible(page)
    led = await page.locator("#plan-actions").inner_text()
    assert "1.1 Target knife crime hot spots with joint patrols: On track, 40% complete" in led

    # A second review, compared with the baseline.
    await page.goto(staff)
    await page.get_by_label("Review title").fill("First quarter")
    await page.get_by_label("The date it describes").fill(today.isoformat())
    await submit(page, page.get_by_role("button", name="Take the review"), check=False)
    await page.get_by_role("link", name="First quarter", exact=True).click()
    await page.wait_for_load_state()
    await assert_accessible(page)
    changed = await page.locator("h2#changed-status + ul").inner_text()
    assert "1.1 Target knife crime hot spots with joint patrols: Not started to On track" in changed
    assert "1.2 Support victims of domestic abuse" in changed
    assert "1.1" in await page.locator("h2#new-readings + ul").inner_text()
    pdf = await page.request.get(page.url + ".pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert (await pdf.body()).startswith(b"%PDF")
