"""A lead agency's link opens only its organisation's actions in its own plan.

Every refusal is 404 with nothing changed, and each has a positive control: the same
request to the contact's own action succeeds.
"""

from __future__ import annotations

from plans.models import Action, ActionStatus, ActionUpdate, LeadContact, MeasureReading, PlanStatus
from tests.conftest import form_token
from tests.plans.register_support import (
    POLICE,
    actions_by_number,
    adopted_plan,
    contact_link,
)

UPDATE = {"status": "at_risk", "progress": "20", "text": "Officers redeployed."}
READING = {"value": "41", "unit": "%", "taken_on": "2026-06-30", "source": "Survey"}


async def _post(client, token: str, path: str, data: dict):
    page = await client.get(f"/lead/{token}")
    assert page.status_code == 200
    return await client.post(path, data={**data, "csrf_token": form_token(page)})


async def test_own_action_is_updated_from_the_link(app, client):
    plan = await adopted_plan()
    _, token = await contact_link(plan)
    own = (await actions_by_number(plan))["1.1"]

    response = await _post(client, token, f"/lead/{token}/actions/{own.id}", UPDATE)

    assert response.status_code == 303
    fresh = await Action.get(id=own.id)
    assert (fresh.status, fresh.progress) == (ActionStatus.AT_RISK, 20)
    update = await ActionUpdate.get(action_id=own.id)
    assert (update.author_name, update.author_organisation) == ("Ann Lee", POLICE)


async def test_another_agencys_action_in_the_same_plan_is_404(app, client):
    plan = await adopted_plan()
    _, token = await contact_link(plan)
    probation = (await actions_by_number(plan))["2.1"]

    response = await _post(client, token, f"/lead/{token}/actions/{probation.id}", UPDATE)
    reading = await _post(client, token, f"/lead/{token}/actions/{probation.id}/readings", READING)

    assert (response.status_code, reading.status_code) == (404, 404)
    assert (await Action.get(id=probation.id)).status == ActionStatus.NOT_STARTED
    assert await ActionUpdate.filter(action_id=probation.id).count() == 0
    assert await MeasureReading.filter(action_id=probation.id).count() == 0
    own = (await actions_by_number(plan))["1.1"]  # control: the police's own action
    assert (
        await _post(client, token, f"/lead/{token}/actions/{own.id}", UPDATE)
    ).status_code == 303
    assert await ActionUpdate.filter(action_id=own.id).count() == 1


async def test_another_plans_action_led_by_the_same_agency_is_404(app, client):
    plan, other = await adopted_plan(), await adopted_plan()
    _, token = await contact_link(plan)
    theirs = (await actions_by_number(other))["1.1"]  # the police lead it there too
    own = (await actions_by_number(plan))["1.1"]

    refused = await _post(client, token, f"/lead/{token}/actions/{theirs.id}", UPDATE)
    reading = await _post(client, token, f"/lead/{token}/actions/{theirs.id}/readings", READING)
    control = await _post(client, token, f"/lead/{token}/actions/{own.id}/readings", READING)

    assert (refused.status_code, reading.status_code, control.status_code) == (404, 404, 303)
    assert await ActionUpdate.filter(action_id=theirs.id).count() == 0
    assert await MeasureReading.filter(action_id=theirs.id).count() == 0
    assert await MeasureReading.filter(action_id=own.id).count() == 1


async def test_lead_page_lists_only_the_organisations_actions_of_its_plan(app, client):
    plan, other = await adopted_plan(), await adopted_plan(title="Another plan")
    _, token = await contact_link(plan)
    others = await actions_by_number(other)

    page = await client.get(f"/lead/{token}")

    own = await actions_by_number(plan)
    assert page.status_code == 200
    assert f"/lead/{token}/actions/{own['1.1'].id}" in page.text
    assert f"/lead/{token}/actions/{own['2.3'].id}" in page.text
    for number in ("1.2", "1.3", "2.1", "2.2", "3.1", "3.2"):
        assert f'/actions/{own[number].id}"' not in page.text
    assert f'/actions/{others["1.1"].id}"' not in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_unknown_removed_or_unadopted_links_are_404(app, client):
    plan = await adopted_plan()
    contact, token = await contact_link(plan)
    own = (await actions_by_number(plan))["1.1"]
    assert (await client.get(f"/lead/{token}")).status_code == 200  # control

    assert (await client.get("/lead/not-a-token")).status_code == 404
    await LeadContact.filter(id=contact.id).update(revoked_at=plan.created_at)
    assert (await client.get(f"/lead/{token}")).status_code == 404

    draft = await adopted_plan()
    _, draft_token = await contact_link(draft)
    assert (await client.get(f"/lead/{draft_token}")).status_code == 200  # control
    draft.status = PlanStatus.CONSULTATION
    await draft.save()
    assert (await client.get(f"/lead/{draft_token}")).status_code == 404
    assert await ActionUpdate.filter(action_id=own.id).count() == 0


async def test_bad_update_shows_the_form_again_with_what_was_typed(app, client):
    plan = await adopted_plan()
    _, token = await contact_link(plan)
    own = (await actions_by_number(plan))["1.1"]
    typed = {"status": "dropped", "progress": "10", "text": "We stopped <b>it</b>."}

    response = await _post(client, token, f"/lead/{token}/actions/{own.id}", typed)

    assert response.status_code == 400
    assert "Say why the action was dropped" in response.text
    assert f'href="#status_reason-{own.id}"' in response.text
    assert "We stopped &lt;b&gt;it&lt;/b&gt;." in response.text
    assert await ActionUpdate.filter(action_id=own.id).count() == 0
    assert (await Action.get(id=own.id)).status == ActionStatus.NOT_STARTED
    typed["status_reason"] = "Funding ended"  # control: with a reason it is saved
    assert (await _post(client, token, f"/lead/{token}/actions/{own.id}", typed)).status_code == 303
    assert (await Action.get(id=own.id)).status == ActionStatus.DROPPED


async def test_archived_plan_is_shown_to_the_lead_but_not_updated(app, client):
    plan = await adopted_plan()
    _, token = await contact_link(plan)
    own = (await actions_by_number(plan))["1.1"]
    page = await client.get(f"/lead/{token}")
    assert f"/lead/{token}/actions/{own.id}" in page.text  # control: adopted, it has a form
    control = await client.post(
        f"/lead/{token}/actions/{own.id}", data={**UPDATE, "csrf_token": form_token(page)}
    )
    assert control.status_code == 303
    plan.status = PlanStatus.ARCHIVED
    await plan.save()

    shown = await client.get(f"/lead/{token}")
    refused = await client.post(
        f"/lead/{token}/actions/{own.id}",
        data={**UPDATE, "status": "off_track", "csrf_token": form_token(page)},
    )

    assert shown.status_code == 200
    assert "This plan is archived" in shown.text
    assert f"/lead/{token}/actions/{own.id}" not in shown.text
    assert refused.status_code == 409
    assert await ActionUpdate.filter(action_id=own.id).count() == 1
    assert (await Action.get(id=own.id)).status == ActionStatus.AT_RISK
    assert (await client.get(f"/plans/{plan.uuid}/register")).status_code == 200
