"""The organiser's workshops page (issue 21): linking sessions, adding and removing
facilitators, seeing every table's points."""

from __future__ import annotations

import email
import email.policy

from convenor.models import Role
from plans import workshops
from plans.models import Facilitator, Priority, SessionPriority
from plans.workshops import FacilitatorData
from tests.conftest import csrf_token, make_staff, sign_in
from tests.events.factories import outbox
from tests.plans.factories import plan_actions, workshop_facilitator, workshop_plan


def _path(setup, rest: str = "") -> str:
    return f"/staff/plans/{setup.plan.id}/workshops{rest}"


async def test_workshops_page_lists_the_linked_events_workshops(staff_client, organiser):
    setup = await workshop_plan(organiser)

    response = await staff_client.get(_path(setup))

    assert response.status_code == 200
    assert "Workshop: the draft plan" in response.text
    assert "Workshop: networks" in response.text
    assert "Workshop elsewhere" not in response.text
    assert "Welcome" not in response.text


async def test_workshops_page_needs_an_organiser(client, organiser):
    setup = await workshop_plan(organiser)
    anonymous = await client.get(_path(setup))
    await sign_in(client, await make_staff(Role.MODERATOR))

    moderator = await client.get(_path(setup))

    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")
    assert moderator.status_code == 404
    await sign_in(client, organiser)  # control
    assert (await client.get(_path(setup))).status_code == 200


async def test_workshops_page_of_an_unknown_plan_is_not_found(staff_client, organiser):
    setup = await workshop_plan(organiser)

    assert (
        await staff_client.get(f"/staff/plans/{setup.plan.id + 99}/workshops")
    ).status_code == 404
    assert (await staff_client.get(_path(setup))).status_code == 200


async def test_linking_priorities_from_the_page(staff_client, organiser):
    setup = await workshop_plan(organiser)
    first, _, third = await Priority.filter(plan=setup.plan).order_by("position")
    token = await csrf_token(staff_client, _path(setup))

    response = await staff_client.post(
        _path(setup, f"/sessions/{setup.workshop.id}/priorities"),
        data={"csrf_token": token, "priority": [str(first.id), str(third.id)]},
    )

    assert response.status_code == 303
    linked = await SessionPriority.filter(session_id=setup.workshop.id).values_list(
        "priority_id", flat=True
    )
    assert sorted(linked) == sorted([first.id, third.id])


async def test_linking_without_the_csrf_token_changes_nothing(staff_client, organiser):
    setup = await workshop_plan(organiser)
    first = await Priority.filter(plan=setup.plan).first()

    response = await staff_client.post(
        _path(setup, f"/sessions/{setup.workshop.id}/priorities"), data={"priority": str(first.id)}
    )

    assert response.status_code == 403
    assert await SessionPriority.all().count() == 0
    token = await csrf_token(staff_client, _path(setup))  # control: with the token it is saved
    linked = await staff_client.post(
        _path(setup, f"/sessions/{setup.workshop.id}/priorities"),
        data={"priority": str(first.id), "csrf_token": token},
    )
    assert linked.status_code == 303
    assert await SessionPriority.all().values_list("priority_id", flat=True) == [first.id]


async def test_linking_a_workshop_of_an_unlinked_event_is_not_found(staff_client, organiser):
    setup = await workshop_plan(organiser)
    first = await Priority.filter(plan=setup.plan).first()
    token = await csrf_token(staff_client, _path(setup))

    response = await staff_client.post(
        _path(setup, f"/sessions/{setup.unlinked.id}/priorities"),
        data={"csrf_token": token, "priority": str(first.id)},
    )

    assert response.status_code == 404
    assert await SessionPriority.all().count() == 0
    linked = await staff_client.post(  # control: the linked event's workshop
        _path(setup, f"/sessions/{setup.workshop.id}/priorities"),
        data={"csrf_token": token, "priority": str(first.id)},
    )
    assert linked.status_code == 303
    assert await SessionPriority.all().values_list("session_id", flat=True) == [setup.workshop.id]


async def test_adding_a_facilitator_from_the_page_emails_them(staff_client, organiser):
    setup = await workshop_plan(organiser)
    token = await csrf_token(staff_client, _path(setup))

    response = await staff_client.post(
        _path(setup, f"/sessions/{setup.workshop.id}/facilitators"),
        data={
            "csrf_token": token,
            "name": "Femi Bakare",
            "email": "femi@example.org",
            "table_label": "Table 3",
        },
    )
    page = await staff_client.get(response.headers["location"])

    assert response.status_code == 303
    assert [m.to_address for m in await outbox("plan-facilitator")] == ["femi@example.org"]
    assert "Femi Bakare" in page.text
    assert "The facilitator has been added and emailed their link." in page.text


async def test_adding_a_facilitator_with_bad_input_keeps_what_was_typed(staff_client, organiser):
    setup = await workshop_plan(organiser)
    token = await csrf_token(staff_client, _path(setup))

    response = await staff_client.post(
        _path(setup, f"/sessions/{setup.workshop.id}/facilitators"),
        data={
            "csrf_token": token,
            "name": "Femi <b>Bakare</b>",
            "email": "femi@",
            "table_label": "T3",
        },
    )

    assert response.status_code == 400
    assert "Enter an email address like name@example.org" in response.text
    assert (
        f'id="email-{setup.workshop.id}" name="email" type="email" autocomplete="off" value="femi@"'
        in response.text
    )
    assert 'value="Femi &lt;b&gt;Bakare&lt;/b&gt;"' in response.text
    assert await Facilitator.all().count() == 0
    assert await outbox("plan-facilitator") == []
    added = await staff_client.post(  # control: a real address is added and emailed
        _path(setup, f"/sessions/{setup.workshop.id}/facilitators"),
        data={"csrf_token": token, "name": "Femi", "email": "femi@example.org"},
    )
    assert added.status_code == 303
    assert [m.to_address for m in await outbox("plan-facilitator")] == ["femi@example.org"]


async def test_removing_a_facilitator_from_the_page_ends_their_link(
    staff_client, client, organiser, settings
):
    setup = await workshop_plan(organiser)
    person, link = await workshop_facilitator(organiser, setup, settings, name="Femi")
    before = await staff_client.get(f"/facilitate/{link}")
    token = await csrf_token(staff_client, _path(setup))

    response = await staff_client.post(
        _path(setup, f"/facilitators/{person.id}/remove"), data={"csrf_token": token}
    )

    assert before.status_code == 200
    assert response.status_code == 303
    assert (await staff_client.get(f"/facilitate/{link}")).status_code == 404


async def test_the_page_shows_every_tables_points(staff_client, organiser, settings):
    setup = await workshop_plan(organiser)
    action = (await plan_actions(setup.plan))[0]
    for name, text in (("Femi", "Lighting on the underpass"), ("Grace", "Youth club <script>")):
        _, link = await workshop_facilitator(
            organiser, setup, settings, name=name, table=f"Table {name}"
        )
        await workshops.record_point(link, f"a{action.id}", text)

    response = await staff_client.get(_path(setup))

    assert "Table points (2)" in response.text
    assert "Lighting on the underpass" in response.text
    assert "Youth club &lt;script&gt;" in response.text
    assert "Action 1.1: Target knife crime hot spots with joint patrols" in response.text


async def test_a_plan_without_linked_events_says_how_to_link_one(staff_client, organiser):
    setup = await workshop_plan(organiser)
    assert "Workshop: the draft plan" in (await staff_client.get(_path(setup))).text  # control
    await setup.plan.event_links.all().delete()

    response = await staff_client.get(_path(setup))

    assert response.status_code == 200
    assert "No event is linked to this plan yet." in response.text
    assert "Workshop: the draft plan" not in response.text


async def test_a_hostile_facilitator_name_stays_text_in_the_email(organiser, settings):
    setup = await workshop_plan(organiser)

    await workshops.add_facilitator(
        organiser,
        setup.plan.id,
        setup.workshop.id,
        FacilitatorData("<b>Femi</b>\r\nBcc: x@evil.example", "femi@example.org", "<i>T3</i>"),
        settings,
    )

    (sent,) = await outbox("plan-facilitator")
    assert "<b>Femi</b>" not in sent.html_body
    assert "&lt;b&gt;Femi&lt;/b&gt;" in sent.html_body
    assert "&lt;i&gt;T3&lt;/i&gt;" in sent.html_body
    message = email.message_from_string(sent.raw_message, policy=email.policy.default)
    assert message["Bcc"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["femi@example.org"]
