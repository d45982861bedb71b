"""The analysis page and its forms over HTTP: staff only, another plan's ids are 404,
CSRF on every POST, filters in the query string, themes and tags."""

from __future__ import annotations

from convenor.models import Role
from plans.models import CommentTheme, PlanStatus, ThemeTag
from tests.conftest import form_token, make_staff, sign_in
from tests.plans.factories import (
    analysis_answer,
    analysis_respondent,
    comment_theme,
    make_plan,
    plan_actions,
)


async def consulted(comment: str = "Patrols near the Lodz café please"):
    plan = await make_plan(PlanStatus.CONSULTATION)
    actions = await plan_actions(plan)
    who = await analysis_respondent(plan, "delegate", capacity="partner_agency")
    answer = await analysis_answer(who, actions[0], support=5, comment=comment)
    return plan, actions, answer


async def test_analysis_page_shows_figures_chart_table_and_comments(staff_client):
    plan, actions, _answer = await consulted()
    response = await staff_client.get(f"/staff/plans/{plan.id}/analysis")
    assert response.status_code == 200
    html = response.text
    assert f'id="chart-{actions[0].id}"' in html and 'role="img"' in html
    assert "<caption>Support for action 1.1</caption>" in html
    assert "Patrols near the Lodz café please" in html
    assert "Ann Respondent" not in html  # names are never on the page
    assert "Comments (1)" in html


async def test_analysis_page_search_ignores_accents(staff_client):
    plan, _actions, _answer = await consulted("Łódź twinning")
    found = await staff_client.get(f"/staff/plans/{plan.id}/analysis", params={"q": "lodz"})
    missed = await staff_client.get(f"/staff/plans/{plan.id}/analysis", params={"q": "paris"})
    assert "Comments (1)" in found.text and "Łódź twinning" in found.text
    assert "Comments (0)" in missed.text


async def test_analysis_page_malformed_filters_are_ignored(staff_client):
    plan, _actions, _answer = await consulted()
    response = await staff_client.get(
        f"/staff/plans/{plan.id}/analysis",
        params={"priority": "x", "capacity": "<b>", "page": "-3", "organisation": "entry:z"},
    )
    assert response.status_code == 200
    assert "Comments (1)" in response.text


async def test_analysis_page_needs_an_organiser(client, app):
    plan, _actions, _answer = await consulted()
    anonymous = await client.get(f"/staff/plans/{plan.id}/analysis")
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]
    await sign_in(client, await make_staff(Role.MODERATOR))
    assert (await client.get(f"/staff/plans/{plan.id}/analysis")).status_code == 404
    # the positive control: the moderator may see the moderation queue
    assert (await client.get(f"/staff/plans/{plan.id}/comments")).status_code == 200
    client.cookies.clear()
    await sign_in(client, await make_staff(Role.ORGANISER))  # and an organiser the analysis
    assert (await client.get(f"/staff/plans/{plan.id}/analysis")).status_code == 200


async def test_analysis_page_of_no_plan_is_404(staff_client):
    assert (await staff_client.get("/staff/plans/999999/analysis")).status_code == 404
    plan, _actions, _answer = await consulted()  # control
    assert (await staff_client.get(f"/staff/plans/{plan.id}/analysis")).status_code == 200


async def test_theme_create_and_tag_over_http(staff_client):
    plan, _actions, answer = await consulted()
    page = await staff_client.get(f"/staff/plans/{plan.id}/analysis")
    token = form_token(page)
    made = await staff_client.post(
        f"/staff/plans/{plan.id}/analysis/themes",
        data={"csrf_token": token, "theme_name": "Policing", "back": "q=lodz"},
    )
    assert made.status_code == 303
    assert made.headers["location"] == f"/staff/plans/{plan.id}/analysis?q=lodz#themes"
    theme = await CommentTheme.get(plan_id=plan.id)
    tagged = await staff_client.post(
        f"/staff/plans/{plan.id}/analysis/tags",
        data={"csrf_token": token, "source": "answer", "comment": answer.id, "theme": theme.id},
    )
    assert tagged.status_code == 303
    assert await ThemeTag.filter(theme=theme, answer_id=answer.id).count() == 1
    page = await staff_client.get(f"/staff/plans/{plan.id}/analysis", params={"theme": theme.id})
    assert "Comments (1)" in page.text


async def test_theme_with_empty_name_shows_the_error_and_saves_nothing(staff_client):
    plan, _actions, _answer = await consulted()
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/analysis"))
    refused = await staff_client.post(
        f"/staff/plans/{plan.id}/analysis/themes", data={"csrf_token": token, "theme_name": "  "}
    )
    assert refused.status_code == 400
    assert "Enter a name for the theme." in refused.text
    assert await CommentTheme.filter(plan_id=plan.id).count() == 0
    made = await staff_client.post(  # control: a name is taken
        f"/staff/plans/{plan.id}/analysis/themes", data={"csrf_token": token, "theme_name": "Bus"}
    )
    assert made.status_code == 303
    assert await CommentTheme.filter(plan_id=plan.id).values_list("name", flat=True) == ["Bus"]


async def test_theme_post_without_csrf_is_refused(staff_client):
    plan, _actions, _answer = await consulted()
    refused = await staff_client.post(
        f"/staff/plans/{plan.id}/analysis/themes", data={"theme_name": "Policing"}
    )
    assert refused.status_code == 403
    assert await CommentTheme.filter(plan_id=plan.id).count() == 0
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/analysis"))
    made = await staff_client.post(
        f"/staff/plans/{plan.id}/analysis/themes",
        data={"theme_name": "Policing", "csrf_token": token},
    )
    assert made.status_code == 303  # control: the same with the token
    assert await CommentTheme.filter(plan_id=plan.id).count() == 1


async def test_tagging_another_plans_comment_is_404(staff_client, organiser):
    plan, _actions, _answer = await consulted()
    other, _other_actions, foreign = await consulted()
    theme = await comment_theme(plan, "Policing")
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/analysis"))
    refused = await staff_client.post(
        f"/staff/plans/{plan.id}/analysis/tags",
        data={"csrf_token": token, "source": "answer", "comment": foreign.id, "theme": theme.id},
    )
    assert refused.status_code == 404
    other_theme = await comment_theme(other, "Lighting")
    refused = await staff_client.post(
        f"/staff/plans/{plan.id}/analysis/tags",
        data={
            "csrf_token": token,
            "source": "answer",
            "comment": _answer.id,
            "theme": other_theme.id,
        },
    )
    assert refused.status_code == 404
    assert await ThemeTag.all().count() == 0
    tagged = await staff_client.post(  # control: this plan's comment with this plan's theme
        f"/staff/plans/{plan.id}/analysis/tags",
        data={"csrf_token": token, "source": "answer", "comment": _answer.id, "theme": theme.id},
    )
    assert tagged.status_code == 303
    assert await ThemeTag.all().count() == 1
