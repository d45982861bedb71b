"""The analysis counts (plans.analysis.analyse) against a brute-force count in Python of
a few hundred random responses, under each filter; drafts never count; support of hidden
and waiting answers counts, their words do not."""

from __future__ import annotations

from plans.analysis import VISIBLE, Filters, analyse, quotable_comments
from plans.models import Answer, Moderation, PlanStatus
from tests.plans.factories import (
    Made,
    analysis_answer,
    analysis_respondent,
    make_plan,
    plan_actions,
    random_consultation,
)


def brute(made: list[Made], f: Filters) -> dict:
    """What the analysis should say, counted row by row."""
    chosen = [
        m
        for m in made
        if m.submitted
        and (not f.capacity or m.capacity == f.capacity)
        and (not f.organisation or f"name:{m.organisation}" == f.organisation)
        and (f.event_id is None or m.event_id == f.event_id)
        and (not f.source or m.respondent_kind == f.source)
    ]
    support: dict[int, dict] = {}
    capacity: dict[int, dict] = {}
    comments: dict[int, int] = {}
    missing: dict[int, int] = {}
    for m in chosen:
        if m.action_id is None:
            if m.missing and m.moderation in VISIBLE:
                missing[m.priority_id] = missing.get(m.priority_id, 0) + 1
            continue
        s = support.setdefault(m.action_id, {})
        key = m.support if m.support is not None else "none"
        s[key] = s.get(key, 0) + 1
        c = capacity.setdefault(m.action_id, {})
        c[m.capacity or ""] = c.get(m.capacity or "", 0) + 1
        shown = m.comment if m.redacted_comment is None else m.redacted_comment
        if shown and m.moderation in VISIBLE:
            comments[m.action_id] = comments.get(m.action_id, 0) + 1
    return {"support": support, "capacity": capacity, "comments": comments, "missing": missing}


def figures(analysis) -> dict:
    support, capacity, comments, missing = {}, {}, {}, {}
    for p in analysis.priorities:
        if p.missing:
            missing[p.priority.id] = p.missing
        for a in p.actions:
            s = {k: v for k, v in a.support.items() if v}
            if a.no_view:
                s["none"] = a.no_view
            if s:
                support[a.action.id] = s
            if a.by_capacity:
                capacity[a.action.id] = dict(a.by_capacity)
            if a.comments:
                comments[a.action.id] = a.comments
    return {"support": support, "capacity": capacity, "comments": comments, "missing": missing}


async def test_analysis_counts_equal_brute_force_under_every_filter(app):
    plan, _actions, made, events, people = await random_consultation(seed=21)
    filter_sets = [
        Filters(),
        Filters(capacity="resident"),
        Filters(source="public"),
        Filters(source="delegate", event_id=events[1]),
        Filters(organisation="name:Millbrook Mums"),
        Filters(capacity="partner_agency", source="partner"),
    ]
    for f in filter_sets:
        result = await analyse(plan.id, f)
        assert figures(result) == brute(made, f), f
        counted = [
            capacity
            for kind, capacity, organisation, event_id, submitted in people
            if submitted
            and (not f.capacity or capacity == f.capacity)
            and (not f.organisation or f"name:{organisation}" == f.organisation)
            and (f.event_id is None or event_id == f.event_id)
            and (not f.source or kind == f.source)
        ]
        assert result.respondents == len(counted) > 0, f
        by_capacity: dict[str, int] = {}
        for capacity in counted:
            by_capacity[capacity or ""] = by_capacity.get(capacity or "", 0) + 1
        assert result.by_capacity == by_capacity, f
    everything = await analyse(plan.id)
    assert sum(a.answers for a in everything.actions) == sum(
        1 for m in made if m.submitted and m.action_id is not None
    )
    assert sum(a.points for a in everything.actions) == 8
    assert (await analyse(plan.id, Filters(capacity="resident"))).actions[0].points == 0


async def test_analysis_respondent_totals_count_submitted_only(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    sent = await analysis_respondent(plan, "public", capacity="resident")
    draft = await analysis_respondent(plan, "public", capacity="resident", submitted=False)
    await analysis_respondent(plan, "partner", capacity="business")
    await analysis_answer(sent, action, support=5)
    await analysis_answer(draft, action, support=1)
    result = await analyse(plan.id)
    assert result.respondents == 2
    assert result.by_capacity == {"resident": 1, "business": 1}
    assert result.by_kind == {"public": 1, "partner": 1}
    assert result.drafts == 1
    assert result.actions[0].support == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}


async def test_analysis_hidden_support_counts_but_not_its_comment(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    for moderation in ("hidden", "waiting", "approved"):
        who = await analysis_respondent(plan, "public")
        await analysis_answer(who, action, support=2, comment="Words", moderation=moderation)
    result = (await analyse(plan.id)).actions[0]
    assert result.support[2] == 3
    assert result.comments == 1  # only the approved one
    assert (await analyse(plan.id)).waiting == 1


async def test_analysis_action_filter_keeps_one_action(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    actions = await plan_actions(plan)
    who = await analysis_respondent(plan)
    for action in actions:
        await analysis_answer(who, action, support=4)
    result = await analyse(plan.id, Filters(action_id=actions[4].id))
    assert [a.action.id for a in result.actions] == [actions[4].id]
    assert result.actions[0].support[4] == 1
    assert len(result.priorities) == 1


async def test_quotable_comments_only_agreed_shown_and_redacted(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    agreed = await analysis_respondent(plan, "public", may_quote=True, name="Zed Secret")
    refused = await analysis_respondent(plan, "public", may_quote=False)
    draft = await analysis_respondent(plan, "public", may_quote=True, submitted=False)
    ok = await analysis_answer(agreed, action, comment="Call 07700 900123", moderation="approved")
    ok.redacted_comment = "Call [phone number]"
    await ok.save()
    other = (await plan_actions(plan))[1]
    await analysis_answer(agreed, other, comment="Waiting words", moderation="waiting")
    await analysis_answer(refused, action, comment="Not to quote", moderation="approved")
    await analysis_answer(draft, action, comment="Draft words", moderation="approved")
    quotes = await quotable_comments(plan.id)
    assert [(q.answer_id, q.comment) for q in quotes] == [(ok.id, "Call [phone number]")]
    assert "Zed Secret" not in repr(quotes)
    assert quotes[0].kind == "public" and quotes[0].capacity == "partner_agency"
    # the positive control: approving the waiting one makes it quotable
    await Answer.filter(comment="Waiting words").update(moderation=Moderation.APPROVED)
    assert len(await quotable_comments(plan.id)) == 2


async def test_analysis_waiting_count_is_the_queues_whatever_the_filters(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    who = await analysis_respondent(plan, "public", capacity="business")
    await analysis_answer(who, action, support=3, comment="Words", moderation="waiting")
    silent = await analysis_respondent(plan, "public", capacity="business")
    await analysis_answer(silent, action, support=3, moderation="waiting")  # no words
    for f in (Filters(), Filters(capacity="resident"), Filters(source="workshop")):
        assert (await analyse(plan.id, f)).waiting == 1, f
