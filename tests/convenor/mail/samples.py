"""Sample messages shared by the mail tests."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from convenor.calendar import CalendarEvent, build_invite
from convenor.mail.message import build_message

LONDON = ZoneInfo("Europe/London")


def invite_ics() -> bytes:
    event = CalendarEvent(
        uid="summit-2026@convenor.example.org",
        sequence=0,
        start=datetime(2026, 3, 28, 9, 0, tzinfo=LONDON),
        end=datetime(2026, 3, 28, 16, 30, tzinfo=LONDON),
        summary="Serious Violence delivery plan \u2014 partners' summit",
        description="Agenda:\n1. Welcome\n2. Workshops",
        location="Council House, Committee Room 1",
        organizer_email="events@example.org",
        organizer_name="Community Safety Partnership",
        attendee_email="ann@example.com",
        attendee_name="Ann Lee",
        dtstamp=datetime(2026, 2, 1, tzinfo=UTC),
    )
    return build_invite([event], "REQUEST")


def message(to: str = "ann@example.com", number: int = 1, **overrides) -> EmailMessage:
    values = {
        "sender": "Convenor <noreply@example.org>",
        "to": to,
        "to_name": "Ann Lee",
        "subject": f"Invitation {number}",
        "text": "Dear Ann,\nyou are invited.\n",
        "message_id": f"<invitation-{number}@example.org>",
    }
    values.update(overrides)
    return build_message(**values)
