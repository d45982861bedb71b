"""Writing a message straight to its bytes: what ``build_message`` + ``message_to_bytes`` send.

Building an ``EmailMessage`` and flattening it with ``email.policy.SMTP`` costs about
1 to 3 ms a message on the project's machine (every header becomes an object with a
parse tree that is folded again on output; every part is built as a whole message),
and ``queue_email`` does it inside the request that causes the email. Convenor's
messages come in a few fixed shapes (text, optional HTML, optional calendar part and
attachment), so this module writes them directly, in about 0.05 ms:

- the same checks (``check_message``), headers in the same order, the same MIME tree
  and part headers, boundaries of the same form;
- bodies encoded exactly as ``email.contentmanager`` chooses (7bit, quoted-printable
  or base64 by the same rules, with the stdlib's own encoders);
- From, To, Reply-To, Subject and extra headers written by ``convenor.mail.headers``,
  the same writer ``build_message``'s header classes use (plain names and ASCII
  subjects as they are, anything else as encoded words), and read back by its
  ``check_headers`` before the bytes are returned: a message whose headers would
  not read back as exactly the one recipient, sender and subject given is refused
  with ValueError.

``tests/convenor/mail/test_mail_wire.py`` holds the output byte-equal (boundaries
aside) and parse-equal to the stdlib builder's for tricky inputs.
"""

from __future__ import annotations

import binascii
import functools
import random
import re
import sys
from email import quoprimime
from email.utils import format_datetime
from typing import Any

from convenor.mail.headers import Written, address_header, check_headers, unstructured_header
from convenor.mail.message import SMTP_POLICY, check_message

__all__ = ["message_bytes"]

CRLF = "\r\n"
MAX_LINE = SMTP_POLICY.max_line_length  # 78
_ATOMS = r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
_PLAIN_MESSAGE_ID = re.compile(f"<{_ATOMS}@{_ATOMS}>")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# email.generator's boundary: 15 '=', a zero-padded random number, '=='.
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))


def _stdlib_header(name: str, value: Any) -> str:
    """The header exactly as email.policy.SMTP folds it (the slow, general path)."""
    return SMTP_POLICY.fold(*SMTP_POLICY.header_store_parse(name, value))


@functools.lru_cache(maxsize=16)
def _from_header(display: str, addr: str) -> Written:
    # One sender for every message: write it once.
    return address_header("From", display, addr)


def _message_id_header(message_id: str) -> str:
    line = f"Message-ID: {message_id}"
    if len(line) <= MAX_LINE and _PLAIN_MESSAGE_ID.fullmatch(message_id):
        return line + CRLF
    return _stdlib_header("Message-ID", message_id)


def _base64(data: bytes) -> str:
    # email.contentmanager._encode_base64: 57 bytes (76 characters) a line.
    per_line = MAX_LINE // 4 * 3
    return "".join(
        binascii.b2a_base64(data[i : i + per_line]).decode("ascii")
        for i in range(0, len(data), per_line)
    ).replace("\n", CRLF)


def _crlf(payload: str) -> str:
    # email.generator writes every \r\n, \r or \n of a text payload as CRLF.
    return _LINE_BREAK.sub(CRLF, payload)


def _encode_text(text: str) -> tuple[str, str]:
    """(Content-Transfer-Encoding, body with CRLF), as ``EmailMessage.set_content`` picks.

    Non-ASCII text is always quoted-printable (``message._text_cte``); ASCII text is
    7bit unless a line is longer than 78, and then whichever of quoted-printable and
    base64 email.contentmanager's sniff of the first ten lines finds shorter.
    """
    lines = text.encode("utf-8").splitlines()
    if text.isascii():
        if max((len(line) for line in lines), default=0) <= MAX_LINE:
            return "7bit", CRLF.join(line.decode("ascii") for line in lines) + CRLF
        sniff = b"\r\n".join(lines[:10]) + b"\r\n"
        sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), MAX_LINE)
        if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
            return "base64", _base64(b"\r\n".join(lines) + b"\r\n")
        if len(lines) <= 10:
            return "quoted-printable", _crlf(sniff_qp)
    body = (b"\n".join(lines) + b"\n").decode("latin-1")
    return "quoted-printable", _crlf(quoprimime.body_encode(body, MAX_LINE))


def _text_part(subtype: str, text: str) -> str:
    cte, body = _encode_text(text)
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}'
        f"Content-Transfer-Encoding: {cte}{CRLF}{CRLF}{body}"
    )


def _multipart(subtype: str, parts: list[str]) -> tuple[str, str]:
    """(Content-Type header, body) of a multipart holding ``parts`` (headers + body each)."""
    joined = "".join(parts)
    while True:
        token = random.randrange(sys.maxsize)  # as email.generator; not a secret
        boundary = f"{'=' * 15}{token:0{_BOUNDARY_DIGITS}d}=="
        if f"--{boundary}" not in joined:
            break
    line = f'Content-Type: multipart/{subtype}; boundary="{boundary}"'
    if len(line) > MAX_LINE:
        line = f'Content-Type: multipart/{subtype};{CRLF} boundary="{boundary}"'
    delimiter = f"{CRLF}--{boundary}{CRLF}"
    body = f"--{boundary}{CRLF}" + delimiter.join(parts) + f"{CRLF}--{boundary}--{CRLF}"
    return line + CRLF, body


def message_bytes(**arguments: Any) -> bytes:
    """The bytes of ``message_to_bytes(build_message(**arguments))``, built directly.

    Takes ``check_message``'s keyword arguments and raises what it raises. No side
    effects. Only the multipart boundaries (random) differ from the stdlib builder's.
    """
    parts = check_message(**arguments)
    sender = parts.sender
    written = [
        _from_header(sender.display_name, sender.addr_spec),
        address_header("To", parts.to_name, parts.to_address),
    ]
    addresses = {
        "From": (sender.display_name, sender.addr_spec),
        "To": (parts.to_name, parts.to_address),
    }
    if parts.reply_to is not None:
        written.append(address_header("Reply-To", "", parts.reply_to))
        addresses["Reply-To"] = ("", parts.reply_to)
    written.append(unstructured_header("Subject", parts.subject))
    written.extend(unstructured_header(name, value) for name, value in parts.extra)
    check_headers(
        written, addresses=addresses, texts={"Subject": parts.subject, **dict(parts.extra)}
    )
    head = [item.text for item in written[: len(addresses) + 1]]
    head.append(f"Date: {format_datetime(parts.date)}{CRLF}")
    head.append(_message_id_header(parts.message_id))
    head.extend(item.text for item in written[len(addresses) + 1 :])

    text_part = _text_part("plain", parts.text)
    if parts.html is None and parts.calendar is None:
        # A single part keeps set_content's header order: MIME-Version comes last.
        content, _, body = text_part.partition(CRLF * 2)
        return "".join([*head, content, CRLF, "MIME-Version: 1.0", CRLF * 2, body]).encode("ascii")

    alternatives = [text_part]
    if parts.html is not None:
        alternatives.append(_text_part("html", parts.html))
    if parts.calendar is not None:
        ics = _base64(parts.calendar.ics)
        alternatives.append(
            f"Content-Transfer-Encoding: base64{CRLF}"
            f'Content-Type: text/calendar; method="{parts.method}"; charset="utf-8"{CRLF}'
            f"{CRLF}{ics}"
        )
    content_type, body = _multipart("alternative", alternatives)
    if parts.calendar is not None and parts.calendar.attach:
        attachment = (
            f"Content-Transfer-Encoding: base64{CRLF}"
            f'Content-Disposition: attachment; filename="invite.ics"{CRLF}'
            f'Content-Type: application/ics; name="invite.ics"; method="{parts.method}"{CRLF}'
            f"{CRLF}{ics}"
        )
        content_type, body = _multipart("mixed", [f"{content_type}{CRLF}{body}", attachment])
    return "".join([*head, "MIME-Version: 1.0", CRLF, content_type, CRLF, body]).encode("ascii")
