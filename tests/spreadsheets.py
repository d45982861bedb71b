"""Reading exports back as a spreadsheet user would: CSV with Python's csv module and
``utf-8-sig``, .xlsx with openpyxl. Both readers check the file's form as they go."""

from __future__ import annotations

import codecs
import csv
import io

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_csv(body: bytes) -> list[list[str]]:
    """The CSV's rows. Fails unless it starts with the BOM and every record ends in
    CRLF (writing the rows back with CRLF gives the very same text)."""
    assert body.startswith(codecs.BOM_UTF8)
    text = body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    again = io.StringIO()
    csv.writer(again, lineterminator="\r\n").writerows(rows)
    assert again.getvalue() == text
    return rows


def xlsx_sheet(body: bytes) -> Worksheet:
    """The workbook's only sheet. Fails if any cell is a formula."""
    book = openpyxl.load_workbook(io.BytesIO(body))
    [sheet] = book.worksheets
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    return sheet


def read_xlsx(body: bytes) -> list[list]:
    """The .xlsx's cell values, row by row (empty cells as None)."""
    return [list(row) for row in xlsx_sheet(body).iter_rows(values_only=True)]


def quote_prefixed(body: bytes) -> set[str]:
    """The values of the text cells marked to stay text (Excel's quote prefix)."""
    sheet = xlsx_sheet(body)
    return {c.value for row in sheet.iter_rows() for c in row if c.quotePrefix}


def read_export(response) -> list[list]:
    """The rows of a CSV or .xlsx download, by its content type."""
    if response.headers["content-type"] == XLSX_TYPE:
        return read_xlsx(response.content)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return read_csv(response.content)
