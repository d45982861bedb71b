"""Reading directory forms (and JSON bodies and CSV rows) into plain dataclasses.

``entry_from_mapping`` checks each field and returns the data with a dict of errors
keyed by field name, so a form can be shown again with every message next to its
field and everything the user typed kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from convenor.cleaning import name_problem, text_problem
from directory.models import Kind

MAX_SERVICES = 10
LIMITS = {
    "name": 200,
    "alternate_names": 2000,
    "description": 5000,
    "website": 300,
    "email": 254,
    "phone": 40,
    "address": 500,
    "town": 100,
    "postcode": 10,
    "charity_number": 20,
    "company_number": 20,
    "opening_times": 1000,
    "accessibility": 1000,
    "languages": 300,
    "contact_name": 200,
    "contact_email": 254,
}
TEXT_FIELDS = tuple(LIMITS)
# Names reach email headers and subjects: one line, no encoded-word lookalike.
NAME_FIELDS = ("name", "contact_name")
SERVICE_FIELDS = ("name", "description", "who_for", "how_to_access")
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
PHONE = re.compile(r"^[0-9 +()\-]{6,40}$")


@dataclass
class ServiceData:
    name: str = ""
    description: str = ""
    who_for: str = ""
    how_to_access: str = ""


@dataclass
class EntryData:
    """An entry as typed: every field a string, so a form can show it back unchanged."""

    kind: str = ""
    name: str = ""
    alternate_names: str = ""
    description: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    town: str = ""
    postcode: str = ""
    hide_address: bool = False
    charity_number: str = ""
    company_number: str = ""
    opening_times: str = ""
    accessibility: str = ""
    languages: str = ""
    contact_name: str = ""
    contact_email: str = ""
    themes: list[str] = field(default_factory=list)  # slugs
    areas: list[str] = field(default_factory=list)  # slugs
    services: list[ServiceData] = field(default_factory=list)


def _text(source: Mapping, name: str) -> str:
    value = source.get(name, "")
    return "" if value is None else str(value).strip()


def _list(source: Mapping, name: str) -> list[str]:
    getlist = getattr(source, "getlist", None)
    values = getlist(name) if getlist else source.get(name, [])
    if isinstance(values, str):
        values = [v for v in re.split(r"[;|]", values)]
    return [str(v).strip() for v in values if str(v).strip()]


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value.upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def website_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _services(source: Mapping) -> list[ServiceData]:
    if isinstance(source.get("services"), list):
        return [
            ServiceData(**{k: str(item.get(k, "") or "").strip() for k in SERVICE_FIELDS})
            for item in source["services"]
            if isinstance(item, Mapping)
        ]
    services = []
    for i in range(MAX_SERVICES):
        data = ServiceData(**{k: _text(source, f"service-{i}-{k}") for k in SERVICE_FIELDS})
        if any(vars(data).values()):
            services.append(data)
    return services


def entry_from_mapping(
    source: Mapping, *, require_contact: bool = False
) -> tuple[EntryData, dict[str, str]]:
    """Read and check an entry; returns the data as typed and errors by field name."""
    data = EntryData(**{name: _text(source, name) for name in ("kind", *TEXT_FIELDS)})
    data.hide_address = _text(source, "hide_address").lower() in ("1", "on", "true", "yes")
    data.themes, data.areas = _list(source, "themes"), _list(source, "areas")
    data.services = _services(source)
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            errors[name] = f"Use {limit} characters or fewer"
    if data.kind not in {k.value for k in Kind}:
        errors["kind"] = "Choose what kind of organisation this is"
    if not data.name:
        errors["name"] = "Enter the name of the organisation or network"
    if not data.description:
        errors["description"] = "Describe what the organisation or network does"
    if data.website:
        if not re.match(r"^https?://", data.website, re.I):
            data.website = f"https://{data.website}"
        if not website_domain(data.website) or "." not in website_domain(data.website):
            errors["website"] = "Enter a web address like https://example.org"
    for name in ("email", "contact_email"):
        if getattr(data, name):
            try:
                checked = validate_email(getattr(data, name), check_deliverability=False)
                setattr(data, name, checked.normalized)
            except EmailNotValidError:
                errors[name] = "Enter an email address like name@example.org"
    if data.phone and not PHONE.match(data.phone):
        errors["phone"] = "Enter a phone number using digits, spaces and + ( ) -"
    if data.postcode:
        if not POSTCODE.match(normalise_postcode(data.postcode)):
            errors["postcode"] = "Enter a UK postcode like SO14 7LY"
        else:
            data.postcode = normalise_postcode(data.postcode)
    if require_contact:
        if not data.contact_name:
            errors["contact_name"] = "Enter the name of the person we can contact"
        if not data.contact_email and "contact_email" not in errors:
            errors["contact_email"] = "Enter the email address we should send the link to"
    for i, service in enumerate(data.services):
        if not service.name:
            errors[f"service-{i}-name"] = "Enter the name of the service"
    errors.update(_text_problems(data))
    return data, errors


def _text_problems(data: EntryData) -> dict[str, str]:
    """Control characters (NUL...) anywhere, and names that are not one clean line."""
    problems = {}
    for name in TEXT_FIELDS:
        value = getattr(data, name)
        if name in NAME_FIELDS:
            problem = name_problem(value)
        else:
            problem = text_problem(value, multi_line=True)
        if problem:
            problems[name] = problem
    for name in ("themes", "areas"):
        if any(text_problem(value) for value in getattr(data, name)):
            problems[name] = "Choose from the list"
    for i, service in enumerate(data.services):
        for key in SERVICE_FIELDS:
            problem = text_problem(getattr(service, key), multi_line=True)
            if problem:
                problems[f"service-{i}-{key}"] = problem
    return problems


@dataclass
class Decision:
    """A moderator's reason, as typed."""

    reason: str = ""


def reason_from_mapping(source: Mapping) -> tuple[Decision, dict[str, str]]:
    reason = _text(source, "reason")
    problem = text_problem(reason, multi_line=True)
    if problem:
        return Decision(reason), {"reason": problem}
    if not reason:
        return Decision(reason), {"reason": "Enter the reason, which is emailed to the group"}
    if len(reason) > 2000:
        return Decision(reason), {"reason": "Use 2000 characters or fewer"}
    return Decision(reason), {}
