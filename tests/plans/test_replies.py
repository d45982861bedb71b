"""The organiser's replies ("You said ... We did ..."): outcomes, order, when they are editable."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convenor.errors import Conflict, Forbidden, Invalid, NotFound
from convenor.models import Role
from plans.models import Outcome, PlanStatus, Reply
from plans.replies import (
    ReplyData,
    add_reply,
    delete_reply,
    move_reply,
    replies_page,
    reply_data,
    update_reply,
)
from tests.conftest import make_staff
from tests.plans.factories import closed_plan, comment_theme, make_plan, plan_actions


def data(**fields) -> ReplyData:
    values = {
        "you_said": "Patrols alone will not stop knife crime.",
        "we_did": "We added youth workers to the patrols.",
        "outcome": "changed",
        "theme_id": "",
        "action_id": "",
    }
    values.update({k: str(v) for k, v in fields.items()})
    return reply_data(values)


async def test_reply_outcomes_are_saved_with_their_action_and_theme(app, organiser):
    plan = await closed_plan()
    first, second = (await plan_actions(plan))[:2]
    theme = await comment_theme(plan, "Youth provision")

    changed = await add_reply(organiser, plan.id, data(action_id=first.id))
    added = await add_reply(organiser, plan.id, data(outcome="added", action_id=second.id))
    kept = await add_reply(organiser, plan.id, data(outcome="not_changed", theme_id=theme.id))

    rows = (
        await Reply.filter(plan=plan)
        .order_by("position")
        .values_list("id", "outcome", "action_id", "theme_id", "position")
    )
    assert rows == [
        (changed.id, Outcome.CHANGED, first.id, None, 0),
        (added.id, Outcome.ADDED, second.id, None, 1),
        (kept.id, Outcome.NOT_CHANGED, None, theme.id, 2),
    ]
    page = await replies_page(organiser, plan.id)
    assert [(r.outcome_label, r.action, r.theme) for r in page.replies] == [
        ("We changed the action", f"1.1: {first.text}", ""),
        ("We added an action", f"1.2: {second.text}", ""),
        ("We did not change it (say why)", "", "Youth provision"),
    ]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"you_said": " "}, {"you_said": "Enter what respondents said"}),
        (
            {"we_did": ""},
            {"we_did": "Enter what you did, or why you did not change the plan"},
        ),
        ({"outcome": "maybe", "action_id": "1"}, {"outcome": "Choose what came of it"}),
        ({"outcome": "changed", "action_id": ""}, {"action_id": "Choose the action you changed"}),
        ({"outcome": "added", "action_id": ""}, {"action_id": "Choose the action you added"}),
        (
            {"outcome": "not_changed", "action_id": ""},
            {"theme_id": "Choose the theme or the action this reply is about"},
        ),
        ({"action_id": "2x"}, {"action_id": "Choose an action from the list"}),
        (
            {"we_did": "Changed\x00it"},
            {"we_did": "Remove the control characters (such as a NUL byte) from this text"},
        ),
    ],
)
def test_reply_form_refuses_bad_input(fields, errors):
    with pytest.raises(Invalid) as refused:
        data(**({"action_id": "1"} | fields))
    assert refused.value.fields == errors
    assert data(action_id="1").action_id == 1  # control: the same form filled in is taken


def test_reply_form_accepts_a_theme_only_reply_not_changed():
    assert data(outcome="not_changed", theme_id="7") == ReplyData(
        "Patrols alone will not stop knife crime.",
        "We added youth workers to the patrols.",
        Outcome.NOT_CHANGED,
        7,
        None,
    )


async def test_reply_refuses_another_plans_action_and_saves_nothing(app, organiser):
    plan = await closed_plan()
    other = await make_plan()
    foreign = (await plan_actions(other))[0]
    own = (await plan_actions(plan))[0]

    with pytest.raises(Invalid) as refused:
        await add_reply(organiser, plan.id, data(action_id=foreign.id))

    assert refused.value.fields == {"action_id": "Choose an action from the list"}
    assert await Reply.filter(plan=plan).count() == 0
    await add_reply(organiser, plan.id, data(action_id=own.id))  # positive control
    assert await Reply.filter(plan=plan).count() == 1


async def test_replies_are_edited_moved_and_deleted(app, organiser):
    plan = await closed_plan()
    actions = await plan_actions(plan)
    one = await add_reply(organiser, plan.id, data(action_id=actions[0].id))
    two = await add_reply(organiser, plan.id, data(action_id=actions[1].id))
    three = await add_reply(organiser, plan.id, data(action_id=actions[2].id))

    await update_reply(
        organiser, plan.id, two.id, data(outcome="not_changed", action_id=actions[3].id)
    )
    await move_reply(organiser, plan.id, three.id, "up")
    await move_reply(organiser, plan.id, one.id, "up")  # already first: nothing moves
    await delete_reply(organiser, plan.id, one.id)

    rows = (
        await Reply.filter(plan=plan).order_by("position").values_list("id", "outcome", "action_id")
    )
    assert rows == [
        (three.id, Outcome.CHANGED, actions[2].id),
        (two.id, Outcome.NOT_CHANGED, actions[3].id),
    ]


async def test_replies_are_read_only_once_the_report_is_published(app, organiser):
    plan = await closed_plan()
    action = (await plan_actions(plan))[0]
    reply = await add_reply(organiser, plan.id, data(action_id=action.id))
    plan.status = PlanStatus.ADOPTED
    plan.report_published_at = datetime.now(UTC)
    await plan.save()

    with pytest.raises(Conflict):
        await add_reply(organiser, plan.id, data(action_id=action.id))
    with pytest.raises(Conflict):
        await update_reply(organiser, plan.id, reply.id, data(we_did="Other", action_id=action.id))
    with pytest.raises(Conflict):
        await delete_reply(organiser, plan.id, reply.id)

    saved = await Reply.get(id=reply.id)
    assert (saved.we_did, await Reply.filter(plan=plan).count()) == (reply.we_did, 1)
    assert (await replies_page(organiser, plan.id)).editable is False


async def test_replies_wait_for_the_consultation(app, organiser):
    plan = await make_plan(PlanStatus.DRAFT)
    action = (await plan_actions(plan))[0]

    with pytest.raises(Conflict):
        await add_reply(organiser, plan.id, data(action_id=action.id))

    assert await Reply.filter(plan=plan).count() == 0
    closed = await closed_plan()  # control: once a consultation has closed, replies are taken
    await add_reply(organiser, closed.id, data(action_id=(await plan_actions(closed))[0].id))
    assert await Reply.filter(plan=closed).count() == 1


async def test_replies_of_another_plan_are_not_found(app, organiser):
    plan = await closed_plan()
    other = await closed_plan()
    reply = await add_reply(organiser, other.id, data(action_id=(await plan_actions(other))[0].id))

    with pytest.raises(NotFound):
        await delete_reply(organiser, plan.id, reply.id)

    assert await Reply.exists(id=reply.id)
    await delete_reply(organiser, other.id, reply.id)  # control: from its own plan
    assert not await Reply.exists(id=reply.id)


async def test_moderators_may_not_write_replies(app, organiser):
    plan = await closed_plan()
    moderator = await make_staff(Role.MODERATOR)
    reply = data(action_id=(await plan_actions(plan))[0].id)

    with pytest.raises(Forbidden):
        await add_reply(moderator, plan.id, reply)

    assert await Reply.filter(plan=plan).count() == 0
    await add_reply(organiser, plan.id, reply)  # control: an organiser may
    assert await Reply.filter(plan=plan).count() == 1
