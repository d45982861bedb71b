"""Organisers update any action of an adopted plan (those led by "All partners" too)."""

from __future__ import annotations

from convenor.models import Role
from plans.models import Action, ActionStatus, ActionUpdate, MeasureReading, PlanStatus
from tests.conftest import form_token, make_staff, sign_in
from tests.plans.factories import make_plan
from tests.plans.register_support import actions_by_number, adopted_plan


async def _post(client, plan, action, path: str, data: dict):
    base = f"/staff/plans/{plan.id}/register/actions/{action.id}"
    page = await client.get(base)
    assert page.status_code == 200
    return await client.post(f"{base}{path}", data={**data, "csrf_token": form_token(page)})


async def test_organiser_updates_an_all_partners_action(app, staff_client, organiser):
    plan = await adopted_plan()
    action = (await actions_by_number(plan))["1.2"]  # led by all partners
    data = {"status": "on_track", "progress": "15", "text": "One referral route agreed."}

    response = await _post(staff_client, plan, action, "", data)

    assert response.status_code == 303
    fresh = await Action.get(id=action.id)
    assert (fresh.status, fresh.progress) == (ActionStatus.ON_TRACK, 15)
    update = await ActionUpdate.get(action_id=action.id)
    assert (update.author_name, update.author_organisation, update.user_id) == (
        organiser.name,
        plan.partnership,
        organiser.id,
    )
    page = await staff_client.get(f"/staff/plans/{plan.id}/register/actions/{action.id}")
    assert "One referral route agreed." in page.text


async def test_organiser_reading_and_bad_input(app, staff_client):
    plan = await adopted_plan()
    action = (await actions_by_number(plan))["3.2"]

    bad = await _post(staff_client, plan, action, "/readings", {"value": "lots", "taken_on": "x"})
    assert bad.status_code == 400
    assert f'id="value-{action.id}-error"' in bad.text
    assert 'value="lots"' in bad.text
    assert await MeasureReading.filter(action_id=action.id).count() == 0

    good = await _post(
        staff_client,
        plan,
        action,
        "/readings",
        {"value": "52", "unit": "%", "taken_on": "2026-03-31"},
    )
    assert good.status_code == 303
    assert await MeasureReading.filter(action_id=action.id).count() == 1


async def test_organiser_cannot_update_before_adoption_or_another_plans_action(app, staff_client):
    plan, draft = await adopted_plan(), await make_plan(PlanStatus.CONSULTATION)
    theirs = (await actions_by_number(draft))["1.1"]
    data = {"status": "on_track", "text": "Started."}

    refused = await _post(staff_client, draft, theirs, "", data)
    wrong_plan = await staff_client.post(
        f"/staff/plans/{plan.id}/register/actions/{theirs.id}",
        data={
            **data,
            "csrf_token": form_token(await staff_client.get(f"/staff/plans/{plan.id}/register")),
        },
    )

    assert (refused.status_code, wrong_plan.status_code) == (409, 404)
    assert await ActionUpdate.filter(action_id=theirs.id).count() == 0
    assert (await Action.get(id=theirs.id)).status == ActionStatus.NOT_STARTED
    own = (await actions_by_number(plan))["1.1"]  # control: the adopted plan's own action
    assert (await _post(staff_client, plan, own, "", data)).status_code == 303
    assert (await Action.get(id=own.id)).status == ActionStatus.ON_TRACK


async def test_moderator_cannot_update_actions(app, client):
    plan = await adopted_plan()
    action = (await actions_by_number(plan))["1.2"]
    await sign_in(client, await make_staff(Role.MODERATOR))

    page = await client.get(f"/staff/plans/{plan.id}/register/actions/{action.id}")

    assert page.status_code == 404
    client.cookies.clear()
    await sign_in(client, await make_staff(Role.ORGANISER))  # control
    assert (
        await client.get(f"/staff/plans/{plan.id}/register/actions/{action.id}")
    ).status_code == 200
