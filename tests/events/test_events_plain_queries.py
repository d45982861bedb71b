"""The registration path's plain SQL (convenor.plainsql) gives what the ORM gives."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from convenor import plainsql
from convenor.models import PersonalLink
from events.access import invitation_for_link
from events.data import QuestionData
from events.models import Event, Invitation, Question, Registration
from events.questions import add_question, questions_for
from events.registration import _registration_of, register
from tests.conftest import on_postgres

from .conftest import answers, invite, link_for


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


@pytest.mark.skipif(not on_postgres(), reason="row locks are PostgreSQL's")
async def test_locked_invitation_leaves_the_event_row_free(organiser, event, settings):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)
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
