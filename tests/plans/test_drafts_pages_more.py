"""More of the organiser's draft pages: evidence, linked events, publishing and versions."""

from __future__ import annotations

from events.service import create_event
from plans.models import Action, Evidence, PlanEvent, PlanVersion, VersionKind
from plans.tree import load_tree
from plans.versions import publish_version
from tests.conftest import form_token, make_staff
from tests.events.factories import event_data
from tests.plans.factories import make_plan


async def test_evidence_add_refused_keeps_input_then_edit(staff_client):
    plan = await make_plan(priorities=1, actions=(1,))
    priority = (await load_tree(plan.id)).priorities[0]
    url = f"/staff/plans/{plan.id}/priorities/{priority.id}"
    token = form_token(await staff_client.get(url))

    refused = await staff_client.post(
        f"{url}/evidence",
        data={"csrf_token": token, "evidence_value": "", "evidence_label": "Violent crime"},
    )
    added = await staff_client.post(
        f"{url}/evidence",
        data={"csrf_token": token, "evidence_value": "11,079", "evidence_label": "Violent crime",
              "evidence_period": "2018/19", "evidence_source": "Strategic Assessment"},
    )  # fmt: skip

    assert refused.status_code == 400
    assert "Enter the figure (such as 11,079)" in refused.text
    assert 'value="Violent crime"' in refused.text
    assert added.status_code == 303
    item = await Evidence.get(priority_id=priority.id)
    edit = await staff_client.get(f"{url}/evidence/{item.id}")
    assert edit.status_code == 200
    saved = await staff_client.post(
        f"{url}/evidence/{item.id}",
        data={"csrf_token": token, "value": "11,080", "label": "Violent crime"},
    )
    assert saved.status_code == 303
    assert (await Evidence.get(id=item.id)).value == "11,080"
    other = await make_plan(priorities=1, actions=(1,))
    assert (
        await staff_client.get(f"/staff/plans/{other.id}/priorities/{priority.id}")
    ).status_code == 404


async def test_link_and_unlink_an_event(staff_client, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    event = await create_event(organiser, event_data())
    url = f"/staff/plans/{plan.id}"
    page = await staff_client.get(url)
    token = form_token(page)
    assert event.title in page.text

    bad = await staff_client.post(f"{url}/events", data={"csrf_token": token, "event_id": "x"})
    huge = await staff_client.post(
        f"{url}/events", data={"csrf_token": token, "event_id": "99999999999"}
    )
    assert huge.status_code == 400
    linked = await staff_client.post(
        f"{url}/events", data={"csrf_token": token, "event_id": str(event.id)}
    )
    assert bad.status_code == 400
    assert "Choose an event from the list" in bad.text
    assert linked.status_code == 303
    assert await PlanEvent.filter(plan=plan, event=event).count() == 1

    unlinked = await staff_client.post(
        f"{url}/events/{event.id}/unlink", data={"csrf_token": token}
    )
    assert unlinked.status_code == 303
    assert await PlanEvent.filter(plan=plan).count() == 0
    again = await staff_client.post(f"{url}/events/{event.id}/unlink", data={"csrf_token": token})
    assert again.status_code == 404


async def test_another_organisers_event_cannot_be_linked(staff_client, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    someone = await make_staff("organiser")
    theirs = await create_event(someone, event_data())
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}"))

    response = await staff_client.post(
        f"/staff/plans/{plan.id}/events", data={"csrf_token": token, "event_id": str(theirs.id)}
    )

    assert response.status_code == 404
    assert await PlanEvent.filter(plan=plan).count() == 0
    own = await create_event(organiser, event_data())  # control: their own event is linked
    linked = await staff_client.post(
        f"/staff/plans/{plan.id}/events", data={"csrf_token": token, "event_id": str(own.id)}
    )
    assert linked.status_code == 303
    assert await PlanEvent.filter(plan=plan).values_list("event_id", flat=True) == [own.id]


async def test_compare_asks_for_versions_that_exist(staff_client, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)
    await Action.filter(plan=plan).update(text="Patrol hot spots")
    await publish_version(organiser, plan.id, VersionKind.ADOPTED)
    url = f"/staff/plans/{plan.id}/versions"

    latest_two = await staff_client.get(url)
    missing = await staff_client.get(f"{url}?from=1&to=9")
    words = await staff_client.get(f"{url}?from=one&to=two")

    assert "From version 1 to version 2" in latest_two.text
    assert "1 reworded" in latest_two.text
    assert "Choose two versions that exist to compare." in missing.text
    assert "Choose two versions to compare." in words.text
    assert missing.status_code == words.status_code == 200


async def test_publish_versions_page_and_refusals(staff_client):
    plan = await make_plan(priorities=1, actions=(1,))
    url = f"/staff/plans/{plan.id}/versions"
    token = form_token(await staff_client.get(url))

    bad_note = await staff_client.post(url, data={"csrf_token": token, "note": "x\x00y"})
    first = await staff_client.post(url, data={"csrf_token": token, "note": "For consultation"})
    unchanged = await staff_client.post(url, data={"csrf_token": token, "note": "Again"})

    assert bad_note.status_code == 400
    assert "Remove the control characters" in bad_note.text
    assert first.status_code == 303
    assert unchanged.status_code == 400
    assert "Nothing has changed since version 1." in unchanged.text
    assert "Again</textarea>" in unchanged.text
    assert await PlanVersion.filter(plan=plan).count() == 1
    shown = await staff_client.get(f"{url}/1")
    assert shown.status_code == 200
    assert "For consultation" in shown.text
    assert "Target knife crime hot spots with joint patrols" in shown.text


async def test_removing_a_priority_with_actions_asks_first(staff_client):
    plan = await make_plan(priorities=2, actions=(2, 0))
    tree = await load_tree(plan.id)
    full, empty = tree.priorities
    token = form_token(await staff_client.get(f"/staff/plans/{plan.id}"))
    url = f"/staff/plans/{plan.id}/priorities"

    asked = await staff_client.post(f"{url}/{full.id}/remove", data={"csrf_token": token})
    assert asked.status_code == 200
    assert "Its 2 key actions will be removed with it" in asked.text
    assert len((await load_tree(plan.id)).priorities) == 2

    confirmed = await staff_client.post(
        f"{url}/{full.id}/remove", data={"csrf_token": token, "confirm": "yes"}
    )
    at_once = await staff_client.post(f"{url}/{empty.id}/remove", data={"csrf_token": token})

    assert (confirmed.status_code, at_once.status_code) == (303, 303)
    assert (await load_tree(plan.id)).priorities == []
