"""Per-event questions on the registration form (short text, choice, yes/no).

Answers are kept on the registration as ``{question id: answer}``; form fields and
their errors are named ``question_<id>``. Answers to a question marked sensitive are
treated as dietary and access answers are (``events.privacy``): purged after the event,
left out of plain exports, and every read of them is logged.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from tortoise.transactions import in_transaction

from convenor import plainsql
from convenor.errors import Invalid, NotFound
from convenor.models import User
from events.access import get_event_for, locked_event_for
from events.data import QuestionData, multi_line, one_line
from events.models import Question, QuestionKind

MAX_ANSWER = 500
YES, NO = "yes", "no"


def _checked(data: QuestionData) -> dict:
    errors = {}
    values = {
        "label": one_line(data.label, 300),
        "help_text": multi_line(data.help_text, 1000),
        "required": bool(data.required),
        "sensitive": bool(data.sensitive),
        "choices": "",
    }
    try:
        values["kind"] = QuestionKind(data.kind)
    except ValueError:
        errors["kind"] = "Choose short text, a choice or yes/no"
    if not values["label"]:
        errors["label"] = "Enter the question"
    if values.get("kind") == QuestionKind.CHOICE:
        choices = list(dict.fromkeys(one_line(c, 200) for c in data.choices.splitlines()))
        choices = [c for c in choices if c]
        if len(choices) < 2:
            errors["choices"] = "Enter at least two choices, one per line"
        values["choices"] = "\n".join(choices)
    if errors:
        raise Invalid(fields=errors)
    return values


async def questions_for(event_id: int) -> list[Question]:
    """The event's questions in form order. No side effects."""
    # Plain SQL: asked on every registration (see convenor.plainsql).
    rows = await plainsql.select(_questions_sql(), [event_id])
    return [plainsql.model_from(Question, row) for row in rows]


@functools.cache
def _questions_sql() -> str:
    return (
        f"SELECT {plainsql.columns(Question)} FROM {plainsql.table(Question)} "  # noqa: S608
        "WHERE event_id = ? ORDER BY position, id"
    )


async def event_questions(user: User, event_id: int) -> list[Question]:
    """The questions of an event the organiser may manage. No side effects."""
    await get_event_for(user, event_id)
    return await questions_for(event_id)


async def add_question(user: User, event_id: int, data: QuestionData) -> Question:
    """Add a question at the end of the form. Side effects: question row."""
    values = _checked(data)
    async with in_transaction():
        event = await locked_event_for(user, event_id)
        position = await Question.filter(event=event).count()
        return await Question.create(event=event, position=position, **values)


async def update_question(
    user: User, event_id: int, question_id: int, data: QuestionData
) -> Question:
    """Change a question's wording, kind or choices. Side effects: question row."""
    values = _checked(data)
    async with in_transaction():
        await locked_event_for(user, event_id)
        question = await Question.get_or_none(id=question_id, event_id=event_id)
        if question is None:
            raise NotFound()
        question.update_from_dict(values)
        await question.save()
        return question


async def mark_sensitive(user: User, event_id: int, question_id: int, sensitive: bool) -> Question:
    """Mark a question's answers sensitive, or not. Side effects: question row."""
    async with in_transaction():
        await locked_event_for(user, event_id)
        question = await Question.get_or_none(id=question_id, event_id=event_id)
        if question is None:
            raise NotFound()
        question.sensitive = sensitive
        await question.save(update_fields=["sensitive"])
        return question


async def remove_question(user: User, event_id: int, question_id: int) -> None:
    """Delete a question; answers already given stay in delegates' data. Side effects: row."""
    async with in_transaction():
        await locked_event_for(user, event_id)
        if not await Question.filter(id=question_id, event_id=event_id).delete():
            raise NotFound()


def _yes_no(raw: object) -> str:
    if raw is True or str(raw).strip().lower() in ("yes", "y", "true", "on", "1"):
        return YES
    if raw is False or str(raw).strip().lower() in ("no", "n", "false", "off", "0"):
        return NO
    return ""


def check_answers(
    questions: list[Question], answers: Mapping[str, object]
) -> tuple[dict[str, str], dict[str, str]]:
    """Cleaned answers keyed by question id, and errors keyed ``question_<id>``.

    Answers to unknown questions are dropped; a blank optional answer is left out.
    """
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for question in questions:
        key = str(question.id)
        raw = answers.get(key, answers.get(question.id, ""))  # type: ignore[call-overload]
        if question.kind == QuestionKind.YES_NO:
            value = _yes_no(raw) if raw not in ("", None) else ""
            if raw not in ("", None) and not value:
                errors[f"question_{key}"] = "Answer yes or no"
                continue
        elif question.kind == QuestionKind.CHOICE:
            value = one_line(str(raw or ""), 200)
            if value and value not in question.choice_list:
                errors[f"question_{key}"] = "Choose one of the options"
                continue
        else:
            value = one_line(str(raw or ""), MAX_ANSWER)
        if not value:
            if question.required:
                errors[f"question_{key}"] = "Answer this question"
            continue
        cleaned[key] = value
    return cleaned, errors
