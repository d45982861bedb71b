"""Dietary and access answers are purged after the event; only counts remain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from convenor.mail.worker import run_worker
from events.models import Event, Registration
from events.overview import needs_summary
from events.privacy import purge_sensitive_answers
from tests.commands import database_env, run_async

from .factories import SUMMER_ENDS, registered


async def register_with_needs(organiser, event, settings):
    needs = [("Vegan", "Hearing loop"), ("Halal", ""), ("", "")]
    for number, (dietary, access_needs) in enumerate(needs):
        await registered(
            organiser,
            event,
            settings,
            number,
            "Ann Lee",
            dietary=dietary,
            access_needs=access_needs,
        )


async def test_purge_before_the_day_changes_nothing(organiser, event, settings):
    await register_with_needs(organiser, event, settings)

    purged = await purge_sensitive_answers(SUMMER_ENDS + timedelta(days=29, hours=23))

    assert purged == []
    assert await Registration.filter(dietary="Vegan").count() == 1
    on_the_day = await purge_sensitive_answers(SUMMER_ENDS + timedelta(days=30))  # control
    assert [e.id for e in on_the_day] == [event.id]


async def test_purge_after_30_days_wipes_answers_and_keeps_counts(organiser, event, settings):
    await register_with_needs(organiser, event, settings)

    purged = await purge_sensitive_answers(SUMMER_ENDS + timedelta(days=30))

    assert [e.id for e in purged] == [event.id]
    assert set(await Registration.all().values_list("dietary", flat=True)) == {""}
    assert set(await Registration.all().values_list("access_needs", flat=True)) == {""}
    kept = await Event.get(id=event.id)
    assert (kept.dietary_count, kept.access_needs_count) == (2, 1)


async def test_summary_after_purge_shows_counts_only(organiser, event, settings):
    await register_with_needs(organiser, event, settings)
    before = await needs_summary(organiser, event.id)
    await purge_sensitive_answers(SUMMER_ENDS + timedelta(days=31))

    summary = await needs_summary(organiser, event.id)

    assert (summary.purged, summary.dietary_count, summary.access_needs_count) == (True, 2, 1)
    assert summary.dietary == []
    assert sorted(before.dietary) == [("Ann Lee", "Halal"), ("Ann Lee", "Vegan")]  # control


async def test_purge_runs_once_per_event(organiser, event, settings):
    await register_with_needs(organiser, event, settings)
    await purge_sensitive_answers(SUMMER_ENDS + timedelta(days=30))

    assert await purge_sensitive_answers(SUMMER_ENDS + timedelta(days=60)) == []
    assert (await Event.get(id=event.id)).dietary_count == 2


async def test_purge_command_purges_events_past_their_date(organiser, event, settings, tmp_path):
    await register_with_needs(organiser, event, settings)
    await Event.filter(id=event.id).update(
        starts_at=datetime.now(UTC) - timedelta(days=41),
        ends_at=datetime.now(UTC) - timedelta(days=40),
    )
    result = await run_async(["events", "purge"], database_env(settings, tmp_path), tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Purged dietary and access answers: {event.title}",
        "1 event(s) purged.",
    ]
    assert (await Event.get(id=event.id)).dietary_count == 2


async def test_worker_purges_events_past_their_date(organiser, event, settings):
    await register_with_needs(organiser, event, settings)
    past = datetime.now(UTC) - timedelta(days=40)
    await Event.filter(id=event.id).update(starts_at=past - timedelta(hours=7), ends_at=past)

    await run_worker(settings, once=True)

    purged = await Event.get(id=event.id)
    assert (purged.dietary_count, purged.access_needs_count) == (2, 1)
    assert purged.sensitive_purged_at is not None
    assert set(await Registration.all().values_list("dietary", flat=True)) == {""}
