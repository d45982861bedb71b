"""A facilitator's phone page /facilitate/<token> (issue 21): recording, changing and
deleting their own table's points, and nobody else's."""

from __future__ import annotations

from datetime import timedelta

from plans import workshops
from plans.models import TablePoint
from tests.conftest import csrf_token
from tests.plans.factories import plan_actions, workshop_facilitator, workshop_plan


async def _post(client, link: str, path: str, data: dict):
    token = await csrf_token(client, f"/facilitate/{link}")
    return await client.post(f"/facilitate/{link}{path}", data={**data, "csrf_token": token})


async def test_the_page_shows_the_session_and_its_actions(client, organiser, settings):
    setup = await workshop_plan(organiser)
    _, link = await workshop_facilitator(organiser, setup, settings, table="Table 3")

    response = await client.get(f"/facilitate/{link}")

    assert response.status_code == 200
    assert "<h1>Workshop: the draft plan</h1>" in response.text
    assert "Target knife crime hot spots with joint patrols" in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_recording_a_point(client, organiser, settings):
    setup = await workshop_plan(organiser)
    _, link = await workshop_facilitator(organiser, setup, settings, table="Table 3")
    action = (await plan_actions(setup.plan))[1]

    response = await _post(
        client, link, "/points", {"against": f"a{action.id}", "text": "One route, not three"}
    )
    page = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert await TablePoint.all().values_list("text", "action_id") == [
        ("One route, not three", action.id)
    ]
    assert "Point recorded." in page.text
    assert "Your table's points (1)" in page.text
    assert f'<option value="a{action.id}" selected>' in page.text


async def test_a_point_without_a_target_keeps_the_text(client, organiser, settings):
    setup = await workshop_plan(organiser)
    _, link = await workshop_facilitator(organiser, setup, settings, table="Table 3")

    response = await _post(client, link, "/points", {"against": "", "text": "Keep <this> text"})

    assert response.status_code == 400
    assert "Choose the action (or priority) the point is about" in response.text
    assert "Keep &lt;this&gt; text</textarea>" in response.text
    assert await TablePoint.all().count() == 0
    action = (await plan_actions(setup.plan))[0]  # control: with a target it is recorded
    done = await _post(client, link, "/points", {"against": f"a{action.id}", "text": "Keep"})
    assert done.status_code == 303
    assert await TablePoint.all().values_list("text", flat=True) == ["Keep"]


async def test_a_point_after_the_close_is_refused_and_keeps_the_text(client, organiser, settings):
    setup = await workshop_plan(organiser)
    _, link = await workshop_facilitator(organiser, setup, settings, table="Table 3")
    action = (await plan_actions(setup.plan))[0]
    token = await csrf_token(client, f"/facilitate/{link}")
    setup.plan.closes_at = setup.plan.opens_at + timedelta(minutes=1)  # closed already
    await setup.plan.save()

    response = await client.post(
        f"/facilitate/{link}/points",
        data={"csrf_token": token, "against": f"a{action.id}", "text": "Too late"},
    )

    assert response.status_code == 409
    assert "The consultation has closed: no more points can be recorded." in response.text
    assert "Too late</textarea>" in response.text
    assert await TablePoint.all().count() == 0
    setup.plan.closes_at = setup.plan.opens_at + timedelta(days=2)  # control: open again
    await setup.plan.save()
    done = await client.post(
        f"/facilitate/{link}/points",
        data={"csrf_token": token, "against": f"a{action.id}", "text": "Too late"},
    )
    assert done.status_code == 303
    assert await TablePoint.all().values_list("text", flat=True) == ["Too late"]


async def test_recording_without_the_csrf_token_changes_nothing(client, organiser, settings):
    setup = await workshop_plan(organiser)
    _, link = await workshop_facilitator(organiser, setup, settings, table="Table 3")
    action = (await plan_actions(setup.plan))[0]
    await client.get(f"/facilitate/{link}")

    response = await client.post(
        f"/facilitate/{link}/points", data={"against": f"a{action.id}", "text": "No token"}
    )

    assert response.status_code == 403
    assert await TablePoint.all().count() == 0
    done = await _post(client, link, "/points", {"against": f"a{action.id}", "text": "Token"})
    assert done.status_code == 303  # control: the same with the token is recorded
    assert await TablePoint.all().values_list("text", flat=True) == ["Token"]


async def test_changing_and_deleting_ones_own_point(client, organiser, settings):
    setup = await workshop_plan(organiser)
    _, link = await workshop_facilitator(organiser, setup, settings, table="Table 3")
    first, second = (await plan_actions(setup.plan))[:2]
    point = await workshops.record_point(link, f"a{first.id}", "First go")

    edit = await client.get(f"/facilitate/{link}/points/{point.id}")
    changed = await _post(
        client, link, f"/points/{point.id}", {"against": f"a{second.id}", "text": "Second go"}
    )
    row = await TablePoint.get(id=point.id)
    deleted = await _post(client, link, f"/points/{point.id}/delete", {})

    assert edit.status_code == 200
    assert "First go</textarea>" in edit.text
    assert changed.status_code == 303
    assert (row.text, row.action_id) == ("Second go", second.id)
    assert deleted.status_code == 303
    assert await TablePoint.all().count() == 0


async def test_another_facilitators_point_is_not_found(client, organiser, settings):
    setup = await workshop_plan(organiser)
    _, mine = await workshop_facilitator(
        organiser, setup, settings, name="Femi Bakare", table="Table 3"
    )
    _, theirs = await workshop_facilitator(
        organiser, setup, settings, name="Grace Okafor", table="Table 3"
    )
    action = (await plan_actions(setup.plan))[0]
    point = await workshops.record_point(theirs, f"a{action.id}", "Theirs")

    shown = await client.get(f"/facilitate/{mine}/points/{point.id}")
    changed = await _post(
        client, mine, f"/points/{point.id}", {"against": f"a{action.id}", "text": "Hijack"}
    )
    deleted = await _post(client, mine, f"/points/{point.id}/delete", {})
    own = await client.get(f"/facilitate/{theirs}/points/{point.id}")

    assert (shown.status_code, changed.status_code, deleted.status_code) == (404, 404, 404)
    assert own.status_code == 200
    assert await TablePoint.all().values_list("text", flat=True) == ["Theirs"]


async def test_another_plans_facilitator_cannot_reach_this_plans_points(
    client, organiser, settings
):
    here = await workshop_plan(organiser)
    there = await workshop_plan(organiser)
    _, ours = await workshop_facilitator(
        organiser, here, settings, name="Femi Bakare", table="Table 3"
    )
    _, other = await workshop_facilitator(
        organiser, there, settings, name="Grace Okafor", table="Table 3"
    )
    action = (await plan_actions(here.plan))[0]
    point = await workshops.record_point(ours, f"a{action.id}", "Ours")

    shown = await client.get(f"/facilitate/{other}/points/{point.id}")
    recorded = await _post(
        client, other, "/points", {"against": f"a{action.id}", "text": "Cross-plan"}
    )

    assert shown.status_code == 404
    assert recorded.status_code == 400  # the other plan's action is not one of theirs
    assert await TablePoint.all().values_list("text", flat=True) == ["Ours"]
    # Control: this plan's facilitator sees the point and records the same.
    assert (await client.get(f"/facilitate/{ours}/points/{point.id}")).status_code == 200
    done = await _post(client, ours, "/points", {"against": f"a{action.id}", "text": "Cross-plan"})
    assert done.status_code == 303
    assert await TablePoint.all().order_by("id").values_list("text", flat=True) == [
        "Ours",
        "Cross-plan",
    ]


async def test_a_removed_facilitators_link_is_not_found(client, organiser, settings):
    setup = await workshop_plan(organiser)
    person, link = await workshop_facilitator(organiser, setup, settings, table="Table 3")
    action = (await plan_actions(setup.plan))[0]
    point = await workshops.record_point(link, f"a{action.id}", "Before removal")
    assert (await client.get(f"/facilitate/{link}")).status_code == 200  # control
    token = await csrf_token(client, f"/facilitate/{link}")

    await workshops.remove_facilitator(organiser, setup.plan.id, person.id)

    assert (await client.get(f"/facilitate/{link}")).status_code == 404
    response = await client.post(
        f"/facilitate/{link}/points/{point.id}/delete", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert await TablePoint.all().count() == 1


async def test_an_unknown_link_is_not_found(client, organiser, settings):
    assert (await client.get("/facilitate/not-a-real-token")).status_code == 404
    setup = await workshop_plan(organiser)
    _, link = await workshop_facilitator(organiser, setup, settings)
    assert (await client.get(f"/facilitate/{link}")).status_code == 200  # control
