"""The plans demo (issues 21 and 22): the draft consulted on at the demo summit, with
responses in every state, and the earlier plan, adopted, with its register."""

from __future__ import annotations

from collections import Counter

from convenor.demo import DEV_PASSWORD
from convenor.demo import load_demo as load_all_demo
from convenor.mail.models import OutboxMessage
from convenor.models import User
from events.models import Event
from plans.demo import load_demo
from plans.models import (
    ActionUpdate,
    Answer,
    CommentTheme,
    Evidence,
    Facilitator,
    LeadContact,
    MeasureReading,
    Plan,
    PlanEvent,
    PlanVersion,
    Reply,
    Respondent,
    Review,
    SessionPriority,
    TablePoint,
    ThemeTag,
)
from plans.tree import load_tree
from plans.versions import compare
from programmes.models import Session
from tests.conftest import sign_in

LEADS = [
    "Hampshire & Isle of Wight Constabulary",
    "All partners",
    "Youth Offending Service",
    "Probation Service, Southampton",
    "Youth Offending Service",
    "Hampshire & Isle of Wight Constabulary",
    "Southampton City Council",
    "Southampton City Council",
]


async def _plans() -> tuple[Plan, Plan]:
    adopted = await Plan.get(period="2019-2022")
    draft = await Plan.get(period="2022-2027")
    return draft, adopted


async def test_demo_draft_is_consulted_at_the_summit_with_responses_in_every_state(
    app, client, settings
):
    await load_all_demo(settings)
    draft, _ = await _plans()
    tree = await load_tree(draft)
    summit = await Event.get(title="Serious Violence Delivery Plan Conference")
    workshops = await Session.filter(event_id=summit.id, kind="workshop").order_by(
        "starts_at", "id"
    )

    assert (draft.partnership, draft.title, draft.status) == (
        "Southampton Safe City Partnership",
        "Serious Violence delivery plan",
        "consultation",
    )
    assert [p.title for p in tree.priorities] == [
        "Keeping people safe from harm",
        "Preventing and reducing offending",
        "Creating safe, stronger communities",
    ]
    assert [len(p.actions) for p in tree.priorities] == [3, 3, 2]
    assert [a.lead_names for a in tree.actions] == LEADS
    assert tree.actions[3].measure == "Reduced reoffending rates for young people"
    assert await Evidence.filter(priority__plan_id=draft.id).count() == 4
    assert await PlanVersion.filter(plan_id=draft.id).values_list("number", "kind") == [
        (1, "consultation")
    ]
    assert await PlanEvent.filter(plan_id=draft.id).values_list("event_id", flat=True) == [
        summit.id
    ]
    linked = Counter(
        await SessionPriority.filter(priority__plan_id=draft.id).values_list(
            "session_id", flat=True
        )
    )
    assert linked == {workshops[0].id: 3, workshops[1].id: 1}
    assert await Facilitator.filter(plan_id=draft.id).count() == 3
    assert await TablePoint.filter(plan_id=draft.id).count() == 4
    assert await OutboxMessage.filter(category="plan-facilitator").count() == 3

    respondents = await Respondent.filter(plan_id=draft.id)
    answers = await Answer.filter(plan_id=draft.id)

    assert Counter(r.kind for r in respondents) == {"delegate": 3, "partner": 1, "public": 4}
    assert Counter(r.submitted_at is not None for r in respondents) == {True: 7, False: 1}
    assert all(r.registration_id for r in respondents if r.kind == "delegate")
    assert len(answers) == 14
    assert Counter(a.moderation for a in answers) == {
        "not_needed": 10,
        "waiting": 1,
        "approved": 2,
        "hidden": 1,
    }
    (redacted,) = [a for a in answers if a.redacted_comment]
    assert redacted.redacted_comment == (
        "[Personal details removed]: shop-front lighting would help on Portswood Road."
    )
    assert "023 8000 0000" in redacted.comment  # the original is kept for the record
    assert await CommentTheme.filter(plan_id=draft.id).count() == 2
    assert await ThemeTag.filter(theme__plan_id=draft.id, answer_id__isnull=False).count() == 4
    assert await ThemeTag.filter(theme__plan_id=draft.id, point_id__isnull=False).count() == 3
    assert await Reply.filter(plan_id=draft.id).count() == 2
    await sign_in(client, await User.get(email="organiser@example.org"), DEV_PASSWORD)
    page = await client.get(f"/staff/plans/{draft.id}/workshops")
    assert page.status_code == 200
    assert ("Table points (3)" in page.text, "Table points (1)" in page.text) == (True, True)


async def test_demo_adopted_plan_has_a_register_in_every_state_and_loads_once(app, settings):
    await load_all_demo(settings)
    _, adopted = await _plans()
    tree = await load_tree(adopted)
    versions = await PlanVersion.filter(plan_id=adopted.id).order_by("number")
    changes = compare(versions[0].snapshot, versions[1].snapshot)

    assert adopted.status == "adopted"
    assert adopted.update_every_days == 90
    assert [v.kind for v in versions] == ["consultation", "adopted"]
    assert [(a.status, a.progress) for a in tree.actions] == [
        ("done", 100),
        ("on_track", 60),
        ("at_risk", 40),
        ("off_track", 20),
        ("not_started", None),
        ("dropped", None),
    ]
    assert tree.actions[5].status_reason.startswith("Replaced by the council's own")
    assert [a.number for a in changes.actions if a.kind != "same"] == ["1.2"]
    assert [a.number for a in changes.reworded] == ["1.2"]
    assert await ActionUpdate.filter(action__plan_id=adopted.id).count() == 10
    readings = await MeasureReading.filter(action__plan_id=adopted.id).order_by("taken_on", "id")
    assert len(readings) == 6
    survey = next(r for r in readings if r.source == "City Survey 2021")
    assert (survey.value, survey.unit, str(survey.taken_on)) == (72, "%", "2021-03-31")
    contacts = await LeadContact.filter(plan_id=adopted.id).order_by("id")
    assert [(c.name, c.invited_at is not None) for c in contacts] == [
        ("Priya Shah", True),
        ("Sarah Patel", False),
    ]
    assert await Review.filter(plan_id=adopted.id).order_by("as_of").values_list(
        "title", flat=True
    ) == ["Annual review 2020", "Annual review 2021"]

    counts = [await model.all().count() for model in (Plan, Respondent, TablePoint, ActionUpdate)]
    await load_demo(settings)  # again: nothing more

    assert counts == [2, 8, 4, 10]
    assert [
        await model.all().count() for model in (Plan, Respondent, TablePoint, ActionUpdate)
    ] == counts
