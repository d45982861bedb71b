"""Importing a draft from a spreadsheet: .xlsx from openpyxl, Windows-1252 CSV, rows with
problems, unknown lead agencies, all or nothing, a 20,000-row file refused quickly."""

from __future__ import annotations

import csv
import html
import io
import time
from datetime import date

import pytest

from convenor.errors import Invalid
from convenor.tables import read_table
from directory.models import Entry, Status
from plans.models import Action, Priority
from plans.plan_import import MAX_ACTIONS, import_draft, preview_draft
from plans.tree import load_tree
from tests.plans.factories import lead_entries, make_plan
from tests.tables_corpus import xlsx

HEADINGS = ["Priority", "Why it matters", "Key action", "Lead agency", "Measure of success",
            "Supporting partners", "Target date"]  # fmt: skip
ROWS = [
    ["Keeping people safe from harm", "Violent crime is up", "Joint patrols in hot spots",
     "Hampshire Constabulary", "Fewer knife incidents", "", date(2027, 3, 31)],
    ["Keeping people safe from harm", "", "One referral route for domestic abuse", "All",
     "More referrals", "", "31/03/2028"],
    ["Preventing and reducing offending", "", "Mentor young people leaving custody",
     "Probation Services; Southampton Mentors CIC", "Reduced reoffending rates for young people",
     "Youth Offending Service", ""],
]  # fmt: skip


LEADS = ("Hampshire Constabulary", "Probation Services", "Youth Offending Service")


async def test_xlsx_preview_then_import_with_new_pending_lead(app, organiser):
    await lead_entries(*LEADS)
    plan = await make_plan(priorities=1, actions=(1,))
    table = read_table(xlsx([HEADINGS, *ROWS]), "draft.xlsx")

    preview = await preview_draft(organiser, plan.id, table)

    assert preview.ok, [r.problems for r in preview.rows]
    assert preview.unknown == ["Southampton Mentors CIC"]
    assert preview.existing == ["Keeping people safe from harm"]
    with pytest.raises(Invalid):
        await import_draft(organiser, plan.id, table, add_missing=False)
    assert await Action.filter(plan=plan).count() == 1

    result = await import_draft(organiser, plan.id, table, add_missing=True)

    assert (result.priorities, result.actions, result.new_entries) == (1, 3, 1)
    tree = await load_tree(plan.id)
    assert [len(p.actions) for p in tree.priorities] == [3, 1]
    mentor = tree.priorities[1].actions[0]
    assert [p.name for p in mentor.leads] == ["Probation Services", "Southampton Mentors CIC"]
    assert [p.name for p in mentor.supports] == ["Youth Offending Service"]
    assert tree.priorities[0].actions[2].all_partners
    assert tree.priorities[0].actions[1].target_date == date(2027, 3, 31)  # a date cell
    assert tree.priorities[0].actions[2].target_date == date(2028, 3, 31)  # typed 31/03/2028
    assert (await Entry.get(name="Southampton Mentors CIC")).status == Status.PENDING


async def test_windows_1252_csv_with_synonym_headings(app, organiser):
    await lead_entries(*LEADS)
    plan = await make_plan(priorities=0, actions=())
    text = (
        "Theme;Action;Lead;Measures\r\n"
        "Creating safe, stronger communities;Fund caf\u00e9s for young people \u2013 evenings;"
        "Hampshire Constabulary;Residents\u2019 survey\r\n"
    )
    table = read_table(text.encode("cp1252"), "draft.csv")

    result = await import_draft(organiser, plan.id, table, add_missing=False)

    assert result.actions == 1
    action = (await load_tree(plan.id)).actions[0]
    assert action.text == "Fund caf\u00e9s for young people \u2013 evenings"
    assert action.measure == "Residents\u2019 survey"


async def test_rows_with_problems_are_shown_and_nothing_saved(app, organiser):
    await lead_entries(*LEADS)
    plan = await make_plan(priorities=0, actions=())
    bad = [
        HEADINGS,
        ["", "", "No priority", "Hampshire Constabulary", "", "", ""],
        ["P1", "", "", "Hampshire Constabulary", "", "", ""],
        ["P1", "", "No lead", "", "", "", ""],
        ["P1", "", "Bad date", "All", "", "", "31/02/2027"],
        ["P1\x07", "", "x" * 6000, "All", "", "", ""],
        ["P1", "", "Good", "All", "", "", ""],
        ["P1", "", "Good", "All", "", "", ""],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(bad)
    table = read_table(out.getvalue().encode(), "bad.csv")

    preview = await preview_draft(organiser, plan.id, table)

    problems = {row.line: row.problems for row in preview.rows}
    assert problems[2] == ["Priority: Enter the priority's title"]
    assert problems[3] == ["Action: Enter the action"]
    assert problems[4] == ["Lead agency: enter the lead agency, or \u201cAll\u201d"]
    assert problems[5] == ["Target date: Enter a real date, such as 2027-03-31"]
    assert problems[6] == [
        "Priority: Remove the control characters (such as a NUL byte) from this text",
        "Action: Use 5,000 characters or fewer (this has 6,000)",
    ]
    assert problems[7] == []
    assert problems[8] == ["Action: the same as row 7"]
    assert not preview.ok
    with pytest.raises(Invalid):
        await import_draft(organiser, plan.id, table, add_missing=True)
    assert await Priority.filter(plan=plan).count() == 0
    out = io.StringIO()  # control: the good row alone is imported
    csv.writer(out).writerows([HEADINGS, bad[6]])
    good = read_table(out.getvalue().encode(), "good.csv")
    assert (await import_draft(organiser, plan.id, good, add_missing=True)).actions == 1


async def test_missing_columns_named(app, organiser):
    plan = await make_plan(priorities=0, actions=())
    table = read_table(b"Priority,Action\r\nP1,A1\r\n", "x.csv")

    preview = await preview_draft(organiser, plan.id, table)

    assert preview.file_problems == [
        "The first row must name the columns Priority, Action, Lead agency and Measure of "
        "success; not found: Lead agency, Measure of success."
    ]
    whole = read_table(b"Priority,Action,Lead agency,Measure\r\nP1,A1,All,M1\r\n", "x.csv")
    assert (await preview_draft(organiser, plan.id, whole)).file_problems == []  # control


async def test_twenty_thousand_rows_refused_quickly(app, organiser):
    plan = await make_plan(priorities=0, actions=())
    lines = ["Priority,Action,Lead agency,Measure"] + [
        f"P{i % 3},Action {i},All,Measure {i}" for i in range(20_000)
    ]
    started = time.perf_counter()

    table = read_table("\r\n".join(lines).encode(), "big.csv")
    preview = await preview_draft(organiser, plan.id, table)

    assert time.perf_counter() - started < 5
    assert preview.file_problems == [
        f"The file has 20,000 rows; a draft imports at most {MAX_ACTIONS} actions at a time. "
        "Split the file, or leave out rows that are not key actions."
    ]
    with pytest.raises(Invalid):
        await import_draft(organiser, plan.id, table, add_missing=True)
    assert await Action.filter(plan=plan).count() == 0


async def test_import_pages_preview_and_confirm(staff_client):
    await lead_entries(*LEADS)
    plan = await make_plan(priorities=0, actions=())
    url = f"/staff/plans/{plan.id}/import"
    page = await staff_client.get(url)
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    files = {"file": ("draft.xlsx", xlsx([HEADINGS, *ROWS]), "application/octet-stream")}

    preview = await staff_client.post(url, data={"csrf_token": token}, files=files)

    assert preview.status_code == 200
    assert "3 key actions under 2 priorities are ready to import" in preview.text
    assert "Southampton Mentors CIC" in preview.text
    carried = preview.text.split('name="table" value="')[1].split('"')[0]
    table = html.unescape(carried)
    refused = await staff_client.post(f"{url}/confirm", data={"csrf_token": token, "table": table})
    assert refused.status_code == 400
    assert await Action.filter(plan=plan).count() == 0
    done = await staff_client.post(
        f"{url}/confirm", data={"csrf_token": token, "table": table, "add_missing": "yes"}
    )
    assert done.status_code == 303
    assert await Action.filter(plan=plan).count() == 3


async def test_import_page_refuses_an_image(staff_client):
    plan = await make_plan(priorities=0, actions=())
    url = f"/staff/plans/{plan.id}/import"
    token = (await staff_client.get(url)).text.split('name="csrf_token" value="')[1].split('"')[0]
    files = {"file": ("photo.csv", b"\x89PNG\r\n\x1a\n....", "text/csv")}

    response = await staff_client.post(url, data={"csrf_token": token}, files=files)

    assert response.status_code == 400
    assert "This looks like a PNG image" in response.text
    assert await Priority.filter(plan=plan).count() == 0
    files = {"file": ("draft.csv", b"Priority,Action,Lead agency,Measure\r\nP1,A1,All,M\r\n")}
    preview = await staff_client.post(url, data={"csrf_token": token}, files=files)
    assert preview.status_code == 200  # control: a real CSV is previewed
    assert "1 key action under 1 priority is ready to import. Nothing is saved" in preview.text


async def test_largest_import_of_500_actions_is_one_transaction(app, organiser):
    await lead_entries(*LEADS)
    plan = await make_plan(priorities=0, actions=())
    leads = ["Hampshire Constabulary", "Probation Services", "Youth Offending Service"]
    rows = [HEADINGS] + [
        [
            f"Priority {i % 5}",
            "",
            f"Action {i}",
            leads[i % 3],
            f"Measure {i}",
            leads[(i + 1) % 3],
            "",
        ]
        for i in range(MAX_ACTIONS)
    ]
    table = read_table(xlsx(rows), "big.xlsx")
    started = time.perf_counter()

    result = await import_draft(organiser, plan.id, table, add_missing=False)

    elapsed = time.perf_counter() - started
    assert (result.priorities, result.actions, result.new_entries) == (5, 500, 0)
    assert await Action.filter(plan=plan).count() == 500
    assert elapsed < 30, elapsed
    print(f"500-action import: {elapsed:.2f} s")
