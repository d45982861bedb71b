"""Importing and undoing in a real browser (issue 17): a moderator checks a file (the
report lists the bad row), imports it leaving the bad row out, opens the batch, and
undoes it through the one confirmation page; axe-core on every page."""

from __future__ import annotations

from convenor.models import Role
from directory.models import BatchStatus, Entry, ImportBatch
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD, make_staff

CSV = (
    "name,kind,description,areas\n"
    "Woolston Warriors,Community group,Football for teenagers,Woolston\n"
    "Bargate Boxers,Community group,Boxing after school,Bargate\n"
    "Nameless Kind,club,,Atlantis\n"
)


async def test_import_check_then_import_then_undo_in_browser(page, taxonomy, tmp_path):
    moderator = await make_staff(Role.MODERATOR)
    path = tmp_path / "groups.csv"
    path.write_text(CSV)
    await page.goto("/login")
    await page.fill("#email", moderator.email)
    await page.fill("#password", STAFF_PASSWORD)
    await page.click("button[type=submit]")

    await page.goto("/staff/directory/imports")
    await assert_accessible(page)
    await page.click("main a:has-text('a spreadsheet imported here')")
    await page.wait_for_selector("h1:has-text('Import a spreadsheet')")
    await assert_accessible(page)

    await page.set_input_files("#file", str(path))
    await page.click("button:has-text('Go')")
    await page.wait_for_selector("h2:has-text('What the check found in groups.csv')")
    assert await page.locator(".report-lines li", has_text="line 4 (Nameless Kind)").count() == 3
    await assert_accessible(page)
    assert await Entry.all().count() == 0

    await page.set_input_files("#file", str(path))
    await page.check("#action-import")
    await page.check("#skip_bad_rows")
    await page.click("button:has-text('Go')")
    await page.wait_for_selector("text=The file has been imported.")
    await assert_accessible(page)
    batch = await ImportBatch.get()
    assert (batch.created, batch.skipped, batch.created_by_id) == (2, 1, moderator.id)

    await page.click("a:has-text('Undo this import')")
    await page.wait_for_selector(f"h1:has-text('Undo import {batch.id}')")
    assert await page.locator("#undo-plan").inner_text() == (
        "Undoing this import removes 2 entries still pending."
    )
    await assert_accessible(page)
    await page.click(f"button:has-text('Undo import {batch.id}')")
    await page.wait_for_selector("text=The import has been undone.")
    await assert_accessible(page)

    assert await Entry.all().count() == 0
    assert (await ImportBatch.get()).status == BatchStatus.UNDONE
