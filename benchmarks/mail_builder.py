"""Time to build one message's bytes at queue time (``convenor.mail.wire.message_bytes``).

Issue 15 made the header writer encode unusual display names and subjects itself and
check every message's headers before it is queued; this measures what that costs for
ordinary messages (plain name, ASCII subject) and for unusual ones (accented name,
a name with a comma). Prints the minimum of ``--rounds`` rounds of ``--count`` builds,
in microseconds a message. The recipient changes every message, so the address check
is not served from its cache.

    .venv/bin/python benchmarks/mail_builder.py [--rounds 5] [--count 2000]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from convenor.mail.message import CalendarPart
from convenor.mail.wire import message_bytes

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nMETHOD:REQUEST\r\n"
    b"BEGIN:VEVENT\r\nUID:bench@example.org\r\nDTSTAMP:20270101T000000Z\r\n"
    b"DTSTART:20270609T083000Z\r\nDTEND:20270609T153000Z\r\nSUMMARY:Summit\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)
TEXT_ONLY = {"html": None, "calendar": None}
CASES = {
    "plain name, text only": {"to_name": "Ann Lee", **TEXT_ONLY},
    "plain name, text + html + invite": {"to_name": "Ann Lee"},
    "accented name, text only": {"to_name": "Zo\u00eb \u00d3 Br\u00edain", **TEXT_ONLY},
    "name with a comma, text only": {"to_name": "Lee, Ann", **TEXT_ONLY},
}


def build(count: int, overrides: dict) -> float:
    start = time.perf_counter()
    for n in range(count):
        values = {
            "sender": "Convenor <noreply@example.org>",
            "to": f"delegate{n}@partner{n % 97}.example.org",
            "subject": "You are registered: Serious Violence Delivery Plan Conference",
            "text": "Dear Ann,\nyou are registered.\n" * 10,
            "html": "<p>Dear Ann,</p><p>you are registered.</p>" * 10,
            "calendar": CalendarPart("REQUEST", ICS),
            "reply_to": "events@example.org",
            "message_id": f"<m{n}@example.org>",
            "date": datetime(2027, 6, 1, 9, 0, tzinfo=UTC),
        }
        message_bytes(**{**values, **overrides})
    return (time.perf_counter() - start) / count * 1e6


def main(rounds: int, count: int) -> None:
    for label, overrides in CASES.items():
        best = min(build(count, overrides) for _ in range(rounds))
        print(f"{label:36s} {best:7.1f} us a message")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--count", type=int, default=2000)
    args = parser.parse_args()
    main(args.rounds, args.count)
