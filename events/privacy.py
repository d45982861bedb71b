"""Sensitive answers: dietary and access needs, and answers to questions an organiser
marked sensitive. They are purged after the event (counts kept), and every read of them
by staff is logged (``DelegateExport``: who, when, which event, how many rows, how).

``purge_sensitive_answers`` runs every hour in the worker (``events.jobs``) and on demand
with ``convenor events purge``; each event is purged once, ``purge_after_days`` after it
ends (when its personal links stop working too: ``events.access.link_expiry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.models import User
from events.access import link_expiry
from events.data import aware_utc
from events.models import (
    DelegateExport,
    Event,
    Question,
    ReadVia,
    Registration,
    RegistrationStatus,
)
from events.overview import NeedsSummary, needs_summary
from events.questions import questions_for


def purge_due(event: Event, at: datetime) -> bool:
    return event.sensitive_purged_at is None and at >= link_expiry(event)


def sensitive_keys(questions: list[Question]) -> set[str]:
    """The answer keys of the questions marked sensitive."""
    return {str(q.id) for q in questions if q.sensitive}


def plain_answers(answers: dict[str, str], questions: list[Question]) -> dict[str, str]:
    """Answers to the event's questions that are not sensitive (answers to removed
    questions are left out too: whether they were sensitive is not known)."""
    plain = {str(q.id) for q in questions if not q.sensitive}
    return {key: value for key, value in answers.items() if key in plain}


async def plain_answer_keys(event_id: int) -> set[str]:
    """The answer keys of the event's questions that are not sensitive. No side effects."""
    return {str(q.id) for q in await questions_for(event_id) if not q.sensitive}


@dataclass(frozen=True)
class SensitiveCount:
    question: str
    count: int  # registered delegates who answered


def _count_answers(attending: list[dict], questions: list[Question]) -> list[SensitiveCount]:
    return [
        SensitiveCount(q.label, sum(1 for answers in attending if answers.get(str(q.id))))
        for q in questions
        if q.sensitive
    ]


async def _attending_answers(event: Event) -> list[dict]:
    rows = await Registration.filter(event=event, status=RegistrationStatus.REGISTERED).values_list(
        "answers", flat=True
    )
    return [answers or {} for answers in rows]


async def purge_sensitive_answers(at: datetime | None = None) -> list[Event]:
    """Wipe sensitive answers of events past their purge date.

    Side effects: registrations' dietary and access_needs emptied, and their answers to
    sensitive (or since removed) questions deleted; the event keeps how many registered
    delegates had given each (dietary_count, access_needs_count, sensitive_answer_counts).
    Returns the events purged.
    """
    moment = aware_utc(at) or now()
    purged = []
    for candidate in await Event.filter(sensitive_purged_at__isnull=True, ends_at__lt=moment):
        if not purge_due(candidate, moment):
            continue
        async with in_transaction():
            event = await Event.filter(id=candidate.id).select_for_update().get()
            if not purge_due(event, moment):
                continue
            attending = Registration.filter(event=event, status=RegistrationStatus.REGISTERED)
            event.dietary_count = await attending.exclude(dietary="").count()
            event.access_needs_count = await attending.exclude(access_needs="").count()
            questions = await questions_for(event.id)
            counts = _count_answers(await _attending_answers(event), questions)
            event.sensitive_answer_counts = [
                {"question": c.question, "count": c.count} for c in counts
            ]
            event.sensitive_purged_at = moment
            await Registration.filter(event=event).update(dietary="", access_needs="")
            await _purge_answers(event, questions)
            await event.save(
                update_fields=[
                    "dietary_count",
                    "access_needs_count",
                    "sensitive_answer_counts",
                    "sensitive_purged_at",
                ]
            )
        purged.append(event)
    return purged


async def _purge_answers(event: Event, questions: list[Question]) -> None:
    for registration_id, answers in await Registration.filter(event=event).values_list(
        "id", "answers"
    ):
        kept = plain_answers(answers or {}, questions)
        if kept != (answers or {}):
            await Registration.filter(id=registration_id).update(answers=kept)


async def log_sensitive_read(user: User, event_id: int, rows: int, via: ReadVia) -> None:
    """Record that ``user`` read sensitive answers of the event. Side effects: log row."""
    await DelegateExport.create(
        event_id=event_id,
        user_id=user.id,
        user_email=user.email,
        included_needs=True,
        row_count=rows,
        via=via,
        created_at=now(),
    )


@dataclass(frozen=True)
class SensitiveAnswer:
    name: str
    question: str
    answer: str


@dataclass(frozen=True)
class NeedsPage:
    """The catering and access page: dietary and access needs, sensitive answers and
    their counts (only counts once purged)."""

    summary: NeedsSummary
    counts: list[SensitiveCount]
    answers: list[SensitiveAnswer]


async def needs_page(user: User, event_id: int) -> NeedsPage:
    """What the catering and access page shows to organisers of the event.

    Side effects: before the purge, a read-log row (the page shows the answers).
    """
    async with in_transaction():
        summary = await needs_summary(user, event_id)
        event = await Event.get(id=event_id)
        if summary.purged:
            counts = [
                SensitiveCount(str(c["question"]), int(c["count"]))
                for c in event.sensitive_answer_counts or []
            ]
            return NeedsPage(summary, counts, [])
        questions = [q for q in await questions_for(event_id) if q.sensitive]
        rows = await Registration.filter(
            event=event, status=RegistrationStatus.REGISTERED
        ).order_by("name", "id")
        keys = sensitive_keys(questions)
        answers = [
            SensitiveAnswer(r.name, q.label, r.answers[str(q.id)])
            for r in rows
            for q in questions
            if (r.answers or {}).get(str(q.id))
        ]
        shown = [
            r
            for r in rows
            if r.dietary or r.access_needs or any((r.answers or {}).get(k) for k in keys)
        ]
        await log_sensitive_read(user, event_id, len(shown), ReadVia.PAGE)
        counts = _count_answers([r.answers or {} for r in rows], questions)
        return NeedsPage(summary, counts, answers)
