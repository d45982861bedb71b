"""The public register's downloads: CSV, .xlsx, JSON and the Atom feed of updates."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from lxml import etree
from openpyxl import load_workbook

from plans.models import ActionUpdate, PlanStatus
from plans.register import UpdateData, record_update
from tests.plans.factories import make_plan, measure_reading
from tests.plans.register_support import POLICE, actions_by_number, adopted_plan

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '=HYPERLINK("http://evil.example","x") & <script>alert(1)</script>\x07'


async def _plan_with_updates():
    plan = await adopted_plan()
    actions = await actions_by_number(plan)
    await record_update(
        plan,
        actions["1.1"].id,
        UpdateData(status="on_track", progress="25", text="Patrols began."),
        author_name="Ann Lee",
        author_organisation=POLICE,
        at=datetime(2026, 3, 1, 10, tzinfo=UTC),
    )
    await record_update(
        plan,
        actions["1.1"].id,
        UpdateData(status="at_risk", progress="30", text=HOSTILE, evidence_url="https://x.org/r"),
        author_name="Ann Lee",
        author_organisation=POLICE,
        at=datetime(2026, 6, 1, 10, tzinfo=UTC),
    )
    await measure_reading(actions["1.1"], 72, datetime(2026, 3, 31).date(), source="+City Survey")
    return plan, actions


async def test_csv_has_a_row_per_action_with_formula_cells_neutralised(app, client):
    plan, _ = await _plan_with_updates()

    response = await client.get(f"/plans/{plan.uuid}/register.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 9
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:4] == ["Priority number", "Priority", "Action number", "Action"]
    assert first["Status"] == "At risk"
    assert first["Progress (%)"] == "30"
    assert first["Latest update"].startswith("'=HYPERLINK(")
    assert first["Reading source"] == "'+City Survey"
    assert first["Latest reading"] == "72.0"
    assert first["Last update"] == "2026-06-01 11:00"  # London summer time


async def test_csv_follows_the_filters(app, client):
    plan, _ = await _plan_with_updates()

    response = await client.get(f"/plans/{plan.uuid}/register.csv?status=at_risk")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:]] == ["1.1"]


async def test_xlsx_keeps_formula_text_as_text(app, client):
    plan, _ = await _plan_with_updates()

    response = await client.get(f"/plans/{plan.uuid}/register.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Latest update") + 1)
    assert cell.data_type == "s"
    assert cell.value.startswith('=HYPERLINK("http://evil.example"')
    assert cell.quotePrefix
    assert sheet.max_row == 9


async def test_json_has_timelines_and_readings(app, client):
    plan, _ = await _plan_with_updates()

    body = json.loads((await client.get(f"/plans/{plan.uuid}/register.json")).text)

    first = body["priorities"][0]["actions"][0]
    assert body["plan"]["uuid"] == plan.uuid
    assert [p["number"] for p in body["priorities"]] == [1, 2, 3]
    assert first["number"] == "1.1"
    assert [u["status"] for u in first["updates"]] == ["at_risk", "on_track"]
    assert first["readings"] == [
        {"value": 72.0, "unit": "%", "taken_on": "2026-03-31", "source": "+City Survey"}
    ]
    assert first["leads"] == [{"entry_id": first["leads"][0]["entry_id"], "name": POLICE}]


async def test_downloads_of_unadopted_plans_or_unknown_formats_are_404(app, client):
    plan, _ = await _plan_with_updates()
    draft = await make_plan(PlanStatus.CONSULTATION)

    assert (await client.get(f"/plans/{plan.uuid}/register.csv")).status_code == 200
    assert (await client.get(f"/plans/{plan.uuid}/register.exe")).status_code == 404
    for ending in ("register.csv", "register.json", "register/feed.atom", "register"):
        assert (await client.get(f"/plans/{draft.uuid}/{ending}")).status_code == 404
        assert (await client.get(f"/plans/{plan.uuid}/{ending}")).status_code == 200  # control


async def test_atom_feed_is_valid_atom_with_escaped_text(app, client):
    plan, _ = await _plan_with_updates()

    response = await client.get(f"/plans/{plan.uuid}/register/feed.atom")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)  # well-formed XML, or this raises
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1
    assert feed.find(f"{ATOM}author/{ATOM}name").text == plan.partnership
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/register/feed.atom")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 2
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1
        assert datetime.fromisoformat(entry.find(f"{ATOM}updated").text).tzinfo is not None
    newest = entries[0]
    assert newest.find(f"{ATOM}title").text == "Action 1.1: At risk"
    content = newest.find(f"{ATOM}content")
    assert content.get("type") == "text"
    assert "<script>alert(1)</script>" in content.text  # text, escaped on the wire
    assert b"<script>" not in response.content
    assert "\x07" not in content.text
    assert feed.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}updated").text


async def test_atom_feed_of_a_plan_without_updates_is_valid_and_empty(app, client):
    plan = await adopted_plan()

    feed = etree.fromstring((await client.get(f"/plans/{plan.uuid}/register/feed.atom")).content)

    assert feed.findall(f"{ATOM}entry") == []
    assert feed.find(f"{ATOM}updated").text is not None


async def test_atom_feed_lists_newest_first(app, client):
    plan, actions = await _plan_with_updates()
    later = datetime.now(UTC) - timedelta(minutes=1)
    await ActionUpdate.filter(action_id=actions["1.1"].id, text="Patrols began.").update(
        posted_at=later
    )

    feed = etree.fromstring((await client.get(f"/plans/{plan.uuid}/register/feed.atom")).content)

    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Action 1.1: On track", "Action 1.1: At risk"]
