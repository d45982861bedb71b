"""Hostile names and subjects through both builders (issue 15).

Each name is the recipient's display name and each subject the message's subject, once
through the fast writer (``convenor.mail.wire.message_bytes``) and once through the
stdlib path (``build_message`` + ``message_to_bytes``). Read back by two parsers (the
stdlib's ``email.policy.default`` and the legacy ``email.utils.getaddresses``), the
message has exactly the one intended To address, no Cc or Bcc, no other headers than
the builder's own, the subject given and the body given.
"""

from __future__ import annotations

import base64
from email import message_from_bytes, policy
from email.utils import getaddresses

import pytest

from convenor.mail import wire
from convenor.mail.headers import Written, address_header, check_headers
from convenor.mail.message import (
    CalendarPart,
    build_message,
    clean_header,
    message_to_bytes,
)
from convenor.mail.wire import message_bytes
from tests.convenor.factories import ICS, WHEN


def b_word(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


HOSTILE = {
    "b-encoded word hiding CRLF Bcc": b_word("Eve\r\nBcc: x@evil.example"),
    "q-encoded word hiding CRLF Bcc": "=?utf-8?q?Eve=0D=0ABcc:_x@evil.example?=",
    "q-encoded word hiding LF Bcc": "=?utf-8?q?Eve=0ABcc:_x@evil.example?=",
    "encoded word hiding a new body": b_word("Eve\r\n\r\nYour account is locked, log in at"),
    "encoded word hiding Reply-To": b_word("Eve\r\nReply-To: x@evil.example"),
    "encoded word hiding a second To": b_word("Eve <x@evil.example>, Ann"),
    "latin-1 encoded word and address": "=?iso-8859-1?q?=E9ve?= <x@evil.example>",
    "raw CRLF Bcc": "Eve\r\nBcc: x@evil.example",
    "raw LF alone": "Eve\nBcc: x@evil.example",
    "raw CR alone": "Eve\rBcc: x@evil.example",
    "folded CRLF": "Eve\r\n Bcc: x@evil.example",
    "CRLF CRLF body": "Eve\r\n\r\nnew body",
    "long name holding an address list": "A" * 40 + " <evil@example.com>, Bob",
    "long spaced name holding an address": "A " * 27 + "<evil@example.com>, Bob",
    "accented long name holding an address": "\u00e9" * 120 + " <evil@example.com>, Bob",
    "comma and angle brackets": "Eve, Mallory <m@evil.example>",
    "quoted address": '"Eve" <x@evil.example>',
    "bare angle address": "Eve <x@evil.example>",
    "address list": ", ".join(f"<p{i}@evil.example>" for i in range(10)),
    "bare addresses": "x@evil.example, y@evil.example",
    "quotes and backslashes": 'Ann "Nan\\" Lee \\ \\\\',
    "only quotes": '"' * 50,
    "comment holding an address": "Ann (comment <x@evil.example>) Lee",
    "group syntax": "Friends: x@evil.example, y@evil.example;",
    "NUL byte": "Eve\x00Bcc: x@evil.example",
    "other controls": "Eve\x07\x1b[31m\x7fLee",
    "very long name": "Z" * 300,
    "very long words with spaces": ("W" * 70 + " ") * 5,
    "RTL override": "\u202eEve\u202c evil.example@",
    "emoji and joiners": "Ann \U0001f389\U0001f468\u200d\U0001f469\u200d\U0001f467 Lee",
    "mixed scripts": "\u0396\u03c9\u03ae \u0141ukasz \u738b\u5c0f\u660e \u0645\u062d\u0645\u062f",
    "looks like a Bcc header": "Bcc: x@evil.example",
    "looks like a To header": "To: x@evil.example",
    "looks like Reply-To": "Reply-To: x@evil.example",
    "q-word lookalike": "=?utf-8?q?not_encoded?=",
    "many q-word lookalikes": " ".join(["=?utf-8?q?a?="] * 20),
    "unicode line separator": "Eve\u2028Bcc: x@evil.example",
    "next line control": "Eve\u0085Bcc: x@evil.example",
    "tabs": "\t\tAnn\t Lee\t",
}
SUBJECTS = {
    **HOSTILE,
    "subject with a q-word lookalike in the middle": (
        "Invitation: =?utf-8?q?Eve=0D=0ABcc:_x@evil.example?= summit"
    ),
    "subject encoded word hiding a body": "=?utf-8?q?a=0D=0A=0D=0Anew_body?=",
}
TO = "ann@example.com"
SENDER = "Convenor <noreply@example.org>"
TEXT = "Dear delegate,\nyour personal link is below.\n"
TOP_HEADERS = [
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
]


def arguments(**overrides) -> dict:
    values = {
        "sender": SENDER,
        "to": TO,
        "to_name": "Ann Lee",
        "subject": "Your link to register",
        "text": TEXT,
        "message_id": "<hostile-1@example.org>",
        "date": WHEN,
    }
    values.update(overrides)
    return values


def built(path: str, values: dict) -> bytes:
    if path == "fast":
        return message_bytes(**values)
    return message_to_bytes(build_message(**values))


def to_readings(name: str) -> list[tuple[str, str]]:
    """The display names a reader may give back for ``name`` (see convenor.mail.headers)."""
    clean = clean_header(name)
    written = address_header("To", clean, TO)
    return [(reading, TO) for reading in written.readings or (clean,)]


def assert_only_intended(raw: bytes, *, name: str, subject: str) -> None:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert [k.lower() for k in parsed.keys()] == TOP_HEADERS
    [to] = parsed.get_all("To")
    assert [(a.display_name, a.addr_spec) for a in to.addresses] in [
        [reading] for reading in to_readings(name)
    ]
    assert parsed.get_all("Bcc") is None and parsed.get_all("Cc") is None
    assert str(parsed["Subject"]) == clean_header(subject)
    assert parsed.get_content().replace("\r\n", "\n") == TEXT
    legacy = message_from_bytes(raw, policy=policy.compat32)
    assert [addr for _, addr in getaddresses(legacy.get_all("To"))] == [TO]
    assert legacy.get_all("Bcc") is None and legacy.get_all("Cc") is None


@pytest.mark.parametrize("path", ["fast", "stdlib"])
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_name_reaches_only_the_intended_recipient(path, case):
    raw = built(path, arguments(to_name=HOSTILE[case]))

    assert_only_intended(raw, name=HOSTILE[case], subject="Your link to register")


@pytest.mark.parametrize("path", ["fast", "stdlib"])
@pytest.mark.parametrize("case", SUBJECTS)
def test_hostile_subject_adds_no_header_or_body(path, case):
    subject = SUBJECTS[case]
    if not clean_header(subject):
        pytest.fail("every subject in the corpus keeps some text once cleaned")

    raw = built(path, arguments(subject=subject))

    assert_only_intended(raw, name="Ann Lee", subject=subject)


@pytest.mark.parametrize("path", ["fast", "stdlib"])
def test_hostile_name_and_subject_in_an_invitation_keep_every_part(path):
    values = arguments(
        to_name=HOSTILE["b-encoded word hiding CRLF Bcc"],
        subject=SUBJECTS["subject encoded word hiding a body"],
        html="<p>Dear delegate</p>",
        calendar=CalendarPart("REQUEST", ICS),
    )

    parsed = message_from_bytes(built(path, values), policy=policy.default)

    assert [a.addr_spec for a in parsed["To"].addresses] == [TO]
    assert parsed.get_all("Bcc") is None
    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]


def test_the_fast_and_stdlib_paths_write_the_same_hostile_headers():
    for name in HOSTILE.values():
        values = arguments(to_name=name, subject=name if clean_header(name) else "Hi")

        assert message_bytes(**values) == message_to_bytes(build_message(**values)), name


def test_ordinary_names_are_written_as_they_are():
    raw = message_bytes(**arguments(to_name="Ann O'Neil-Lee"))

    assert b"\r\nTo: Ann O'Neil-Lee <ann@example.com>\r\n" in raw


def test_unusual_names_are_written_as_encoded_words_not_raw():
    raw = message_bytes(**arguments(to_name="A" * 40 + " <evil@example.com>, Bob"))

    head = raw.split(b"\r\n\r\n")[0]
    assert b"evil@example.com" not in head
    assert b"=?utf-8?b?" in head


# The builder's own read-back refuses what does not read back as it was given.


def test_check_headers_refuses_a_header_that_adds_a_bcc():
    smuggled = Written("To", "To: Ann <ann@example.com>\r\nBcc: x@evil.example\r\n", False)

    with pytest.raises(ValueError, match="not a continuation"):
        check_headers([smuggled], addresses={"To": ("Ann", TO)}, texts={})
    check_headers([address_header("To", "Ann", TO)], addresses={"To": ("Ann", TO)}, texts={})


def test_check_headers_refuses_a_second_recipient():
    two = Written("To", "To: =?utf-8?q?Ann?= <x@evil.example>, <ann@example.com>\r\n", False)

    with pytest.raises(ValueError, match="reads back as"):
        check_headers([two], addresses={"To": ("Ann", TO)}, texts={})
    check_headers([address_header("To", "Ann", TO)], addresses={"To": ("Ann", TO)}, texts={})


def test_check_headers_refuses_a_header_not_asked_for():
    extra = Written("Bcc", "Bcc: x@evil.example\r\n", True)
    to = address_header("To", "Ann", TO)

    with pytest.raises(ValueError, match="not asked for"):
        check_headers([to, extra], addresses={"To": ("Ann", TO)}, texts={})
    check_headers([address_header("To", "Ann", TO)], addresses={"To": ("Ann", TO)}, texts={})


def test_check_headers_refuses_an_empty_continuation_that_would_start_a_body():
    blank = Written("Subject", "Subject: Hi\r\n \r\nnew body\r\n", False)

    with pytest.raises(ValueError, match="not a continuation"):
        check_headers([blank], addresses={}, texts={"Subject": "Hi"})


def test_check_headers_accepts_what_the_writer_wrote():
    to = address_header("To", "\u00e9" * 120 + " <evil@example.com>, Bob", TO)

    check_headers(
        [to], addresses={"To": ("\u00e9" * 120 + " <evil@example.com>, Bob", TO)}, texts={}
    )


@pytest.mark.parametrize("path", ["fast", "stdlib"])
def test_builder_refuses_a_message_whose_to_reads_back_otherwise(path, monkeypatch):
    def leaky(name, display, addr):
        return Written(name, f"{name}: {display} <x@evil.example>, <{addr}>\r\n", False)

    monkeypatch.setattr(wire, "address_header", leaky)
    monkeypatch.setattr("convenor.mail.message.address_header", leaky)

    with pytest.raises(ValueError, match="reads back as"):
        built(path, arguments(to_name="Ann"))
