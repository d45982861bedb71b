"""The reminder to registered delegates before the event (events.reminders), run by the
worker's housekeeping jobs (issue 16)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from convenor.errors import Invalid
from convenor.jobs import domain_jobs
from events.data import EventData
from events.forms import event_form_values, event_from_form
from events.models import Event, Registration
from events.registration import cancel_registration
from events.reminders import send_due_reminders
from events.service import cancel_event, update_event

from .factories import event_data, outbox, published_event, registered

CATEGORY = "event-delegate-reminder"


def due(event: Event, hours: float = 47):
    """A moment ``hours`` before the event starts."""
    return event.starts_at - timedelta(hours=hours)


async def test_reminder_reaches_each_registered_delegate_once(client, organiser, event, settings):
    first, _ = await registered(organiser, event, settings, 1)
    second, _ = await registered(organiser, event, settings, 2)

    sent = await send_due_reminders(settings, due(event))
    again = await send_due_reminders(settings, due(event, 46))

    assert sent == 2
    assert again == 0
    mails = await outbox(CATEGORY)
    assert sorted(m.to_address for m in mails) == [
        "delegate1@partner.example.org",
        "delegate2@partner.example.org",
    ]
    assert (await Registration.get(id=first.id)).reminded_at == due(event)
    assert (await Registration.get(id=second.id)).reminded_at == due(event)


async def test_reminder_has_venue_access_code_and_home_link(client, organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)

    await send_due_reminders(settings, due(event))

    [mail] = await outbox(CATEGORY)
    assert mail.subject == (
        "Reminder: Serious Violence Delivery Plan Conference, "
        "Wednesday 9 June 2027, 9:30am to 4:30pm"
    )
    for body in (mail.text_body, mail.html_body):
        assert "St Mary's Stadium, Britannia Road, Southampton, SO14 5FP" in body.replace(
            "&#39;", "'"
        )
        assert "Step-free entrance at the West Stand." in body
        assert registration.check_in_code in body
    [home] = set(re.findall(r"http://testserver/i/[A-Za-z0-9_-]+", mail.text_body))
    assert f'href="{home}"' in mail.html_body
    page = await client.get(home.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert registration.check_in_code in page.text


async def test_reminder_jobs_running_at_once_remind_each_delegate_once(
    client, organiser, event, settings
):
    for number in range(1, 11):
        await registered(organiser, event, settings, number)

    results = await asyncio.gather(
        *(send_due_reminders(settings, due(event)) for _ in range(5)), return_exceptions=True
    )

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sum(results) == 10
    mails = await outbox(CATEGORY)
    assert len(mails) == 10
    assert len({m.to_address for m in mails}) == 10


async def test_reminder_not_sent_before_its_time(client, organiser, event, settings):
    await registered(organiser, event, settings)

    early = await send_due_reminders(settings, due(event, 49))
    on_time = await send_due_reminders(settings, due(event, 48))

    assert early == 0
    assert on_time == 1


async def test_reminder_not_sent_once_the_event_started(client, organiser, event, settings):
    await registered(organiser, event, settings)

    sent = await send_due_reminders(settings, event.starts_at)

    assert sent == 0
    assert await outbox(CATEGORY) == []
    assert await send_due_reminders(settings, due(event)) == 1  # control: before it started


async def test_reminder_not_sent_to_cancelled_registration(client, organiser, event, settings):
    await registered(organiser, event, settings, 1)
    _, token = await registered(organiser, event, settings, 2)
    await cancel_registration(token, settings)

    sent = await send_due_reminders(settings, due(event))

    assert sent == 1
    assert [m.to_address for m in await outbox(CATEGORY)] == ["delegate1@partner.example.org"]


async def test_reminder_not_sent_to_waitlisted_delegate(client, organiser, settings):
    event = await published_event(organiser, capacity=1)
    await registered(organiser, event, settings, 1)
    await registered(organiser, event, settings, 2)  # waitlisted

    sent = await send_due_reminders(settings, due(event))

    assert sent == 1
    assert [m.to_address for m in await outbox(CATEGORY)] == ["delegate1@partner.example.org"]


async def test_reminder_not_sent_for_cancelled_event(client, organiser, event, settings):
    await registered(organiser, event, settings)
    going_ahead = await published_event(organiser, title="Second summit")
    await registered(organiser, going_ahead, settings, 2)
    await cancel_event(organiser, event.id, settings)

    sent = await send_due_reminders(settings, due(event))

    assert sent == 1  # the control event's delegate
    assert [m.to_address for m in await outbox(CATEGORY)] == ["delegate2@partner.example.org"]


async def test_reminder_off_for_the_event_sends_nothing(client, organiser, settings):
    off = await published_event(organiser, reminders_enabled=False)
    on = await published_event(organiser, title="Second summit")
    await registered(organiser, off, settings, 1)
    await registered(organiser, on, settings, 2)

    sent = await send_due_reminders(settings, due(off))

    assert sent == 1  # the control event's delegate
    assert [m.to_address for m in await outbox(CATEGORY)] == ["delegate2@partner.example.org"]


async def test_reminder_hours_before_is_the_events_own(client, organiser, settings):
    event = await published_event(organiser, reminder_hours_before=6)
    await registered(organiser, event, settings)

    at_seven = await send_due_reminders(settings, due(event, 7))
    at_six = await send_due_reminders(settings, due(event, 6))

    assert at_seven == 0
    assert at_six == 1


async def test_reminder_job_is_in_the_workers_housekeeping(settings):
    names = [job.name for job in domain_jobs(settings)]

    assert "remind delegates" in names


async def test_event_form_reads_reminder_settings(organiser, event, settings):
    form = {**event_form_values(event), "reminder_hours_before": "24"}
    form.pop("reminders_enabled")  # unticked

    read = event_from_form(form)
    await update_event(organiser, event.id, read.data, settings)

    saved = await Event.get(id=event.id)
    assert read.errors == {}
    assert saved.reminders_enabled is False
    assert saved.reminder_hours_before == 24


async def test_event_form_defaults_to_reminders_two_days_before(organiser):
    values = event_form_values()

    assert values["reminders_enabled"] == "yes"
    assert values["reminder_hours_before"] == "48"


async def test_event_reminder_hours_out_of_range_is_refused(organiser, event, settings):
    data = EventData(**{**vars(event_data()), "reminder_hours_before": 0})

    with pytest.raises(Invalid) as refused:
        await update_event(organiser, event.id, data, settings)
    saved = await Event.get(id=event.id)

    message = "Enter a number of hours from 1 to 1440"
    assert refused.value.fields == {"reminder_hours_before": message}
    assert saved.reminder_hours_before == 48
    within = EventData(**{**vars(event_data()), "reminder_hours_before": 1440})
    await update_event(organiser, event.id, within, settings)  # control: in range, saved
    assert (await Event.get(id=event.id)).reminder_hours_before == 1440
