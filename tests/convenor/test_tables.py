"""The one reader for imports (convenor.tables): every format organisers' software
saves, with the right accents and the spreadsheet's own row numbers, and one sentence
for each file that is not a spreadsheet."""

from __future__ import annotations

import io
import zipfile

import pytest

from convenor.tables import (
    MAX_ROWS,
    TOO_MANY_ROWS,
    Row,
    Table,
    TableError,
    match_columns,
    read_table,
)
from tests.tables_corpus import UNREADABLE, XLSX_WITH_VALUES, saved_as, xlsx

ROWS = [
    ["Name", "Email", "Organisation"],
    ["Zoë Polaków", "zoe@example.org", "Café £5 Trust"],
    ["Ann Lee", "ann@example.org", "Hampshire Constabulary"],
]
FORMATS = {
    "excel-windows-cp1252": "CSV (Windows-1252, commas)",
    "excel-mac-cr": "CSV (UTF-8, commas)",
    "utf8-bom": "CSV (UTF-8, commas)",
    "utf8-lf": "CSV (UTF-8, commas)",
    "unicode-text-utf16": "CSV (UTF-16, tabs)",
    "semicolons-cp1252": "CSV (Windows-1252, semicolons)",
    "tabs": "CSV (UTF-8, tabs)",
    "xlsx": "Excel workbook",
}


@pytest.mark.parametrize("saved", sorted(FORMATS))
def test_read_table_reads_each_format_with_accents_and_row_numbers(saved):
    table = read_table(saved_as(ROWS)[saved])

    assert [(row.number, row.cells) for row in table.rows] == [
        (1, ROWS[0]),
        (2, ROWS[1]),
        (3, ROWS[2]),
    ]
    assert table.format == FORMATS[saved]


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_read_table_refuses_what_is_not_a_spreadsheet_with_one_sentence(name):
    data, sentence = UNREADABLE[name]

    with pytest.raises(TableError) as caught:
        read_table(data)

    assert caught.value.message == sentence
    assert len(read_table(saved_as(ROWS)["utf8-lf"]).rows) == 3  # control: a real CSV


def test_read_table_reads_a_header_only_file_as_one_row():
    table = read_table(b"Name,Email\r\n")

    assert [(row.number, row.cells) for row in table.rows] == [(1, ["Name", "Email"])]


def test_quoted_line_break_keeps_later_row_numbers():
    text = 'Name,Notes\r\nAnn,"two\r\nlines"\r\n\r\nBob,one\r\n'

    table = read_table(text.encode("utf-8"))

    assert [(row.number, row.cells) for row in table.rows] == [
        (1, ["Name", "Notes"]),
        (2, ["Ann", "two\nlines"]),
        (4, ["Bob", "one"]),
    ]


def test_mac_line_ends_with_a_quoted_line_break_keep_row_numbers():
    text = 'Name,Notes\r"Ann","two\rlines"\rBob,one\r'

    table = read_table(text.encode("utf-8"))

    assert [(row.number, row.cells) for row in table.rows] == [
        (1, ["Name", "Notes"]),
        (2, ["Ann", "two\nlines"]),
        (3, ["Bob", "one"]),
    ]


def test_xlsx_dates_numbers_and_formulas_become_the_text_people_see():
    table = read_table(xlsx(XLSX_WITH_VALUES))

    assert [(row.number, row.cells) for row in table.rows] == [
        (1, XLSX_WITH_VALUES[0]),
        # openpyxl writes no cached result for a formula, so there is no value to show.
        (2, ["Zoë Polaków", "zoe@example.org", "2026-12-04", "12", "3.5", "", "447700900123"]),
        (3, ["Ann Lee", "ann@example.org", "2027-01-02 09:30", "3", "1250.75"]),
    ]


def test_xlsx_empty_rows_keep_later_row_numbers():
    table = read_table(xlsx([["Name"], [None], ["Ann"]]))

    assert [(row.number, row.cells) for row in table.rows] == [(1, ["Name"]), (3, ["Ann"])]


def test_xlsx_that_unpacks_too_large_is_refused_before_it_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 120_000_000)

    with pytest.raises(TableError) as caught:
        read_table(out.getvalue())

    assert caught.value.message == "The file is larger than 20 MB; split it into smaller files."
    assert len(read_table(xlsx(ROWS)).rows) == 3  # control: a workbook of normal size


def test_csv_with_too_many_rows_is_refused():
    text = "Name\n" + "Ann\n" * (MAX_ROWS + 1)

    with pytest.raises(TableError) as caught:
        read_table(text.encode())

    assert caught.value.message == TOO_MANY_ROWS
    at_the_limit = "Name\n" + "Ann\n" * MAX_ROWS
    assert len(read_table(at_the_limit.encode()).rows) == MAX_ROWS + 1  # control


def test_csv_with_as_many_rows_as_allowed_is_read():
    text = "Name\n" + "Ann\n" * MAX_ROWS

    assert len(read_table(text.encode()).rows) == MAX_ROWS + 1


def test_headings_match_case_spaces_punctuation_and_synonyms():
    synonyms = {"email": ("email address",), "organisation": ("organization", "company")}

    columns = match_columns(["  Full Name", "E-MAIL Address", "Company"], synonyms)

    assert columns.index == {"email": 1, "organisation": 2}
    assert columns.described({"email": "Email", "organisation": "Organisation"}) == [
        "Email: from the column \u201cE-MAIL Address\u201d",
        "Organisation: from the column \u201cCompany\u201d",
    ]


def test_a_table_carried_in_a_form_reads_back_the_same():
    table = Table([Row(1, ["Name"]), Row(3, ["Zoë"])], "Excel workbook")

    assert Table.from_data(table.as_data()) == table


def test_a_table_carried_back_damaged_is_refused():
    with pytest.raises(TableError):
        Table.from_data({"rows": [["x", "y"]]})
    table = Table([Row(1, ["x", "y"])], "Excel workbook")
    assert Table.from_data(table.as_data()) == table  # control: carried back whole
