"""The organiser's draft journey in Chromium: import a draft of three priorities and
eight actions from an .xlsx, edit one action, publish version 1 and 2, compare them;
the public plan page and its comparison. axe-core checks every page on the way."""

from __future__ import annotations

from plans.models import Plan
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD
from tests.plans.factories import PRIORITIES, lead_entry
from tests.tables_corpus import xlsx

HEADINGS = ["Priority", "Key action", "Lead agency", "Measure of success"]


def draft_rows() -> list[list[str]]:
    rows = [HEADINGS]
    for title, _why, actions in PRIORITIES:
        for text, lead in actions:
            rows.append([title, text, lead, f"Measure for: {text}"])
    return rows


async def test_organiser_imports_edits_publishes_and_compares(page, organiser, tmp_path):
    for name in ("Hampshire Constabulary", "Probation Services", "Youth Offending Service"):
        await lead_entry(name)
    rows = draft_rows()
    assert len(rows) - 1 == 8
    upload = tmp_path / "draft.xlsx"
    upload.write_bytes(xlsx(rows))

    await page.goto("/login")
    await page.get_by_label("Email address").fill(organiser.email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff**")

    # A new plan.
    await page.goto("/staff/plans")
    await assert_accessible(page)
    await page.get_by_label("Title").fill("Serious Violence Delivery Plan")
    await page.get_by_label("Partnership").fill("Southampton Safe City Partnership")
    await page.get_by_label("Period (optional)").fill("2022-2027")
    await page.get_by_role("button", name="Create the plan").click()
    await page.wait_for_url("**?done=created")
    await assert_accessible(page)
    plan = await Plan.get(title="Serious Violence Delivery Plan")

    # Import the draft: preview, confirm the one organisation not in the directory.
    await page.get_by_role("link", name="Import a draft from a spreadsheet").click()
    await assert_accessible(page)
    await page.get_by_label("Spreadsheet").set_input_files(str(upload))
    await page.get_by_role("button", name="Preview the import").click()
    await page.get_by_text("8 key actions under 3 priorities are ready to import").wait_for()
    await assert_accessible(page)
    await page.get_by_label("Add them to the directory as pending entries").check()
    await page.get_by_role("button", name="Import 8 key actions").click()
    await page.wait_for_url("**done=imported**")
    await assert_accessible(page)
    assert await page.locator("tr[id^=action-]").count() == 8

    # Publish version 1.
    await page.goto(f"/staff/plans/{plan.id}/versions")
    await assert_accessible(page)
    await page.get_by_role("button", name="Publish version 1").click()
    await page.wait_for_url("**done=published")

    # Edit one action.
    await page.goto(f"/staff/plans/{plan.id}")
    await page.get_by_role("link", name="Offer diversion to first-time offenders").click()
    await assert_accessible(page)
    await page.get_by_label("Key action").fill("Offer diversion to every first-time offender")
    await page.get_by_label("Lead agencies").fill("Youth Offending Service\nProbation Services")
    await page.get_by_role("button", name="Save the key action").click()
    await page.wait_for_url("**done=action-saved**")

    # Publish version 2 and see the comparison.
    await page.goto(f"/staff/plans/{plan.id}/versions")
    await page.get_by_text("1 reworded").first.wait_for()
    await page.get_by_label("Note (optional)").fill("After the summit")
    await page.get_by_role("button", name="Publish version 2").click()
    await page.wait_for_url("**done=published")
    comparison = page.locator("#comparison ~ section")
    await comparison.get_by_text("Offer diversion to every first-time offender").wait_for()
    await assert_accessible(page)

    # The public page and its comparison.
    await page.goto(f"/plans/{plan.uuid}")
    await page.get_by_text("Version 2, published").wait_for()
    await assert_accessible(page)
    await page.get_by_role("link", name="what changed from version 1").click()
    await page.get_by_text("Lead: “Youth Offending Service” became").wait_for()
    await assert_accessible(page)
