"""Drafting a plan through the JSON API: create a plan with priorities and actions,
partners by id and by name, auth, validation errors, versions."""

from __future__ import annotations

import pytest

from convenor import auth
from convenor.models import Role
from directory.models import Entry, Status
from plans.models import Action, Evidence, Plan, PlanVersion, Priority
from tests.conftest import make_staff
from tests.plans.factories import lead_entry, make_plan


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def token(organiser) -> str:
    return await auth.create_api_token(organiser.email)


PLAN = {
    "title": "Serious Violence Delivery Plan",
    "partnership": "Safe City",
    "period": "2022-2027",
}


async def test_api_creates_a_plan_with_priorities_and_actions(client, token):
    police = await lead_entry("Hampshire Constabulary")
    h = bearer(token)

    made = await client.post("/api/v1/plans", json=PLAN, headers=h)
    assert made.status_code == 201, made.text
    plan_id = made.json()["id"]
    priority = await client.post(
        f"/api/v1/plans/{plan_id}/priorities",
        json={"title": "Keeping people safe from harm", "why": "Violent crime is up",
              "evidence": [{"value": "11,079", "label": "Violent crime incidents",
                            "period": "2018/19", "source": "Safe City Strategic Assessment"}]},
        headers=h,
    )  # fmt: skip
    assert priority.status_code == 201, priority.text
    priority_id = priority.json()["id"]
    action = await client.post(
        f"/api/v1/plans/{plan_id}/priorities/{priority_id}/actions",
        json={"text": "Joint patrols", "leads": [{"entry_id": police.id}],
              "supports": [{"name": "Street Pastors"}], "add_missing": True,
              "measure": "Fewer knife incidents", "target_date": "2027-03-31"},
        headers=h,
    )  # fmt: skip
    assert action.status_code == 201, action.text

    body = (await client.get(f"/api/v1/plans/{plan_id}", headers=h)).json()
    assert body["title"] == "Serious Violence Delivery Plan"
    assert body["status"] == "draft"
    [p] = body["priorities"]
    assert p["evidence"] == [
        {"value": "11,079", "label": "Violent crime incidents", "period": "2018/19",
         "source": "Safe City Strategic Assessment"}
    ]  # fmt: skip
    [a] = p["actions"]
    assert a["number"] == "1.1"
    assert a["leads"] == [
        {"entry_id": police.id, "name": "Hampshire Constabulary", "published": True}
    ]
    assert [s["name"] for s in a["supports"]] == ["Street Pastors"]
    assert a["supports"][0]["published"] is False
    assert a["target_date"] == "2027-03-31"
    assert (await Entry.get(name="Street Pastors")).status == Status.PENDING
    listed = (await client.get("/api/v1/plans", headers=h)).json()["items"]
    assert [item["id"] for item in listed] == [plan_id]


async def test_api_unknown_partner_is_422_and_nothing_saved(client, token):
    plan = await make_plan(priorities=1, actions=(1,))
    priority = await Priority.get(plan=plan)

    response = await client.post(
        f"/api/v1/plans/{plan.id}/priorities/{priority.id}/actions",
        json={"text": "Night patrols", "leads": [{"name": "Nobody Known Ltd"}]},
        headers=bearer(token),
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"]["leads"].startswith("Not in the directory")
    assert await Action.filter(plan=plan).count() == 1
    assert not await Entry.filter(name="Nobody Known Ltd").exists()
    known = await client.post(  # control: a lead in the directory is taken
        f"/api/v1/plans/{plan.id}/priorities/{priority.id}/actions",
        json={"text": "Night patrols", "leads": [{"name": "Hampshire Constabulary"}]},
        headers=bearer(token),
    )
    assert known.status_code == 201
    assert await Action.filter(plan=plan).count() == 2


async def test_api_validation_errors(client, token):
    h = bearer(token)
    missing = await client.post("/api/v1/plans", json={"partnership": "x"}, headers=h)
    two_lines = await client.post("/api/v1/plans", json={**PLAN, "title": "a\nb"}, headers=h)
    nul = await client.post("/api/v1/plans", json={**PLAN, "summary": "x\x00"}, headers=h)
    long = await client.post("/api/v1/plans", json={**PLAN, "summary": "x" * 10_001}, headers=h)

    assert [r.status_code for r in (missing, two_lines, nul, long)] == [422] * 4
    assert "title" in missing.json()["error"]["fields"]
    assert two_lines.json()["error"]["fields"] == {"title": "Enter this on one line"}
    assert await Plan.all().count() == 0
    ok = await client.post("/api/v1/plans", json={**PLAN, "title": "<script>x</script>"}, headers=h)
    assert ok.status_code == 201
    assert ok.json()["title"] == "<script>x</script>"


async def test_api_needs_an_organisers_token(client, token):
    plan = await make_plan(priorities=1, actions=(1,))
    moderator = await make_staff(Role.MODERATOR)
    moderator_token = await auth.create_api_token(moderator.email)

    anonymous = await client.get(f"/api/v1/plans/{plan.id}")
    bad = await client.get(f"/api/v1/plans/{plan.id}", headers=bearer("nope"))
    moderated = await client.put(
        f"/api/v1/plans/{plan.id}", json=PLAN, headers=bearer(moderator_token)
    )

    assert [r.status_code for r in (anonymous, bad, moderated)] == [401, 401, 403]
    assert (await Plan.get(id=plan.id)).partnership == "Southampton Safe City Partnership"
    done = await client.put(f"/api/v1/plans/{plan.id}", json=PLAN, headers=bearer(token))
    assert done.status_code == 200  # control: an organiser's token
    assert (await Plan.get(id=plan.id)).partnership == "Safe City"


async def test_api_update_and_delete_and_not_found(client, token):
    plan = await make_plan(priorities=2, actions=(2, 1))
    h = bearer(token)
    action = await Action.filter(plan=plan).order_by("priority__position", "position").first()
    other = await Priority.filter(plan=plan).order_by("-position").first()

    moved = await client.put(
        f"/api/v1/plans/{plan.id}/actions/{action.id}",
        json={"text": "Joint patrols", "all_partners": True, "priority_id": other.id},
        headers=h,
    )
    gone = await client.delete(f"/api/v1/plans/{plan.id}/priorities/{other.id}", headers=h)
    missing = await client.delete(f"/api/v1/plans/{plan.id}/actions/{action.id}", headers=h)
    unknown = await client.get("/api/v1/plans/999999", headers=h)

    assert moved.status_code == 200, moved.text
    assert moved.json()["number"] == "2.2"
    assert gone.status_code == 204
    assert missing.status_code == 404  # deleted with its priority (no version yet)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    assert (await client.get(f"/api/v1/plans/{plan.id}", headers=h)).status_code == 200


async def test_api_publish_and_list_versions(client, token):
    plan = await make_plan(priorities=1, actions=(1,))
    h = bearer(token)

    first = await client.post(
        f"/api/v1/plans/{plan.id}/versions", json={"note": "Draft"}, headers=h
    )
    again = await client.post(f"/api/v1/plans/{plan.id}/versions", json={}, headers=h)
    listed = await client.get(f"/api/v1/plans/{plan.id}/versions", headers=h)

    assert first.status_code == 201
    assert first.json()["number"] == 1
    assert first.json()["kind"] == "revision"
    assert again.status_code == 409
    assert [v["number"] for v in listed.json()["items"]] == [1]
    assert await PlanVersion.filter(plan=plan).count() == 1


async def test_api_update_plan_and_priority_evidence(client, token):
    plan = await make_plan(priorities=1, actions=(1,))
    priority = await Priority.get(plan=plan)
    h = bearer(token)

    updated = await client.put(
        f"/api/v1/plans/{plan.id}", json={**PLAN, "period": "2023-2028"}, headers=h
    )
    with_evidence = await client.put(
        f"/api/v1/plans/{plan.id}/priorities/{priority.id}",
        json={"title": "Keeping people safe", "evidence": [{"value": "52%", "label": "Feel safe"}]},
        headers=h,
    )
    bad_evidence = await client.put(
        f"/api/v1/plans/{plan.id}/priorities/{priority.id}",
        json={"title": "Changed", "evidence": [{"value": "", "label": "Nothing"}]},
        headers=h,
    )

    assert updated.status_code == 200
    assert updated.json()["period"] == "2023-2028"
    assert with_evidence.status_code == 200
    assert with_evidence.json()["evidence"] == [
        {"value": "52%", "label": "Feel safe", "period": "", "source": ""}
    ]
    assert bad_evidence.status_code == 422
    assert bad_evidence.json()["error"]["fields"] == {
        "evidence.0.value": "Enter the figure (such as 11,079)"
    }
    assert (await Priority.get(id=priority.id)).title == "Keeping people safe"
    assert await Evidence.filter(priority_id=priority.id).values_list("value", flat=True) == ["52%"]


async def test_api_delete_after_a_version_keeps_the_action(client, token):
    plan = await make_plan(priorities=1, actions=(2,))
    h = bearer(token)
    assert (
        await client.post(f"/api/v1/plans/{plan.id}/versions", json={}, headers=h)
    ).status_code == 201
    action = await Action.filter(plan=plan).first()

    response = await client.delete(f"/api/v1/plans/{plan.id}/actions/{action.id}", headers=h)

    assert response.status_code == 204
    kept = await Action.get(id=action.id)
    assert kept.removed_at is not None
    body = (await client.get(f"/api/v1/plans/{plan.id}", headers=h)).json()
    assert len(body["priorities"][0]["actions"]) == 1
