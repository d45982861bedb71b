"""Importing invitees from a spreadsheet through the page: every format organisers'
software saves, files that are not spreadsheets refused with one sentence, importing
the good rows and downloading the bad ones to fix, and re-importing an updated list."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from events.models import Invitation, InvitationStatus
from tests.conftest import csrf_token
from tests.tables_corpus import UNREADABLE, saved_as, xlsx

from .factories import invite

ROWS = [
    ["Full name", "E-mail address", "Organization", "Role"],
    ["Zoë Polaków", "Zoe@Example.org", "Café £5 Trust", "Coordinator"],
    ["Ann Lee", "ann@example.org", "Hampshire Constabulary", "Inspector"],
]
EXPECTED = [
    ("Ann Lee", "ann@example.org", "Hampshire Constabulary", "Inspector"),
    ("Zoë Polaków", "zoe@example.org", "Café £5 Trust", "Coordinator"),
]
# Four people, two with problems (rows 3 and 5), in the order the file has them.
PARTLY_BAD = [
    ["Name", "Email", "Organisation", "Job title"],
    ["Ann Lee", "ann@example.org", "Hampshire Constabulary", "Inspector"],
    ["Bad Email", "not-an-email", "Council", "Officer"],
    ["Bob Ray", "bob@example.org", "Southampton City Council", "Officer"],
    ["", "nameless@example.org", '=HYPERLINK("x")', ""],
]


async def upload(client, event, filename: str, data: bytes):
    token = await csrf_token(client, f"/staff/events/{event.id}/import")
    return await client.post(
        f"/staff/events/{event.id}/import",
        data={"csrf_token": token},
        files={"file": (filename, data, "application/octet-stream")},
    )


def carried(preview) -> str:
    found = re.search(r'name="table" value="([^"]*)"', preview.text)
    assert found is not None, "the preview carries no table"
    return html.unescape(found.group(1))


async def confirm(client, event, table: str, **extra):
    token = await csrf_token(client, f"/staff/events/{event.id}/import")
    return await client.post(
        f"/staff/events/{event.id}/import/confirm",
        data={"table": table, "csrf_token": token, **extra},
    )


async def saved(event) -> list[tuple[str, str, str, str]]:
    return [
        (i.name, i.email, i.organisation, i.job_title)
        for i in await Invitation.filter(event_id=event.id).order_by("name")
    ]


@pytest.mark.parametrize("saved_as_name", sorted(saved_as(ROWS)))
async def test_invitee_import_reads_each_format_with_accents(staff_client, event, saved_as_name):
    suffix = ".xlsx" if saved_as_name == "xlsx" else ".csv"

    preview = await upload(staff_client, event, f"list{suffix}", saved_as(ROWS)[saved_as_name])
    response = await confirm(staff_client, event, carried(preview))

    assert preview.status_code == 200
    assert "Zoë Polaków" in preview.text
    assert "Email: from the column \u201cE-mail address\u201d" in preview.text
    assert response.status_code == 303
    assert await saved(event) == EXPECTED


@pytest.mark.parametrize("name", sorted(UNREADABLE))
async def test_invitee_import_refuses_a_file_that_is_not_a_spreadsheet(staff_client, event, name):
    data, sentence = UNREADABLE[name]

    response = await upload(staff_client, event, f"list-{name}.csv", data)

    assert response.status_code == 400
    assert html.escape(sentence, quote=False) in response.text
    assert await Invitation.all().count() == 0
    control = await upload(staff_client, event, "list.csv", saved_as(ROWS)["utf8-lf"])
    assert control.status_code == 200
    assert "Zoë Polaków" in control.text


async def test_invitee_import_of_a_header_only_file_has_a_file_problem(staff_client, event):
    response = await upload(staff_client, event, "list.csv", b"Name,Email\r\n")

    assert response.status_code == 200
    assert "The file has a heading row but no invitees" in response.text
    assert f"/staff/events/{event.id}/import/confirm" not in response.text
    assert await Invitation.all().count() == 0


async def test_invitee_import_row_numbers_skip_a_quoted_line_break(staff_client, event):
    text = 'Name,Email,Organisation\r\nAnn,ann@example.org,"Two\r\nlines"\r\nBob,bad-email,X\r\n'

    response = await upload(staff_client, event, "list.csv", text.encode())

    assert response.status_code == 200
    assert re.search(r'<th scope="row">3</th>\s*<td>Bob</td>', response.text)


async def test_invitee_import_lists_each_problem_next_to_its_row(staff_client, event):
    response = await upload(staff_client, event, "list.xlsx", xlsx(PARTLY_BAD))

    assert response.status_code == 200
    assert "2 of 4 rows have problems" in response.text
    assert re.search(
        r'<th scope="row">3</th>.*?The email address is not valid', response.text, re.S
    )
    assert re.search(r'<th scope="row">5</th>.*?The name is missing', response.text, re.S)
    assert "Import the 2 good rows" in response.text
    assert "Download the 2 rows with problems (CSV)" in response.text


async def test_invitee_import_of_the_good_rows_saves_them(staff_client, event):
    preview = await upload(staff_client, event, "list.xlsx", xlsx(PARTLY_BAD))

    response = await confirm(staff_client, event, carried(preview), rows="good")

    assert response.status_code == 303
    assert response.headers["location"].endswith("?done=imported&added=2&updated=0")
    assert [row[0] for row in await saved(event)] == ["Ann Lee", "Bob Ray"]


async def test_invitee_import_of_every_row_with_bad_rows_saves_nothing(staff_client, event):
    preview = await upload(staff_client, event, "list.xlsx", xlsx(PARTLY_BAD))

    response = await confirm(staff_client, event, carried(preview))

    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert await Invitation.all().count() == 0
    control = await confirm(staff_client, event, carried(preview), rows="good")
    assert control.status_code == 303
    assert await Invitation.all().count() == 2


async def test_invitee_import_bad_rows_download_as_csv_to_fix(staff_client, event):
    preview = await upload(staff_client, event, "list.csv", saved_as(PARTLY_BAD)["utf8-bom"])
    token = await csrf_token(staff_client, f"/staff/events/{event.id}/import")

    response = await staff_client.post(
        f"/staff/events/{event.id}/import/problems.csv",
        data={"table": carried(preview), "csrf_token": token},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Name", "Email", "Organisation", "Job title", "Problem"],
        ["Bad Email", "not-an-email", "Council", "Officer", "The email address is not valid"],
        ["", "nameless@example.org", '\'=HYPERLINK("x")', "", "The name is missing"],
    ]
    assert await Invitation.all().count() == 0


async def test_invitee_reimport_updates_details_adds_new_and_lists_who_is_left_out(
    staff_client, organiser, event
):
    ann = await invite(organiser, event, name="Ann Lee", email="ann@example.org")
    gone = await invite(organiser, event, name="Cy Gone", email="cy@example.org")
    await Invitation.filter(id=gone.id).update(status=InvitationStatus.DECLINED)
    updated = [
        ["Name", "Email", "Organisation", "Job title"],
        ["Ann Lee-Smith", "ANN@example.org", "Hampshire Constabulary", "Chief Inspector"],
        ["Dee New", "dee@example.org", "Solent NHS Trust", "Nurse"],
    ]

    preview = await upload(staff_client, event, "list.xlsx", xlsx(updated))
    response = await confirm(staff_client, event, carried(preview))

    assert "None (details updated)" in preview.text
    assert re.search(r"Cy Gone \(cy@example.org\), declined", preview.text)
    assert response.status_code == 303
    assert response.headers["location"].endswith("?done=imported&added=1&updated=1")
    await ann.refresh_from_db()
    await gone.refresh_from_db()
    assert (ann.name, ann.organisation, ann.job_title, ann.status) == (
        "Ann Lee-Smith",
        "Hampshire Constabulary",
        "Chief Inspector",
        InvitationStatus.INVITED,
    )
    assert (gone.name, gone.status) == ("Cy Gone", InvitationStatus.DECLINED)
    assert [row[0] for row in await saved(event)] == ["Ann Lee-Smith", "Cy Gone", "Dee New"]


async def test_invitee_reimport_matches_an_email_whatever_its_case(staff_client, organiser, event):
    bob = await invite(organiser, event, name="Bob", email="bob@example.org")
    # Stored as someone typed it elsewhere (an older import, the API).
    await Invitation.filter(id=bob.id).update(email="BOB@Example.org")

    preview = await upload(staff_client, event, "list.xlsx", xlsx(PARTLY_BAD))
    response = await confirm(staff_client, event, carried(preview), rows="good")

    assert response.status_code == 303
    await bob.refresh_from_db()
    assert (bob.name, bob.organisation) == ("Bob Ray", "Southampton City Council")
    assert await Invitation.filter(event_id=event.id).count() == 2


async def test_invitee_import_with_headings_but_no_email_column_says_so(staff_client, event):
    data = saved_as([["Name", "Organisation"], ["Ann Lee", "Hampshire Constabulary"]])["xlsx"]

    response = await upload(staff_client, event, "list.xlsx", data)

    assert response.status_code == 200
    assert "The file has no email column" in response.text
    assert f"/staff/events/{event.id}/import/confirm" not in response.text
    assert await Invitation.all().count() == 0


async def test_invitee_import_of_a_file_over_5_mb_is_refused(staff_client, event):
    data = b"Name,Email\r\n" + b"Ann Lee,ann@example.org\r\n" * 210_000

    response = await upload(staff_client, event, "list.csv", data)

    assert len(data) > 5_000_000
    assert response.status_code == 400
    assert "The file is larger than 5 MB; split it into smaller files." in response.text
    assert await Invitation.all().count() == 0
    control = await upload(staff_client, event, "list.csv", data[:37])  # the heading and one row
    assert control.status_code == 200
    assert "The file is larger than 5 MB" not in control.text
