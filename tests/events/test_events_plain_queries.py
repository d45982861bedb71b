"""The registration path's plain SQL (convenor.plainsql) gives what the ORM gives."""

from __future__ import annotations

import asyncio
import sqlite3

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from convenor import plainsql
from convenor.db import sqlite_path
from convenor.models import PersonalLink
from events.access import invitation_for_link
from events.data import QuestionData
from events.models import Event, Invitation, Question, Registration
from events.questions import add_question, questions_for
from events.registration import _registration_of, register
from tests.conftest import on_postgres
from tests.events.factories import answers, invite, link_for


def fields_of(model) -> dict:
    return {name: getattr(model, name) for name in model._meta.fields_db_projection}


async def test_invitation_for_link_with_event_gives_the_orm_models(organiser, event):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)

    found = await invitation_for_link(token, lock=True, with_event=True)

    assert fields_of(found) == fields_of(await Invitation.get(id=invitation.id))
    assert fields_of(found.event) == fields_of(await Event.get(id=event.id))


async def test_registration_found_by_plain_sql_is_the_orm_registration(organiser, event, settings):
    invitation = await invite(organiser, event)
    await register(await link_for(invitation), answers(dietary="Vegan"), settings)

    found = await _registration_of(invitation)

    assert fields_of(found) == fields_of(await Registration.get(invitation_id=invitation.id))


async def test_questions_for_keeps_form_order_and_fields(organiser, event):
    for label in ("Which workshop?", "Need a parking space?"):
        kind = "choice" if label.startswith("Which") else "yes_no"
        await add_question(
            organiser,
            event.id,
            QuestionData(label=label, kind=kind, choices="Knife crime\nYouth work"),
        )

    found = await questions_for(event.id)

    expected = await Question.filter(event_id=event.id).order_by("position", "id")
    assert [fields_of(q) for q in found] == [fields_of(q) for q in expected]
    assert [q.label for q in found] == ["Which workshop?", "Need a parking space?"]


def test_columns_refuse_a_model_tortoise_has_not_started(monkeypatch):
    monkeypatch.setattr(PersonalLink._meta, "_inited", False)
    plainsql.columns.cache_clear()

    with pytest.raises(RuntimeError, match="once Tortoise has started"):
        plainsql.columns(PersonalLink)


async def test_locked_invitation_leaves_the_event_row_free(organiser, event, settings):
    """``lock=True`` locks the invitation's row, never the event's. PostgreSQL: a second
    connection can lock the event row but not the invitation row. SQLite has no row locks
    (``plainsql.select`` leaves ``FOR UPDATE`` out) and its transactions begin deferred: the
    locked read holds no write lock, so another connection (another process) writes the
    event row, and the invitation row too; only a transaction that has written holds
    SQLite's one write lock, which the positive control shows."""
    invitation = await invite(organiser, event)
    token = await link_for(invitation)
    if on_postgres():
        await _postgres_row_locks(settings, event, invitation, token)
    else:
        await _sqlite_locks(settings, event, invitation, token)


async def _postgres_row_locks(settings, event, invitation, token) -> None:
    other = await asyncpg.connect(settings.database_url.replace("postgres://", "postgresql://"))
    try:
        async with in_transaction():
            await invitation_for_link(token, lock=True, with_event=True)

            event_row = await other.fetch(
                "SELECT id FROM event WHERE id = $1 FOR UPDATE NOWAIT", event.id
            )
            with pytest.raises(asyncpg.LockNotAvailableError):
                await other.fetch(
                    "SELECT id FROM event_invitation WHERE id = $1 FOR UPDATE NOWAIT",
                    invitation.id,
                )
    finally:
        await other.close()

    assert [r["id"] for r in event_row] == [event.id]


async def _sqlite_locks(settings, event, invitation, token) -> None:
    # timeout=0: a write that would wait for the lock fails at once instead.
    other = sqlite3.connect(sqlite_path(settings.database_url), timeout=0)
    try:
        async with in_transaction():
            found = await invitation_for_link(token, lock=True, with_event=True)
            event_changed = other.execute(
                "UPDATE event SET title = 'Renamed by another process' WHERE id = ?",
                (event.id,),
            ).rowcount
            invitation_changed = other.execute(
                "UPDATE event_invitation SET name = 'Renamed too' WHERE id = ?",
                (invitation.id,),
            ).rowcount
            other.commit()

        # Positive control: once a transaction has written, the other connection's
        # write of the same event row is refused until it ends.
        async with in_transaction():
            await invitation_for_link(token, lock=True)
            await Invitation.filter(id=invitation.id).update(name="Written in the transaction")
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute(
                    "UPDATE event SET title = 'Refused while locked' WHERE id = ?", (event.id,)
                )
            other.rollback()
    finally:
        other.close()

    assert (found.id, found.event.id) == (invitation.id, event.id)
    assert (event_changed, invitation_changed) == (1, 1)
    assert (await Event.get(id=event.id)).title == "Renamed by another process"
    assert (await Invitation.get(id=invitation.id)).name == "Written in the transaction"


async def test_a_second_locked_read_of_the_invitation_waits_for_the_first_transaction(
    organiser, event
):
    """What ``lock=True`` is for: one delegate's submissions queue up behind each other.
    PostgreSQL queues the second behind the invitation's row lock; SQLite behind the one
    connection Tortoise runs a transaction on at a time."""
    invitation = await invite(organiser, event)
    token = await link_for(invitation)
    steps: list[str] = []
    first_has_read, first_may_end = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with in_transaction():
            await invitation_for_link(token, lock=True)
            steps.append("first read")
            first_has_read.set()
            await first_may_end.wait()
            await Invitation.filter(id=invitation.id).update(name="First submission")
            steps.append("first wrote")

    async def second() -> Invitation:
        async with in_transaction():
            found = await invitation_for_link(token, lock=True)
            steps.append("second read")
            return found

    first_task = asyncio.create_task(first())
    await first_has_read.wait()
    second_task = asyncio.create_task(second())
    finished, _ = await asyncio.wait({second_task}, timeout=0.3)
    waited = not finished
    first_may_end.set()
    await first_task
    found = await second_task  # positive control: it reads once the first has ended

    assert waited
    assert steps == ["first read", "first wrote", "second read"]
    assert (found.id, found.name) == (invitation.id, "First submission")
