"""Workshops (issue 21): linking workshop sessions to priorities, facilitators and the
window in which their table points are accepted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convenor.auth import issue_link, resolve_link
from convenor.errors import Conflict, Invalid, NotFound
from plans import drafts, workshops
from plans.models import Facilitator, Priority, SessionPriority, TablePoint, VersionKind
from plans.versions import publish_version
from plans.workshops import EARLY, FacilitatorData
from tests.events.factories import outbox
from tests.plans.factories import (
    make_plan,
    plan_actions,
    workshop_facilitator,
    workshop_plan,
)


async def _priorities(plan) -> list[Priority]:
    return list(await Priority.filter(plan=plan).order_by("position"))


async def test_linking_a_workshop_of_a_linked_event_to_priorities(app, organiser):
    setup = await workshop_plan(organiser)
    first, _, third = await _priorities(setup.plan)

    await workshops.set_session_priorities(
        organiser, setup.plan.id, setup.workshop.id, [first.id, third.id]
    )

    linked = await SessionPriority.filter(session_id=setup.workshop.id).values_list(
        "priority_id", flat=True
    )
    assert sorted(linked) == sorted([first.id, third.id])


async def test_linking_again_replaces_the_priorities(app, organiser):
    setup = await workshop_plan(organiser)
    first, second, third = await _priorities(setup.plan)
    await workshops.set_session_priorities(
        organiser, setup.plan.id, setup.workshop.id, [first.id, third.id]
    )

    await workshops.set_session_priorities(organiser, setup.plan.id, setup.workshop.id, [second.id])

    assert await SessionPriority.filter(session_id=setup.workshop.id).values_list(
        "priority_id", flat=True
    ) == [second.id]


async def test_linking_a_session_that_is_not_a_workshop_is_not_found(app, organiser):
    setup = await workshop_plan(organiser)
    first = (await _priorities(setup.plan))[0]

    with pytest.raises(NotFound):
        await workshops.set_session_priorities(
            organiser, setup.plan.id, setup.plenary.id, [first.id]
        )

    assert await SessionPriority.all().count() == 0
    await workshops.set_session_priorities(organiser, setup.plan.id, setup.workshop.id, [first.id])
    assert await SessionPriority.all().values_list("session_id", flat=True) == [setup.workshop.id]


async def test_linking_a_workshop_of_an_unlinked_event_is_not_found(app, organiser):
    setup = await workshop_plan(organiser)
    first = (await _priorities(setup.plan))[0]

    with pytest.raises(NotFound):
        await workshops.set_session_priorities(
            organiser, setup.plan.id, setup.unlinked.id, [first.id]
        )

    assert await SessionPriority.all().count() == 0
    await workshops.set_session_priorities(organiser, setup.plan.id, setup.workshop.id, [first.id])
    assert await SessionPriority.all().values_list("session_id", flat=True) == [setup.workshop.id]


async def test_linking_another_plans_priority_is_refused(app, organiser):
    setup = await workshop_plan(organiser)
    other = (await _priorities(await make_plan()))[0]
    ours = (await _priorities(setup.plan))[0]

    with pytest.raises(Invalid) as refused:
        await workshops.set_session_priorities(
            organiser, setup.plan.id, setup.workshop.id, [ours.id, other.id]
        )

    assert refused.value.fields == {
        f"priorities-{setup.workshop.id}": "Choose priorities of this plan"
    }
    assert await SessionPriority.all().count() == 0
    await workshops.set_session_priorities(organiser, setup.plan.id, setup.workshop.id, [ours.id])
    assert await SessionPriority.all().values_list("priority_id", flat=True) == [ours.id]


async def test_workshops_page_lists_only_workshops_of_linked_events(app, organiser):
    setup = await workshop_plan(organiser)

    page = await workshops.workshops_page(organiser, setup.plan.id)

    assert [w.session.title for w in page.sessions] == [
        "Workshop: the draft plan",
        "Workshop: networks",
    ]


async def test_adding_a_facilitator_emails_a_working_link(app, organiser, settings):
    setup = await workshop_plan(organiser)

    person = await workshops.add_facilitator(
        organiser,
        setup.plan.id,
        setup.workshop.id,
        FacilitatorData(" Femi  Bakare ", "Femi@Example.ORG", "Table 3"),
        settings,
    )

    (sent,) = await outbox("plan-facilitator")
    link = sent.text_body.split("http://testserver/facilitate/")[1].split()[0]
    assert (person.name, person.email, person.table_label) == (
        "Femi Bakare",
        "femi@example.org",
        "Table 3",
    )
    assert sent.to_address == "femi@example.org"
    assert sent.subject == "Facilitating Workshop: the draft plan: your link for the table's points"
    assert await resolve_link(link, "plan-facilitator") == f"facilitator:{person.id}"


async def test_adding_a_facilitator_without_name_or_email_saves_nothing(app, organiser, settings):
    setup = await workshop_plan(organiser)

    with pytest.raises(Invalid) as refused:
        await workshops.add_facilitator(
            organiser,
            setup.plan.id,
            setup.workshop.id,
            FacilitatorData("  ", "not-an-email"),
            settings,
        )

    assert set(refused.value.fields) == {"name", "email"}
    assert await Facilitator.all().count() == 0
    assert await outbox("plan-facilitator") == []
    await workshops.add_facilitator(  # control: with a name and an email it is saved and sent
        organiser,
        setup.plan.id,
        setup.workshop.id,
        FacilitatorData("Femi Bakare", "femi@example.org"),
        settings,
    )
    assert await Facilitator.all().values_list("name", flat=True) == ["Femi Bakare"]
    assert [m.to_address for m in await outbox("plan-facilitator")] == ["femi@example.org"]


async def test_resending_a_link_ends_the_old_one(app, organiser, settings):
    setup = await workshop_plan(organiser)
    person, old = await workshop_facilitator(organiser, setup, settings)
    assert await resolve_link(old, "plan-facilitator") == f"facilitator:{person.id}"

    await workshops.resend_facilitator_link(organiser, setup.plan.id, person.id, settings)

    newest = (await outbox("plan-facilitator"))[-1]
    new = newest.text_body.split("/facilitate/")[1].split()[0]
    assert await resolve_link(old, "plan-facilitator") is None
    assert await resolve_link(new, "plan-facilitator") == f"facilitator:{person.id}"


async def test_removing_a_facilitator_keeps_points_and_ends_the_link(app, organiser, settings):
    setup = await workshop_plan(organiser)
    person, token = await workshop_facilitator(organiser, setup, settings)
    action = (await plan_actions(setup.plan))[0]
    await workshops.record_point(token, f"a{action.id}", "More youth workers at night")
    assert (await workshops.facilitator_page(token)).facilitator.id == person.id  # control

    await workshops.remove_facilitator(organiser, setup.plan.id, person.id)

    with pytest.raises(NotFound):
        await workshops.facilitator_page(token)
    assert await TablePoint.filter(facilitator_id=person.id).count() == 1
    page = await workshops.workshops_page(organiser, setup.plan.id)
    assert page.sessions[0].facilitators == []
    assert [p.text for p in page.sessions[0].points] == ["More youth workers at night"]


# The recording window: from EARLY before the session starts until the consultation closes


async def test_a_point_is_accepted_from_thirty_minutes_before_the_session(app, organiser, settings):
    setup = await workshop_plan(organiser, starts_in=timedelta(hours=2))
    _, token = await workshop_facilitator(organiser, setup, settings)
    action = (await plan_actions(setup.plan))[0]
    opens = setup.workshop.starts_at - EARLY

    with pytest.raises(Conflict):
        await workshops.record_point(
            token, f"a{action.id}", "Too early", at=opens - timedelta(seconds=1)
        )
    point = await workshops.record_point(token, f"a{action.id}", "Just in time", at=opens)

    assert await TablePoint.all().values_list("text", flat=True) == ["Just in time"]
    assert point.created_at == opens


async def test_a_point_is_refused_from_the_close(app, organiser, settings):
    setup = await workshop_plan(organiser)
    _, token = await workshop_facilitator(organiser, setup, settings)
    action = (await plan_actions(setup.plan))[0]
    closes = setup.plan.closes_at

    await workshops.record_point(
        token, f"a{action.id}", "Last second", at=closes - timedelta(seconds=1)
    )
    with pytest.raises(Conflict) as refused:
        await workshops.record_point(token, f"a{action.id}", "At the close", at=closes)

    assert refused.value.message == "The consultation has closed: no more points can be recorded."
    assert await TablePoint.all().values_list("text", flat=True) == ["Last second"]


async def test_a_point_is_refused_once_the_worker_closed_the_consultation(app, organiser, settings):
    setup = await workshop_plan(organiser)
    _, token = await workshop_facilitator(organiser, setup, settings)
    action = (await plan_actions(setup.plan))[0]
    await workshops.record_point(token, f"a{action.id}", "Before")
    setup.plan.closed_at = setup.plan.closes_at - timedelta(hours=1)
    await setup.plan.save()

    with pytest.raises(Conflict):
        await workshops.record_point(token, f"a{action.id}", "After")

    assert await TablePoint.all().values_list("text", flat=True) == ["Before"]


async def test_editing_and_deleting_follow_the_window(app, organiser, settings):
    setup = await workshop_plan(organiser)
    _, token = await workshop_facilitator(organiser, setup, settings)
    action = (await plan_actions(setup.plan))[0]
    point = await workshops.record_point(token, f"a{action.id}", "First")
    closes = setup.plan.closes_at

    await workshops.update_point(
        token, point.id, f"a{action.id}", "Changed", at=closes - timedelta(seconds=1)
    )
    with pytest.raises(Conflict):
        await workshops.update_point(token, point.id, f"a{action.id}", "Late", at=closes)
    with pytest.raises(Conflict):
        await workshops.delete_point(token, point.id, at=closes)

    assert await TablePoint.all().values_list("text", flat=True) == ["Changed"]
    await workshops.delete_point(token, point.id, at=closes - timedelta(seconds=1))  # control
    assert await TablePoint.all().count() == 0


# Own session, own plan, own points


async def test_a_point_may_be_about_the_sessions_priorities_only(app, organiser, settings):
    setup = await workshop_plan(organiser)
    first, second, _ = await _priorities(setup.plan)
    await workshops.set_session_priorities(organiser, setup.plan.id, setup.workshop.id, [first.id])
    _, token = await workshop_facilitator(organiser, setup, settings)
    actions = await plan_actions(setup.plan)
    under_second = next(a for a in actions if a.priority_id == second.id)
    under_first = next(a for a in actions if a.priority_id == first.id)

    with pytest.raises(Invalid) as refused:
        await workshops.record_point(token, f"a{under_second.id}", "Off topic")
    await workshops.record_point(token, f"a{under_first.id}", "On topic")
    await workshops.record_point(token, f"p{first.id}", "The priority as a whole")

    assert refused.value.fields == {"against": "Choose the action (or priority) the point is about"}
    rows = await TablePoint.all().order_by("id").values_list("text", "action_id", "priority_id")
    assert rows == [
        ("On topic", under_first.id, first.id),
        ("The priority as a whole", None, first.id),
    ]


async def test_an_action_of_another_plan_is_refused(app, organiser, settings):
    setup = await workshop_plan(organiser)
    _, token = await workshop_facilitator(organiser, setup, settings)
    elsewhere = (await plan_actions(await make_plan()))[0]

    with pytest.raises(Invalid):
        await workshops.record_point(token, f"a{elsewhere.id}", "Another plan")

    assert await TablePoint.all().count() == 0
    ours = (await plan_actions(setup.plan))[0]  # control: this plan's action is taken
    await workshops.record_point(token, f"a{ours.id}", "This plan")
    assert await TablePoint.all().values_list("text", "action_id") == [("This plan", ours.id)]


async def test_an_empty_point_is_refused(app, organiser, settings):
    setup = await workshop_plan(organiser)
    _, token = await workshop_facilitator(organiser, setup, settings)
    action = (await plan_actions(setup.plan))[0]

    with pytest.raises(Invalid) as refused:
        await workshops.record_point(token, f"a{action.id}", " \n ")

    assert refused.value.fields == {"text": "Write the table's point"}
    assert await TablePoint.all().count() == 0
    await workshops.record_point(token, f"a{action.id}", " Youth workers ")  # control
    assert await TablePoint.all().values_list("text", flat=True) == ["Youth workers"]


async def test_a_facilitator_cannot_change_another_facilitators_point(app, organiser, settings):
    setup = await workshop_plan(organiser)
    _, mine = await workshop_facilitator(organiser, setup, settings, name="Femi Bakare")
    _, theirs = await workshop_facilitator(organiser, setup, settings, name="Grace Okafor")
    action = (await plan_actions(setup.plan))[0]
    point = await workshops.record_point(theirs, f"a{action.id}", "Theirs")

    with pytest.raises(NotFound):
        await workshops.update_point(mine, point.id, f"a{action.id}", "Hijacked")
    with pytest.raises(NotFound):
        await workshops.delete_point(mine, point.id)
    await workshops.update_point(theirs, point.id, f"a{action.id}", "Theirs, changed")

    assert await TablePoint.all().values_list("text", flat=True) == ["Theirs, changed"]


async def test_a_facilitator_sees_only_their_own_points(app, organiser, settings):
    setup = await workshop_plan(organiser)
    _, mine = await workshop_facilitator(organiser, setup, settings, name="Femi Bakare")
    _, theirs = await workshop_facilitator(organiser, setup, settings, name="Grace Okafor")
    action = (await plan_actions(setup.plan))[0]
    await workshops.record_point(mine, f"a{action.id}", "Mine")
    await workshops.record_point(theirs, f"a{action.id}", "Theirs")

    page = await workshops.facilitator_page(mine)

    assert [p.text for p in page.points] == ["Mine"]
    assert [p.text for p in (await workshops.facilitator_page(theirs)).points] == ["Theirs"]


async def test_a_facilitator_of_an_unlinked_event_is_not_found(app, organiser, settings):
    setup = await workshop_plan(organiser)
    _, token = await workshop_facilitator(organiser, setup, settings)
    action = (await plan_actions(setup.plan))[0]
    await workshops.record_point(token, f"a{action.id}", "Linked")
    await setup.plan.event_links.all().delete()

    with pytest.raises(NotFound):
        await workshops.record_point(token, f"a{action.id}", "Unlinked")

    assert await TablePoint.all().count() == 1


async def test_an_odd_or_other_purpose_token_is_not_found(app, organiser, settings):
    setup = await workshop_plan(organiser)
    person, token = await workshop_facilitator(organiser, setup, settings)
    speaker_purpose = await issue_link("speaker", f"facilitator:{person.id}")

    for bad in ("", "x" * 300, token[:-2], speaker_purpose):
        with pytest.raises(NotFound):
            await workshops.facilitator_page(bad)
    assert (await workshops.facilitator_page(token)).facilitator.id == person.id


async def test_a_point_about_a_removed_action_says_so(app, organiser, settings):
    setup = await workshop_plan(organiser)
    await publish_version(organiser, setup.plan.id, VersionKind.CONSULTATION)
    _, token = await workshop_facilitator(organiser, setup, settings)
    first, second = (await plan_actions(setup.plan))[:2]
    await workshops.record_point(token, f"a{first.id}", "About the first")
    await workshops.record_point(token, f"a{second.id}", "About the second")

    await drafts.remove_action(organiser, setup.plan.id, first.id)

    page = await workshops.workshops_page(organiser, setup.plan.id)
    assert [(p.label, p.text) for p in page.sessions[0].points] == [
        ("Removed from the plan", "About the first"),
        (
            "Action 1.1: Support victims of domestic abuse through one referral route",
            "About the second",
        ),
    ]
