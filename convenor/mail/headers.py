"""Writing the headers people's text reaches (From, To, Reply-To, Subject, extra), and
reading them back before a message is queued.

Python 3.11's email folding writes some display names raw when it folds a long
header: an encoded-word name whose decoded text holds CR/LF, or a long unquoted name
holding ``<addr>,``, came out as a ``Bcc:`` header, a second ``To`` address or a new
body. So neither builder (``build_message`` nor ``convenor.mail.wire``) lets the
stdlib fold these headers; both write them here:

- a plain name (letters, digits, ``'`` and ``-``) or a printable ASCII subject with
  no ``=?`` is written as it is, folded at its spaces;
- a printable ASCII name that needs quoting is one quoted string, when it fits on the
  line;
- anything else (non-ASCII, too long, anything holding ``=?``) becomes RFC 2047
  encoded words (UTF-8, base64) of whole characters, so none of the text's own
  characters (``<``, ``,``, ``"``, CR, LF) reaches the header as itself.

``check_headers`` then reads the written lines back: each header must start a line
and every other line must be a continuation, and every header not written plainly
is parsed by the stdlib's own parser (``email.policy.default``) and must give back
exactly the one address and name, or the text, it was given. A plain one is read
back by construction (the line is ``Name: words <addr>`` of atoms only), which keeps
an ordinary message at the cost it had.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser

__all__ = [
    "Written",
    "address_header",
    "check_headers",
    "check_message_head",
    "unstructured_header",
]

CRLF = "\r\n"
MAX_LINE = 78
_MAX_PHYSICAL_LINE = 998
# Atoms the stdlib parser reads back exactly as written (no specials, no '=?').
_PLAIN_NAME = re.compile(r"[A-Za-z0-9'-]+(?: [A-Za-z0-9'-]+)*")
_ATOMS = r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
_PLAIN_ADDRESS = re.compile(f"{_ATOMS}@{_ATOMS}")
_PLAIN_TEXT = re.compile(r"[!-~]+(?: [!-~]+)*")
_PRINTABLE = re.compile(r"[ -~]+")
_NOT_IN_ADDRESS = frozenset(' <>,;:"()[]\\')
# 39 bytes are 52 base64 characters: an encoded word of 64, which fits after
# "Subject: " or "Reply-To: " on the first line.
_WORD_BYTES = 39
_ENCODED_PREFIX = "=?utf-8?b?"
_ADDRESS_HEADERS = frozenset({"from", "to", "reply-to", "sender", "cc", "bcc"})
_READER = policy.default


@dataclass(frozen=True)
class Written:
    """One header as written: its folded text (ending in CRLF) and whether it is plain."""

    name: str
    text: str
    plain: bool
    # How a reader may give back the display name: as given, and for a name written
    # as several encoded words also with a space between each two (Python 3.11's
    # reader keeps the folding space between encoded words in a phrase, though RFC
    # 2047 6.2 says to drop it).
    readings: tuple[str, ...] = ()


def _chunks(text: str) -> list[str]:
    """``text`` cut into pieces of at most ``_WORD_BYTES`` bytes of whole characters."""
    words, chunk, size = [], [], 0
    for char in text:
        length = len(char.encode("utf-8"))
        if chunk and size + length > _WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    if chunk:
        words.append("".join(chunk))
    return words


def _encoded(chunks: list[str]) -> list[str]:
    return [
        f"{_ENCODED_PREFIX}{base64.b64encode(chunk.encode('utf-8')).decode('ascii')}?="
        for chunk in chunks
    ]


def _fold(name: str, tokens: list[str]) -> tuple[str, bool]:
    """``Name: token token...`` folded before a token that would pass 78 characters.

    Returns the text and whether it stayed on one line.
    """
    lines: list[str] = []
    current = f"{name}:"
    for token in tokens:
        if len(current) + 1 + len(token) > MAX_LINE and current != f"{name}:":
            # The first token stays after the name even when long: a value that
            # starts on a continuation line would be read with a leading space.
            lines.append(current)
            current = " " + token
        else:
            current += " " + token
    lines.append(current)
    return CRLF.join(lines) + CRLF, len(lines) == 1


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def address_header(name: str, display: str, addr: str) -> Written:
    """``Name: display <addr>`` (or ``Name: addr``) with the name written safely.

    ``addr`` must already be a validated single address (ASCII, no display part).
    """
    if _PLAIN_ADDRESS.fullmatch(addr):
        line = f"{name}: {display} <{addr}>" if display else f"{name}: {addr}"
        if len(line) <= MAX_LINE and (not display or _PLAIN_NAME.fullmatch(display)):
            return Written(name, line + CRLF, True)  # the common case, written as it is
    elif not _PRINTABLE.fullmatch(addr) or "=?" in addr or not _NOT_IN_ADDRESS.isdisjoint(addr):
        raise ValueError(f"{name}: {addr!r} is not a single plain address")
    angle = f"<{addr}>"
    if not display:
        return Written(name, _fold(name, [addr])[0], False)
    if _PLAIN_NAME.fullmatch(display) and max(map(len, display.split(" "))) <= 60:
        return Written(name, _fold(name, [*display.split(" "), angle])[0], False, (display,))
    if _PRINTABLE.fullmatch(display) and "=?" not in display:
        quoted = _quoted(display)
        if len(name) + 2 + len(quoted) + 1 + len(angle) <= MAX_LINE:
            return Written(name, f"{name}: {quoted} {angle}{CRLF}", False, (display,))
    chunks = _chunks(display)
    text = _fold(name, [*_encoded(chunks), angle])[0]
    return Written(name, text, False, tuple(dict.fromkeys((display, " ".join(chunks)))))


def unstructured_header(name: str, value: str) -> Written:
    """``Name: value`` for one-line text (a subject): as it is when plain, else encoded."""
    plain = _PLAIN_TEXT.fullmatch(value) is not None and "=?" not in value
    if plain and len(name) + 2 + len(value) <= MAX_LINE:
        return Written(name, f"{name}: {value}{CRLF}", True)  # the common case
    if plain and max(map(len, value.split(" "))) <= MAX_LINE - 2:
        text, _ = _fold(name, value.split(" "))
        return Written(name, text, True)
    text, _ = _fold(name, _encoded(_chunks(value)))
    return Written(name, text, False)


def _unfolded(written: Written) -> str:
    """The header's value, unfolded (RFC 5322 2.2.3: CRLF removed) and after 'Name:'."""
    body = written.text[: -len(CRLF)]
    lines = body.split(CRLF)
    prefix = f"{written.name}:"
    if not lines[0].startswith(prefix):
        raise ValueError(f"header {written.name} does not start its own line")
    for line in lines:
        if "\r" in line or "\n" in line or len(line) > _MAX_PHYSICAL_LINE or not line.isascii():
            raise ValueError(f"header {written.name} holds a bare line break or a long line")
    for line in lines[1:]:
        # A continuation starts with white space and holds something: a line that
        # did not would start a new header, or end the headers and start a body.
        if line[:1] not in (" ", "\t") or not line.strip():
            raise ValueError(f"header {written.name} has a line that is not a continuation")
    # As the stdlib's parser reads a header (policy.header_source_parse).
    return lines[0][len(prefix) :].lstrip(" \t") + "".join(lines[1:])


def check_headers(
    written: Iterable[Written],
    *,
    addresses: Mapping[str, tuple[str, str]],
    texts: Mapping[str, str],
) -> None:
    """Read written headers back; raise ValueError unless they say exactly what was given.

    ``addresses`` maps each address header written (From, To, Reply-To) to the one
    (display name, address) it must hold; ``texts`` maps every other header written to
    its text. No other header may be written, and each only once.
    """
    wanted_addresses = {name.lower(): value for name, value in addresses.items()}
    wanted_texts = {name.lower(): value for name, value in texts.items()}
    seen: set[str] = set()
    for item in written:
        key = item.name.lower()
        if key in seen:
            raise ValueError(f"header {item.name} is written twice")
        seen.add(key)
        if key in wanted_addresses:
            display, addr = wanted_addresses[key]
            if item.plain:
                # Atoms on one line: the text itself is what any reader reads.
                value = f"{display} <{addr}>" if display else addr
                if item.text != f"{item.name}: {value}{CRLF}":
                    raise ValueError(f"header {item.name} does not hold the address given")
                continue
            header = _READER.header_factory(item.name, _unfolded(item))
            found = [(a.display_name, a.addr_spec) for a in header.addresses]
            allowed = [[(reading, addr)] for reading in item.readings or (display,)]
            if found not in allowed or header.defects:
                raise ValueError(
                    f"header {item.name} reads back as {found!r}, not {[(display, addr)]!r}"
                )
        elif key in wanted_texts:
            text = wanted_texts[key]
            if item.plain and item.text == f"{item.name}: {text}{CRLF}":
                continue
            value = _unfolded(item)
            read = value if item.plain else str(_READER.header_factory(item.name, value))
            if read != text:
                raise ValueError(f"header {item.name} does not read back as the text given")
        else:
            raise ValueError(f"header {item.name} was not asked for")
    if len(seen) != len(wanted_addresses) + len(wanted_texts):
        raise ValueError("a header asked for was not written")


def check_message_head(
    raw: bytes,
    *,
    names: list[str],
    addresses: Mapping[str, tuple[str, str]],
    texts: Mapping[str, str],
) -> None:
    """Parse a whole message's headers with the stdlib; ValueError unless they are
    exactly ``names`` (in order), the one address of each of ``addresses`` (with the
    readings the writer allows), no Cc or Bcc, and ``texts``. For ``build_message``.
    """
    read = BytesHeaderParser(policy=_READER).parsebytes(raw)
    if [k.lower() for k in read.keys()] != [k.lower() for k in names]:
        raise ValueError("the message's headers do not read back as the headers set")
    expected = {"Cc": [], "Bcc": [], "Reply-To": [], **{k: [v] for k, v in addresses.items()}}
    for name, wanted in expected.items():
        found = [(a.display_name, a.addr_spec) for h in read.get_all(name, []) for a in h.addresses]
        allowed = [wanted]
        if wanted and wanted[0][0]:
            display, addr = wanted[0]
            readings = address_header(name, display, addr).readings or (display,)
            allowed = [[(reading, addr)] for reading in readings]
        if found not in allowed:
            raise ValueError(f"header {name} reads back as {found!r}, not {wanted!r}")
    for name, text in texts.items():
        if str(read[name]) != text:
            raise ValueError(f"header {name} does not read back as the text given")
