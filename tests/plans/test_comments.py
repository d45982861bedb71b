"""Moderation of public comments and themes (plans.comments): the queue, approve, hide
with a reason, redact keeping the original; moderators moderate the public's words only;
themes and their counts."""

from __future__ import annotations

import asyncio

import pytest

from convenor.errors import Forbidden, Invalid, NotFound
from convenor.models import Role
from plans.analysis import Filters, analyse, quotable_comments
from plans.analysis_comments import comment_page
from plans.comments import (
    approve,
    create_theme,
    delete_theme,
    hide,
    queue,
    redact,
    tag,
    themes,
    untag,
)
from plans.models import Answer, CommentTheme, Moderation, PlanStatus, ThemeTag
from tests.conftest import form_token, make_staff, sign_in
from tests.plans.factories import (
    analysis_answer,
    analysis_point,
    analysis_respondent,
    make_plan,
    plan_actions,
)


async def public_comment(plan=None, text: str = "Call me on 07700 900123, Sam", **kw):
    plan = plan or await make_plan(PlanStatus.CONSULTATION)
    action = (await plan_actions(plan))[0]
    who = await analysis_respondent(plan, "public", capacity="resident", may_quote=True)
    return plan, await analysis_answer(who, action, support=4, comment=text, **kw)


async def test_queue_lists_waiting_public_comments_oldest_first(app, organiser):
    plan, first = await public_comment(text="First")
    _, second = await public_comment(plan, text="Second")
    _, _approved = await public_comment(plan, text="Approved", moderation="approved")
    delegate = await analysis_respondent(plan, "delegate")
    await analysis_answer(delegate, (await plan_actions(plan))[1], comment="Delegate words")
    draft = await analysis_respondent(plan, "public", submitted=False)
    await analysis_answer(draft, (await plan_actions(plan))[2], comment="Draft words")
    found = await queue(organiser, plan.id)
    assert [a.id for a in found.answers] == [first.id, second.id]
    assert found.counts == {"waiting": 2, "approved": 1, "hidden": 0}


async def test_approve_shows_the_comment_in_the_analysis(app, organiser):
    plan, answer = await public_comment()
    assert (await comment_page(plan.id, Filters())).total == 0  # waiting: not shown
    await approve(organiser, plan.id, answer.id)
    saved = await Answer.get(id=answer.id)
    assert (saved.moderation, saved.moderated_by) == (Moderation.APPROVED, organiser.email)
    assert saved.moderated_at is not None
    assert (await comment_page(plan.id, Filters())).total == 1


async def test_hide_keeps_support_and_reason_but_not_the_words(app, organiser):
    plan, answer = await public_comment(moderation="approved")
    assert [q.comment for q in await quotable_comments(plan.id)] == [answer.comment]  # control
    await hide(organiser, plan.id, answer.id, "Abusive about a named officer")
    saved = await Answer.get(id=answer.id)
    assert (saved.moderation, saved.moderation_reason) == (
        Moderation.HIDDEN,
        "Abusive about a named officer",
    )
    assert saved.comment == "Call me on 07700 900123, Sam"  # kept for the record
    figures = (await analyse(plan.id)).actions[0]
    assert (figures.support[4], figures.comments) == (1, 0)
    assert await quotable_comments(plan.id) == []


async def test_hide_without_reason_is_refused_and_changes_nothing(app, organiser):
    plan, answer = await public_comment()
    with pytest.raises(Invalid) as refused:
        await hide(organiser, plan.id, answer.id, "   ")
    assert refused.value.fields == {"reason": "Say why the comment is hidden."}
    assert (await Answer.get(id=answer.id)).moderation == Moderation.WAITING
    await hide(organiser, plan.id, answer.id, "Personal details")  # control
    assert (await Answer.get(id=answer.id)).moderation == Moderation.HIDDEN


async def test_redact_shows_the_copy_everywhere_and_keeps_the_original(app, organiser):
    plan, answer = await public_comment()
    await redact(organiser, plan.id, answer.id, "Call me on [phone], [name]", "")
    saved = await Answer.get(id=answer.id)
    assert saved.comment == "Call me on 07700 900123, Sam"
    assert saved.redacted_comment == "Call me on [phone], [name]"
    assert saved.moderation == Moderation.APPROVED
    listed = (await comment_page(plan.id, Filters())).comments[0]
    assert (listed.comment, listed.original_comment) == (saved.redacted_comment, saved.comment)
    assert [q.comment for q in await quotable_comments(plan.id)] == [saved.redacted_comment]


async def test_redact_to_nothing_is_refused(app, organiser):
    plan, answer = await public_comment()
    with pytest.raises(Invalid):
        await redact(organiser, plan.id, answer.id, "  ", "")
    saved = await Answer.get(id=answer.id)
    assert (saved.redacted_comment, saved.moderation) == (None, Moderation.WAITING)
    await redact(organiser, plan.id, answer.id, "Call me", "")  # control
    saved = await Answer.get(id=answer.id)
    assert (saved.redacted_comment, saved.moderation) == ("Call me", Moderation.APPROVED)


async def test_redact_back_to_the_original_clears_the_redaction(app, organiser):
    plan, answer = await public_comment()
    await redact(organiser, plan.id, answer.id, "Call me on [phone]", "")
    await redact(organiser, plan.id, answer.id, "Call me on 07700 900123, Sam", "")
    assert (await Answer.get(id=answer.id)).redacted_comment is None


async def test_moderator_moderates_public_comments_only(app):
    moderator = await make_staff(Role.MODERATOR)
    plan, answer = await public_comment()
    delegate = await analysis_respondent(plan, "delegate")
    theirs = await analysis_answer(delegate, (await plan_actions(plan))[1], comment="Mine")
    with pytest.raises(NotFound):
        await hide(moderator, plan.id, theirs.id, "No reason")
    assert (await Answer.get(id=theirs.id)).moderation == Moderation.NOT_NEEDED
    await approve(moderator, plan.id, answer.id)  # the positive control
    assert (await Answer.get(id=answer.id)).moderation == Moderation.APPROVED


async def test_moderating_another_plans_answer_is_not_found(app, organiser):
    plan, _answer = await public_comment()
    _other, foreign = await public_comment()
    with pytest.raises(NotFound):
        await approve(organiser, plan.id, foreign.id)
    assert (await Answer.get(id=foreign.id)).moderation == Moderation.WAITING
    await approve(organiser, plan.id, _answer.id)  # control: this plan's own answer
    assert (await Answer.get(id=_answer.id)).moderation == Moderation.APPROVED


async def test_themes_count_shown_comments_and_points(app, organiser):
    plan, waiting = await public_comment()
    _, shown = await public_comment(plan, moderation="approved")
    action = (await plan_actions(plan))[0]
    point = await analysis_point(plan, action, "Table 2 wants more lighting")
    theme = await create_theme(organiser, plan.id, "Lighting")
    for source, comment_id in (("answer", waiting.id), ("answer", shown.id), ("point", point.id)):
        assert await tag(organiser, plan.id, theme.id, source, comment_id)
    assert not await tag(organiser, plan.id, theme.id, "answer", shown.id)  # already tagged
    [counted] = await themes(plan.id)
    assert (counted.name, counted.answers, counted.points) == ("Lighting", 1, 1)
    assert await untag(organiser, plan.id, theme.id, "point", point.id)
    assert (await themes(plan.id))[0].points == 0


async def test_theme_names_are_unique_ignoring_case_and_accents(app, organiser):
    plan = await make_plan(PlanStatus.CONSULTATION)
    await create_theme(organiser, plan.id, "Café culture")
    with pytest.raises(Invalid) as refused:
        await create_theme(organiser, plan.id, "  CAFE   culture ")
    assert "already a theme" in refused.value.fields["theme_name"]
    assert await CommentTheme.filter(plan_id=plan.id).count() == 1


async def test_delete_theme_removes_its_tags(app, organiser):
    plan, answer = await public_comment(moderation="approved")
    theme = await create_theme(organiser, plan.id, "Lighting")
    await tag(organiser, plan.id, theme.id, "answer", answer.id)
    await delete_theme(organiser, plan.id, theme.id)
    assert await ThemeTag.all().count() == 0
    with pytest.raises(NotFound):
        await delete_theme(organiser, plan.id, theme.id)


async def test_moderator_cannot_make_themes(app, organiser):
    moderator = await make_staff(Role.MODERATOR)
    plan = await make_plan(PlanStatus.CONSULTATION)
    with pytest.raises(Forbidden):
        await create_theme(moderator, plan.id, "Lighting")
    assert await CommentTheme.all().count() == 0
    await create_theme(organiser, plan.id, "Lighting")  # control: an organiser may
    assert await CommentTheme.all().values_list("name", flat=True) == ["Lighting"]


# Over HTTP ------------------------------------------------------------------------------


async def test_moderation_pages_hide_with_reason_over_http(client, app):
    plan, answer = await public_comment()
    await sign_in(client, await make_staff(Role.MODERATOR))
    listed = await client.get(f"/staff/plans/{plan.id}/comments")
    assert listed.status_code == 200
    assert "Call me on 07700 900123, Sam" in listed.text
    page = await client.get(f"/staff/plans/{plan.id}/comments/{answer.id}")
    token = form_token(page)
    refused = await client.post(
        f"/staff/plans/{plan.id}/comments/{answer.id}/hide",
        data={"csrf_token": token, "reason": ""},
    )
    assert refused.status_code == 400 and "Say why the comment is hidden." in refused.text
    assert (await Answer.get(id=answer.id)).moderation == Moderation.WAITING
    hidden = await client.post(
        f"/staff/plans/{plan.id}/comments/{answer.id}/hide",
        data={"csrf_token": token, "reason": "Personal details"},
    )
    assert hidden.status_code == 303
    assert (await Answer.get(id=answer.id)).moderation == Moderation.HIDDEN


async def test_redact_over_http_keeps_typed_text_on_error(staff_client):
    plan, answer = await public_comment(missing="Lighting, ask Sam")
    page = await staff_client.get(f"/staff/plans/{plan.id}/comments/{answer.id}")
    token = form_token(page)
    url = f"/staff/plans/{plan.id}/comments/{answer.id}/redact"
    refused = await staff_client.post(
        url, data={"csrf_token": token, "comment": "Call me on [phone]", "missing": " "}
    )
    assert refused.status_code == 400
    assert "Keep some of what is missing, or hide the answer instead." in refused.text
    assert "Call me on [phone]</textarea>" in refused.text
    saved = await Answer.get(id=answer.id)
    assert (saved.redacted_comment, saved.moderation) == (None, Moderation.WAITING)
    done = await staff_client.post(
        url,
        data={"csrf_token": token, "comment": "Call me on [phone]", "missing": "Lighting"},
    )
    assert done.status_code == 303
    assert (await Answer.get(id=answer.id)).redacted_comment == "Call me on [phone]"
    shown = await staff_client.get(f"/staff/plans/{plan.id}/comments/{answer.id}")
    assert "Original, for the record" in shown.text and "07700 900123" in shown.text


async def test_approve_without_csrf_or_for_another_plan_is_refused(staff_client):
    plan, answer = await public_comment()
    other, foreign = await public_comment()
    no_token = await staff_client.post(f"/staff/plans/{plan.id}/comments/{answer.id}/approve")
    assert no_token.status_code == 403
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/comments/{answer.id}"))
    wrong_plan = await staff_client.post(
        f"/staff/plans/{plan.id}/comments/{foreign.id}/approve", data={"csrf_token": token}
    )
    assert wrong_plan.status_code == 404
    assert (await Answer.get(id=foreign.id)).moderation == Moderation.WAITING
    assert (await Answer.get(id=answer.id)).moderation == Moderation.WAITING
    done = await staff_client.post(
        f"/staff/plans/{other.id}/comments/{foreign.id}/approve", data={"csrf_token": token}
    )
    assert done.status_code == 303  # the positive control
    assert (await Answer.get(id=foreign.id)).moderation == Moderation.APPROVED


async def test_tagging_and_naming_at_once_make_one_each(app, organiser):
    plan, answer = await public_comment(moderation="approved")
    theme = await create_theme(organiser, plan.id, "Lighting")
    added = await asyncio.gather(
        *(tag(organiser, plan.id, theme.id, "answer", answer.id) for _ in range(10))
    )
    assert sum(added) == 1
    assert await ThemeTag.filter(theme=theme).count() == 1
    made = await asyncio.gather(
        *(create_theme(organiser, plan.id, "Buses") for _ in range(8)), return_exceptions=True
    )
    assert sum(isinstance(m, CommentTheme) for m in made) == 1
    assert all(isinstance(m, CommentTheme | Invalid) for m in made)
    assert await CommentTheme.filter(plan_id=plan.id, name="Buses").count() == 1
