"""Hostile text in every field of the draft: kept as text (escaped when shown, formulas
neutralised by exports) or refused with a message next to the field; nothing saved."""

from __future__ import annotations

import pytest

from convenor.errors import Invalid
from plans import drafts
from plans.draft_forms import ActionData, EvidenceData, PartnerChoice, PlanData, PriorityData
from plans.models import Action, Evidence, Plan, Priority
from plans.tree import load_tree
from tests.plans.factories import make_plan

ENCODED = "Remove \u201c=?\u201d: it is not allowed in a name"
CONTROL = "Remove the control characters (such as a NUL byte) from this text"
KEPT = ("<script>alert(1)</script>", "=cmd|' /C calc'!A0", "+SUM(1)", "Łódź \u202e evil")

PLAN_FIELDS = {"title": 300, "partnership": 200, "period": 40, "summary": 10_000}
PRIORITY_FIELDS = {"title": 300, "why": 5000}
EVIDENCE_FIELDS = {"value": 100, "label": 300, "period": 60, "source": 300}
ACTION_FIELDS = {"text": 5000, "measure": 5000}


def plan_data(**changed) -> PlanData:
    return PlanData(**{"title": "Plan", "partnership": "Safe City", **changed})


@pytest.mark.parametrize("name", PLAN_FIELDS)
async def test_plan_fields(app, organiser, name):
    for text in KEPT:
        plan = await drafts.create_plan(organiser, plan_data(**{name: text[: PLAN_FIELDS[name]]}))
        assert getattr(plan, name) == text[: PLAN_FIELDS[name]]
    count = await Plan.all().count()
    for text, message in (
        ("a\x00b", CONTROL),
        ("x" * 10_001, f"Use {PLAN_FIELDS[name]:,} characters or fewer (this has 10,001)"),
    ):
        with pytest.raises(Invalid) as refused:
            await drafts.create_plan(organiser, plan_data(**{name: text}))
        assert refused.value.fields == {name: message}
    assert await Plan.all().count() == count


@pytest.mark.parametrize("name", PRIORITY_FIELDS)
async def test_priority_fields(app, organiser, name):
    plan = await make_plan(priorities=0, actions=())
    base = {"title": "Priority", "why": ""}
    for text in KEPT:
        made = await drafts.add_priority(organiser, plan.id, PriorityData(**{**base, name: text}))
        assert getattr(made, name) == text
    for text, message in (
        ("a\x1bb", CONTROL),
        ("x" * 10_000, f"Use {PRIORITY_FIELDS[name]:,} characters or fewer (this has 10,000)"),
    ):
        with pytest.raises(Invalid) as refused:
            await drafts.add_priority(organiser, plan.id, PriorityData(**{**base, name: text}))
        assert refused.value.fields == {name: message}
    assert await Priority.filter(plan=plan).count() == len(KEPT)


@pytest.mark.parametrize("name", EVIDENCE_FIELDS)
async def test_evidence_fields(app, organiser, name):
    plan = await make_plan(priorities=1, actions=(0,))
    priority = (await load_tree(plan.id)).priorities[0]
    base = {"value": "1", "label": "Label", "period": "", "source": ""}
    for text in KEPT:
        item = await drafts.add_evidence(
            organiser, plan.id, priority.id, EvidenceData(**{**base, name: text})
        )
        assert getattr(item, name) == text
    for text in ("a\x00b", "x" * 10_000):
        with pytest.raises(Invalid) as refused:
            await drafts.add_evidence(
                organiser, plan.id, priority.id, EvidenceData(**{**base, name: text})
            )
        assert list(refused.value.fields) == [name]
    assert await Evidence.filter(priority_id=priority.id).count() == len(KEPT)


@pytest.mark.parametrize("name", ACTION_FIELDS)
async def test_action_fields(app, organiser, name):
    plan = await make_plan(priorities=1, actions=(0,))
    priority = (await load_tree(plan.id)).priorities[0]
    base = {"text": "Action", "measure": "", "all_partners": True}
    for text in KEPT:
        action = await drafts.add_action(
            organiser, plan.id, priority.id, ActionData(**{**base, name: text})
        )
        assert getattr(action, name) == text
    for text in ("a\x00b", "x" * 10_000):
        with pytest.raises(Invalid) as refused:
            await drafts.add_action(
                organiser, plan.id, priority.id, ActionData(**{**base, name: text})
            )
        assert list(refused.value.fields) == [name]
    assert await Action.filter(plan=plan).count() == len(KEPT)


async def test_partner_names_refused_with_controls_or_encoded_words(app, organiser):
    plan = await make_plan(priorities=1, actions=(0,))
    priority = (await load_tree(plan.id)).priorities[0]
    for name, message in (
        ("Bad\x00Name", CONTROL + " (BadName)"),
        ("=?utf-8?b?QQ==?=", ENCODED + " (= ?utf-8?b?QQ== ?=)"),
        ("x" * 201, "Keep each organisation's name to 200 characters or fewer"),
        ("!!!", "Enter each organisation's name with letters or digits"),
    ):
        with pytest.raises(Invalid) as refused:
            await drafts.add_action(
                organiser,
                plan.id,
                priority.id,
                ActionData("x", leads=[PartnerChoice(name)], add_missing=True),
            )
        assert refused.value.fields == {"leads": message}
    assert await Action.filter(plan=plan).count() == 0
    await drafts.add_action(  # control: a plain new name is added
        organiser,
        plan.id,
        priority.id,
        ActionData("x", leads=[PartnerChoice("Street Pastors Soton")], add_missing=True),
    )
    assert await Action.filter(plan=plan).count() == 1


async def test_hostile_titles_escaped_on_the_editor(staff_client, organiser):
    plan = await drafts.create_plan(organiser, plan_data(title="<script>alert(1)</script>"))
    await drafts.add_priority(organiser, plan.id, PriorityData("<img src=x onerror=alert(1)>"))

    page = await staff_client.get(f"/staff/plans/{plan.id}")

    assert "<script>alert(1)</script>" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_new_partner_name_cleaned_of_format_characters(app, organiser):
    plan = await make_plan(priorities=1, actions=(0,))
    priority = (await load_tree(plan.id)).priorities[0]
    typed = "Street\u202e  Pastors\u200b Soton"

    await drafts.add_action(
        organiser,
        plan.id,
        priority.id,
        ActionData("Night patrols", leads=[PartnerChoice(typed)], add_missing=True),
    )

    [lead] = (await load_tree(plan.id)).actions[0].leads
    assert lead.name == "Street Pastors Soton"
