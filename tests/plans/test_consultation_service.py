"""The consultation's rules (plans.consultation, plans.respondents): who may respond,
open and close, drafts, changes and sending, capacity, organisations, quoting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from convenor.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from convenor.jobs import domain_jobs
from convenor.mail.models import OutboxMessage
from directory.models import Entry, Provenance, Status
from events.registration import cancel_registration
from plans import consultation, respondents
from plans.jobs import close_consultations
from plans.models import (
    Answer,
    Capacity,
    Moderation,
    Plan,
    PlanStatus,
    PlanVersion,
    Respondent,
    RespondentKind,
    VersionKind,
)
from plans.respondents import AnswerData, ResponseData
from plans.tree import load_tree
from tests.events.factories import invite, link_for
from tests.plans.factories import link_event, make_plan, open_plan, respondent_link, summit
from tests.programmes.factories import registered

pytestmark = pytest.mark.usefixtures("app")


async def targets(plan: Plan) -> tuple[list[str], list[str]]:
    tree = await load_tree(plan)
    return [f"priority:{p.ref}" for p in tree.priorities], [f"action:{a.ref}" for a in tree.actions]


async def answers_for(plan: Plan, support: int = 4, comment: str = "Good idea") -> ResponseData:
    priorities, actions = await targets(plan)
    said = {t: AnswerData(support, comment, "") for t in actions}
    said[priorities[0]] = AnswerData(None, "About the priority", "Youth workers")
    return ResponseData(capacity=Capacity.RESIDENT, answers=said)


@pytest.fixture
async def delegate_setup(organiser, settings):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    event = await summit(organiser)
    await link_event(plan, event)
    invitation, token = await registered(organiser, event, 1, settings)
    return plan, event, invitation, token


# -- Who may respond --------------------------------------------------------------------


async def test_delegate_of_a_linked_event_responds(delegate_setup):
    plan, event, _, token = delegate_setup
    saved = await respondents.save_as_delegate(
        token, plan.uuid, await answers_for(plan), submit=True
    )
    assert saved.kind == RespondentKind.DELEGATE
    assert saved.event_id == event.id
    assert saved.name == "Delegate 1"
    assert saved.submitted_at is not None
    assert await Answer.filter(respondent_id=saved.id).count() == 9  # 8 actions, 1 priority


async def test_delegate_of_another_event_is_not_found(delegate_setup, organiser, settings):
    plan, _, _, own = delegate_setup
    other = await summit(organiser, "Another summit")
    _, token = await registered(organiser, other, 2, settings)
    with pytest.raises(NotFound):
        await respondents.delegate_page(token, plan.uuid)
    with pytest.raises(NotFound):
        await respondents.save_as_delegate(token, plan.uuid, await answers_for(plan), submit=True)
    assert await Respondent.all().count() == 0
    # Control: the linked event's delegate opens the same page and sends the same answers.
    assert (await respondents.delegate_page(own, plan.uuid)).open_now is True
    await respondents.save_as_delegate(own, plan.uuid, await answers_for(plan), submit=True)
    assert await Respondent.all().count() == 1


async def test_delegate_link_for_another_plan_is_not_found(delegate_setup):
    plan, _, _, token = delegate_setup
    other = await open_plan(await make_plan(PlanStatus.CONSULTATION, title="Another plan"))
    with pytest.raises(NotFound):
        await respondents.delegate_page(token, other.uuid)
    assert (await respondents.delegate_page(token, plan.uuid)).open_now is True  # control


async def test_only_invited_delegate_is_refused(delegate_setup, organiser):
    plan, event, *_ = delegate_setup
    invited = await link_for(await invite(organiser, event, 3))
    with pytest.raises(Forbidden):
        await respondents.save_as_delegate(invited, plan.uuid, await answers_for(plan), submit=True)
    assert await Respondent.all().count() == 0
    _, _, _, token = delegate_setup  # control: a registered delegate sends the same
    saved = await respondents.save_as_delegate(
        token, plan.uuid, await answers_for(plan), submit=True
    )
    assert [r.id for r in await Respondent.all()] == [saved.id]


async def test_cancelled_delegate_is_refused(delegate_setup, settings):
    plan, _, _, token = delegate_setup
    assert (await respondents.delegate_page(token, plan.uuid)).open_now is True  # control
    await cancel_registration(token, settings)
    with pytest.raises(Forbidden):
        await respondents.delegate_page(token, plan.uuid)
    with pytest.raises(Forbidden):
        await respondents.save_as_delegate(token, plan.uuid, await answers_for(plan), submit=True)
    assert await Respondent.all().count() == 0


async def test_draft_plan_is_not_found_for_delegates(organiser, settings):
    plan = await make_plan()
    event = await summit(organiser)
    await link_event(plan, event)
    _, token = await registered(organiser, event, 1, settings)
    with pytest.raises(NotFound):
        await respondents.delegate_page(token, plan.uuid)
    await open_plan(plan)  # control: once in consultation, the same page opens
    assert (await respondents.delegate_page(token, plan.uuid)).open_now is True


async def test_partner_responds_only_while_partners_may(organiser):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    _, token = await respondent_link(plan, "ann@police.example.org")
    saved = await respondents.save_by_link(token, await answers_for(plan), submit=True)
    assert saved.kind == RespondentKind.PARTNER and saved.email_confirmed_at is not None
    plan.partners_may_respond = False
    await plan.save()
    with pytest.raises(Forbidden):
        await respondents.save_by_link(token, await answers_for(plan, 1), submit=True)
    assert set(await Answer.filter(respondent_id=saved.id).values_list("support", flat=True)) == {
        4,
        None,
    }


async def test_public_only_when_opened_to_the_public(settings):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=False)
    with pytest.raises(Conflict):
        await consultation.start_public_response(
            plan.uuid, "cat@example.org", "", settings, "1.1.1.1"
        )
    assert await Respondent.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    plan.public_may_respond = True
    await plan.save()
    await consultation.start_public_response(
        plan.uuid, "cat@example.org", "Cat", settings, "1.1.1.1"
    )
    assert await OutboxMessage.all().values_list("to_address", flat=True) == ["cat@example.org"]
    made = await Respondent.get(plan_id=plan.id)
    assert (made.kind, made.email, made.email_confirmed_at) == (
        RespondentKind.PUBLIC,
        "cat@example.org",
        None,
    )


async def test_public_comment_waits_for_moderation_and_support_alone_does_not():
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=True)
    respondent, token = await respondent_link(plan, "cat@example.org", "public")
    _, actions = await targets(plan)
    data = ResponseData(
        capacity=Capacity.RESIDENT,
        answers={actions[0]: AnswerData(5, "Yes please", ""), actions[1]: AnswerData(2, "", "")},
    )
    await respondents.save_by_link(token, data, submit=True)
    by_target = {a.target: a.moderation for a in await Answer.filter(respondent_id=respondent.id)}
    assert by_target == {actions[0]: Moderation.WAITING, actions[1]: Moderation.NOT_NEEDED}
    await respondent.refresh_from_db()
    assert respondent.email_confirmed_at is not None  # confirmed by using the emailed link


async def test_changed_public_comment_waits_again():
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=True)
    respondent, token = await respondent_link(plan, "cat@example.org", "public")
    _, actions = await targets(plan)
    data = ResponseData(answers={actions[0]: AnswerData(5, "First", "")})
    await respondents.save_by_link(token, data, submit=False)
    await Answer.filter(respondent_id=respondent.id).update(
        moderation=Moderation.APPROVED, redacted_comment="F..."
    )
    await respondents.save_by_link(token, data, submit=False)  # unchanged: stays approved
    assert (await Answer.get(respondent_id=respondent.id)).moderation == Moderation.APPROVED
    data.answers[actions[0]] = AnswerData(5, "Second", "")
    await respondents.save_by_link(token, data, submit=False)
    answer = await Answer.get(respondent_id=respondent.id)
    assert (answer.moderation, answer.comment, answer.redacted_comment) == (
        Moderation.WAITING, "Second", None,
    )  # fmt: skip


async def test_link_long_after_the_close_is_gone():
    plan = await make_plan(PlanStatus.CONSULTATION)
    now = datetime.now(UTC)
    plan.opens_at, plan.closes_at = now - timedelta(days=200), now - timedelta(days=91)
    await plan.save()
    _, token = await respondent_link(plan, "ann@police.example.org")
    with pytest.raises(Gone):
        await respondents.link_page(token)
    plan.closes_at = now - timedelta(days=89)
    await plan.save()
    assert (await respondents.link_page(token)).open_now is False  # readable, not open


# -- Open and close -----------------------------------------------------------------------


async def test_before_open_refused():
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    plan.opens_at = datetime.now(UTC) + timedelta(hours=1)
    await plan.save()
    _, token = await respondent_link(plan, "ann@police.example.org")
    with pytest.raises(Conflict, match="not opened yet"):
        await respondents.save_by_link(token, await answers_for(plan), submit=True)
    assert await Answer.all().count() == 0
    respondent = await Respondent.get()
    assert (respondent.submitted_at, respondent.capacity) == (None, None)
    plan.opens_at = datetime.now(UTC) - timedelta(minutes=1)  # control: once open, it is sent
    await plan.save()
    sent = await respondents.save_by_link(token, await answers_for(plan), submit=True)
    assert sent.id == respondent.id and sent.submitted_at is not None
    assert await Answer.all().count() == 9


async def test_after_close_refused_and_nothing_stored(delegate_setup):
    plan, _, _, token = delegate_setup
    await respondents.save_as_delegate(token, plan.uuid, await answers_for(plan, 4), submit=False)
    plan.closes_at = datetime.now(UTC) - timedelta(seconds=1)
    await plan.save()
    with pytest.raises(Conflict, match="closed"):
        await respondents.save_as_delegate(
            token, plan.uuid, await answers_for(plan, 1), submit=True
        )
    assert set(await Answer.filter(support__not_isnull=True).values_list("support", flat=True)) == {
        4
    }
    assert (await Respondent.get()).submitted_at is None
    plan.closes_at = datetime.now(UTC) + timedelta(hours=1)  # control: open, the same is sent
    await plan.save()
    await respondents.save_as_delegate(token, plan.uuid, await answers_for(plan, 1), submit=True)
    assert set(await Answer.filter(support__not_isnull=True).values_list("support", flat=True)) == {
        1
    }
    assert (await Respondent.get()).submitted_at is not None


async def test_closed_by_the_job_refused_even_before_the_close_time():
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    respondent, token = await respondent_link(plan, "ann@police.example.org")
    plan.closed_at = datetime.now(UTC)
    await plan.save()
    with pytest.raises(Conflict):
        await respondents.save_by_link(token, await answers_for(plan), submit=True)
    assert await Answer.all().count() == 0
    assert (await Respondent.get(id=respondent.id)).submitted_at is None
    plan.closed_at = None  # control: not closed by the job, the same is sent
    await plan.save()
    sent = await respondents.save_by_link(token, await answers_for(plan), submit=True)
    assert sent.id == respondent.id and sent.submitted_at is not None


async def test_close_due_closes_only_consultations_past_their_close():
    due = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    due.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    await due.save()
    running = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    assert await consultation.close_due() == 1
    assert await consultation.close_due() == 0  # safe to repeat
    await due.refresh_from_db()
    await running.refresh_from_db()
    assert due.closed_at is not None and running.closed_at is None


async def test_open_consultation_publishes_version_1(organiser):
    plan = await make_plan()
    opens, closes = datetime.now(UTC), datetime.now(UTC) + timedelta(days=84)
    await consultation.open_consultation(
        organiser, plan.id, opens, closes, partners_may_respond=False, public_may_respond=True
    )
    await plan.refresh_from_db()
    assert plan.status == PlanStatus.CONSULTATION
    assert (plan.partners_may_respond, plan.public_may_respond) == (False, True)
    version = await PlanVersion.get(plan_id=plan.id)
    assert (version.number, version.kind) == (1, VersionKind.CONSULTATION)
    with pytest.raises(Conflict):
        await consultation.open_consultation(organiser, plan.id, opens, closes)
    assert await PlanVersion.filter(plan_id=plan.id).count() == 1


async def test_open_consultation_refuses_a_close_before_the_opening(organiser):
    plan = await make_plan()
    opens = datetime.now(UTC) + timedelta(days=2)
    with pytest.raises(Invalid) as refused:
        await consultation.open_consultation(organiser, plan.id, opens, opens - timedelta(hours=1))
    assert refused.value.fields == {"closes_at": "The close must be after the opening"}
    assert (await Plan.get(id=plan.id)).status == PlanStatus.DRAFT
    assert await PlanVersion.all().count() == 0
    await consultation.open_consultation(organiser, plan.id, opens, opens + timedelta(hours=1))
    assert (await Plan.get(id=plan.id)).status == PlanStatus.CONSULTATION  # control
    assert await PlanVersion.all().count() == 1


async def test_extending_a_closed_consultation_reopens_it(organiser):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    await consultation.close_now(organiser, plan.id)
    assert not consultation.is_open(await Plan.get(id=plan.id), datetime.now(UTC))
    later = datetime.now(UTC) + timedelta(days=7)
    data = consultation.ConsultationSettings(plan.opens_at, later, True, False)
    changed = await consultation.change_consultation(organiser, plan.id, data)
    assert changed.closed_at is None and consultation.is_open(changed, datetime.now(UTC))


# -- Drafts, changes, sending ---------------------------------------------------------------


async def test_draft_then_change_then_send(delegate_setup):
    plan, _, _, token = delegate_setup
    _, actions = await targets(plan)
    first = ResponseData(answers={actions[0]: AnswerData(3, "Hmm", "")})
    draft = await respondents.save_as_delegate(token, plan.uuid, first, submit=False)
    assert draft.submitted_at is None
    page = await respondents.delegate_page(token, plan.uuid)
    assert page.data.answers == {actions[0]: AnswerData(3, "Hmm", "")}  # came back to it
    second = ResponseData(
        capacity=Capacity.PARTNER_AGENCY,
        answers={actions[1]: AnswerData(5, "", "")},  # the first answer withdrawn
    )
    sent = await respondents.save_as_delegate(token, plan.uuid, second, submit=True)
    assert sent.id == draft.id and sent.submitted_at is not None
    rows = await Answer.filter(respondent_id=sent.id).values_list("target", "support", "comment")
    assert rows == [(actions[1], 5, "")]
    # Once sent, a later save is sent too.
    again = await respondents.save_as_delegate(token, plan.uuid, second, submit=False)
    assert again.submitted_at is not None and await Respondent.all().count() == 1


async def test_sending_needs_a_capacity_and_draft_does_not(delegate_setup):
    plan, _, _, token = delegate_setup
    data = await answers_for(plan)
    data.capacity = None
    with pytest.raises(Invalid) as refused:
        await respondents.save_as_delegate(token, plan.uuid, data, submit=True)
    assert list(refused.value.fields) == ["capacity"]
    assert await Respondent.all().count() == 0
    await respondents.save_as_delegate(token, plan.uuid, data, submit=False)
    assert await Answer.all().count() == 9
    data.capacity = Capacity.RESIDENT  # control: with a capacity it is sent
    sent = await respondents.save_as_delegate(token, plan.uuid, data, submit=True)
    assert (sent.capacity, sent.submitted_at is not None) == (Capacity.RESIDENT, True)


async def test_capacity_and_quote_consent_are_kept(delegate_setup):
    plan, _, _, token = delegate_setup
    data = await answers_for(plan)
    data.capacity, data.may_quote = Capacity.COMMUNITY_GROUP, True
    saved = await respondents.save_as_delegate(token, plan.uuid, data, submit=True)
    assert (saved.capacity, saved.may_quote) == (Capacity.COMMUNITY_GROUP, True)
    data.may_quote = False
    saved = await respondents.save_as_delegate(token, plan.uuid, data, submit=True)
    assert saved.may_quote is False


async def test_typed_organisation_becomes_a_pending_entry_with_provenance(delegate_setup):
    plan, _, _, token = delegate_setup
    data = await answers_for(plan)
    data.organisation = "Bitterne Youth Forum"
    saved = await respondents.save_as_delegate(token, plan.uuid, data, submit=True)
    entry = await Entry.get(name="Bitterne Youth Forum")
    assert entry.status == Status.PENDING and saved.organisation_entry_id == entry.id
    sources = await Provenance.filter(entry_id=entry.id).values_list("source", flat=True)
    assert sources == [f"Named in the consultation on {plan.title}"]


async def test_organisation_in_the_directory_is_found_not_added(delegate_setup):
    plan, _, _, token = delegate_setup
    police = await Entry.get(name="Hampshire Constabulary")  # a lead agency, published
    data = await answers_for(plan)
    data.organisation = "hampshire  constabulary"
    saved = await respondents.save_as_delegate(token, plan.uuid, data, submit=True)
    assert saved.organisation_entry_id == police.id
    assert await Entry.filter(name__iexact="hampshire constabulary").count() == 1


async def test_one_response_per_person_when_first_saves_arrive_at_once(delegate_setup):
    plan, _, _, token = delegate_setup
    data = await answers_for(plan)
    saved = await asyncio.gather(
        *(respondents.save_as_delegate(token, plan.uuid, data, submit=True) for _ in range(10))
    )
    assert {r.id for r in saved} == {saved[0].id}
    assert await Respondent.all().count() == 1
    assert await Answer.all().count() == 9


async def test_my_response_sheet_has_what_they_said(delegate_setup):
    plan, _, _, token = delegate_setup
    await respondents.save_as_delegate(token, plan.uuid, await answers_for(plan, 5), submit=True)
    sheet = await respondents.delegate_sheet(token, plan.uuid)
    rows = list(sheet.rows)
    assert rows[0][0:2] == ["Priority 1", "Keeping people safe from harm"]
    assert rows[0][3:] == ["About the priority", "Youth workers"]
    assert rows[1][2:4] == ["Strongly support", "Good idea"]
    assert ["Responding as", "Resident", "", "", ""] in rows


async def test_the_worker_runs_the_close_job(settings):
    assert "close consultations" in [job.name for job in domain_jobs(settings)]
    due = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    due.closes_at = datetime.now(UTC) - timedelta(seconds=1)
    await due.save()
    assert await close_consultations(settings) == "closed 1 consultation(s)"
    assert await close_consultations(settings) is None


async def test_public_name_that_could_forge_a_header_is_refused(settings):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=True)
    with pytest.raises(Invalid) as refused:
        await consultation.start_public_response(
            plan.uuid, "cat@example.org", "Cat =?utf-8?q?x?=", settings, "1.1.1.1"
        )
    assert list(refused.value.fields) == ["name"]
    assert await Respondent.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    await consultation.start_public_response(  # control: a plain name is taken
        plan.uuid, "cat@example.org", "Cat", settings, "1.1.1.1"
    )
    assert await Respondent.filter(name="Cat").count() == 1
    assert await OutboxMessage.all().values_list("to_address", flat=True) == ["cat@example.org"]
