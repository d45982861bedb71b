"""Reading a spreadsheet someone uploads or names: the one reader for every import.

``read_table`` takes the file's bytes and gives back its rows as text, each with the
row number the spreadsheet itself shows, or raises ``TableError`` with one sentence a
person can act on ("This looks like a PNG image, not a spreadsheet. ..."). It reads:

- ``.xlsx`` (the first sheet) with openpyxl in read-only mode, cached values rather
  than formulas; dates and numbers become the text a person sees (``2026-12-04``,
  ``12``, ``3.5``, ``447700900123``). The workbook's unpacked size, rows and columns
  are capped before and while it is read, so a zip bomb cannot eat memory.
- CSV in UTF-8 (with or without a byte order mark), UTF-16 with a byte order mark
  (Excel's "Unicode Text") or Windows-1252 (Excel for Windows' "CSV"); separated by
  commas, semicolons (European Excel) or tabs; with CR (Excel for Mac), LF or CRLF
  line ends. A quoted cell holding a line break stays one row, so later rows keep
  their numbers.

``match_columns`` finds the columns an import wants from the heading row, forgivingly
(case, spaces and punctuation ignored, synonyms such as "E-mail address"), and says
which heading it took for what, so a preview can show it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import load_workbook

__all__ = [
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "Columns",
    "Row",
    "Table",
    "TableError",
    "heading_key",
    "match_columns",
    "read_table",
]

MAX_BYTES = 20_000_000  # the file as read (a 50,000-row list in UTF-16 is about 15 MB)
MAX_UNPACKED = 100_000_000  # an .xlsx's parts once unzipped
MAX_ROWS = 50_000
MAX_COLUMNS = 100
MAX_CELL = 10_000  # characters kept of one cell

SAVE_AS = "Save your list as .xlsx or .csv."
EMPTY = "The file is empty. " + SAVE_AS
NO_ROWS = "The file has no rows. " + SAVE_AS
NOT_TEXT = "This file is not a spreadsheet (it is neither .xlsx nor CSV text). " + SAVE_AS
TOO_BIG = f"The file is larger than {MAX_BYTES // 1_000_000} MB; split it into smaller files."
TOO_MANY_ROWS = f"The file has more than {MAX_ROWS:,} rows; split it into smaller files."
BAD_XLSX = "This Excel file could not be opened (it may be damaged or password-protected). "
# What a file's first bytes say it is, when it is not a spreadsheet.
SIGNATURES = (
    (b"\x89PNG", "This looks like a PNG image, not a spreadsheet. "),
    (b"\xff\xd8\xff", "This looks like a JPEG image, not a spreadsheet. "),
    (b"GIF8", "This looks like a GIF image, not a spreadsheet. "),
    (b"%PDF", "This looks like a PDF document, not a spreadsheet. "),
    (
        b"\xd0\xcf\x11\xe0",
        "This looks like an old Excel (.xls) file or a password-protected workbook. ",
    ),
    (b"{\\rtf", "This looks like a Word (RTF) document, not a spreadsheet. "),
)
ZIP = b"PK\x03\x04"
BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Controls other than tab, CR and LF: many of them mean the bytes are not text.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class TableError(Exception):
    """The file cannot be read as a spreadsheet; the message is one sentence for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    number: int  # as the spreadsheet shows it, counting the heading row
    cells: list[str]


@dataclass
class Table:
    rows: list[Row]  # rows with at least one filled cell, heading row included
    format: str  # what was read, in words: "Excel workbook", "CSV (UTF-8, semicolons)"

    def as_data(self) -> dict:
        """Plain lists, to carry a previewed table back in a form (``from_data``)."""
        return {"format": self.format, "rows": [[r.number, r.cells] for r in self.rows]}

    @classmethod
    def from_data(cls, data: object) -> Table:
        """The table ``as_data`` gave; TableError when it is not one."""
        try:
            rows = [
                Row(int(number), [str(cell)[:MAX_CELL] for cell in cells][:MAX_COLUMNS])
                for number, cells in data["rows"][: MAX_ROWS + 1]  # type: ignore[index]
            ]
            return cls(rows, str(data["format"]))  # type: ignore[index]
        except (KeyError, TypeError, ValueError):
            raise TableError("The list could not be read back; choose the file again.") from None


def read_table(data: bytes, filename: str = "") -> Table:
    """The rows of an .xlsx or CSV file as text, or TableError with one sentence."""
    if len(data) > MAX_BYTES:
        raise TableError(TOO_BIG)
    if not data.strip():
        raise TableError(EMPTY)
    for signature, message in SIGNATURES:
        if data.startswith(signature):
            raise TableError(message + SAVE_AS)
    if data.startswith(ZIP):
        return _read_xlsx(data)
    table = _read_csv(_decode(data))
    if not table.rows:
        raise TableError(NO_ROWS)
    return table


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding.upper().replace("-LE", "")
            except UnicodeDecodeError:
                raise TableError(NOT_TEXT) from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise TableError(NOT_TEXT) from None


DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}


def _delimiter(text: str) -> str:
    """The separator that splits the first filled line into the most cells (comma if none)."""
    lines = io.StringIO(text[:65_536], newline=None)
    first = next((line for line in lines if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in DELIMITERS}
    best = max(counts.values())
    return next(d for d in DELIMITERS if counts[d] == best)


def _read_csv(decoded: tuple[str, str]) -> Table:
    text, encoding = decoded
    if len(_BINARY.findall(text[:100_000])) > 2:  # a few stray controls are a name's problem
        raise TableError(NOT_TEXT)
    delimiter = _delimiter(text)
    # newline=None: CR, LF and CRLF all end a row; csv keeps quoted line breaks in the cell.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS + 1:
                raise TableError(TOO_MANY_ROWS)
            if any(cell.strip() for cell in cells):
                rows.append(Row(number, [_clip(cell) for cell in cells[:MAX_COLUMNS]]))
    except csv.Error:
        raise TableError(NOT_TEXT) from None
    return Table(rows, f"CSV ({encoding}, {DELIMITERS[delimiter]})")


def _read_xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            names = {part.filename for part in parts}
            unpacked = sum(part.file_size for part in parts)
    except zipfile.BadZipFile:
        raise TableError("This zip file is damaged; it is not a spreadsheet. " + SAVE_AS) from None
    if "xl/workbook.xml" not in names:
        raise TableError("This is a zip file, not a spreadsheet. " + SAVE_AS)
    if unpacked > MAX_UNPACKED:
        raise TableError(TOO_BIG)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise TableError(BAD_XLSX + SAVE_AS) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        values = sheet.iter_rows(
            min_row=1, max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS, values_only=True
        )
        for number, cells in enumerate(values, start=1):
            if number > MAX_ROWS + 1:
                raise TableError(TOO_MANY_ROWS)
            texts = [_cell_text(value) for value in cells]
            while texts and not texts[-1]:
                texts.pop()
            if any(cell.strip() for cell in texts):
                rows.append(Row(number, texts))
    except TableError:
        raise
    except Exception:
        raise TableError(BAD_XLSX + SAVE_AS) from None
    finally:
        workbook.close()
    if not rows:
        raise TableError(NO_ROWS)
    return Table(rows, "Excel workbook")


def _clip(text: str) -> str:
    return text[:MAX_CELL]


def _cell_text(value: object) -> str:
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e18:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return _clip(str(value))


# Matching headings


def heading_key(text: str) -> str:
    """A heading as compared: lower case, letters and digits only ("E-mail" -> "email")."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass
class Columns:
    """Which column holds which field, and the heading each was found under."""

    index: dict[str, int] = field(default_factory=dict)  # field -> column (0-based)
    headings: dict[str, str] = field(default_factory=dict)  # field -> heading as typed

    def get(self, cells: list[str], name: str) -> str:
        column = self.index.get(name)
        return cells[column].strip() if column is not None and column < len(cells) else ""

    def described(self, labels: Mapping[str, str]) -> list[str]:
        """'Email: from the column "E-mail address"', for each field found, in the file's order."""
        found = sorted((self.index[name], name) for name in labels if name in self.headings)
        return [
            f"{labels[name]}: from the column \u201c{self.headings[name]}\u201d"
            for _, name in found
        ]


def match_columns(headings: Iterable[str], synonyms: Mapping[str, Iterable[str]]) -> Columns:
    """Find each field's column by its heading or a synonym (the first column wins)."""
    wanted = {heading_key(s): name for name, words in synonyms.items() for s in (name, *words)}
    columns = Columns()
    for position, heading in enumerate(headings):
        name = wanted.get(heading_key(heading))
        if name and name not in columns.index:
            columns.index[name] = position
            columns.headings[name] = heading.strip()
    return columns
