"""Cells for spreadsheet exports: the one place that decides what could run as a formula.

Every CSV export (the directory, the delegate list with or without dietary and access
answers) passes each cell through ``safe_cell``. A cell that Excel or LibreOffice could
read as a formula gets a leading apostrophe, so it shows as the text that was typed.

What counts as a formula start:
- ``=`` ``+`` ``-`` ``@``, a tab or a carriage return (OWASP's list), and
- the same signs in their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20), which Excel
  also runs, and any other character NFKC turns into one of them (the small forms
  U+FE66, U+FE62, U+FE63, U+FE6B, superscript signs), and the minus sign U+2212.

Two kinds of cell start with a sign and are left exactly as typed, because nothing in
them can be a formula (no letters, so no function, cell reference or DDE command; no
operator after the first sign):
- a phone number: ``+`` followed only by digits, spaces, hyphens and brackets, with 7 to
  15 digits (an international number's length), e.g. ``+44 23 8083 3000``. A short
  ``+44 23`` or ``+1`` is treated as a formula.
- a plain negative number or amount: ``-`` then an optional ``£``, ``$`` or ``€``, then
  digits with optional thousands commas and decimals, e.g. ``-5``, ``-£20``,
  ``-1,250.50``. ``-1+1`` or ``-A1`` are formulas.
Both exceptions are for the ASCII ``+`` and ``-`` that people type; a cell starting with
a full-width or other look-alike sign is always neutralised (an apostrophe costs nothing
there, and nobody types a phone number that way by accident).
"""

from __future__ import annotations

import re
import unicodedata

# What a cell's first character, after NFKC, must not be.
FORMULA_STARTS = frozenset("=+-@\t\r\u2212")
PHONE = re.compile(r"\+[0-9 ()\-]+")
PHONE_DIGITS = range(7, 16)
NEGATIVE_AMOUNT = re.compile(r"-[£$€]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")


def _plain(text: str) -> bool:
    """Whether the cell is a phone number or a plain negative amount (ASCII sign only)."""
    if PHONE.fullmatch(text):
        return sum(c in "0123456789" for c in text) in PHONE_DIGITS
    return NEGATIVE_AMOUNT.fullmatch(text) is not None


def safe_cell(value: object) -> str:
    """The cell's text, with a leading apostrophe when it could start a formula."""
    text = "" if value is None else str(value)
    # The first character as a spreadsheet reads it: full-width and small signs are
    # their ASCII sign under NFKC.
    if unicodedata.normalize("NFKC", text[:1])[:1] not in FORMULA_STARTS or _plain(text):
        return text
    return f"'{text}"
