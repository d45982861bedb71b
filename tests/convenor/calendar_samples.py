"""Sample events and a vobject-based reader shared by the calendar tests."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import vobject
import vobject.icalendar

from convenor.calendar import CalendarEvent

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def event(**overrides) -> CalendarEvent:
    values = {
        "uid": "summit-2026@convenor.example.org",
        "sequence": 3,
        "start": datetime(2026, 3, 28, 9, 0, tzinfo=LONDON),
        "end": datetime(2026, 3, 28, 16, 30, tzinfo=LONDON),
        "summary": "Serious Violence delivery plan: partners' summit",
        "description": "Agenda:\n1. Welcome\n2. Workshops",
        "location": "Council House, Committee Room 1",
        "url": "https://convenor.example.org/e/summit-2026",
        "organizer_email": "events@example.org",
        "organizer_name": "Community Safety Partnership",
        "attendee_email": "ann@example.com",
        "attendee_name": "Ann Lee",
        "dtstamp": STAMP,
    }
    values.update(overrides)
    return CalendarEvent(**values)


def parse(ics: bytes):
    """Parse with vobject, forgetting zones it saw before so it must use this file's VTIMEZONE."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    for tzid in [key for key in registry if key != "UTC"]:
        del registry[tzid]
    return vobject.readOne(ics.decode("utf-8"))


def utc_start(ics: bytes, index: int = 0) -> datetime:
    start = parse(ics).vevent_list[index].dtstart.value
    return start.astimezone(UTC)


def lines(ics: bytes) -> list[str]:
    """Unfolded content lines."""
    return ics.decode("utf-8").replace("\r\n ", "").split("\r\n")
