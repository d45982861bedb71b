"""Plain values the event services take, and small helpers for cleaning typed text.

Forms and the JSON API read requests into these dataclasses; the services check them
and raise ``Invalid`` with a message per field. Times must be aware (``from_local``
turns a time typed in the event's zone into one).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from convenor.cleaning import clean_name
from events.models import (
    DEFAULT_PURGE_DAYS,
    DEFAULT_REMINDER_HOURS,
    DEFAULT_TIME_ZONE,
    Visibility,
)


@dataclass
class EventData:
    title: str = ""
    summary: str = ""
    description: str = ""  # Markdown
    organising_body: str = ""
    contact_email: str = ""
    venue_name: str = ""
    venue_address: str = ""
    venue_postcode: str = ""
    venue_access: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: str = DEFAULT_TIME_ZONE
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    visibility: str = Visibility.INVITE_ONLY.value
    substitutes_need_approval: bool = True
    purge_after_days: int = DEFAULT_PURGE_DAYS
    reminders_enabled: bool = True
    reminder_hours_before: int = DEFAULT_REMINDER_HOURS


@dataclass
class InviteeData:
    name: str = ""
    email: str = ""
    organisation: str = ""
    job_title: str = ""


@dataclass
class RegistrationData:
    """What a delegate types on the registration form; the email comes from the invitation."""

    name: str = ""
    job_title: str = ""
    organisation: str = ""
    # Chosen from the directory; when None, a typed organisation is recorded there.
    organisation_entry_id: int | None = None
    # What kind of organisation a typed one is (a directory kind value), or "".
    organisation_kind: str = ""
    dietary: str = ""
    access_needs: str = ""
    consent_to_list: bool = False
    answers: dict[str, str] = field(default_factory=dict)  # question id -> answer


@dataclass
class QuestionData:
    kind: str = ""
    label: str = ""
    help_text: str = ""
    choices: str = ""  # one per line, for a choice question
    required: bool = False
    sensitive: bool = False  # purged after the event; reads logged (see events.privacy)


@dataclass
class NominationData:
    """A community group a delegate tells us of, as typed: ``kind`` is a directory kind
    value or "" (not known), ``area`` an area's slug from the directory or ""."""

    name: str = ""
    kind: str = ""
    what_they_do: str = ""
    area: str = ""
    website: str = ""
    contact_name: str = ""
    contact_email: str = ""


@dataclass
class SubstituteData:
    name: str = ""
    email: str = ""
    job_title: str = ""


def one_line(text: str | None, limit: int) -> str:
    """User text for a one-line field: no controls or format characters, single spaces,
    no encoded-word lookalike (names and titles reach email headers), at most ``limit``."""
    return clean_name(text or "")[:limit].strip()


def multi_line(text: str | None, limit: int) -> str:
    """User text that may keep its line breaks; other controls are dropped."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = [
        "".join(c for c in line if c == "\t" or unicodedata.category(c)[0] != "C").rstrip()
        for line in lines
    ]
    return "\n".join(kept).strip()[:limit]


def aware_utc(moment: datetime | None) -> datetime | None:
    """An aware time in UTC; a naive one reaching a service is a bug, not a user error."""
    if moment is None:
        return None
    if moment.utcoffset() is None:
        raise ValueError("naive datetime reached the events service")
    return moment.astimezone(UTC)


def from_local(moment: datetime, time_zone: str = DEFAULT_TIME_ZONE) -> datetime:
    """A wall-clock time typed in the event's zone, as aware UTC (for forms)."""
    return moment.replace(tzinfo=ZoneInfo(time_zone)).astimezone(UTC)


def valid_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
