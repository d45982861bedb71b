"""A corpus of spreadsheet files as organisers' software saves them, made by the tests.

``saved_as(rows)`` writes the same rows the way each program does (Excel for Windows'
CSV in Windows-1252, Excel for Mac's CR line ends, UTF-8 with and without a byte order
mark, "Unicode Text" in UTF-16 with tabs, European Excel's semicolons, tabs, and an
.xlsx written by openpyxl). ``UNREADABLE`` holds files that are not spreadsheets, each
with the one sentence the reader must answer.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from datetime import date, datetime

from openpyxl import Workbook

SAVE_AS = "Save your list as .xlsx or .csv."


def _csv(rows: list[list[str]], delimiter: str = ",", line_end: str = "\r\n") -> str:
    """CSV as Excel writes it: a cell is quoted when it holds the separator, a quote or
    a line break (Python's csv writer would leave a lone LF unquoted with CR line ends)."""

    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    return "".join(delimiter.join(cell(c) for c in row) + line_end for row in rows)


def xlsx(rows: list[list[object]]) -> bytes:
    """An .xlsx written by openpyxl, the first sheet holding ``rows``."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def saved_as(rows: list[list[str]]) -> dict[str, bytes]:
    """The same rows in each format the reader must read."""
    return {
        "excel-windows-cp1252": _csv(rows).encode("cp1252"),
        "excel-mac-cr": _csv(rows, line_end="\r").encode("utf-8"),
        "utf8-bom": _csv(rows).encode("utf-8-sig"),
        "utf8-lf": _csv(rows, line_end="\n").encode("utf-8"),
        "unicode-text-utf16": b"\xff\xfe" + _csv(rows, "\t").encode("utf-16-le"),
        "semicolons-cp1252": _csv(rows, ";").encode("cp1252"),
        "tabs": _csv(rows, "\t", "\n").encode("utf-8"),
        "xlsx": xlsx(rows),
    }


def png() -> bytes:
    """A real 1x1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def a_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return out.getvalue()


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
NOT_TEXT = "This file is not a spreadsheet (it is neither .xlsx nor CSV text). " + SAVE_AS
UNREADABLE = {
    "png": (png(), "This looks like a PNG image, not a spreadsheet. " + SAVE_AS),
    "pdf": (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "This looks like a PDF document, not a spreadsheet. " + SAVE_AS,
    ),
    "zip": (a_zip(), "This is a zip file, not a spreadsheet. " + SAVE_AS),
    "empty": (b"", "The file is empty. " + SAVE_AS),
    "blank-lines": (b"\r\n\r\n  \r\n", "The file is empty. " + SAVE_AS),
    "random-bytes": (random.Random(18).randbytes(4096), NOT_TEXT),
}

# An .xlsx as people fill one in: a date, numbers and a formula among the text.
XLSX_WITH_VALUES = [
    ["Name", "Email", "Joined", "Seats", "Budget", "Total", "Phone"],
    ["Zoë Polaków", "zoe@example.org", date(2026, 12, 4), 12, 3.5, "=D2*2", 447700900123],
    ["Ann Lee", "ann@example.org", datetime(2027, 1, 2, 9, 30), 3, 1250.75, "=D3*2", None],
]
