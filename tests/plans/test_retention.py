"""Public responses are reduced keep_public_days after adoption: personal details and
unpublished comments go, the published quotes and every count stay, and the report reads
exactly the same."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from convenor.auth import issue_link, resolve_link
from plans.adoption import adopt, publish_report
from plans.consultation import RESPOND_LINK
from plans.models import Answer, Plan, Respondent
from plans.report import QUOTES_PER_ITEM, build_report
from plans.retention import adopted_at, reduce_due, reduce_job
from tests.plans.factories import (
    closed_plan,
    make_answer,
    make_respondent,
    plan_actions,
    report_consultation,
)


def projection(report) -> tuple:
    """Everything the report shows that comes from the responses."""
    return (
        report.respondents,
        report.by_kind,
        report.by_capacity,
        report.tables,
        report.points,
        [
            (p.quotes, p.missing, [(a.support, a.answered, a.quotes) for a in p.actions])
            for p in report.priorities
        ],
        report.replies,
    )


async def test_reduction_waits_for_the_keeping_period(app, organiser):
    plan, _, people = await report_consultation(organiser)
    adopted = await adopted_at(plan.id)
    due = adopted + timedelta(days=plan.keep_public_days)

    assert await reduce_due(due - timedelta(seconds=1)) == {}

    alice = await Respondent.get(id=people["alice"].id)
    assert (alice.name, alice.reduced_at) == ("Alice Hiddenname", None)
    assert (await Plan.get(id=plan.id)).public_reduced_at is None
    assert await reduce_due(due) == {plan.id: 3}  # positive control: three public respondents


async def test_reduction_clears_public_details_and_unpublished_comments(app, organiser):
    plan, _, people = await report_consultation(organiser)
    due = await adopted_at(plan.id) + timedelta(days=plan.keep_public_days)

    await reduce_due(due)

    for key in ("alice", "bob", "cara"):
        row = await Respondent.get(id=people[key].id)
        assert (row.name, row.email, row.organisation, row.identity, row.reduced_at) == (
            "",
            "",
            "",
            f"reduced:{row.id}",
            due,
        )
    dana = await Respondent.get(id=people["dana"].id)  # a delegate: not reduced here
    assert (dana.name, dana.reduced_at) == ("Dana Delegate", None)
    public = Answer.filter(respondent__kind="public").order_by("id")
    assert await public.values_list("comment", "redacted_comment", "support") == [
        ("More patrols near the park, please", None, 5),
        ("Ring me on [phone number removed]", "Ring me on [phone number removed]", 2),
        ("", None, 4),
        ("", None, 1),
        ("", None, 1),
    ]
    assert (await Plan.get(id=plan.id)).public_reduced_at == due
    assert await reduce_due(due + timedelta(days=1)) == {}  # once only


async def test_reduction_revokes_public_response_links_only(app, organiser):
    plan, _, people = await report_consultation(organiser)
    alice = await issue_link(RESPOND_LINK, f"respondent:{people['alice'].id}")
    finn = await issue_link(RESPOND_LINK, f"respondent:{people['finn'].id}")  # a partner

    await reduce_due(await adopted_at(plan.id) + timedelta(days=plan.keep_public_days))

    assert await resolve_link(alice, RESPOND_LINK) is None
    assert await resolve_link(finn, RESPOND_LINK) == f"respondent:{people['finn'].id}"


async def test_report_reads_the_same_after_the_reduction(app, client, organiser):
    plan, _, _ = await report_consultation(organiser)
    await publish_report(organiser, plan.id)
    plan = await Plan.get(id=plan.id)
    before = projection(await build_report(plan, published=True))
    page_before = (await client.get(f"/plans/{plan.uuid}/report")).text

    await reduce_due(await adopted_at(plan.id) + timedelta(days=plan.keep_public_days))

    after = projection(await build_report(await Plan.get(id=plan.id), published=True))
    assert after == before
    assert (await client.get(f"/plans/{plan.uuid}/report")).text == page_before
    assert before[0] == 5  # the counts compared are the real ones


async def test_reduction_job_reports_what_it_did(app, organiser, settings):
    plan, _, _ = await report_consultation(organiser)
    await Plan.filter(id=plan.id).update(keep_public_days=0)

    line = await reduce_job(settings)

    assert line == f"public responses reduced for 1 plan(s): #{plan.id} (3)"
    assert await reduce_job(settings) is None


async def test_only_the_published_quotes_survive_and_the_report_stays_the_same(app, organiser):
    plan = await closed_plan()
    action = (await plan_actions(plan))[0]
    said = [f"Comment number {n}" for n in range(QUOTES_PER_ITEM + 2)]
    for text in said:
        person = await make_respondent(plan, "public", "resident", may_quote=True)
        await make_answer(person, action, support=4, comment=text, moderation="approved")
    await adopt(organiser, plan.id, "")
    before = (await build_report(await Plan.get(id=plan.id), published=True)).priorities[0]

    await reduce_due(await adopted_at(plan.id) + timedelta(days=plan.keep_public_days))

    after = (await build_report(await Plan.get(id=plan.id), published=True)).priorities[0]
    assert before.actions[0].quotes == after.actions[0].quotes == said[:QUOTES_PER_ITEM]
    kept = await Answer.filter(action_id=action.id).order_by("id").values_list("comment", flat=True)
    assert kept == [*said[:QUOTES_PER_ITEM], "", ""]
    assert [c.count for c in after.actions[0].support] == [0, 7, 0, 0, 0, 0]


async def test_two_workers_reducing_at_once_reduce_each_plan_once(app, organiser):
    plan, _, _ = await report_consultation(organiser)
    due = await adopted_at(plan.id) + timedelta(days=plan.keep_public_days)

    results = await asyncio.gather(*(reduce_due(due) for _ in range(3)))

    assert sorted(results, key=len) == [{}, {}, {plan.id: 3}]
    assert await Respondent.filter(plan=plan, reduced_at=due).count() == 3
