"""What an organiser types into the draft (pages, API, imports) and the rules it must meet.

The dataclasses are what the services in ``plans.drafts`` take. The ``*_problems``
functions are the one set of checks, run by the services whatever the text came from:
a title is one line; no text holds NUL or another control character; nothing too long
is silently cut, it is refused with a message saying how long it may be. HTML and
formula-looking text (``<script>``, ``=cmd|``) are kept as typed: pages escape them and
spreadsheet exports neutralise them. The ``*_form`` readers keep every typed value so a
refused form is shown again as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from convenor.cleaning import clean_name, name_problem, text_problem
from directory.search.text import name_key

TITLE_CHARS = 300
TEXT_CHARS = 5_000  # why it matters, an action, a measure
SUMMARY_CHARS = 10_000
MAX_PARTNERS = 30
ALL_PARTNERS = {"all", "all partners"}
_SEPARATORS = re.compile(r"[;\n\r]+")


@dataclass
class PlanData:
    title: str
    partnership: str = ""
    period: str = ""
    summary: str = ""
    contact_email: str = ""


@dataclass
class PriorityData:
    title: str
    why: str = ""


@dataclass
class EvidenceData:
    value: str
    label: str
    period: str = ""
    source: str = ""


@dataclass(frozen=True)
class PartnerChoice:
    """An organisation chosen by its directory id, or typed by name."""

    name: str = ""
    entry_id: int | None = None


@dataclass
class ActionData:
    text: str
    measure: str = ""
    target_date: date | None = None
    all_partners: bool = False
    leads: list[PartnerChoice] = field(default_factory=list)
    supports: list[PartnerChoice] = field(default_factory=list)
    add_missing: bool = False  # names not in the directory become pending entries
    priority_id: int | None = None  # on update: move the action under this priority


def _line(errors: dict, name: str, text: str, limit: int, what: str, required: bool) -> None:
    if required and not text.strip():
        errors[name] = f"Enter {what}"
    elif problem := text_problem(text):
        errors[name] = problem
    elif len(text) > limit:
        errors[name] = f"Use {limit:,} characters or fewer (this has {len(text):,})"


def _text(errors: dict, name: str, text: str, limit: int, what: str, required: bool) -> None:
    if required and not text.strip():
        errors[name] = f"Enter {what}"
    elif problem := text_problem(text, multi_line=True):
        errors[name] = problem
    elif len(text) > limit:
        errors[name] = f"Use {limit:,} characters or fewer (this has {len(text):,})"


def plan_problems(data: PlanData) -> dict[str, str]:
    errors: dict[str, str] = {}
    _line(errors, "title", data.title, TITLE_CHARS, "the plan's title", True)
    _line(errors, "partnership", data.partnership, 200, "the partnership", True)
    _line(errors, "period", data.period, 40, "the period", False)
    _text(errors, "summary", data.summary, SUMMARY_CHARS, "a summary", False)
    email = data.contact_email
    _line(errors, "contact_email", email, 254, "an email address", False)
    if (
        "contact_email" not in errors
        and email
        and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)
    ):
        errors["contact_email"] = "Enter an email address like plans@example.org, or leave it empty"
    return errors


def priority_problems(data: PriorityData) -> dict[str, str]:
    errors: dict[str, str] = {}
    _line(errors, "title", data.title, TITLE_CHARS, "the priority's title", True)
    _text(errors, "why", data.why, TEXT_CHARS, "why it matters", False)
    return errors


def evidence_problems(data: EvidenceData) -> dict[str, str]:
    errors: dict[str, str] = {}
    _line(errors, "value", data.value, 100, "the figure (such as 11,079)", True)
    _line(errors, "label", data.label, 300, "what the figure counts", True)
    _line(errors, "period", data.period, 60, "the period", False)
    _line(errors, "source", data.source, 300, "the source", False)
    return errors


def _partner_problem(choices: list[PartnerChoice]) -> str | None:
    if len(choices) > MAX_PARTNERS:
        return f"Name at most {MAX_PARTNERS} organisations"
    for choice in choices:
        if choice.entry_id is None:
            if problem := name_problem(choice.name):
                return f"{problem} ({clean_name(choice.name)[:60]})"
            if len(choice.name) > 200:
                return "Keep each organisation's name to 200 characters or fewer"
            if not name_key(choice.name):
                return "Enter each organisation's name with letters or digits"
    return None


def action_problems(data: ActionData) -> dict[str, str]:
    errors: dict[str, str] = {}
    _text(errors, "text", data.text, TEXT_CHARS, "the action", True)
    _text(errors, "measure", data.measure, TEXT_CHARS, "the measure of success", False)
    for name in ("leads", "supports"):
        if problem := _partner_problem(getattr(data, name)):
            errors[name] = problem
    if data.all_partners and data.leads and "leads" not in errors:
        errors["leads"] = "Choose lead agencies or \u201cAll partners\u201d, not both"
    if data.target_date is not None and not date(2000, 1, 1) <= data.target_date <= date(
        2100, 12, 31
    ):
        errors["target_date"] = "Enter a target date between 2000 and 2100"
    return errors


def partner_names(text: str) -> list[str]:
    """Organisations typed one a line (or separated by semicolons), blanks dropped."""
    names = [" ".join(part.split()) for part in _SEPARATORS.split(text)]
    return list(dict.fromkeys(n for n in names if n))


def split_all_partners(names: list[str]) -> tuple[bool, list[str]]:
    """("All" or "All partners" typed as a lead) -> all_partners, the other names."""
    others = [n for n in names if n.casefold() not in ALL_PARTNERS]
    return len(others) != len(names), others


def parse_date(text: str) -> tuple[date | None, str | None]:
    """A date typed as YYYY-MM-DD (what a date input sends) or DD/MM/YYYY; or a message."""
    text = text.strip()
    if not text:
        return None, None
    found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    parts = (found.group(1), found.group(2), found.group(3)) if found else None
    if parts is None and (found := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)):
        parts = (found.group(3), found.group(2), found.group(1))
    if parts is not None:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2])), None
        except ValueError:
            pass
    return None, "Enter a real date, such as 2027-03-31"


# -- Reading the pages' forms -------------------------------------------------


@dataclass
class Form:
    values: dict[str, str]
    data: object
    errors: dict[str, str] = field(default_factory=dict)


def _get(form: Mapping, name: str, limit: int = 20_000) -> str:
    value = form.get(name, "")
    return str(value)[:limit] if isinstance(value, str) else ""


def plan_form(form: Mapping) -> Form:
    names = ("title", "partnership", "period", "summary", "contact_email")
    values = {name: _get(form, name) for name in names}
    data = PlanData(**{name: values[name].strip() for name in names})
    return Form(values, data)


def priority_form(form: Mapping) -> Form:
    values = {name: _get(form, name) for name in ("title", "why")}
    return Form(values, PriorityData(values["title"].strip(), values["why"].strip()))


def evidence_form(form: Mapping) -> Form:
    values = {name: _get(form, name) for name in ("value", "label", "period", "source")}
    return Form(values, EvidenceData(**{k: v.strip() for k, v in values.items()}))


def action_form(form: Mapping) -> Form:
    names = ("text", "measure", "target_date", "leads", "supports", "priority_id")
    values = {name: _get(form, name) for name in names}
    values["all_partners"] = "yes" if _get(form, "all_partners") else ""
    values["add_missing"] = "yes" if _get(form, "add_missing") else ""
    errors: dict[str, str] = {}
    target, problem = parse_date(values["target_date"])
    if problem:
        errors["target_date"] = problem
    typed_all, leads = split_all_partners(partner_names(values["leads"]))
    priority = values["priority_id"].strip()
    data = ActionData(
        text=values["text"].strip(),
        measure=values["measure"].strip(),
        target_date=target,
        all_partners=bool(values["all_partners"]) or typed_all,
        leads=[PartnerChoice(name) for name in leads],
        supports=[PartnerChoice(name) for name in partner_names(values["supports"])],
        add_missing=bool(values["add_missing"]),
        priority_id=int(priority) if priority.isdigit() and len(priority) < 10 else None,
    )
    return Form(values, data, errors)


def moved_direction(form: Mapping) -> str:
    """ "up" or "down" from a Move button; anything else is "" (refused)."""
    direction = _get(form, "direction", 10)
    return direction if direction in ("up", "down") else ""
