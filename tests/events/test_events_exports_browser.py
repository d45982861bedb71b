"""In Chromium: an organiser downloads the delegate list with catering and access
answers as .xlsx from the delegates page, reads it with openpyxl, and sees the download
in the catering and access page's log; the invitee page's .xlsx download. axe-core
checks each page."""

from __future__ import annotations

from pathlib import Path

from events.models import DelegateExport, ReadVia
from events.registration import register
from tests.browser import assert_accessible
from tests.journeys import sign_in
from tests.spreadsheets import read_xlsx

from .factories import answers, invite, link_for


async def test_organiser_downloads_needs_as_xlsx_and_sees_it_logged(
    page, organiser, event, settings, tmp_path
):
    token = await link_for(await invite(organiser, event, 1))
    await register(token, answers("Zoë Polaków", dietary="=SUM(A1)"), settings)
    await sign_in(page, organiser)
    await page.goto(f"/staff/events/{event.id}/delegates")
    await assert_accessible(page)

    async with page.expect_download() as info:
        await page.get_by_role(
            "button", name="Download Excel (.xlsx) with dietary and access needs"
        ).click()
    download = await info.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)

    assert download.suggested_filename == f"delegates-{event.id}-with-needs.xlsx"
    header, row = read_xlsx(Path(saved).read_bytes())
    assert (row[0], row[header.index("Dietary requirements")]) == ("Zoë Polaków", "=SUM(A1)")
    [logged] = await DelegateExport.all()
    assert logged.via == ReadVia.XLSX
    await page.goto(f"/staff/events/{event.id}/needs")
    assert await page.get_by_role("cell", name="Excel download").count() == 1
    await assert_accessible(page)


async def test_organiser_downloads_invite_list_as_xlsx(page, organiser, event, tmp_path):
    await invite(organiser, event, 1, name="Zoë Polaków")
    await sign_in(page, organiser)
    await page.goto(f"/staff/events/{event.id}/invitees")
    await assert_accessible(page)

    async with page.expect_download() as info:
        await page.get_by_role("link", name="Download the invite list (.xlsx)").click()
    download = await info.value
    saved = tmp_path / "invitees.xlsx"
    await download.save_as(saved)

    rows = read_xlsx(saved.read_bytes())
    assert [row[:2] for row in rows[1:]] == [["Zoë Polaków", "delegate1@partner.example.org"]]
