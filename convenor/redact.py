"""Removing personal-link tokens from text that is kept or shown: logs, the outbox.

Personal links carry their secret as a path segment (``/i/<token>``,
``/speaker/<token>``, ``/agenda/<token>.ics``, ``/directory/edit/<token>``, ...).
The core knows no domain's paths, so a token is recognised by its shape instead:
every token Convenor hands out is URL-safe base64 of at least 128 random bits
(``convenor.auth.new_secret`` and the agenda feed's HMAC give 43 characters). A path
or query segment of 22 or more URL-safe characters is replaced by ``[redacted]``
when it mixes upper- and lower-case letters (random base64 of that length all but
always does: slugs, hex ids and UUIDs do not) or is 40 characters or longer (so a
43-character token is always removed, whatever its letters).

Used by the request log and uvicorn's access log (``RedactFilter``), and by the
outbox, which shows bodies redacted and keeps them redacted once a message is sent.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
SHORTEST = 22  # 128 bits in URL-safe base64
ALWAYS_FROM = 40

# A run of URL-safe characters that starts a segment (after "/", "=" or an encoded
# "/") and runs to its end.
_SEGMENT = re.compile(
    r"(?:(?<=/)|(?<==)|(?<=%2F)|(?<=%2f))[A-Za-z0-9_-]{" + str(SHORTEST) + r",}(?![A-Za-z0-9_-])"
)
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
# iCalendar folds lines longer than 75 octets with CRLF and one space or tab.
_FOLD = re.compile(r"\r?\n[ \t]")
_FOLD_AT = 75


def _looks_like_token(segment: str) -> bool:
    return len(segment) >= ALWAYS_FROM or bool(_UPPER.search(segment) and _LOWER.search(segment))


def _replace(match: re.Match[str]) -> str:
    segment = match.group(0)
    return REDACTED if _looks_like_token(segment) else segment


def redact(text: str) -> str:
    """``text`` with every token-like path or query segment replaced by ``[redacted]``."""
    if len(text) < SHORTEST:
        return text
    return _SEGMENT.sub(_replace, text)


def redact_calendar(ics: str) -> str:
    """An iCalendar text with tokens removed from its (unfolded) lines, folded again.

    Returned unchanged when it holds no token, so its bytes stay as they were.
    """
    unfolded = _FOLD.sub("", ics)
    redacted = redact(unfolded)
    if redacted == unfolded:
        return ics
    newline = "\r\n" if "\r\n" in ics else "\n"
    return newline.join(_fold(line, newline) for line in redacted.split(newline))


def _fold(line: str, newline: str) -> str:
    """One content line folded at 75 octets without splitting a UTF-8 character."""
    if len(line.encode()) <= _FOLD_AT:
        return line
    pieces, current, size, limit = [], [], 0, _FOLD_AT
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, _FOLD_AT - 1  # the leading space counts
        current.append(char)
        size += width
    pieces.append("".join(current))
    return f"{newline} ".join(pieces)


class RedactFilter(logging.Filter):
    """Redacts tokens in a log record's message and arguments (request paths)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        # Each argument on its own first: uvicorn's access formatter reads them by
        # position (the path is the third).
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        if record.args:
            # A token split between the format and an argument ("/i/%s") shows only
            # once they are joined: then the joined message replaces both.
            try:
                message = record.getMessage()
            except Exception:
                return True  # logging reports the bad format itself
            redacted = redact(message)
            if redacted != message:
                record.msg, record.args = redacted, ()
        return True
