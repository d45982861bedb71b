"""The organiser's draft pages: forms keep typed input on error, CSRF, 404s, staff only."""

from __future__ import annotations

from plans.models import Action, Plan, Priority
from plans.tree import load_tree
from tests.conftest import form_token, make_staff, sign_in
from tests.plans.factories import make_plan


async def test_plan_list_and_create(staff_client):
    page = await staff_client.get("/staff/plans")
    assert page.status_code == 200
    token = form_token(page)

    response = await staff_client.post(
        "/staff/plans",
        data={"csrf_token": token, "title": "Safer City Plan", "partnership": "Safe City"},
    )

    assert response.status_code == 303
    plan = await Plan.get(title="Safer City Plan")
    assert response.headers["location"] == f"/staff/plans/{plan.id}?done=created"
    editor = await staff_client.get(response.headers["location"])
    assert editor.status_code == 200
    assert "The plan has been created" in editor.text


async def test_create_refused_keeps_typed_text(staff_client):
    token = form_token(await staff_client.get("/staff/plans"))

    response = await staff_client.post(
        "/staff/plans",
        data={"csrf_token": token, "title": "", "partnership": "<script>x</script>",
              "period": "2022"},
    )  # fmt: skip

    assert response.status_code == 400
    assert "Enter the plan&#39;s title" in response.text
    assert "&lt;script&gt;x&lt;/script&gt;" in response.text
    assert "<script>x</script>" not in response.text
    assert 'value="2022"' in response.text
    assert await Plan.all().count() == 0
    created = await staff_client.post(  # control: with a title it is created
        "/staff/plans",
        data={"csrf_token": token, "title": "Plan", "partnership": "<script>x</script>",
              "period": "2022"},
    )  # fmt: skip
    assert created.status_code == 303
    assert await Plan.all().values_list("partnership", flat=True) == ["<script>x</script>"]


async def test_post_without_csrf_is_refused(staff_client):
    token = form_token(await staff_client.get("/staff/plans"))
    response = await staff_client.post("/staff/plans", data={"title": "x", "partnership": "y"})
    assert response.status_code == 403
    assert await Plan.all().count() == 0
    created = await staff_client.post(
        "/staff/plans", data={"title": "x", "partnership": "y", "csrf_token": token}
    )
    assert created.status_code == 303  # control: the same with the token
    assert await Plan.all().values_list("title", flat=True) == ["x"]


async def test_editor_pages_render_and_unknown_ids_404(staff_client):
    plan = await make_plan()
    tree = await load_tree(plan.id)
    p, a = tree.priorities[0], tree.actions[0]
    for path in (
        f"/staff/plans/{plan.id}",
        f"/staff/plans/{plan.id}/priorities/{p.id}",
        f"/staff/plans/{plan.id}/priorities/{p.id}/actions/new",
        f"/staff/plans/{plan.id}/actions/{a.id}",
        f"/staff/plans/{plan.id}/import",
        f"/staff/plans/{plan.id}/versions",
    ):
        response = await staff_client.get(path)
        assert response.status_code == 200, path
    for path in (
        "/staff/plans/999999",
        f"/staff/plans/{plan.id}/priorities/999999",
        f"/staff/plans/{plan.id}/actions/999999",
        f"/staff/plans/{plan.id}/versions/1",
    ):
        assert (await staff_client.get(path)).status_code == 404, path


async def test_moderator_and_anonymous_get_no_plans(client, app):
    plan = await make_plan(priorities=1, actions=(1,))
    anonymous = await client.get(f"/staff/plans/{plan.id}")
    assert anonymous.status_code in (302, 303)
    await sign_in(client, await make_staff("moderator"))
    assert (await client.get(f"/staff/plans/{plan.id}")).status_code == 404
    assert (await client.get("/staff/plans")).status_code == 404
    client.cookies.clear()
    await sign_in(client, await make_staff("organiser"))  # control
    assert (await client.get(f"/staff/plans/{plan.id}")).status_code == 200
    assert (await client.get("/staff/plans")).status_code == 200


async def test_add_priority_error_keeps_text_then_adds(staff_client):
    plan = await make_plan(priorities=1, actions=(1,))
    url = f"/staff/plans/{plan.id}"
    token = form_token(await staff_client.get(url))

    refused = await staff_client.post(
        f"{url}/priorities",
        data={"csrf_token": token, "priority_title": "", "priority_why": "Because =cmd|"},
    )
    added = await staff_client.post(
        f"{url}/priorities", data={"csrf_token": token, "priority_title": "Tackling exploitation"}
    )

    assert refused.status_code == 400
    assert "Enter the priority&#39;s title" in refused.text
    assert "Because =cmd|" in refused.text
    assert added.status_code == 303
    assert await Priority.filter(plan=plan).count() == 2


async def test_action_with_unknown_lead_asks_then_saves(staff_client):
    plan = await make_plan(priorities=1, actions=(1,))
    tree = await load_tree(plan.id)
    url = f"/staff/plans/{plan.id}/priorities/{tree.priorities[0].id}/actions"
    token = form_token(await staff_client.get(f"{url}/new"))
    data = {"csrf_token": token, "text": "Night-time patrols", "leads": "Street Pastors Soton"}

    asked = await staff_client.post(url, data=data)
    saved = await staff_client.post(url, data={**data, "add_missing": "yes"})

    assert asked.status_code == 400
    assert "Not in the directory" in asked.text
    assert 'name="add_missing"' in asked.text
    assert "Night-time patrols" in asked.text
    assert saved.status_code == 303
    assert await Action.filter(plan=plan).count() == 2


async def test_edit_action_and_move_and_remove(staff_client):
    plan = await make_plan(priorities=2, actions=(2, 1))
    tree = await load_tree(plan.id)
    action = tree.actions[0]
    page = await staff_client.get(f"/staff/plans/{plan.id}/actions/{action.id}")
    token = form_token(page)
    assert "Hampshire Constabulary" in page.text

    saved = await staff_client.post(
        f"/staff/plans/{plan.id}/actions/{action.id}",
        data={"csrf_token": token, "text": "Joint patrols", "leads": "All partners",
              "priority_id": str(tree.priorities[0].id), "target_date": "2027-03-31"},
    )  # fmt: skip
    moved = await staff_client.post(
        f"/staff/plans/{plan.id}/actions/{action.id}/move",
        data={"csrf_token": token, "direction": "down"},
    )
    removed = await staff_client.post(
        f"/staff/plans/{plan.id}/actions/{tree.actions[2].id}/remove", data={"csrf_token": token}
    )

    assert [r.status_code for r in (saved, moved, removed)] == [303, 303, 303]
    after = await load_tree(plan.id)
    assert after.priorities[0].actions[1].text == "Joint patrols"
    assert after.priorities[0].actions[1].all_partners
    assert after.priorities[1].actions == []
