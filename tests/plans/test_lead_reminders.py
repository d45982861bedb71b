"""Reminders to lead agencies' contacts on the plan's schedule, and who is overdue."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from convenor.jobs import domain_jobs
from plans.lead_contacts import lead_organisations, reminder_due, send_due_reminders
from plans.models import Action, LeadContact, PlanStatus
from tests.plans.factories import make_plan
from tests.plans.register_support import (
    POLICE,
    PROBATION,
    actions_by_number,
    adopted_plan,
    make_contact,
    outbox,
    plan_with_contact,
)

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
PERIOD = timedelta(days=91)
SECOND = timedelta(seconds=1)


def test_reminder_due_only_after_a_whole_period():
    assert not reminder_due(T0 + PERIOD - SECOND, 91, None, T0, None)
    assert reminder_due(T0 + PERIOD, 91, None, T0, None)


def test_reminder_due_counts_from_the_latest_of_update_invitation_reminder():
    later = T0 + timedelta(days=30)
    for args in ((later, T0, None), (None, later, None), (None, T0, later)):
        assert not reminder_due(later + PERIOD - SECOND, 91, *args)
        assert reminder_due(later + PERIOD, 91, *args)


def test_reminder_never_due_without_schedule_or_invitation():
    assert not reminder_due(T0 + 10 * PERIOD, None, None, T0, None)
    assert not reminder_due(T0 + 10 * PERIOD, 91, None, None, None)


async def test_send_reminds_at_the_period_not_before(app, settings):
    _, contact = await plan_with_contact(T0)

    assert await send_due_reminders(settings, T0 + PERIOD - SECOND) == 0
    assert await send_due_reminders(settings, T0 + PERIOD) == 1

    mails = await outbox("plan-lead-reminder")
    assert [(m.to_address, m.related) for m in mails] == [(contact.email, f"lead:{contact.id}")]
    assert "/lead/" in mails[0].text_body
    assert (await LeadContact.get(id=contact.id)).reminded_at == T0 + PERIOD


async def test_send_does_not_remind_again_within_the_period(app, settings):
    await plan_with_contact(T0)
    await send_due_reminders(settings, T0 + PERIOD)

    assert await send_due_reminders(settings, T0 + 2 * PERIOD - SECOND) == 0
    assert await send_due_reminders(settings, T0 + 2 * PERIOD) == 1
    assert len(await outbox("plan-lead-reminder")) == 2


async def test_send_skips_an_organisation_updated_within_the_period(app, settings):
    plan, _ = await plan_with_contact(T0)
    action = (await actions_by_number(plan))["2.3"]  # led by the police too
    await Action.filter(id=action.id).update(last_update_at=T0 + timedelta(days=50))

    assert await send_due_reminders(settings, T0 + PERIOD) == 0
    assert await send_due_reminders(settings, T0 + timedelta(days=50) + PERIOD) == 1


async def test_send_ignores_another_organisations_update(app, settings):
    plan, _ = await plan_with_contact(T0)
    probation = (await actions_by_number(plan))["2.1"]
    await Action.filter(id=probation.id).update(last_update_at=T0 + timedelta(days=50))

    assert await send_due_reminders(settings, T0 + PERIOD) == 1


async def test_send_skips_uninvited_removed_and_unscheduled(app, settings):
    plan = await adopted_plan(update_every_days=91)
    await make_contact(plan, invited_at=None)
    removed = await make_contact(plan, PROBATION, email="pat@probation.example.org", invited_at=T0)
    await LeadContact.filter(id=removed.id).update(revoked_at=T0)
    unscheduled = await adopted_plan()
    await make_contact(unscheduled, invited_at=T0)
    draft = await make_plan(PlanStatus.CONSULTATION, update_every_days=91)
    await make_contact(draft, invited_at=T0)

    assert await send_due_reminders(settings, T0 + 3 * PERIOD) == 0

    await make_contact(plan, POLICE, email="bo@police.example.org", invited_at=T0)  # control
    assert await send_due_reminders(settings, T0 + 3 * PERIOD) == 1


async def test_send_at_once_from_many_workers_reminds_once(app, settings):
    await plan_with_contact(T0)

    sent = await asyncio.gather(*(send_due_reminders(settings, T0 + PERIOD) for _ in range(6)))

    assert sum(sent) == 1
    assert len(await outbox("plan-lead-reminder")) == 1


async def test_overdue_organisations_on_the_same_rule(app):
    plan, _ = await plan_with_contact(T0)
    await make_contact(plan, PROBATION, email="pat@probation.example.org", invited_at=T0)
    probation = (await actions_by_number(plan))["2.1"]
    await Action.filter(id=probation.id).update(last_update_at=T0 + timedelta(days=50))

    before = await lead_organisations(plan, T0 + PERIOD - SECOND)
    after = {o.name: o for o in await lead_organisations(plan, T0 + PERIOD)}

    assert [o.overdue for o in before] == [False, False, False, False]
    assert after[POLICE].overdue and after[POLICE].due_at == T0 + PERIOD
    assert not after[PROBATION].overdue
    assert after["Youth Offending Service"].due_at is None  # nobody invited


async def test_job_is_listed_for_the_worker(app, settings):
    names = [job.name for job in domain_jobs(settings)]

    assert "remind lead agencies" in names
