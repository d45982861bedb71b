"""The one writer every export uses (``convenor.spreadsheet``): CSV with a BOM and CRLF,
.xlsx with text typed as text, dates as dates and no cell a formula, and a download
name every browser reads."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from convenor.spreadsheet import (
    Sheet,
    content_disposition,
    csv_bytes,
    download_response,
    threaded_download,
    xlsx_bytes,
)
from tests.spreadsheets import XLSX_TYPE, quote_prefixed, read_csv, read_xlsx, xlsx_sheet

TYPED = ["Zoë Polaków 🎉", "007", "+44 23 8083 3000", "-£20", "Line one\nLine two", "#N/A"]
FORMULAS = ["=SUM(A1)", "\uff1dSUM(A1)", "+A1", "\uff0bA1", "-1+1", "\uff0d1", "@SUM(A1)"]


def sheet(*rows, header=("Value",)) -> Sheet:
    return Sheet("Test", header, [list(row) for row in rows])


def test_csv_starts_with_bom_and_ends_records_with_crlf():
    body = csv_bytes(sheet(["Polaków"], ["Two"]))

    assert body == "\ufeffValue\r\nPolaków\r\nTwo\r\n".encode()


def test_csv_keeps_typed_text_exactly():
    body = csv_bytes(sheet(*([value] for value in TYPED)))

    assert read_csv(body) == [["Value"], *([value] for value in TYPED)]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_neutralises_formula_cell(formula):
    assert read_csv(csv_bytes(sheet([formula]))) == [["Value"], [f"'{formula}"]]


def test_csv_neutralises_formula_in_header():
    assert read_csv(csv_bytes(sheet(["x"], header=["=Q1"])))[0] == ["'=Q1"]


def test_csv_writes_dates_numbers_and_empty_cells():
    row = [date(2027, 6, 9), datetime(2027, 6, 9, 9, 30), 42, 2.5, None]

    rows = read_csv(csv_bytes(sheet(row, header=list("abcde"))))

    assert rows[1] == ["2027-06-09", "2027-06-09 09:30", "42", "2.5", ""]


def test_xlsx_keeps_typed_text_exactly_as_text():
    body = xlsx_bytes(sheet(*([value] for value in TYPED)))

    cells = [row[0] for row in xlsx_sheet(body).iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(value, "s") for value in TYPED]
    assert quote_prefixed(body) == set()


@pytest.mark.parametrize("formula", FORMULAS)
def test_xlsx_writes_formula_cell_as_quote_prefixed_text(formula):
    body = xlsx_bytes(sheet([formula]))

    [[cell]] = xlsx_sheet(body).iter_rows(min_row=2)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (formula, "s", True)


def test_xlsx_header_formula_is_text():
    body = xlsx_bytes(sheet(["x"], header=["=Q1"]))

    assert read_xlsx(body)[0] == ["=Q1"]
    assert quote_prefixed(body) == {"=Q1"}


def test_xlsx_writes_real_dates_and_numbers():
    row = [date(2027, 6, 9), datetime(2027, 6, 9, 9, 30), 42, 2.5, None]

    body = xlsx_bytes(sheet(row, header=list("abcde")))

    [cells] = xlsx_sheet(body).iter_rows(min_row=2)
    assert [c.value for c in cells] == [
        datetime(2027, 6, 9),
        datetime(2027, 6, 9, 9, 30),
        42,
        2.5,
        None,
    ]
    assert [c.number_format for c in cells[:2]] == ["yyyy-mm-dd", "yyyy-mm-dd hh:mm"]
    assert [c.data_type for c in cells[:4]] == ["d", "d", "n", "n"]


def test_xlsx_drops_characters_xml_cannot_hold():
    body = xlsx_bytes(sheet(["bell\x07 and tab\there"]))

    assert read_xlsx(body)[1] == ["bell and tab\there"]


def test_xlsx_streams_a_generator_of_rows():
    rows = ([f"Delegate {n}", n] for n in range(5000))

    body = xlsx_bytes(Sheet("Many", ["Name", "Number"], rows))

    read = read_xlsx(body)
    assert (len(read), read[-1]) == (5001, ["Delegate 4999", 4999])


def test_xlsx_sheet_title_made_acceptable_to_excel():
    body = xlsx_bytes(Sheet("Places: [Plan]/Zoë's * workshop list, long", ["a"], []))

    assert xlsx_sheet(body).title == "Places- -Plan--Zoë's - workshop"


def test_content_disposition_has_ascii_fallback_and_utf8_name():
    header = content_disposition('Délégués "Polaków"; summit.xlsx')

    assert header == (
        'attachment; filename="Delegues -Polakow- summit.xlsx"; '
        "filename*=UTF-8''D%C3%A9l%C3%A9gu%C3%A9s%20%22Polak%C3%B3w%22%3B%20summit.xlsx"
    )


def test_content_disposition_plain_name_unchanged():
    assert content_disposition("delegates-7.csv") == (
        "attachment; filename=\"delegates-7.csv\"; filename*=UTF-8''delegates-7.csv"
    )


def test_content_disposition_drops_line_breaks_and_slashes():
    header = content_disposition("a\r\nb/../c.csv")

    assert header == "attachment; filename=\"a-b-..-c.csv\"; filename*=UTF-8''a--b-..-c.csv"


@pytest.mark.parametrize(
    ("fmt", "media_type"), [("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX_TYPE)]
)
def test_download_response_names_type_and_file(fmt, media_type):
    response = download_response(sheet(["x"]), fmt, "list")

    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"list.{fmt}\"; filename*=UTF-8''list.{fmt}"
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_threaded_download_gives_the_same_file(fmt):
    direct = download_response(sheet(["Polaków"]), fmt, "list")

    threaded = await threaded_download(sheet(["Polaków"]), fmt, "list")

    assert threaded.headers == direct.headers
    if fmt == "csv":  # an .xlsx file holds the moment it was written
        assert threaded.body == direct.body
    else:
        assert read_xlsx(threaded.body) == read_xlsx(direct.body)
