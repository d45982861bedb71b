"""Tests for building messages: header safety, MIME structure, calendar parts."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from convenor.mail.message import (
    CalendarPart,
    InvalidAddress,
    build_message,
    clean_header,
    message_to_bytes,
    validate_address,
)
from tests.convenor.factories import ICS, WHEN


def invitation(**overrides) -> EmailMessage:
    values = {
        "sender": "Convenor <noreply@example.org>",
        "to": "ann@example.com",
        "to_name": "Ann Lee",
        "subject": "You are invited",
        "text": "Dear Ann,\nplease come.\n",
        "html": "<p>Dear Ann,</p><p>please come.</p>",
        "calendar": CalendarPart("REQUEST", ICS),
        "message_id": "<inv-1@example.org>",
        "date": WHEN,
    }
    values.update(overrides)
    return build_message(**values)


def reparse(msg: EmailMessage) -> EmailMessage:
    return message_from_bytes(message_to_bytes(msg), policy=policy.SMTP)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Plain title", "Plain title"),
        ("  spaced\t out  ", "spaced out"),
        ("Hi\r\nBcc: x@example.com", "Hi Bcc: x@example.com"),
        ("a\u2028b\u2029c", "a b c"),
        ("bell\x07 and nul\x00 go", "bell and nul go"),
        ("right\u202eto\u200bleft", "righttoleft"),
        ("caf\u00e9 \u2014 ok", "caf\u00e9 \u2014 ok"),
        ("\r\n", ""),
    ],
)
def test_clean_header_removes_controls_and_collapses_whitespace(raw, expected):
    assert clean_header(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann.Lee@EXAMPLE.COM ", "Ann.Lee@example.com"),
        ("bob@b\u00fccher.example", "bob@xn--bcher-kva.example"),
    ],
)
def test_validate_address_returns_normalised_address(raw, expected):
    assert validate_address(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "ann@example.com\r\nBcc: x@example.com",
        "ann@example.com\n",
        "ann@exam\u2028ple.com",
        "annexample.com",
        "ann@example.com, bob@example.com",
        "ann@example.com bob@example.com",
        "Ann <ann@example.com>",
        '"Ann" ann@example.com',
        "a" * 250 + "@example.com",
        "ann@localhost",
        "",
    ],
)
def test_validate_address_rejects_anything_but_one_bare_address(raw):
    with pytest.raises(InvalidAddress):
        validate_address(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("convenor@localhost", "convenor@localhost"),
        ("Events@Mail.TEST", "Events@mail.test"),
        ("ann@example.com", "ann@example.com"),
    ],
)
def test_validate_address_local_domain_allowed_on_request(raw, expected):
    assert validate_address(raw, allow_local_domain=True) == expected


@pytest.mark.parametrize(
    "raw", ["a b@localhost", "x@local host", "x@-bad", "x@localhost\r\nBcc: y@example.com"]
)
def test_validate_address_local_domain_still_rejects_malformed(raw):
    with pytest.raises(InvalidAddress):
        validate_address(raw, allow_local_domain=True)


def test_build_message_accepts_local_sender_but_not_local_recipient():
    parsed = reparse(invitation(sender="Convenor <convenor@localhost>"))

    assert parsed["From"] == "Convenor <convenor@localhost>"
    with pytest.raises(InvalidAddress):
        invitation(to="ann@localhost")
    assert reparse(invitation(to="ann@example.com"))["To"].addresses[0].addr_spec == (
        "ann@example.com"
    )


def test_invalid_address_is_a_value_error():
    assert issubclass(InvalidAddress, ValueError)


def test_build_message_invitation_has_mixed_alternative_and_attachment():
    parsed = reparse(invitation())

    structure = [
        (part.get_content_type(), part.get_param("method"), part.get_filename())
        for part in parsed.walk()
    ]
    assert structure == [
        ("multipart/mixed", None, None),
        ("multipart/alternative", None, None),
        ("text/plain", None, None),
        ("text/html", None, None),
        ("text/calendar", "REQUEST", None),
        ("application/ics", "REQUEST", "invite.ics"),
    ]


def test_build_message_calendar_bytes_survive_serialisation_exactly():
    parsed = reparse(invitation())

    calendars = [
        part.get_payload(decode=True)
        for part in parsed.walk()
        if part.get_content_type() in {"text/calendar", "application/ics"}
    ]
    assert calendars == [ICS, ICS]
    # Text parts travel with CRLF like every other line of the message.
    assert parsed.get_body(("plain",)).get_content() == "Dear Ann,\r\nplease come.\r\n"
    assert parsed.get_body(("html",)).get_content() == "<p>Dear Ann,</p><p>please come.</p>\r\n"


def test_build_message_text_calendar_part_declares_utf8_charset():
    calendar = next(
        p for p in reparse(invitation()).walk() if p.get_content_type() == "text/calendar"
    )

    assert calendar.get_content_charset() == "utf-8"
    assert calendar["Content-Transfer-Encoding"] == "base64"


def test_message_to_bytes_uses_crlf_and_7bit_throughout():
    data = message_to_bytes(invitation(text="Caf\u00e9 at 9\u202fam\n"))

    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    assert data.isascii()


def test_build_message_without_calendar_is_plain_text():
    parsed = reparse(invitation(html=None, calendar=None))

    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content() == "Dear Ann,\r\nplease come.\r\n"


def test_build_message_with_html_only_is_alternative():
    parsed = reparse(invitation(calendar=None))

    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


def test_build_message_calendar_without_attachment_is_alternative_only():
    parsed = reparse(invitation(html=None, calendar=CalendarPart("REQUEST", ICS, attach=False)))

    assert [p.get_content_type() for p in parsed.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/calendar",
    ]


def test_build_message_method_is_case_insensitive_and_written_upper():
    parsed = reparse(invitation(calendar=CalendarPart("request", ICS)))

    methods = {p.get_param("method") for p in parsed.walk() if p.get_param("method")}
    assert methods == {"REQUEST"}


def test_build_message_rejects_method_that_differs_from_the_file():
    with pytest.raises(ValueError, match="CANCEL does not match METHOD:REQUEST"):
        invitation(calendar=CalendarPart("CANCEL", ICS))
    assert invitation(calendar=CalendarPart("REQUEST", ICS))["Message-ID"] == "<inv-1@example.org>"


def test_build_message_rejects_calendar_without_method_line():
    ics = ICS.replace(b"METHOD:REQUEST\r\n", b"")

    with pytest.raises(ValueError, match="no METHOD"):
        invitation(calendar=CalendarPart("REQUEST", ics))
    assert invitation(calendar=CalendarPart("REQUEST", ICS))["Message-ID"] == "<inv-1@example.org>"


def test_build_message_rejects_calendar_that_is_not_icalendar():
    with pytest.raises(ValueError, match="not a valid UTF-8 iCalendar"):
        invitation(calendar=CalendarPart("REQUEST", b"\xff\xfe not a calendar"))
    assert invitation(calendar=CalendarPart("REQUEST", ICS))["Message-ID"] == "<inv-1@example.org>"


def test_build_message_headers_are_exact():
    parsed = reparse(invitation(reply_to="events@example.org"))

    assert parsed.keys() == [
        "From",
        "To",
        "Reply-To",
        "Subject",
        "Date",
        "Message-ID",
        "MIME-Version",
        "Content-Type",
    ]
    assert parsed["From"] == "Convenor <noreply@example.org>"
    assert parsed["To"] == "Ann Lee <ann@example.com>"
    assert parsed["Reply-To"] == "events@example.org"
    assert parsed["Subject"] == "You are invited"
    assert parsed["Date"] == "Sun, 01 Mar 2026 12:00:00 +0000"
    assert parsed["Message-ID"] == "<inv-1@example.org>"


def test_build_message_subparts_carry_no_mime_version():
    parsed = reparse(invitation())

    assert [p["MIME-Version"] for p in parsed.walk()] == ["1.0"] + [None] * 5


def test_build_message_injected_display_name_adds_no_header_or_recipient():
    parsed = reparse(invitation(to_name='Eve "\r\nBcc: x@example.com', calendar=None, html=None))

    assert "Bcc" not in parsed
    assert parsed.keys() == [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    ]
    addresses = parsed["To"].addresses
    assert [(a.display_name, a.addr_spec) for a in addresses] == [
        ('Eve " Bcc: x@example.com', "ann@example.com")
    ]


def test_build_message_injected_subject_stays_one_header():
    parsed = reparse(invitation(subject="Hello\r\nBcc: x@example.com\r\n\r\nbody"))

    assert parsed["Subject"] == "Hello Bcc: x@example.com body"
    assert "Bcc" not in parsed


def test_build_message_non_ascii_name_is_encoded_and_round_trips():
    parsed = reparse(invitation(to_name="Zo\u00eb \u00d3 Br\u00edain"))

    assert parsed["To"].addresses[0].display_name == "Zo\u00eb \u00d3 Br\u00edain"


def test_build_message_rejects_bad_recipient():
    with pytest.raises(InvalidAddress):
        invitation(to="ann@example.com, eve@example.com")
    assert reparse(invitation(to="eve@example.com"))["To"].addresses[0].addr_spec == (
        "eve@example.com"
    )


def test_build_message_rejects_bad_sender():
    with pytest.raises(InvalidAddress):
        invitation(sender="Convenor <noreply@example.org>, eve@example.com")
    sent_from = reparse(invitation(sender="Convenor <noreply@example.org>"))["From"]
    assert sent_from.addresses[0].addr_spec == "noreply@example.org"


def test_build_message_accepts_bare_sender():
    parsed = reparse(invitation(sender="noreply@example.org"))

    assert parsed["From"] == "noreply@example.org"


def test_build_message_generates_message_id_in_sender_domain():
    parsed = reparse(invitation(message_id=None))

    assert parsed["Message-ID"].startswith("<")
    assert parsed["Message-ID"].endswith("@example.org>")


def test_build_message_rejects_malformed_message_id():
    with pytest.raises(ValueError, match="Message-ID"):
        invitation(message_id="<x@example.org>\r\nBcc: y@example.com")
    assert invitation(message_id="<x@example.org>")["Message-ID"] == "<x@example.org>"


def test_build_message_sets_date_now_by_default():
    before = datetime.now(UTC).replace(microsecond=0)

    parsed = reparse(invitation(date=None))

    assert before <= parsed["Date"].datetime <= datetime.now(UTC)


def test_build_message_rejects_naive_date():
    with pytest.raises(ValueError, match="timezone-aware"):
        invitation(date=datetime(2026, 3, 1, 12, 0))
    assert (
        reparse(invitation(date=datetime(2026, 3, 1, 12, 0, tzinfo=UTC)))["Date"].datetime == WHEN
    )


def test_build_message_rejects_empty_subject():
    with pytest.raises(ValueError, match="subject"):
        invitation(subject="\r\n")
    assert reparse(invitation(subject="Hello"))["Subject"] == "Hello"


def test_build_message_extra_headers_are_cleaned():
    parsed = reparse(invitation(headers={"Auto-Submitted": "auto-generated\r\nBcc: x@example.com"}))

    assert parsed["Auto-Submitted"] == "auto-generated Bcc: x@example.com"
    assert "Bcc" not in parsed


@pytest.mark.parametrize("name", ["Bcc", "cc", "To", "Content-Type", "Sender"])
def test_build_message_extra_headers_cannot_replace_owned_headers(name):
    with pytest.raises(ValueError, match="set by build_message"):
        invitation(headers={name: "eve@example.com"})


@pytest.mark.parametrize("name", ["X-Bad: y", "X\r\nBcc", "", "X Space"])
def test_build_message_extra_headers_reject_bad_names(name):
    with pytest.raises(ValueError, match="invalid header name"):
        invitation(headers={name: "value"})


def test_message_to_bytes_leaves_out_bcc_but_keeps_it_on_the_message():
    msg = invitation(calendar=None)
    msg["Bcc"] = "spy@example.com"

    data = message_to_bytes(msg)

    assert b"Bcc" not in data
    assert b"spy@example.com" not in data
    assert msg["Bcc"] == "spy@example.com"
