"""Editing a plan's draft: order and moves, removal before and after a version,
choosing partners from the directory, hostile text."""

from __future__ import annotations

import pytest

from convenor.errors import Conflict, Forbidden, Invalid, NotFound
from directory.models import Entry, Provenance, Status
from plans import drafts
from plans.draft_forms import ActionData, EvidenceData, PartnerChoice, PlanData, PriorityData
from plans.draft_partners import UnknownPartners
from plans.models import Action, ActionPartner, Evidence, Plan, PlanStatus, Priority, VersionKind
from plans.tree import load_tree
from plans.versions import publish_version
from tests.conftest import make_staff
from tests.directory.factories import make_entry
from tests.plans.factories import lead_entry, make_plan


async def _titles(plan_id: int) -> list[str]:
    return [p.title for p in (await load_tree(plan_id)).priorities]


async def test_create_plan_and_refuse_bad_fields(app, organiser):
    plan = await drafts.create_plan(
        organiser,
        PlanData(title="Serious Violence Plan", partnership="Safe City", period="2022-2027"),
    )
    assert (plan.status, plan.period) == (PlanStatus.DRAFT, "2022-2027")

    with pytest.raises(Invalid) as refused:
        await drafts.create_plan(organiser, PlanData(title="", partnership="x\x00y"))
    assert refused.value.fields == {
        "title": "Enter the plan's title",
        "partnership": "Remove the control characters (such as a NUL byte) from this text",
    }
    assert await Plan.all().values_list("id", flat=True) == [plan.id]


async def test_hostile_text_kept_as_text_or_refused(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    tree = await load_tree(plan.id)

    priority = await drafts.add_priority(
        organiser,
        plan.id,
        PriorityData(title="<script>alert(1)</script>", why="=cmd|' /C calc'!A0"),
    )
    assert (priority.title, priority.why) == ("<script>alert(1)</script>", "=cmd|' /C calc'!A0")
    with pytest.raises(Invalid) as long_text:
        await drafts.update_action(
            organiser, plan.id, tree.actions[0].id, ActionData(text="x" * 10_000)
        )
    assert long_text.value.fields == {"text": "Use 5,000 characters or fewer (this has 10,000)"}
    with pytest.raises(Invalid) as two_lines:
        await drafts.add_priority(organiser, plan.id, PriorityData(title="One\nTwo"))
    assert two_lines.value.fields == {"title": "Enter this on one line"}
    with pytest.raises(Invalid) as bell:
        await drafts.add_evidence(organiser, plan.id, priority.id, EvidenceData("1\x07", "Bells"))
    assert set(bell.value.fields) == {"value"}
    assert await Priority.filter(plan=plan).count() == 2
    assert (await Action.get(id=tree.actions[0].id)).text == tree.actions[0].text


async def test_priorities_move_up_and_down(app, organiser):
    plan = await make_plan()
    tree = await load_tree(plan.id)
    first, _second, third = (p.id for p in tree.priorities)

    await drafts.move_priority(organiser, plan.id, third, "up")
    await drafts.move_priority(organiser, plan.id, first, "up")  # already first: stays

    assert await _titles(plan.id) == [
        "Keeping people safe from harm",
        "Creating safe, stronger communities",
        "Preventing and reducing offending",
    ]
    await drafts.move_priority(organiser, plan.id, first, "down")
    assert (await load_tree(plan.id)).priorities[1].id == first
    before = await _titles(plan.id)
    with pytest.raises(Invalid):
        await drafts.move_priority(organiser, plan.id, first, "sideways")
    assert await _titles(plan.id) == before


async def test_actions_move_within_and_between_priorities(app, organiser):
    plan = await make_plan()
    tree = await load_tree(plan.id)
    moving = tree.priorities[0].actions[2]

    await drafts.move_action(organiser, plan.id, moving.id, "up")
    assert [a.id for a in (await load_tree(plan.id)).priorities[0].actions][1] == moving.id

    data = ActionData(text=moving.text, leads=[PartnerChoice(entry_id=moving.leads[0].entry_id)])
    data.priority_id = tree.priorities[2].id
    await drafts.update_action(organiser, plan.id, moving.id, data)

    after = await load_tree(plan.id)
    assert [a.ref for a in after.priorities[2].actions][-1] == moving.ref
    assert after.action_by_ref(moving.ref).number == "3.3"
    assert len(after.priorities[0].actions) == 2


async def test_remove_before_a_version_deletes(app, organiser):
    plan = await make_plan()
    tree = await load_tree(plan.id)

    kept = await drafts.remove_action(organiser, plan.id, tree.actions[0].id)
    kept_priority = await drafts.remove_priority(organiser, plan.id, tree.priorities[2].id)

    assert (kept, kept_priority) == (False, False)
    assert await Action.filter(plan=plan).count() == 8 - 1 - 2
    assert await Priority.filter(plan=plan).count() == 2


async def test_remove_after_a_version_marks_removed(app, organiser):
    plan = await make_plan()
    tree = await load_tree(plan.id)
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)

    kept = await drafts.remove_action(organiser, plan.id, tree.actions[0].id)
    await drafts.remove_priority(organiser, plan.id, tree.priorities[2].id)

    assert kept is True
    assert await Action.filter(plan=plan).count() == 8
    assert await Action.filter(plan=plan, removed_at__isnull=False).count() == 3
    assert await _titles(plan.id) == [
        "Keeping people safe from harm",
        "Preventing and reducing offending",
    ]
    with pytest.raises(NotFound):  # already removed
        await drafts.remove_action(organiser, plan.id, tree.actions[0].id)


async def test_partner_chosen_by_name_key_or_id(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    priority = (await load_tree(plan.id)).priorities[0]
    police = await lead_entry("Hampshire Constabulary")
    pending = await make_entry("Southampton Youth Forum", status=Status.PENDING)
    hidden = await make_entry("Secret Club", status=Status.HIDDEN)

    action = await drafts.add_action(
        organiser,
        plan.id,
        priority.id,
        ActionData(
            text="Joint patrols",
            leads=[PartnerChoice("  hampshire   CONSTABULARY! ")],
            supports=[PartnerChoice(entry_id=pending.id)],
        ),
    )

    view = (await load_tree(plan.id)).action_by_id(action.id)
    assert [p.entry_id for p in view.leads] == [police.id]
    assert [p.entry_id for p in view.supports] == [pending.id]
    with pytest.raises(Invalid) as by_hidden_id:
        await drafts.add_action(
            organiser, plan.id, priority.id,
            ActionData(text="x", leads=[PartnerChoice(entry_id=hidden.id)]),
        )  # fmt: skip
    assert by_hidden_id.value.fields == {"leads": f"No organisation {hidden.id} in the directory"}
    assert await Action.filter(plan=plan).count() == 2  # the first and the control only


async def test_unknown_partner_refused_until_confirmed_then_pending(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    priority = (await load_tree(plan.id)).priorities[0]
    data = ActionData(text="Street pastors at night", leads=[PartnerChoice("Street Pastors Soton")])
    before = await Entry.all().count()

    with pytest.raises(UnknownPartners) as unknown:
        await drafts.add_action(organiser, plan.id, priority.id, data)
    assert unknown.value.names == ["Street Pastors Soton"]
    assert await Entry.all().count() == before
    assert await Action.filter(plan=plan).count() == 1

    data.add_missing = True
    action = await drafts.add_action(organiser, plan.id, priority.id, data)

    entry = await Entry.get(name="Street Pastors Soton")
    assert entry.status == Status.PENDING
    assert (
        await Provenance.filter(
            entry=entry, source="Named in Serious Violence Delivery Plan"
        ).count()
        == 1
    )
    assert await ActionPartner.filter(action=action, entry=entry).count() == 1


async def test_lead_and_support_same_and_all_partners_with_leads(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    priority = (await load_tree(plan.id)).priorities[0]
    await lead_entry("Probation Services")
    same = PartnerChoice("Probation Services")

    with pytest.raises(Invalid) as both:
        await drafts.add_action(
            organiser, plan.id, priority.id, ActionData("x", leads=[same], supports=[same])
        )
    with pytest.raises(Invalid) as all_and_lead:
        await drafts.add_action(
            organiser, plan.id, priority.id, ActionData("x", all_partners=True, leads=[same])
        )

    assert both.value.fields == {"supports": "Probation Services cannot both lead and support"}
    assert set(all_and_lead.value.fields) == {"leads"}
    assert await Action.filter(plan=plan).count() == 1
    await drafts.add_action(organiser, plan.id, priority.id, ActionData("x", leads=[same]))
    assert await Action.filter(plan=plan).count() == 2  # control: leading alone is fine


async def test_evidence_added_moved_replaced(app, organiser):
    plan = await make_plan(priorities=1, actions=(0,))
    priority = (await load_tree(plan.id)).priorities[0]
    figure = EvidenceData("11,079", "Violent crime", "2018/19", "Safe City Strategic Assessment")
    one = await drafts.add_evidence(organiser, plan.id, priority.id, figure)
    two = await drafts.add_evidence(
        organiser, plan.id, priority.id, EvidenceData("52%", "Feel safe")
    )

    await drafts.move_evidence(organiser, plan.id, priority.id, two.id, "up")

    assert [e.value for e in (await load_tree(plan.id)).priorities[0].evidence] == ["52%", "11,079"]
    await drafts.set_evidence(organiser, plan.id, priority.id, [EvidenceData("779", "Up by")])
    assert list(await Evidence.filter(priority_id=priority.id).values_list("value", flat=True)) == [
        "779"
    ]
    with pytest.raises(NotFound):
        await drafts.remove_evidence(organiser, plan.id, priority.id, one.id)
    current = await Evidence.get(priority_id=priority.id)  # control: the current one goes
    await drafts.remove_evidence(organiser, plan.id, priority.id, current.id)
    assert await Evidence.filter(priority_id=priority.id).count() == 0


async def test_other_plans_items_are_not_found(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    other = await make_plan(priorities=1, actions=(1,))
    theirs = (await load_tree(other.id)).actions[0]

    with pytest.raises(NotFound):
        await drafts.remove_action(organiser, plan.id, theirs.id)
    assert await Action.filter(id=theirs.id).exists()
    own = (await load_tree(plan.id)).actions[0]  # control: this plan's own action goes
    await drafts.remove_action(organiser, plan.id, own.id)
    assert not await Action.filter(id=own.id).exists()


async def test_moderator_may_not_edit_and_archived_plan_is_kept(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    moderator = await make_staff("moderator")
    with pytest.raises(Forbidden):
        await drafts.add_priority(moderator, plan.id, PriorityData("New"))
    archived = await make_plan(PlanStatus.ARCHIVED, priorities=1, actions=(1,))
    with pytest.raises(Conflict):
        await drafts.add_priority(organiser, archived.id, PriorityData("New"))
    await drafts.add_priority(organiser, plan.id, PriorityData("New"))
    assert await Priority.filter(plan=plan).count() == 2
    assert await Priority.filter(plan=archived).count() == 1
