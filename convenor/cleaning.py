"""Checking the text people type where it enters: forms, the JSON API and imports.

One set of rules, used by every domain's form readers and by the API's pydantic
models (``CheckedInput``, ``PersonName``), so a route needs no special case:

- No text may hold NUL or another control character (PostgreSQL cannot store NUL,
  and controls hide or break text). Tab is allowed, and line breaks in multi-line
  text; refusing, with a message next to the field, beats silently changing it.
- A name (a person's, or an organisation's) is one line and holds no encoded-word
  lookalike (``=?``): a name reaches email headers, and a mail reader may decode
  ``=?utf-8?b?...?=`` into line breaks. ``clean_name`` also drops format characters
  (bidi overrides, zero-width joiners) and squeezes white space.

The message builder (``convenor.mail.headers``) is safe on its own; these rules keep
such text out of the database in the first place.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, field_validator
from pydantic_core import PydanticCustomError

__all__ = [
    "CONTROL_CHARACTERS",
    "ENCODED_WORD",
    "LINE_BREAK",
    "CheckedInput",
    "PersonName",
    "clean_name",
    "name_problem",
    "neutralise_encoded_words",
    "text_problem",
    "without_controls",
]

CONTROL_CHARACTERS = "Remove the control characters (such as a NUL byte) from this text"
LINE_BREAK = "Enter this on one line"
ENCODED_WORD = "Remove \u201c=?\u201d: it is not allowed in a name"

# C0 controls (NUL included), DEL and C1 controls, but not tab, LF or CR.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]")
# Characters that end or corrupt a line or hide text: controls, format characters
# (bidi overrides, zero-width), lone surrogates, line and paragraph separators.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def text_problem(text: str, *, multi_line: bool = False) -> str | None:
    """Why ``text`` cannot be stored (a message for the field), or None.

    NUL and other control characters are refused; tab always and line breaks in
    multi-line text are allowed.
    """
    if text.isascii() and text.isprintable():
        return None
    if _CONTROL.search(text):
        return CONTROL_CHARACTERS
    if not multi_line and _LINE_BREAKS.search(text):
        return LINE_BREAK
    return None


def without_controls(text: str) -> str:
    """``text`` with NUL and other control characters (not tab or line breaks) removed:
    for input where a message next to a field has no place (a search link's filters)."""
    return _CONTROL.sub("", text)


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name (one line, no controls, no ``=?``), or None."""
    problem = text_problem(text)
    if problem is None and "=?" in text:
        return ENCODED_WORD
    return problem


def neutralise_encoded_words(text: str) -> str:
    """``text`` with every ``=?`` broken up, so no reader takes it for an encoded word."""
    return text.replace("=?", "= ?") if "=?" in text else text


def clean_name(text: str) -> str:
    """A name made safe to show and to send: one line, no controls or format characters,
    single spaces, no encoded-word lookalike. For text already past ``name_problem``
    (or read from a file where refusing is not possible), this changes nothing else.
    """
    if text.isascii() and text.isprintable():
        return neutralise_encoded_words(" ".join(text.split()))
    kept = (
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in _DROPPED
    )
    return neutralise_encoded_words(" ".join("".join(kept).split()))


def _refuse(problem: str | None) -> None:
    if problem is not None:
        raise PydanticCustomError("text", problem)


def _checked_name(value: str) -> str:
    _refuse(name_problem(value))
    return value


def _no_controls(value: Any) -> None:
    if isinstance(value, str):
        _refuse(text_problem(value, multi_line=True))
    elif isinstance(value, list | tuple | set):
        for item in value:
            _no_controls(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_controls(key)
            _no_controls(item)


# A field that holds a person's or an organisation's name (in the API's models).
PersonName = Annotated[str, AfterValidator(_checked_name)]


class CheckedInput(BaseModel):
    """Base of the API's request models: no text field (nor a list of them) may hold
    NUL or another control character other than tab and line breaks (422 naming the
    field). Fields typed ``PersonName`` are also checked as names."""

    @field_validator("*", mode="after")
    @classmethod
    def _text_without_controls(cls, value: Any) -> Any:
        _no_controls(value)
        return value
