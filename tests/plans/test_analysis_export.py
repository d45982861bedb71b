"""Exports for analysts (plans.analysis_export): one row per answer and per workshop
point, no personal details by default, personal details only for admins and logged,
formula cells neutralised in CSV and .xlsx."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from convenor.errors import Forbidden
from convenor.models import Role
from plans.analysis_export import RESPONSE_COLUMNS, responses_sheet, workshop_sheet
from plans.models import CommentExport, PlanStatus, Priority
from tests.conftest import csrf_token, make_staff, sign_in
from tests.plans.factories import (
    analysis_answer,
    analysis_point,
    analysis_respondent,
    make_plan,
    plan_actions,
)

NAME, EMAIL = "Priya Secret", "priya.secret@example.net"


async def consultation():
    plan = await make_plan(PlanStatus.CONSULTATION)
    actions = await plan_actions(plan)
    resident = await analysis_respondent(
        plan, "public", capacity="resident", organisation="My Street", name=NAME, email=EMAIL
    )
    group = await analysis_respondent(
        plan, "partner", capacity="community_group", organisation="Millbrook Mums"
    )
    draft = await analysis_respondent(plan, "public", submitted=False)
    redacted = await analysis_answer(
        resident, actions[0], support=5, comment="Ring Priya on 07700 900123", moderation="approved"
    )
    redacted.redacted_comment = "Ring [name] on [phone]"
    await redacted.save()
    await analysis_answer(
        resident, actions[1], support=1, comment="Rude words", moderation="hidden"
    )
    await analysis_answer(group, actions[0], support=4, comment='=HYPERLINK("http://x")')
    await analysis_answer(draft, actions[0], support=2, comment="Draft")
    priority = await Priority.get(id=actions[0].priority_id)  # type: ignore[attr-defined]
    await analysis_answer(group, priority, missing="Night-time economy")
    await analysis_point(plan, actions[3], "@SUM(1) table point")
    return plan


def rows_of(sheet) -> list[dict]:
    return [dict(zip(sheet.header, row, strict=True)) for row in sheet.rows]


async def test_responses_without_personal_details(app, organiser):
    plan = await consultation()
    sheet = await responses_sheet(organiser, plan.id)
    assert list(sheet.header) == list(RESPONSE_COLUMNS)
    rows = rows_of(sheet)
    assert [(r["Action number"], r["Support"], r["Comment"]) for r in rows] == [
        ("", None, ""),  # the priority's "what is missing" comes first in priority 1
        ("1.1", 5, "Ring [name] on [phone]"),
        ("1.1", 4, '=HYPERLINK("http://x")'),
        ("1.2", 1, ""),  # hidden: the view stays, the words go
    ]
    assert rows[0]["What is missing"] == "Night-time economy"
    assert rows[1]["Organisation"] == ""  # a resident's organisation could name them
    assert rows[2]["Organisation"] == "Millbrook Mums"
    assert rows[1]["Redacted"] == "yes" and rows[3]["Moderation"] == "hidden"
    text = repr(rows)
    assert NAME not in text and EMAIL not in text and "07700" not in text and "Draft" not in text
    assert await CommentExport.all().count() == 0


async def test_responses_with_personal_details_for_an_admin_are_logged(app):
    admin = await make_staff(Role.ADMIN)
    plan = await consultation()
    sheet = await responses_sheet(admin, plan.id, fmt="xlsx", personal=True)
    rows = rows_of(sheet)
    assert rows[1]["Name"] == NAME and rows[1]["Email"] == EMAIL
    assert rows[1]["Original comment"] == "Ring Priya on 07700 900123"
    assert rows[1]["Organisation"] == "My Street"
    [log] = await CommentExport.all()
    assert (log.user_email, log.what, log.with_personal_details, log.row_count) == (
        admin.email,
        "responses.xlsx",
        True,
        4,
    )


async def test_personal_details_refused_to_an_organiser(app, organiser):
    plan = await consultation()
    with pytest.raises(Forbidden):
        await responses_sheet(organiser, plan.id, personal=True)
    with pytest.raises(Forbidden):
        await workshop_sheet(organiser, plan.id, personal=True)
    assert await CommentExport.all().count() == 0
    admin = await make_staff(Role.ADMIN)  # control: an admin gets both, logged
    assert rows_of(await responses_sheet(admin, plan.id, personal=True))[1]["Name"] == NAME
    assert rows_of(await workshop_sheet(admin, plan.id, personal=True))[0]["Facilitator"] == (
        "Fay Facilitator"
    )
    assert await CommentExport.all().count() == 2


async def test_workshop_notes_sheet(app, organiser):
    plan = await consultation()
    sheet = await workshop_sheet(organiser, plan.id)
    [row] = rows_of(sheet)
    assert (row["Table"], row["Action number"], row["Point"]) == (
        "Table 1",
        "2.1",
        "@SUM(1) table point",
    )
    assert "Facilitator" not in sheet.header
    admin = await make_staff(Role.ADMIN)  # control: with personal details, an admin's has it
    assert "Facilitator" in (await workshop_sheet(admin, plan.id, personal=True)).header


async def test_csv_download_neutralises_formulas_and_has_no_names(staff_client):
    plan = await consultation()
    response = await staff_client.get(f"/staff/plans/{plan.id}/analysis/responses.csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert NAME not in body and EMAIL not in body
    notes = await staff_client.get(f"/staff/plans/{plan.id}/analysis/workshop-notes.csv")
    assert "'@SUM(1) table point" in notes.content.decode("utf-8-sig")


async def test_xlsx_download_keeps_formulas_as_text(staff_client):
    plan = await consultation()
    response = await staff_client.get(f"/staff/plans/{plan.id}/analysis/responses.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    comments = [row[RESPONSE_COLUMNS.index("Comment")] for row in sheet.iter_rows(min_row=2)]
    formula = next(c for c in comments if c.value == '=HYPERLINK("http://x")')
    assert formula.data_type == "s" and formula.quotePrefix


async def test_personal_export_over_http_only_for_admins_and_logged(client, app):
    plan = await consultation()
    await sign_in(client, await make_staff(Role.ORGANISER))
    token = await csrf_token(client, f"/staff/plans/{plan.id}/analysis")
    path = f"/staff/plans/{plan.id}/analysis/responses.csv"
    refused = await client.post(path, data={"csrf_token": token})
    assert refused.status_code == 403
    assert await CommentExport.all().count() == 0
    await client.post("/logout", data={"csrf_token": token})
    client.cookies.clear()
    await sign_in(client, await make_staff(Role.ADMIN))
    token = await csrf_token(client, f"/staff/plans/{plan.id}/analysis")
    no_token = await client.post(path)
    assert no_token.status_code == 403
    assert await CommentExport.all().count() == 0
    done = await client.post(path, data={"csrf_token": token})
    assert done.status_code == 200 and EMAIL in done.content.decode("utf-8-sig")
    assert [(e.what, e.row_count) for e in await CommentExport.all()] == [("responses.csv", 4)]


async def test_the_analysis_page_shows_admins_the_log_of_personal_exports(client, app):
    plan = await consultation()
    admin = await make_staff(Role.ADMIN, email="analyst-admin@example.org")
    await sign_in(client, admin)
    page = f"/staff/plans/{plan.id}/analysis"
    before = await client.get(page)
    assert "Exports with personal details so far" in before.text
    assert "analyst-admin@example.org" not in before.text
    token = await csrf_token(client, page)
    await client.post(f"{page}/workshop-notes.xlsx", data={"csrf_token": token})

    after = await client.get(page)

    row = after.text.split('class="export-log"')[1].split("</table>")[0]
    assert "analyst-admin@example.org" in row and "workshop-notes.xlsx" in row
    assert "<td>1</td>" in row


async def test_an_organiser_does_not_see_the_log_of_personal_exports(staff_client):
    plan = await consultation()
    page = await staff_client.get(f"/staff/plans/{plan.id}/analysis")
    assert page.status_code == 200
    assert "Exports with personal details so far" not in page.text


async def test_export_of_an_unknown_format_is_404(staff_client):
    plan = await consultation()
    response = await staff_client.get(f"/staff/plans/{plan.id}/analysis/responses.pdf")
    assert response.status_code == 404
    known = await staff_client.get(f"/staff/plans/{plan.id}/analysis/responses.csv")
    assert known.status_code == 200  # control
