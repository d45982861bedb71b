"""Spreadsheet exports: the one place that writes them (CSV and .xlsx) and the one place
that decides what could run as a formula.

Every export (the delegate list with or without catering and access answers, workshop
lists, the invite list, the directory, a consultation's answers and workshop notes, a
respondent's own answers, the actions register) builds a ``Sheet`` (a header row and
rows) and writes it with ``csv_bytes`` or ``xlsx_bytes``; ``download_response`` (or
``threaded_download``, for exports that can be large) serves either with
a Content-Disposition that any browser reads (an ASCII ``filename`` and the real name in
``filename*=UTF-8''``).

CSV is UTF-8 with a byte order mark and CRLF line ends, the form Excel opens with
accents intact; each text cell goes through ``safe_cell``. In .xlsx every text cell is
written with the string type, so nothing in it runs ("=SUM(A1)", "#N/A", "007" and
"+44 23 8083 3000" all stay the text that was typed); a cell ``safe_cell`` would
neutralise gets Excel's own quote prefix (what Excel stores when someone types an
apostrophe), so it stays text even after it is edited, without a visible apostrophe.
Dates and times are real dates in .xlsx and ``YYYY-MM-DD [HH:MM]`` in CSV; numbers are
numbers.

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

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

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


# Writing ----------------------------------------------------------------------------

Cell = str | int | float | date | datetime | None
BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_TEXT_LIMIT = 32_767  # the most characters an Excel cell holds
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Sheet:
    """One export: a sheet name (31 characters at most in Excel), a header and rows.

    Cells are text, numbers, dates or wall-clock datetimes (the caller turns times into
    the event's zone first: a spreadsheet has no time zones) or None for an empty cell.
    Rows may be a generator, so a large export is never held twice in memory, but not
    one that queries the database: ``threaded_download`` reads them in a worker thread."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return safe_cell(value)


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV: UTF-8 with a byte order mark, CRLF line ends, text cells that
    could run as a formula with a leading apostrophe (``safe_cell``)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_text(cell) for cell in sheet.header])
    for row in sheet.rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def _sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, at most 31 characters."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "-", ILLEGAL_CHARACTERS_RE.sub("", title)).strip("' ")
    return cleaned[:31] or "Sheet1"


def _text_cell(sheet, text: str, font: Font | None = None):
    """A text cell typed as text whatever it looks like; a would-be formula carries the
    quote prefix. Characters XML cannot hold are dropped and the text is cut at Excel's
    limit (the only two ways the value can differ from what was stored)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:XLSX_TEXT_LIMIT]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would make "=..." a formula and "#N/A" an error
    if safe_cell(text) != text:
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def _xlsx_cell(sheet, value: Cell):
    if value is None or isinstance(value, bool):
        return None if value is None else _text_cell(sheet, "yes" if value else "no")
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = TIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int | float):
        return value
    return _text_cell(sheet, str(value))


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The sheet as an .xlsx workbook, written row by row (openpyxl's write-only mode):
    text typed as text, dates as dates, numbers as numbers, no cell a formula."""
    book = Workbook(write_only=True)
    out = book.create_sheet(_sheet_title(sheet.title))
    out.freeze_panes = "A2"
    bold = Font(bold=True)
    out.append([_text_cell(out, str(name), bold) for name in sheet.header])
    for row in sheet.rows:
        out.append([_xlsx_cell(out, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ascii_filename(name: str) -> str:
    """The file name with accents dropped and anything a header or a file system could
    trip on replaced: the fallback for browsers that ignore ``filename*``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._ -]+", "-", plain)
    plain = re.sub(r"-{2,}", "-", re.sub(r"\s+", " ", plain)).strip(" .-")
    return plain or "export"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII ``filename`` and the real one as ``filename*``."""
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "-", filename).strip() or "export"
    stem, dot, extension = name.rpartition(".")
    fallback = ascii_filename(name)
    if dot:
        fallback = f"{ascii_filename(stem)}.{ascii_filename(extension)}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_response(sheet: Sheet, fmt: str, filename: str) -> Response:
    """The sheet as a download in ``fmt`` ("csv" or "xlsx"), written here and now: for
    small sheets. ``filename`` has no extension. (The security middleware marks the
    response no-store.)"""
    write, media_type = (xlsx_bytes, XLSX_TYPE) if fmt == "xlsx" else (csv_bytes, CSV_TYPE)
    return _response(write(sheet), media_type, f"{filename}.{fmt}")


async def threaded_download(sheet: Sheet, fmt: str, filename: str) -> Response:
    """Like ``download_response``, with the file written in a worker thread: a
    city-sized directory takes seconds as .xlsx, which must not hold up every other
    request. The sheet's rows must not query the database."""
    write, media_type = (xlsx_bytes, XLSX_TYPE) if fmt == "xlsx" else (csv_bytes, CSV_TYPE)
    return _response(await run_in_threadpool(write, sheet), media_type, f"{filename}.{fmt}")


def _response(body: bytes, media_type: str, filename: str) -> Response:
    headers = {"Content-Disposition": content_disposition(filename)}
    return Response(body, media_type=media_type, headers=headers)
