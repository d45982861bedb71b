"""The event's exports through their routes, read back by openpyxl and by Python's csv
with ``utf-8-sig``: the delegate list (with and without catering and access answers)
and the invite list, each as .csv and .xlsx. Values are what was stored, formula cells
are neutralised, phone numbers stay as typed, sensitive reads are logged, and another
event's organiser gets 404."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from convenor.models import Role
from events.data import QuestionData
from events.invitations import decline
from events.models import DelegateExport, ReadVia, Registration
from events.questions import add_question
from tests.conftest import csrf_token, make_staff, sign_in
from tests.spreadsheets import XLSX_TYPE, quote_prefixed, read_csv, read_export, xlsx_sheet

from .factories import invite, link_for, registered

FORMATS = ["csv", "xlsx"]
NAME, EMAIL, JOB, ORGANISATION, STATUS, CODE, REGISTERED_AT = range(7)
NEEDS = slice(9, 11)
FORMULAS = {
    "name": "=SUM(A1)",
    "job_title": '\uff1dHYPERLINK("http://x")',
    "organisation": "@cmd|' /C calc'!A0",
    "dietary": "\uff0b1+1",
    "access_needs": "-1+1",
}


async def download(client, event, fmt: str, *, with_needs: bool = False, query: str = ""):
    path = f"/staff/events/{event.id}/delegates.{fmt}"
    if with_needs:
        token = await csrf_token(client, f"/staff/events/{event.id}/delegates")
        return await client.post(path, data={"csrf_token": token})
    return await client.get(path + query)


def expected_cell(value: str, fmt: str) -> str:
    """What a neutralised formula cell reads back as: CSV adds the apostrophe, .xlsx
    keeps the text as stored (typed as text, with Excel's quote prefix)."""
    return f"'{value}" if fmt == "csv" else value


# The delegate list


@pytest.mark.parametrize("fmt", FORMATS)
async def test_delegate_export_values_equal_what_was_stored(
    staff_client, organiser, event, settings, fmt
):
    stored, _ = await registered(
        organiser,
        event,
        settings,
        name="Zoë Polaków 🎉",
        job_title="007",
        organisation="Związek Polaków w Southampton",
        dietary="No nuts\nNo dairy",
        access_needs="Hearing loop",
    )

    response = await download(staff_client, event, fmt, with_needs=True)

    assert response.status_code == 200
    header, row = read_export(response)
    assert header[:11] == [
        "Name", "Email", "Job title", "Organisation", "Status", "Check-in code",
        "Registered at", "Checked in at", "On shared list", "Dietary requirements",
        "Access needs",
    ]  # fmt: skip
    assert row[:CODE] == [
        "Zoë Polaków 🎉",
        "delegate1@partner.example.org",
        "007",
        "Związek Polaków w Southampton",
        "registered",
    ]
    assert row[CODE] == stored.check_in_code
    assert row[NEEDS] == ["No nuts\nNo dairy", "Hearing loop"]


async def test_delegate_csv_starts_with_bom_and_uses_crlf(staff_client, organiser, event, settings):
    await registered(organiser, event, settings, dietary="No nuts\nNo dairy")

    response = await download(staff_client, event, "csv", with_needs=True)

    assert response.content.startswith(b"\xef\xbb\xbfName,Email,")
    assert response.content.count(b"\r\n") == 2  # the header and the one delegate
    assert b'"No nuts\nNo dairy"' in response.content  # the cell's own line break kept
    assert len(read_csv(response.content)) == 2


async def test_delegate_xlsx_registered_at_is_a_date_in_the_event_zone(
    staff_client, organiser, event, settings
):
    stored, _ = await registered(organiser, event, settings)

    response = await download(staff_client, event, "xlsx")

    cell = xlsx_sheet(response.content).cell(row=2, column=REGISTERED_AT + 1)
    london = stored.registered_at.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)
    assert abs(cell.value - london) < timedelta(seconds=1)  # Excel keeps milliseconds
    assert (cell.data_type, cell.number_format) == ("d", "yyyy-mm-dd hh:mm")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_delegate_export_neutralises_formula_cells(
    staff_client, organiser, event, settings, fmt
):
    await registered(organiser, event, settings, **FORMULAS)

    response = await download(staff_client, event, fmt, with_needs=True)

    _, row = read_export(response)
    assert [row[NAME], row[JOB], row[ORGANISATION], *row[NEEDS]] == [
        expected_cell(FORMULAS[key], fmt)
        for key in ("name", "job_title", "organisation", "dietary", "access_needs")
    ]


async def test_delegate_xlsx_marks_only_formula_cells_as_text(
    staff_client, organiser, event, settings
):
    await registered(organiser, event, settings, name="=SUM(A1)", organisation="Police")

    response = await download(staff_client, event, "xlsx")

    # The positive control: "Police", the email and the code are plain text cells.
    assert quote_prefixed(response.content) == {"=SUM(A1)"}


@pytest.mark.parametrize("fmt", FORMATS)
async def test_delegate_export_keeps_phone_number_as_typed(
    staff_client, organiser, event, settings, fmt
):
    mobile = await add_question(organiser, event.id, QuestionData("short_text", "Mobile"))
    notes = await add_question(organiser, event.id, QuestionData("short_text", "Notes"))
    typed = {str(mobile.id): "+44 7700 900123", str(notes.id): "+A1"}
    await registered(organiser, event, settings, answers=typed)

    response = await download(staff_client, event, fmt)

    header, row = read_export(response)
    assert header[-2:] == ["Mobile", "Notes"]
    assert row[-2:] == ["+44 7700 900123", expected_cell("+A1", fmt)]
    if fmt == "xlsx":
        assert "+44 7700 900123" not in quote_prefixed(response.content)


@pytest.mark.parametrize("fmt", FORMATS)
async def test_delegate_export_with_needs_is_logged_with_its_format(
    staff_client, organiser, event, settings, fmt
):
    await registered(organiser, event, settings)

    response = await download(staff_client, event, fmt, with_needs=True)

    assert response.status_code == 200
    [logged] = await DelegateExport.all()
    assert (logged.user_email, logged.row_count, logged.included_needs, logged.via) == (
        organiser.email,
        1,
        True,
        ReadVia(fmt),
    )


@pytest.mark.parametrize("fmt", FORMATS)
async def test_delegate_export_without_needs_is_not_logged(
    staff_client, organiser, event, settings, fmt
):
    await registered(organiser, event, settings, dietary="Vegan")

    response = await download(staff_client, event, fmt)

    header, row = read_export(response)
    assert "Dietary requirements" not in header and "Vegan" not in row
    assert await DelegateExport.all().count() == 0


async def test_needs_page_names_excel_download_in_its_log(staff_client, organiser, event, settings):
    await registered(organiser, event, settings)
    await download(staff_client, event, "xlsx", with_needs=True)

    response = await staff_client.get(f"/staff/events/{event.id}/needs")

    assert f"<td>{organiser.email}</td><td>1</td><td>Excel download</td>" in response.text


async def test_delegate_export_filters_by_status(staff_client, organiser, event, settings):
    await registered(organiser, event, settings, 1, name="Kept")
    cancelled, _ = await registered(organiser, event, settings, 2, name="Gone")
    await Registration.filter(id=cancelled.id).update(status="cancelled")

    response = await download(staff_client, event, "xlsx", query="?status=registered")

    assert [row[NAME] for row in read_export(response)[1:]] == ["Kept"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_delegate_export_is_named_for_the_event(staff_client, event, fmt):
    response = await download(staff_client, event, fmt)

    name = f"delegates-{event.id}.{fmt}"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )
    assert response.headers["cache-control"] == "no-store"


async def test_delegate_export_unknown_format_is_404(staff_client, event):
    assert (await staff_client.get(f"/staff/events/{event.id}/delegates.csv")).status_code == 200

    response = await staff_client.get(f"/staff/events/{event.id}/delegates.pdf")

    assert response.status_code == 404


async def test_delegates_page_offers_both_formats_side_by_side(staff_client, event):
    response = await staff_client.get(f"/staff/events/{event.id}/delegates?status=registered")

    for fmt in FORMATS:
        assert f'href="/staff/events/{event.id}/delegates.{fmt}?q=&amp;status=registered"' in (
            response.text
        )
        assert f'action="/staff/events/{event.id}/delegates.{fmt}"' in response.text


async def test_needs_page_offers_both_formats(staff_client, event):
    response = await staff_client.get(f"/staff/events/{event.id}/needs")

    for fmt in FORMATS:
        assert f'action="/staff/events/{event.id}/delegates.{fmt}"' in response.text


# Who gets a 404


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("what", ["delegates", "invitees"])
async def test_export_other_events_organiser_gets_404(
    client, second_client, organiser, event, settings, fmt, what
):
    await registered(organiser, event, settings)
    await sign_in(client, await make_staff(Role.ORGANISER))

    response = await client.get(f"/staff/events/{event.id}/{what}.{fmt}")

    assert response.status_code == 404
    await sign_in(second_client, organiser)
    assert (await second_client.get(f"/staff/events/{event.id}/{what}.{fmt}")).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("what", ["delegates", "invitees"])
async def test_export_anonymous_gets_404(client, second_client, organiser, event, fmt, what):
    response = await client.get(f"/staff/events/{event.id}/{what}.{fmt}")

    assert response.status_code == 404
    await sign_in(second_client, organiser)
    assert (await second_client.get(f"/staff/events/{event.id}/{what}.{fmt}")).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("what", ["delegates", "invitees"])
async def test_export_own_events_organiser_gets_the_file(staff_client, event, fmt, what):
    response = await staff_client.get(f"/staff/events/{event.id}/{what}.{fmt}")

    assert response.status_code == 200
    assert (
        response.headers["content-type"]
        == {
            "csv": "text/csv; charset=utf-8",
            "xlsx": XLSX_TYPE,
        }[fmt]
    )


async def test_sensitive_xlsx_other_events_organiser_gets_404_and_nothing_logged(
    client, second_client, organiser, event, settings
):
    await registered(organiser, event, settings)
    await sign_in(client, await make_staff(Role.ORGANISER))
    token = await csrf_token(client, "/staff/events")

    response = await client.post(
        f"/staff/events/{event.id}/delegates.xlsx", data={"csrf_token": token}
    )

    assert response.status_code == 404
    assert await DelegateExport.all().count() == 0
    await sign_in(second_client, organiser)
    owner_token = await csrf_token(second_client, "/staff/events")
    control = await second_client.post(
        f"/staff/events/{event.id}/delegates.xlsx", data={"csrf_token": owner_token}
    )
    assert control.status_code == 200
    assert await DelegateExport.all().count() == 1


# The invite list


async def invitee_download(client, event, fmt: str, query: str = ""):
    return await client.get(f"/staff/events/{event.id}/invitees.{fmt}{query}")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_invitee_export_values_equal_what_was_stored(staff_client, organiser, event, fmt):
    await invite(organiser, event, 1, name="Zoë Polaków 🎉", job_title="007", organisation="Rada")
    declined = await invite(organiser, event, 2, name="Bo Ng")
    await decline(await link_for(declined), "Away that week\nSorry")

    response = await invitee_download(staff_client, event, fmt)

    header, *rows = read_export(response)
    assert header == [
        "Name", "Email", "Job title", "Organisation", "Status", "Added at",
        "Invitation sent at", "Reminded at", "Answered at", "Reason for declining",
    ]  # fmt: skip
    assert [row[:5] for row in rows] == [
        [
            "Bo Ng",
            "delegate2@partner.example.org",
            "Inspector",
            "Hampshire Constabulary",
            "declined",
        ],
        ["Zoë Polaków 🎉", "delegate1@partner.example.org", "007", "Rada", "invited"],
    ]
    assert [rows[0][9], rows[1][9]] == ["Away that week\nSorry", "" if fmt == "csv" else None]


async def test_invitee_xlsx_answered_at_is_a_date(staff_client, organiser, event):
    declined = await invite(organiser, event, 1)
    await decline(await link_for(declined), "")

    response = await invitee_download(staff_client, event, "xlsx")

    row = read_export(response)[1]
    assert isinstance(row[5], datetime) and isinstance(row[8], datetime)
    assert row[6] is None  # never sent: an empty cell, not a text


@pytest.mark.parametrize("fmt", FORMATS)
async def test_invitee_export_neutralises_formula_cells(staff_client, organiser, event, fmt):
    await invite(organiser, event, 1, name="\uff20SUM(A1)", organisation="=1+1", job_title="Chief")

    response = await invitee_download(staff_client, event, fmt)

    row = read_export(response)[1]
    assert row[:4] == [
        expected_cell("\uff20SUM(A1)", fmt),
        "delegate1@partner.example.org",
        "Chief",
        expected_cell("=1+1", fmt),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_invitee_export_keeps_the_page_filters(staff_client, organiser, event, fmt):
    await invite(organiser, event, 1, name="Ann Invited")
    declined = await invite(organiser, event, 2, name="Bo Declined")
    await decline(await link_for(declined), "")

    response = await invitee_download(staff_client, event, fmt, "?status=declined")

    assert [row[0] for row in read_export(response)[1:]] == ["Bo Declined"]


async def test_invitees_page_offers_both_formats_side_by_side(staff_client, event):
    response = await staff_client.get(f"/staff/events/{event.id}/invitees?q=Ann")

    for fmt in FORMATS:
        assert f'href="/staff/events/{event.id}/invitees.{fmt}?q=Ann&amp;status="' in response.text
