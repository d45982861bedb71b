"""Building email messages from plain values, safely.

Every message is an ``email.message.EmailMessage`` with ``email.policy.SMTP`` (CRLF
line endings). Names, subjects and extra header values come from users, so they
are cleaned of control characters before they reach a header, addresses are
validated one at a time, and the headers they reach are written by
``convenor.mail.headers`` (never by the stdlib's folder, which writes some names raw)
and parsed back before the message is returned: a delegate called
'Eve "\\r\\nBcc: x@example.com', or '=?utf-8?b?...?=' hiding the same, can never add a
header or a recipient.

An invitation is ``multipart/mixed`` holding ``multipart/alternative`` (text,
optional HTML, ``text/calendar; method=...``) and an ``invite.ics`` attachment.
Calendar bytes travel base64-encoded so that no relay can rewrap or re-end their
lines; the METHOD in the MIME type must equal the METHOD inside the file, since
Outlook and Gmail act on one and show the other.
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import (
    Address,
    HeaderRegistry,
    UniqueAddressHeader,
    UnstructuredHeader,
)
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from email_validator import EmailNotValidError, validate_email

from convenor.mail.headers import address_header, check_message_head, unstructured_header

__all__ = [
    "CalendarPart",
    "InvalidAddress",
    "MessageParts",
    "build_message",
    "check_message",
    "clean_header",
    "message_to_bytes",
    "validate_address",
]

# Characters that can end or corrupt a header line, or hide text from the reader
# (bidi overrides, zero-width joiners): controls, format characters, lone
# surrogates, and the Unicode line and paragraph separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Headers that build_message owns; letting callers set them through ``headers``
# would reopen the door to extra recipients or a broken MIME structure.
_RESERVED_HEADERS = frozenset(
    {
        "bcc",
        "cc",
        "content-transfer-encoding",
        "content-type",
        "content-disposition",
        "date",
        "from",
        "message-id",
        "mime-version",
        "reply-to",
        "resent-bcc",
        "resent-cc",
        "resent-to",
        "sender",
        "subject",
        "to",
    }
)
_HEADER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,76}")
_MESSAGE_ID = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")
_MAILBOX = re.compile(r"(?P<name>.*)<(?P<addr>[^<>]*)>\s*", re.DOTALL)
_ICS_METHODS = frozenset(
    {"PUBLISH", "REQUEST", "REPLY", "ADD", "CANCEL", "REFRESH", "COUNTER", "DECLINECOUNTER"}
)
_LOCAL_DOMAIN = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
_MAX_ADDRESS_LENGTH = 254


class _WrittenAddressHeader(UniqueAddressHeader):
    """From, To or Reply-To: one address, written by ``convenor.mail.headers``.

    The stdlib's folder writes some display names raw (issue 15); this header keeps
    the Address it was given and writes it with the project's own writer, the same
    one ``convenor.mail.wire`` uses.
    """

    def fold(self, *, policy: Any) -> str:
        addresses = self.addresses
        if len(addresses) != 1:
            raise ValueError(f"header {self.name} takes exactly one address")
        return address_header(self.name, addresses[0].display_name, addresses[0].addr_spec).text


class _WrittenTextHeader(UnstructuredHeader):
    """A Subject or extra header: the text as given (never decoded as encoded words),
    written by ``convenor.mail.headers``."""

    @classmethod
    def parse(cls, value: str, kwds: dict) -> None:
        super().parse(value, kwds)
        # The stdlib would decode '=?...?=' lookalikes in the text; keep it as given.
        kwds["decoded"] = value

    def fold(self, *, policy: Any) -> str:
        return unstructured_header(self.name, str(self)).text


class _WrittenUniqueTextHeader(_WrittenTextHeader):
    max_count = 1


class _CachedHeaderRegistry(HeaderRegistry):
    """The stdlib builds a new header class with type() on every lookup; reuse them.

    That lookup was a fifth of the time to build a message (profiled in
    benchmarks/outbox_delivery.py); the classes it makes are identical each time.
    The headers people's text reaches are written by ``convenor.mail.headers``.
    """

    def __init__(self) -> None:
        super().__init__(default_class=_WrittenTextHeader)
        for name in ("from", "to", "reply-to"):
            self.map_to_type(name, _WrittenAddressHeader)
        self.map_to_type("subject", _WrittenUniqueTextHeader)
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(name)
        return found


# email.policy.SMTP (CRLF line endings), with the cached header classes.
SMTP_POLICY = policy.SMTP.clone(header_factory=_CachedHeaderRegistry())


class InvalidAddress(ValueError):
    """An email address that cannot be used as a single recipient or sender."""


@dataclass(frozen=True)
class CalendarPart:
    """An iCalendar file to send with a message, and the iTIP method it carries."""

    method: str
    ics: bytes
    attach: bool = True


def _is_dropped(char: str) -> bool:
    return unicodedata.category(char) in _DROPPED_CATEGORIES


def clean_header(text: str) -> str:
    """Make user text safe for a one-line header: no controls, single spaces, stripped.

    Line breaks and tabs become spaces (so "Ann\\nLee" stays two words); other
    control and format characters vanish.
    """
    if text.isascii() and text.isprintable():
        # Printable ASCII holds no control or format character: only spaces to squeeze.
        return " ".join(text.split())
    kept = [
        " " if char.isspace() else char for char in text if char.isspace() or not _is_dropped(char)
    ]
    return " ".join("".join(kept).split())


def validate_address(addr: str, *, allow_local_domain: bool = False) -> str:
    """Return ``addr`` normalised (domain lower-cased, IDNA), or raise InvalidAddress.

    Exactly one bare address is accepted: no display name, no list, no controls.
    ``allow_local_domain`` also accepts names such as ``localhost`` or ``host.test``
    (for the operator's own sender address, never for a delegate's).
    """
    if not isinstance(addr, str):
        raise InvalidAddress("an email address must be text")
    return _validated(addr, allow_local_domain)


# Valid answers are cached: queueing one email checks the same recipient and reply-to
# several times, the reply-to is the same for a whole event, and a check costs ~0.1 ms.
@functools.lru_cache(maxsize=256)
def _validated(addr: str, allow_local_domain: bool) -> str:
    if any(_is_dropped(char) for char in addr):
        raise InvalidAddress("an email address cannot contain control characters")
    candidate = addr.strip()
    if "@" not in candidate:
        raise InvalidAddress("an email address needs an @")
    if len(candidate) > _MAX_ADDRESS_LENGTH:
        raise InvalidAddress("an email address cannot be longer than 254 characters")
    if any(char in candidate for char in ',;<>"'):
        raise InvalidAddress("give one email address, without a name or quotes")
    if "=?" in candidate:
        # A mail reader may decode '=?...?=' in an address as an encoded word.
        raise InvalidAddress("an email address cannot contain '=?'")
    try:
        # SMTPUTF8 is refused because the transport speaks plain ASCII envelopes;
        # international domains still work through their IDNA (xn--) form.
        result = validate_email(
            candidate,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_display_name=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError as exc:
        if allow_local_domain:
            return _validate_local_domain_address(candidate, str(exc))
        raise InvalidAddress(str(exc)) from None
    return result.ascii_email or result.normalized


def _validate_local_domain_address(candidate: str, strict_error: str) -> str:
    # email-validator refuses special-use names (localhost, .test, .local) outright;
    # a development sender such as convenor@localhost is still a sound address.
    local_part, _, domain = candidate.rpartition("@")
    if not _LOCAL_DOMAIN.fullmatch(domain):
        raise InvalidAddress(strict_error)
    try:
        # Check the local part alone, against a domain that is known to pass.
        result = validate_email(
            f"{local_part}@example.com",
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
        )
    except EmailNotValidError as exc:
        raise InvalidAddress(str(exc)) from None
    return f"{result.local_part}@{domain.lower()}"


@functools.lru_cache(maxsize=16)
def _mailbox(text: str) -> Address:
    """Parse the sender, given as 'addr' or 'Name <addr>' (as in CONVENOR_MAIL_FROM).

    Cached: every message has the same sender, and parsing it costs ~0.1 ms.
    """
    match = _MAILBOX.fullmatch(text)
    if match is None:
        return Address(addr_spec=validate_address(text, allow_local_domain=True))
    name = clean_header(match["name"]).strip('"').strip()
    address = validate_address(match["addr"], allow_local_domain=True)
    return Address(display_name=name, addr_spec=address)


def _text_cte(text: str) -> str | None:
    # Non-ASCII text would otherwise go out as 8bit, which a server that does not
    # announce 8BITMIME may mangle; quoted-printable keeps the message 7-bit.
    return None if text.isascii() else "quoted-printable"


def _ics_method(ics: bytes) -> str:
    """The METHOD of a VCALENDAR, read from its lines (a full parse cost ~1 ms a message).

    The files come from ``convenor.calendar``; this checks the envelope of the file
    (UTF-8, BEGIN/END:VCALENDAR) and finds the one calendar-level METHOD line.
    """
    try:
        text = ics.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"the calendar part is not a valid UTF-8 iCalendar file: {exc}") from None
    lines = text.splitlines()
    if (
        not lines
        or lines[0].strip().upper() != "BEGIN:VCALENDAR"
        or (lines[-1].strip().upper() != "END:VCALENDAR")
    ):
        raise ValueError("the calendar part is not a valid UTF-8 iCalendar file: no VCALENDAR")
    for line in lines:
        upper = line.upper()
        if upper.startswith("BEGIN:V") and upper != "BEGIN:VCALENDAR":
            break  # METHOD belongs to the calendar, before any component
        if upper.startswith("METHOD:"):
            return line.split(":", 1)[1].strip().upper()
    raise ValueError("the calendar part has no METHOD line")


def _check_calendar(calendar: CalendarPart) -> str:
    method = calendar.method.upper()
    if method not in _ICS_METHODS:
        raise ValueError(f"unknown calendar method {calendar.method!r}")
    inside = _ics_method(calendar.ics)
    if inside != method:
        raise ValueError(f"calendar method {method} does not match METHOD:{inside} in the file")
    return method


def _check_extra_headers(headers: dict[str, str]) -> list[tuple[str, str]]:
    checked = []
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValueError(f"invalid header name {name!r}")
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"header {name} is set by build_message, not through headers")
        checked.append((name, clean_header(value)))
    return checked


@dataclass(frozen=True)
class MessageParts:
    """A message's inputs after ``check_message``: validated, cleaned, defaults filled."""

    sender: Address
    to_name: str
    to_address: str
    reply_to: str | None
    subject: str
    date: datetime
    message_id: str
    extra: tuple[tuple[str, str], ...]
    text: str
    html: str | None
    calendar: CalendarPart | None
    method: str | None


def check_message(
    *,
    sender: str,
    to: str,
    to_name: str = "",
    subject: str,
    text: str,
    html: str | None = None,
    calendar: CalendarPart | None = None,
    reply_to: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    date: datetime | None = None,
) -> MessageParts:
    """Check and clean ``build_message``'s arguments; raises InvalidAddress or ValueError.

    Shared by ``build_message`` and ``convenor.mail.wire.message_bytes``, so both refuse
    exactly the same input.
    """
    from_address = _mailbox(sender)
    to_address = validate_address(to)
    clean_subject = clean_header(subject)
    if not clean_subject:
        raise ValueError("a message needs a subject")
    extra = _check_extra_headers(headers or {})
    method = _check_calendar(calendar) if calendar is not None else None
    if message_id is None:
        message_id = make_msgid(domain=from_address.domain)
    elif not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError("a Message-ID looks like <unique@domain>")
    when = date if date is not None else datetime.now(UTC)
    if when.tzinfo is None:
        raise ValueError("the message date must be timezone-aware")
    return MessageParts(
        sender=from_address,
        to_name=clean_header(to_name),
        to_address=to_address,
        reply_to=None if reply_to is None else validate_address(reply_to),
        subject=clean_subject,
        date=when,
        message_id=message_id,
        extra=tuple(extra),
        text=text,
        html=html,
        calendar=calendar,
        method=method,
    )


def build_message(**arguments: Any) -> EmailMessage:
    """Build one message to one recipient; raises InvalidAddress or ValueError on bad input.

    Takes ``check_message``'s keyword arguments: ``sender`` is 'addr' or 'Name <addr>';
    ``date`` (aware) defaults to now.
    """
    parts = check_message(**arguments)
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = parts.sender
    msg["To"] = Address(display_name=parts.to_name, addr_spec=parts.to_address)
    if parts.reply_to is not None:
        msg["Reply-To"] = Address(addr_spec=parts.reply_to)
    msg["Subject"] = parts.subject
    msg["Date"] = format_datetime(parts.date)
    msg["Message-ID"] = parts.message_id
    for name, value in parts.extra:
        msg[name] = value

    text, html, calendar = parts.text, parts.html, parts.calendar
    msg.set_content(text, subtype="plain", charset="utf-8", cte=_text_cte(text))
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8", cte=_text_cte(html))
    if calendar is not None:
        msg.add_alternative(
            calendar.ics,
            maintype="text",
            subtype="calendar",
            cte="base64",
            params={"method": parts.method, "charset": "utf-8"},
        )
        if calendar.attach:
            # Some clients (older Outlook, many webmails) only offer "add to
            # calendar" for an attached file, so the invite travels twice.
            msg.add_attachment(
                calendar.ics,
                maintype="application",
                subtype="ics",
                filename="invite.ics",
                cte="base64",
                params={"name": "invite.ics", "method": parts.method},
            )
    for part in msg.iter_parts():
        _drop_inner_mime_version(part)
    _check_reads_back(msg, parts)
    return msg


def _check_reads_back(msg: EmailMessage, parts: MessageParts) -> None:
    """Parse the message's own headers back (``convenor.mail.headers.check_message_head``)."""
    check_message_head(
        msg.as_bytes(policy=SMTP_POLICY),
        names=list(msg.keys()),
        addresses={
            "From": (parts.sender.display_name, parts.sender.addr_spec),
            "To": (parts.to_name, parts.to_address),
            **({} if parts.reply_to is None else {"Reply-To": ("", parts.reply_to)}),
        },
        texts={"Subject": parts.subject, **dict(parts.extra)},
    )


def _drop_inner_mime_version(part: EmailMessage) -> None:
    # Sub-parts are created as whole messages and each gets a MIME-Version
    # header, which belongs on the top level only.
    del part["MIME-Version"]
    for child in part.iter_parts():
        _drop_inner_mime_version(child)


def message_to_bytes(msg: EmailMessage) -> bytes:
    """Serialise ``msg`` with CRLF line endings, leaving out any Bcc headers."""
    if any(name in msg for name in ("Bcc", "Resent-Bcc")):
        # A shallow copy is enough: deleting a header rebinds the copy's header
        # list, so the caller's message keeps its own.
        msg = copy.copy(msg)
        del msg["Bcc"]
        del msg["Resent-Bcc"]
    return msg.as_bytes(policy=SMTP_POLICY)
