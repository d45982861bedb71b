"""Reading the consultation's forms into plain data, with a message per bad field.

Field names of the response form: ``capacity``, ``organisation``, ``name``,
``may_quote``; for each action ``a-<ref>-support`` (1-5, or empty for "no view") and
``a-<ref>-comment``; for each priority ``p-<ref>-comment`` and ``p-<ref>-missing``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from convenor.cleaning import name_problem, text_problem
from convenor.templating import DEFAULT_TZ
from events.forms import local_input, parse_local
from plans.consultation import ConsultationSettings
from plans.models import Capacity, Plan


@dataclass(frozen=True)
class AnswerData:
    """One priority's or action's answer: support 1-5 or None ("no view"), texts."""

    support: int | None = None
    comment: str = ""
    missing: str = ""

    @property
    def empty(self) -> bool:
        return self.support is None and not self.comment and not self.missing


@dataclass
class ResponseData:
    """A response as typed: about the respondent, and answers by target
    (``priority:<ref>`` or ``action:<ref>``)."""

    capacity: Capacity | None = None
    organisation: str = ""
    may_quote: bool = False
    name: str = ""
    answers: dict[str, AnswerData] = field(default_factory=dict)


MAX_COMMENT = 5000
MAX_NAME = 200


def _text(form: Mapping, name: str, limit: int) -> str:
    value = form.get(name, "")
    return str(value)[:limit] if value is not None else ""


def _ticked(form: Mapping, name: str) -> bool:
    return _text(form, name, 10) in ("yes", "on", "true", "1")


FIELD = re.compile(r"([ap])-([A-Za-z0-9_-]{1,12})-(support|comment|missing)")
MAX_FIELDS = 2000  # a plan of many hundred actions; more keys than that are ignored


def response_from_form(form: Mapping) -> tuple[ResponseData, dict[str, str]]:
    """The response as typed (kept whole for the page again) and the fields' problems.
    Answers are keyed by target (``priority:<ref>``, ``action:<ref>``); the service
    keeps only those of the plan's current priorities and actions."""
    errors: dict[str, str] = {}
    data = ResponseData()
    capacity = _text(form, "capacity", 40)
    if capacity:
        try:
            data.capacity = Capacity(capacity)
        except ValueError:
            errors["capacity"] = "Choose one of the capacities listed"
    data.organisation = " ".join(_text(form, "organisation", MAX_NAME + 1).split())
    data.name = " ".join(_text(form, "name", MAX_NAME + 1).split())
    for name in ("organisation", "name"):
        value = getattr(data, name)
        if len(value) > MAX_NAME:
            errors[name] = f"Enter at most {MAX_NAME} characters"
        elif problem := name_problem(value):
            errors[name] = problem
    data.may_quote = _ticked(form, "may_quote")
    said: dict[str, dict[str, object]] = {}
    for number, key in enumerate(form.keys()):
        match = FIELD.fullmatch(str(key)) if number < MAX_FIELDS else None
        if match is None:
            continue
        letter, ref, part = match.groups()
        target = f"{'action' if letter == 'a' else 'priority'}:{ref}"
        if part == "support":
            raw = _text(form, key, 4).strip()
            if raw and raw not in ("1", "2", "3", "4", "5"):
                errors[key] = "Choose how far you support this action, or No view"
            elif raw:
                said.setdefault(target, {})["support"] = int(raw)
            continue
        value = _text(form, key, MAX_COMMENT + 1).strip()
        if len(value) > MAX_COMMENT:
            errors[key] = f"Enter at most {MAX_COMMENT} characters"
        elif problem := text_problem(value, multi_line=True):
            errors[key] = problem
        said.setdefault(target, {})[part] = value
    for target, parts in said.items():
        answer = AnswerData(
            parts.get("support"),  # type: ignore[arg-type]
            str(parts.get("comment", "")),
            str(parts.get("missing", "")),
        )
        if not answer.empty:
            data.answers[target] = answer
    return data, errors


def settings_values(plan: Plan) -> dict[str, str]:
    """The consultation settings form's values from the plan."""
    return {
        "opens_at": local_input(plan.opens_at, DEFAULT_TZ),
        "closes_at": local_input(plan.closes_at, DEFAULT_TZ),
        "partners_may_respond": "yes" if plan.partners_may_respond else "",
        "public_may_respond": "yes" if plan.public_may_respond else "",
    }


def settings_from_form(
    form: Mapping,
) -> tuple[ConsultationSettings, dict[str, str], dict[str, str]]:
    """The consultation settings as typed: the data (times in the plan's zone, London),
    the values to show again and the fields' problems."""
    values = {name: _text(form, name, 40) for name in ("opens_at", "closes_at")}
    values["partners_may_respond"] = "yes" if _ticked(form, "partners_may_respond") else ""
    values["public_may_respond"] = "yes" if _ticked(form, "public_may_respond") else ""
    errors = {}
    times = {}
    for name, example in (("opens_at", "2027-06-09 09:30"), ("closes_at", "2027-09-01 17:00")):
        times[name] = parse_local(values[name], DEFAULT_TZ) if values[name].strip() else None
        if values[name].strip() and times[name] is None:
            errors[name] = f"Enter a date and time like {example}"
    data = ConsultationSettings(
        opens_at=times["opens_at"],
        closes_at=times["closes_at"],
        partners_may_respond=bool(values["partners_may_respond"]),
        public_may_respond=bool(values["public_may_respond"]),
    )
    return data, values, errors
