"""In Chromium: an organiser uploads an invite list with two bad rows, downloads the
bad rows as a CSV file to fix, and imports the good rows. axe-core checks the pages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from events.models import Invitation
from tests.browser import assert_accessible
from tests.journeys import sign_in
from tests.tables_corpus import saved_as

ROWS = [
    ["Name", "E-mail", "Organisation", "Job title"],
    ["Zoë Polaków", "zoe@example.org", "Café £5 Trust", "Coordinator"],
    ["Bad Email", "not-an-email", "Council", "Officer"],
    ["Ann Lee", "ann@example.org", "Hampshire Constabulary", "Inspector"],
    ["", "nameless@example.org", "Solent NHS Trust", "Nurse"],
]


async def test_organiser_imports_the_good_rows_and_downloads_the_bad(page, organiser, event):
    await sign_in(page, organiser)
    await page.goto(f"/staff/events/{event.id}/import")
    await assert_accessible(page)
    await page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(
        files=[
            {
                "name": "invitees.csv",
                "mimeType": "text/csv",
                "buffer": saved_as(ROWS)["excel-windows-cp1252"],
            }
        ]
    )
    await page.get_by_role("button", name="Preview the import").click()
    await page.get_by_role("heading", name="2 of 4 rows have problems").wait_for()
    await assert_accessible(page)

    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Download the 2 rows with problems (CSV)").click()
    download = await waiting.value
    fixed = Path(await download.path()).read_bytes().decode("utf-8-sig")

    assert download.suggested_filename == "invitees-to-fix.csv"
    assert list(csv.reader(io.StringIO(fixed))) == [
        ["Name", "E-mail", "Organisation", "Job title", "Problem"],
        ["Bad Email", "not-an-email", "Council", "Officer", "The email address is not valid"],
        ["", "nameless@example.org", "Solent NHS Trust", "Nurse", "The name is missing"],
    ]
    assert await Invitation.all().count() == 0

    await page.get_by_role("button", name="Import the 2 good rows").click()
    await page.wait_for_url("**/invitees?done=imported&added=2&updated=0")
    await page.get_by_text("2 invitees added, 0 updated.").wait_for()
    await assert_accessible(page)
    names = await Invitation.filter(event=event).order_by("name").values_list("name", flat=True)
    assert names == ["Ann Lee", "Zoë Polaków"]
