"""The response pages over HTTP: organisers only, CSRF, errors kept beside their fields,
adoption refused while open, the public report 404 until published, hostile text escaped,
and nobody's name or email in the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from convenor.models import Role
from plans.adoption import adopt, publish_report
from plans.models import Plan, PlanStatus, PlanVersion, Reply
from plans.replies import add_reply, reply_data
from tests.conftest import form_token, make_staff, sign_in
from tests.plans.factories import closed_plan, make_answer, make_respondent, plan_actions

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def reply_form(token: str, action_id: int, **fields) -> dict[str, str]:
    values = {
        "csrf_token": token,
        "you_said": "Patrols alone will not stop knife crime.",
        "we_did": "We added youth workers to the patrols.",
        "outcome": "changed",
        "theme_id": "",
        "action_id": str(action_id),
    }
    values.update(fields)
    return values


async def test_response_page_is_for_organisers_only(app, client):
    plan = await closed_plan()
    url = f"/staff/plans/{plan.id}/response"

    anonymous = await client.get(url)
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, f"/login?next={url}")
    await sign_in(client, await make_staff(Role.MODERATOR))
    assert (await client.get(url)).status_code == 404
    client.cookies.clear()
    await sign_in(client, await make_staff(Role.ORGANISER))
    page = await client.get(url)
    assert page.status_code == 200
    assert "Add a reply" in page.text


async def test_reply_without_csrf_token_is_refused(app, staff_client):
    plan = await closed_plan()
    action = (await plan_actions(plan))[0]
    url = f"/staff/plans/{plan.id}/response/replies"

    refused = await staff_client.post(url, data=reply_form("forged", action.id))

    assert refused.status_code == 403
    assert await Reply.filter(plan=plan).count() == 0
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/response"))
    added = await staff_client.post(url, data=reply_form(token, action.id))
    assert (added.status_code, await Reply.filter(plan=plan).count()) == (303, 1)


async def test_bad_reply_shows_errors_and_keeps_what_was_typed(app, staff_client):
    plan = await closed_plan()
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/response"))

    page = await staff_client.post(
        f"/staff/plans/{plan.id}/response/replies",
        data=reply_form(token, 0, we_did="", you_said="Kept <as typed>") | {"action_id": ""},
    )

    assert page.status_code == 400
    assert "Enter what you did, or why you did not change the plan" in page.text
    assert "Choose the action you changed" in page.text
    assert "Kept &lt;as typed&gt;</textarea>" in page.text
    assert await Reply.filter(plan=plan).count() == 0
    action = (await plan_actions(plan))[0]  # control: a whole reply is added
    added = await staff_client.post(
        f"/staff/plans/{plan.id}/response/replies", data=reply_form(token, action.id)
    )
    assert (added.status_code, await Reply.filter(plan=plan).count()) == (303, 1)


async def test_reply_is_edited_from_its_page(app, staff_client):
    plan = await closed_plan()
    action = (await plan_actions(plan))[0]
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/response"))
    await staff_client.post(
        f"/staff/plans/{plan.id}/response/replies", data=reply_form(token, action.id)
    )
    reply = await Reply.get(plan=plan)
    url = f"/staff/plans/{plan.id}/response/replies/{reply.id}"

    form = await staff_client.get(url)
    assert "We added youth workers to the patrols.</textarea>" in form.text
    saved = await staff_client.post(
        url, data=reply_form(form_token(form), action.id, outcome="not_changed", we_did="Kept")
    )

    assert saved.status_code == 303
    reply = await Reply.get(id=reply.id)
    assert (reply.outcome, reply.we_did) == ("not_changed", "Kept")


async def test_adopt_refused_while_open_then_adopted_after_the_close(app, staff_client):
    plan = await closed_plan()
    plan.closed_at, plan.closes_at = None, datetime.now(UTC) + timedelta(hours=1)
    await plan.save()
    page = await staff_client.get(f"/staff/plans/{plan.id}/response")
    assert "The consultation is open until" in page.text
    token = form_token(page)

    refused = await staff_client.post(
        f"/staff/plans/{plan.id}/response/adopt", data={"csrf_token": token, "note": "Early"}
    )

    assert refused.status_code == 409
    assert "adopt the plan after it closes" in refused.text
    assert await PlanVersion.filter(plan=plan).count() == 1
    assert (await Plan.get(id=plan.id)).status == PlanStatus.CONSULTATION
    plan.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    await plan.save()
    adopted = await staff_client.post(
        f"/staff/plans/{plan.id}/response/adopt", data={"csrf_token": token, "note": "Board"}
    )
    assert (adopted.status_code, adopted.headers["location"]) == (
        303,
        f"/staff/plans/{plan.id}/response?done=adopted#adoption",
    )
    assert (await Plan.get(id=plan.id)).status == PlanStatus.ADOPTED
    published = await staff_client.post(
        f"/staff/plans/{plan.id}/response/publish", data={"csrf_token": token}
    )
    assert published.status_code == 303
    assert (await staff_client.get(f"/plans/{plan.uuid}/report")).status_code == 200


async def test_report_is_404_until_published(app, client, organiser):
    plan = await closed_plan()
    await adopt(organiser, plan.id, "")

    assert (await client.get(f"/plans/{plan.uuid}/report")).status_code == 404
    assert (await client.get(f"/plans/{plan.uuid}/report.pdf")).status_code == 404
    assert (await client.get("/plans/not-a-plan/report")).status_code == 404

    await publish_report(organiser, plan.id)
    page = await client.get(f"/plans/{plan.uuid}/report")
    pdf = await client.get(f"/plans/{plan.uuid}/report.pdf")
    assert page.status_code == 200
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")


async def test_report_escapes_hostile_text_and_names_nobody(app, client, organiser):
    plan = await closed_plan()
    action = (await plan_actions(plan))[0]
    person = await make_respondent(
        plan,
        "public",
        "resident",
        name="Zed Privateperson",
        email="zed@private.example",
        may_quote=True,
        organisation="Zed's Garage",
    )
    await make_answer(person, action, support=4, comment=HOSTILE, moderation="approved")
    await add_reply(
        organiser,
        plan.id,
        reply_data(
            {
                "you_said": HOSTILE,
                "we_did": "Nothing",
                "outcome": "not_changed",
                "action_id": str(action.id),
            }
        ),
    )
    await adopt(organiser, plan.id, "")
    await publish_report(organiser, plan.id)

    page = await client.get(f"/plans/{plan.uuid}/report")

    assert page.status_code == 200
    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    for private in ("Zed Privateperson", "zed@private.example", "Zed&#39;s Garage", "Zed's"):
        assert private not in page.text
    assert '<th scope="row">Members of the public</th><td>1</td>' in page.text
    assert (
        '<p id="who-could-respond">Who could respond: partner organisations&#39; staff.</p>'
        in page.text
    )


async def test_staff_preview_before_publishing(app, staff_client, organiser):
    plan = await closed_plan()

    page = await staff_client.get(f"/staff/plans/{plan.id}/response/preview")

    assert page.status_code == 200
    assert "Preview for organisers: this report is not published." in page.text


async def test_replies_are_moved_and_deleted_over_http(app, staff_client, organiser):
    plan = await closed_plan()
    actions = await plan_actions(plan)
    first = await add_reply(organiser, plan.id, reply_data(reply_form("", actions[0].id)))
    second = await add_reply(organiser, plan.id, reply_data(reply_form("", actions[1].id)))
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/response"))
    base = f"/staff/plans/{plan.id}/response/replies"

    moved = await staff_client.post(
        f"{base}/{second.id}/move", data={"csrf_token": token, "direction": "up"}
    )
    deleted = await staff_client.post(f"{base}/{first.id}/delete", data={"csrf_token": token})

    assert (moved.status_code, deleted.status_code) == (303, 303)
    assert await Reply.filter(plan=plan).values_list("id", flat=True) == [second.id]


async def test_another_plans_reply_is_not_found_and_kept(app, staff_client, organiser):
    plan = await closed_plan()
    other = await closed_plan()
    reply = await add_reply(
        organiser, other.id, reply_data(reply_form("", (await plan_actions(other))[0].id))
    )
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/response"))

    page = await staff_client.get(f"/staff/plans/{plan.id}/response/replies/{reply.id}")
    deleted = await staff_client.post(
        f"/staff/plans/{plan.id}/response/replies/{reply.id}/delete", data={"csrf_token": token}
    )

    assert (page.status_code, deleted.status_code) == (404, 404)
    assert await Reply.exists(id=reply.id)
    own = await staff_client.get(f"/staff/plans/{other.id}/response/replies/{reply.id}")
    assert own.status_code == 200  # positive control


async def test_reply_after_publishing_is_refused_on_the_page(app, staff_client, organiser):
    plan = await closed_plan()
    action = (await plan_actions(plan))[0]
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}/response"))
    url = f"/staff/plans/{plan.id}/response/replies"
    control = await staff_client.post(url, data=reply_form(token, action.id))
    assert control.status_code == 303  # before publishing the same reply is added
    await adopt(organiser, plan.id, "")
    await publish_report(organiser, plan.id)

    refused = await staff_client.post(url, data=reply_form(token, action.id, we_did="Late"))

    assert refused.status_code == 409
    assert "its replies can no longer be changed" in refused.text
    assert await Reply.filter(plan=plan).values_list("we_did", flat=True) == [
        "We added youth workers to the patrols."
    ]


async def test_report_preview_is_for_organisers_only(app, client):
    plan = await closed_plan()
    url = f"/staff/plans/{plan.id}/response/preview"

    assert (await client.get(url)).status_code == 303
    await sign_in(client, await make_staff(Role.MODERATOR))
    assert (await client.get(url)).status_code == 404
    client.cookies.clear()
    await sign_in(client, await make_staff(Role.ORGANISER))  # control
    assert (await client.get(url)).status_code == 200


async def test_report_draws_each_actions_support_beside_its_table(app, client, organiser):
    plan = await closed_plan()
    action = (await plan_actions(plan))[0]
    for support in (5, 5, 2):
        person = await make_respondent(plan, "delegate", "partner_agency")
        await make_answer(person, action, support=support)
    await adopt(organiser, plan.id, "")
    await publish_report(organiser, plan.id)

    page = await client.get(f"/plans/{plan.uuid}/report")

    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page.text
    assert f'aria-labelledby="chart-{action.ref}-title chart-{action.ref}-desc"' in page.text
    assert f'<title id="chart-{action.ref}-title">Support for action 1.1</title>' in page.text
    assert '<th scope="row">Strongly support</th><td class="number">2</td>' in page.text
