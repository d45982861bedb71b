"""Annual reviews: the register frozen at a date, compared with the previous, as a PDF."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from convenor.errors import Forbidden, Invalid, NotFound
from convenor.models import Role
from plans.models import Action, ActionStatus, PlanStatus, Review
from plans.register import UpdateData, record_update
from plans.review_pdf import review_pdf
from plans.reviews import compare, end_of_day, public_review, register_snapshot, take_review
from tests.conftest import make_staff
from tests.plans.factories import make_plan, measure_reading
from tests.plans.register_support import actions_by_number, adopted_plan


async def _update(plan, action, status, when, progress=""):
    await record_update(
        plan,
        action.id,
        UpdateData(status=status, progress=progress, text=f"{status} now", status_reason="x"),
        author_name="Ann Lee",
        at=when,
    )


def test_end_of_day_is_london_midnight():
    assert end_of_day(date(2026, 6, 30)) == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert end_of_day(date(2026, 1, 31)) == datetime(2026, 2, 1, tzinfo=UTC)


async def test_snapshot_takes_the_state_at_the_end_of_the_date(app):
    plan = await adopted_plan()
    a = await actions_by_number(plan)
    await _update(plan, a["1.1"], "on_track", datetime(2026, 3, 31, 22, 30, tzinfo=UTC), "20")
    await _update(plan, a["1.1"], "at_risk", datetime(2026, 3, 31, 23, 30, tzinfo=UTC), "25")
    await _update(plan, a["1.2"], "done", datetime(2026, 5, 1, tzinfo=UTC))
    await Action.filter(id=a["3.1"].id).update(status=ActionStatus.OFF_TRACK)  # never updated
    await measure_reading(a["3.2"], 52, date(2026, 3, 31))
    await measure_reading(a["3.2"], 60, date(2026, 4, 1))

    snap = await register_snapshot(plan, date(2026, 3, 31))

    rows = {r["number"]: r for r in snap["actions"]}
    assert (rows["1.1"]["status"], rows["1.1"]["progress"]) == ("on_track", 20)  # BST 23:30
    assert rows["1.1"]["update"]["text"] == "on_track now"
    assert (rows["1.2"]["status"], rows["1.2"]["update"]) == ("not_started", None)
    assert rows["3.1"]["status"] == "off_track"
    assert rows["3.2"]["reading"] == {
        "value": 52.0,
        "unit": "%",
        "taken_on": "2026-03-31",
        "source": "City Survey",
    }
    assert snap["counts"] == {
        "not_started": 6,
        "on_track": 1,
        "at_risk": 0,
        "off_track": 1,
        "done": 0,
        "dropped": 0,
    }
    assert rows["1.2"]["leads"] == ["All partners"]


async def test_compare_reports_status_changes_and_new_readings(app):
    plan = await adopted_plan()
    a = await actions_by_number(plan)
    await _update(plan, a["1.1"], "on_track", datetime(2026, 3, 1, tzinfo=UTC))
    await measure_reading(a["3.2"], 52, date(2026, 3, 1))
    await measure_reading(a["2.1"], 10, date(2026, 3, 1))
    old = await register_snapshot(plan, date(2026, 3, 31))
    await _update(plan, a["1.1"], "done", datetime(2026, 9, 1, tzinfo=UTC))
    await _update(plan, a["2.2"], "dropped", datetime(2026, 9, 1, tzinfo=UTC))
    await measure_reading(a["3.2"], 58, date(2026, 9, 1))
    new = await register_snapshot(plan, date(2026, 11, 30))

    result = compare(old, new)

    assert [(c.number, c.old_status, c.new_status) for c in result.status_changes] == [
        ("1.1", "on_track", "done"),
        ("2.2", "not_started", "dropped"),
    ]
    assert [
        (c.number, c.new_reading["value"], c.old_reading["value"]) for c in result.new_readings
    ] == [("3.2", 58.0, 52.0)]
    assert [(c.number, c.old_progress, c.new_progress) for c in result.progress_changes] == [
        ("1.1", None, 100)
    ]
    assert (result.added, result.removed) == ([], [])
    assert ("Done", 0, 1) in result.count_rows


async def test_compare_finds_added_and_removed_actions_by_ref(app):
    plan = await adopted_plan()
    a = await actions_by_number(plan)
    old = await register_snapshot(plan, date(2026, 3, 31))
    await Action.filter(id=a["3.2"].id).update(removed_at=datetime.now(UTC))
    new = await register_snapshot(plan, date(2026, 3, 31))
    new["actions"].append({**new["actions"][0], "ref": "new1", "number": "3.2", "text": "New"})

    result = compare(old, new)

    assert [x["text"] for x in result.added] == ["New"]
    assert [x["number"] for x in result.removed] == ["3.2"]


def test_compare_with_no_previous_review_lists_no_changes():
    new = {
        "counts": {},
        "actions": [
            {
                "ref": "r",
                "number": "1.1",
                "text": "t",
                "status": "done",
                "progress": 100,
                "reading": None,
            }
        ],
    }
    result = compare(None, new)
    assert (result.status_changes, result.added, result.removed) == ([], [], [])


async def test_take_review_refuses_bad_input_and_unadopted_plans(app, organiser):
    plan = await adopted_plan()
    draft = await make_plan(PlanStatus.CONSULTATION)

    with pytest.raises(Invalid) as caught:
        await take_review(organiser, plan.id, " ", "31/03/2026")
    assert set(caught.value.fields) == {"title", "as_of"}
    with pytest.raises(Invalid):
        await take_review(organiser, plan.id, "Annual review", "2999-01-01")
    with pytest.raises(Invalid):
        await take_review(organiser, draft.id, "Annual review", "2026-03-31")
    assert await Review.all().count() == 0

    review = await take_review(organiser, plan.id, "Annual review 2026", "2026-03-31")
    assert (review.title, review.as_of, len(review.snapshot["actions"])) == (
        "Annual review 2026",
        date(2026, 3, 31),
        8,
    )


async def test_public_review_is_compared_with_the_previous_one(app, client, organiser):
    plan = await adopted_plan()
    a = await actions_by_number(plan)
    first = await take_review(organiser, plan.id, "Review 2025", "2025-03-31")
    await _update(plan, a["1.1"], "on_track", datetime(2026, 1, 1, tzinfo=UTC))
    second = await take_review(organiser, plan.id, "Review 2026", "2026-03-31")

    page = await public_review(plan.uuid, second.id)
    html = await client.get(f"/plans/{plan.uuid}/reviews/{second.id}")
    compared = await client.get(
        f"/plans/{plan.uuid}/reviews/compare?from={first.id}&to={second.id}"
    )

    assert page.previous.id == first.id
    assert [c.number for c in page.comparison.status_changes] == ["1.1"]
    assert html.status_code == compared.status_code == 200
    assert "Changed status (1)" in html.text
    assert "Changed status (1)" in compared.text
    first_page = await client.get(f"/plans/{plan.uuid}/reviews/{first.id}")
    assert "Changed status" not in first_page.text


async def test_review_of_another_plan_or_an_unadopted_plan_is_404(app, client, organiser):
    plan, other = await adopted_plan(), await adopted_plan()
    review = await take_review(organiser, plan.id, "Review", "2026-03-31")
    assert (await client.get(f"/plans/{plan.uuid}/reviews/{review.id}")).status_code == 200

    assert (await client.get(f"/plans/{other.uuid}/reviews/{review.id}")).status_code == 404
    assert (await client.get(f"/plans/{other.uuid}/reviews/{review.id}.pdf")).status_code == 404
    assert (await client.get(f"/plans/{plan.uuid}/reviews/compare?from=x&to=1")).status_code == 404
    plan.status = PlanStatus.DRAFT
    await plan.save()
    with pytest.raises(NotFound):
        await public_review(plan.uuid, review.id)


async def test_review_pdf_has_the_counts_changes_and_actions(app, client, organiser):
    plan = await adopted_plan()
    a = await actions_by_number(plan)
    await take_review(organiser, plan.id, "Review 2025", "2025-03-31")
    await _update(plan, a["1.1"], "on_track", datetime(2026, 1, 1, tzinfo=UTC))
    await measure_reading(a["3.2"], 52, date(2026, 2, 1))
    second = await take_review(organiser, plan.id, "Review 2026 \u2013 Łódź", "2026-03-31")

    response = await client.get(f"/plans/{plan.uuid}/reviews/{second.id}.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Review 2026 \u2013 Łódź" in text
    assert "Changed status" in text
    assert "Not started to On track" in text
    assert "52% (2026-02-01)" in text
    assert "Map community activity and networks" in text


def test_review_pdf_without_previous_review():
    review = Review(
        id=1,
        title="First",
        as_of=date(2026, 3, 31),
        snapshot={
            "as_of": "2026-03-31",
            "plan": {"title": "P", "partnership": "S", "period": ""},
            "counts": {"done": 1},
            "actions": [],
        },
    )
    body = review_pdf(review, None, compare(None, review.snapshot))
    assert body.startswith(b"%PDF")


def test_review_pdf_sets_chinese_text_with_the_fallback_font():
    snapshot = {
        "as_of": "2026-03-31",
        "plan": {"title": "安全计划", "partnership": "S", "period": ""},
        "counts": {"done": 1},
        "actions": [
            {
                "ref": "r",
                "number": "1.1",
                "text": "社区 <b>行动</b>",
                "leads": ["Łódź"],
                "status": "done",
                "status_reason": "",
                "progress": 100,
                "update": None,
                "reading": None,
            }
        ],
    }
    review = Review(id=1, title="年度审查", as_of=date(2026, 3, 31), snapshot=snapshot)

    body = review_pdf(review, None, compare(None, snapshot))

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    squeezed = re.sub(r"[\s\x00]+", "", text)  # pypdf spaces the fallback font's runs
    assert "年度审查" in squeezed
    assert "社区<b>行动</b>" in squeezed
    assert "Progress" in text


async def test_take_review_needs_an_organiser(app, organiser):
    plan = await adopted_plan()
    moderator = await make_staff(Role.MODERATOR)

    for user in (None, moderator):
        with pytest.raises(Forbidden):
            await take_review(user, plan.id, "Review", "2026-03-31")

    assert await Review.all().count() == 0
    made = await take_review(organiser, plan.id, "Review", "2026-03-31")  # control
    assert await Review.all().values_list("id", flat=True) == [made.id]
