"""The organisers' comment list (plans.analysis_comments.comment_page): filters, search
(case and accents ignored) and paging exact against every row read and filtered in
Python; hidden and waiting answers never listed; redacted text shown and searched."""

from __future__ import annotations

import re

from directory.search.text import fold
from plans.analysis import VISIBLE, Filters
from plans.analysis_comments import PAGE_SIZE, comment_page
from plans.comments import create_theme, tag
from plans.models import Answer, PlanStatus, TablePoint
from tests.plans.factories import (
    analysis_answer,
    analysis_point,
    analysis_respondent,
    make_plan,
    plan_actions,
    random_consultation,
)


async def everything(plan_id: int) -> list[dict]:
    """Every answer and point of the plan with what the filters look at, read plainly."""
    rows = []
    for a in await Answer.filter(plan_id=plan_id).select_related("respondent"):
        r = a.respondent
        comment = a.comment if a.redacted_comment is None else a.redacted_comment
        missing = a.missing if a.redacted_missing is None else a.redacted_missing
        listed = r.submitted_at is not None and a.moderation in VISIBLE and bool(comment or missing)
        rows.append({
            "key": (a.updated_at, "answer", a.id), "listed": listed, "text": f"{comment} {missing}",
            "kind": r.kind.value, "capacity": r.capacity.value if r.capacity else "",
            "organisation": r.organisation, "event": r.event_id, "action": a.action_id,
            "priority": a.priority_id,
        })  # fmt: skip
    for p in await TablePoint.filter(plan_id=plan_id).select_related("facilitator__session"):
        rows.append({
            "key": (p.updated_at, "point", p.id), "listed": bool(p.text), "text": p.text,
            "kind": "workshop", "capacity": None, "organisation": None,
            "event": p.facilitator.session.event_id, "action": p.action_id,
            "priority": p.priority_id,
        })  # fmt: skip
    return rows


def expected(rows: list[dict], f: Filters) -> list[tuple]:
    words = re.findall(r"[^\W_]+", fold(f.q))
    keep = [
        r
        for r in rows
        if r["listed"]
        and (not f.capacity or r["capacity"] == f.capacity)
        and (not f.organisation or f"name:{r['organisation']}" == f.organisation)
        and (f.event_id is None or r["event"] == f.event_id)
        and (not f.source or r["kind"] == f.source)
        and (f.action_id is None or r["action"] == f.action_id)
        and (f.priority_id is None or r["priority"] == f.priority_id)
        and all(w in fold(r["text"]) for w in words)
    ]
    return sorted((r["key"] for r in keep), reverse=True)


async def test_comment_pages_equal_brute_force(app):
    plan, actions, _made, events, _people = await random_consultation(seed=7, respondents=200)
    rows = await everything(plan.id)
    filter_sets = [
        Filters(),
        Filters(q="LODZ"),  # finds "Lodz" and "Łódź" alike
        Filters(q="łódź café"),
        Filters(source="workshop"),
        Filters(source="public"),
        Filters(capacity="resident", q="patrols"),
        Filters(event_id=events[0]),
        Filters(action_id=actions[0].id),
        Filters(priority_id=actions[0].priority_id),  # type: ignore[attr-defined]
        Filters(organisation="name:Millbrook Mums", source="delegate"),
        Filters(q="nothing night"),
        Filters(q="patrols, café!"),  # punctuation is not part of a word
    ]
    for f in filter_sets:
        want = expected(rows, f)
        first = await comment_page(plan.id, f)
        assert first.total == len(want), f
        assert first.answers + first.points == first.total
        pages = first.pages
        assert pages == max(1, -(-len(want) // PAGE_SIZE))
        for number in sorted({1, min(2, pages), pages}):
            page = await comment_page(plan.id, Filters(**{**f.__dict__, "page": number}))
            start = (number - 1) * PAGE_SIZE
            got = [(c.at, c.source, c.id) for c in page.comments]
            assert got == want[start : start + PAGE_SIZE], (f, number)
    assert (await comment_page(plan.id, Filters(q="LODZ"))).total > 0  # the search finds some


async def test_comment_page_beyond_the_last_is_the_last(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    who = await analysis_respondent(plan)
    await analysis_answer(who, action, comment="Only one")
    page = await comment_page(plan.id, Filters(page=99))
    assert (page.page, page.pages, [c.comment for c in page.comments]) == (1, 1, ["Only one"])


async def test_comment_list_leaves_out_hidden_waiting_and_drafts(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    for moderation in ("hidden", "waiting", "approved"):
        who = await analysis_respondent(plan, "public")
        await analysis_answer(who, action, comment=f"A {moderation} comment", moderation=moderation)
    draft = await analysis_respondent(plan, "delegate", submitted=False)
    await analysis_answer(draft, action, comment="A draft comment")
    page = await comment_page(plan.id, Filters())
    assert [c.comment for c in page.comments] == ["A approved comment"]


async def test_redacted_comment_is_shown_and_searched_not_the_original(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    who = await analysis_respondent(plan, "public")
    answer = await analysis_answer(
        who, action, comment="Ring Sam Smith on 07700 900123", moderation="approved"
    )
    answer.redacted_comment = "Ring [name] on [phone]"
    await answer.save()
    page = await comment_page(plan.id, Filters())
    shown = page.comments[0]
    assert (shown.comment, shown.redacted, shown.original_comment) == (
        "Ring [name] on [phone]",
        True,
        "Ring Sam Smith on 07700 900123",
    )
    assert (await comment_page(plan.id, Filters(q="smith"))).total == 0
    assert (await comment_page(plan.id, Filters(q="ring"))).total == 1


async def test_theme_filter_lists_tagged_answers_and_points(app, organiser):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    who = await analysis_respondent(plan)
    tagged = await analysis_answer(who, action, comment="Lighting on the Common")
    other = await analysis_respondent(plan)
    await analysis_answer(other, action, comment="Not tagged")
    point = await analysis_point(plan, action, "Table wants lighting")
    theme = await create_theme(organiser, plan.id, "Street lighting")
    assert await tag(organiser, plan.id, theme.id, "answer", tagged.id)
    assert await tag(organiser, plan.id, theme.id, "point", point.id)
    page = await comment_page(plan.id, Filters(theme_id=theme.id))
    assert sorted((c.source, c.id) for c in page.comments) == [
        ("answer", tagged.id),
        ("point", point.id),
    ]
    assert all(c.themes == [(theme.id, "Street lighting")] for c in page.comments)
    assert (await comment_page(plan.id, Filters())).total == 3
    assert (await comment_page(plan.id, Filters(theme_id=theme.id, q="LIGHTING"))).total == 2
    searched = await comment_page(plan.id, Filters(theme_id=theme.id, q="common"))
    assert [(c.source, c.id) for c in searched.comments] == [("answer", tagged.id)]
