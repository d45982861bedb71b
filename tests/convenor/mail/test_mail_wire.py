"""The direct serialiser (convenor.mail.wire) against the stdlib builder it replaces.

For every input below, ``message_bytes`` must give what
``message_to_bytes(build_message(...))`` gives: the same bytes once the random
boundaries are named alike, and the same message when both are read back by the
stdlib parser (headers decoded, parts, parameters, decoded bodies).
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from convenor.mail.message import CalendarPart, build_message, message_to_bytes
from convenor.mail.outbox import RenderedEmail, message_for, queue_email
from convenor.mail.wire import message_bytes
from tests.convenor.factories import ICS, WHEN
from tests.convenor.mail.samples import invite_ics

SENDER = "Convenor <noreply@example.org>"
CANCEL_ICS = ICS.replace(b"METHOD:REQUEST", b"METHOD:CANCEL")
LONG_LINE = "Manage your registration: https://summit.example.org/i/" + "a1B2c3D4" * 9
BASE = {
    "sender": SENDER,
    "to": "ann@example.com",
    "to_name": "Ann Lee",
    "subject": "You are invited",
    "text": "Dear Ann,\nplease come.\n",
    "html": "<p>Dear Ann,</p><p>please come.</p>",
    "calendar": CalendarPart("REQUEST", ICS),
    "reply_to": "events@example.org",
    "message_id": "<inv-1@example.org>",
    "date": WHEN,
}
CASES = {
    "invitation": {},
    "text only": {"html": None, "calendar": None},
    "text and html": {"calendar": None},
    "text and calendar": {"html": None},
    "cancel without attachment": {"calendar": CalendarPart("CANCEL", CANCEL_ICS, attach=False)},
    "real calendar file": {"calendar": CalendarPart("REQUEST", invite_ics())},
    "no name, no reply-to": {"to_name": "", "reply_to": None},
    "accented name": {"to_name": "Zo\u00eb \u00d3 Br\u00edain"},
    "polish name": {"to_name": "\u0141ukasz \u017b\u00f3\u0142\u0107"},
    "chinese name": {"to_name": "\u738b\u5c0f\u660e"},
    "arabic name": {"to_name": "\u0645\u062d\u0645\u062f \u0639\u0644\u064a"},
    "emoji in name": {"to_name": "Ann \U0001f389 Lee"},
    "long accented name": {"to_name": "Ren\u00e9e-Fran\u00e7oise " * 8},
    "long ascii name": {"to_name": "Annabel Christabel Lee-Montgomery " * 4},
    "name with dot": {"to_name": "Dr. Ann Lee"},
    "name with comma": {"to_name": "Lee, Ann"},
    "name with quotes": {"to_name": 'Ann "Nan" Lee'},
    "name with parentheses": {"to_name": "Ann Lee (chair)"},
    "name like encoded word": {"to_name": "=?utf-8?q?Eve?="},
    "name with header injection": {"to_name": 'Eve "\r\nBcc: x@example.com'},
    "subject with header injection": {"subject": "Hello\r\nBcc: x@example.com\r\n\r\nbody"},
    "accented subject": {"subject": "Caf\u00e9 summit \u2014 programme"},
    "long accented subject": {"subject": "Caf\u00e9 summit \u2014 programme " * 6},
    "long ascii subject": {"subject": "You are on the waiting list: " + "Serious Violence " * 9},
    "subject of 69 characters": {"subject": "x" * 34 + " " + "y" * 34},
    "subject that just fits": {"subject": "x" * 34 + " " + "y" * 34 + "z"},
    "subject one over the line": {"subject": "x" * 35 + " " + "y" * 34},
    "subject with a long word": {"subject": "Word " + "w" * 90 + " end"},
    "subject like encoded word": {"subject": "=?utf-8?q?not_encoded?= really"},
    "subject with tab and newline": {"subject": "A\tB\nC"},
    "accented text": {"text": "Caf\u00e9 at 9\u202fam\n" * 3},
    "ascii text with a long line": {"text": f"Dear Ann,\n{LONG_LINE}\n"},
    "ten long lines": {"text": f"{LONG_LINE}\n" * 10},
    "eleven long lines": {"text": f"{LONG_LINE}\n" * 11},
    "base64-worthy text": {"text": "=" * 200 + "\n"},
    "text with CRLF and CR": {"text": "one\r\ntwo\rthree\n"},
    "text without final newline": {"text": "no newline at the end"},
    "text with From and dot lines": {"text": "From here\n.\n--\n"},
    "empty text": {"text": ""},
    "accented html with a long line": {"html": "<p>" + "Caf\u00e9 " * 40 + "</p>"},
    "idna recipient": {"to": "ann@b\u00fccher.example"},
    "recipient with plus and capitals": {"to": "Ann.Lee+summit@Example.ORG"},
    "long message id": {"message_id": "<" + "m" * 80 + "@example.org>"},
    "message id with specials": {"message_id": "<a!b#c@example.org>"},
    "date east of utc": {
        "date": datetime(2026, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=5.5)))
    },
    "date west of utc": {
        "date": datetime(2026, 12, 1, 23, 59, 59, tzinfo=timezone(timedelta(hours=-8)))
    },
    "extra headers": {"headers": {"X-Convenor-Category": "Caf\u00e9 " * 30, "X-Plain": "yes"}},
    "sender without name": {"sender": "noreply@example.org"},
    "sender with accented name": {"sender": "Conf\u00e9rence <noreply@example.org>"},
}
BOUNDARY = re.compile(rb"={15}\d{19}==")


def boundaries_named(raw: bytes) -> bytes:
    """The message with each distinct boundary replaced by a name in order of use."""
    seen: dict[bytes, int] = {}
    return BOUNDARY.sub(lambda m: b"BOUNDARY-%d" % seen.setdefault(m.group(0), len(seen)), raw)


def anatomy(raw: bytes) -> list:
    """What a reader sees: each part's headers (decoded), type, parameters and content."""
    seen = []
    for part in message_from_bytes(raw, policy=policy.SMTP).walk():
        headers = [(k, str(v)) for k, v in part.items() if k.lower() != "content-type"]
        params = {k: v for k, v in part["Content-Type"].params.items() if k != "boundary"}
        content = None if part.is_multipart() else part.get_content()
        defects = [type(d).__name__ for d in part.defects]
        seen.append((headers, part.get_content_type(), params, content, defects))
    return seen


def both(**overrides) -> tuple[bytes, bytes]:
    values = {**BASE, **overrides}
    return message_to_bytes(build_message(**values)), message_bytes(**values)


@pytest.mark.parametrize("case", CASES)
def test_message_bytes_reads_back_like_the_stdlib_message(case):
    old, new = both(**CASES[case])

    assert anatomy(new) == anatomy(old)


@pytest.mark.parametrize("case", CASES)
def test_message_bytes_equal_the_stdlib_bytes_apart_from_boundaries(case):
    old, new = both(**CASES[case])

    assert boundaries_named(new) == boundaries_named(old)


@pytest.mark.parametrize("case", CASES)
def test_message_bytes_are_seven_bit_with_crlf_lines(case):
    _, new = both(**CASES[case])

    assert new.isascii()
    assert b"\n" not in new.replace(b"\r\n", b"")
    assert b"\r" not in new.replace(b"\r\n", b"")


@pytest.mark.parametrize("seed", range(4))
def test_message_bytes_fold_random_ascii_subjects_and_names_like_the_stdlib(seed):
    chance = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'-.,\"()"
    for _ in range(100):
        sizes = [chance.choice([1, 2, 5, 9, 14, 30, 60, 75, 76, 77, 80]) for _ in range(12)]
        words = ["".join(chance.choices(letters[:62], k=size)) for size in sizes]
        subject = " ".join(words[: chance.randint(1, 12)])
        name = " ".join("".join(chance.choices(letters, k=chance.randint(1, 12))) for _ in "ab")

        old, new = both(subject=subject, to_name=name, html=None, calendar=None)

        assert boundaries_named(new) == boundaries_named(old), (subject, name)


def test_message_bytes_injected_name_adds_no_header_or_recipient():
    _, new = both(to_name='Eve "\r\nBcc: x@example.com', html=None, calendar=None)

    parsed = message_from_bytes(new, policy=policy.SMTP)
    assert "Bcc" not in parsed
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [
        ('Eve " Bcc: x@example.com', "ann@example.com")
    ]


def test_message_bytes_keeps_calendar_bytes_exactly():
    ics = invite_ics()
    _, new = both(calendar=CalendarPart("REQUEST", ics))

    parsed = message_from_bytes(new, policy=policy.SMTP)
    calendars = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    attachments = [p for p in parsed.walk() if p.get_content_type() == "application/ics"]
    assert calendars[0].get_payload(decode=True) == ics
    assert calendars[0].get_param("method") == "REQUEST"
    assert attachments[0].get_payload(decode=True) == ics


def test_message_bytes_pick_a_boundary_that_no_body_contains(monkeypatch):
    taken = "=" * 15 + "7".zfill(19) + "=="
    tokens = iter([7, 8])
    monkeypatch.setattr("convenor.mail.wire.random.randrange", lambda _: next(tokens))

    new = message_bytes(**{**BASE, "calendar": None, "text": f"--{taken}\n"})

    assert b'boundary="' + taken.encode() not in new
    assert b'boundary="=' + b"=" * 14 + b"8".zfill(19) + b'=="' in new


@pytest.mark.parametrize(
    "overrides",
    [
        {"to": "not an address"},
        {"to": "ann@localhost"},
        {"sender": "Convenor <nobody>"},
        {"subject": " \r\n "},
        {"date": datetime(2026, 3, 1, 12, 0)},
        {"message_id": "no-angle-brackets@example.org"},
        {"headers": {"Bcc": "x@example.com"}},
        {"calendar": CalendarPart("CANCEL", ICS)},
    ],
)
def test_message_bytes_refuse_what_build_message_refuses(overrides):
    values = {**BASE, **overrides}
    with pytest.raises(ValueError) as old:
        build_message(**values)

    with pytest.raises(type(old.value), match=re.escape(str(old.value))):
        message_bytes(**values)


async def test_queued_row_holds_the_stdlib_message_for_that_row(app):
    rendered = RenderedEmail(
        subject="Caf\u00e9 summit: you are registered for the partners' consultation day",
        text=f"Dear Zo\u00eb,\n{LONG_LINE}\n",
        html="<p>Dear Zo\u00eb,</p>",
    )

    row = await queue_email(
        to="zoe@example.com",
        to_name="Zo\u00eb Lee",
        rendered=rendered,
        mail_from=SENDER,
        calendar=CalendarPart("REQUEST", invite_ics()),
        reply_to="events@example.org",
    )

    assert row.created_at.tzinfo is not None and row.created_at <= datetime.now(UTC)
    expected = message_to_bytes(message_for(row, SENDER))
    assert boundaries_named(row.raw_message.encode()) == boundaries_named(expected)
