"""The directory download as .csv and .xlsx through its route, read back by openpyxl and
by Python's csv with ``utf-8-sig``: every value as stored (accents, emoji, line breaks),
formula cells neutralised, phone numbers unchanged, the id a number and the review date
a date in .xlsx; the CSV starts with a BOM and ends each record with CRLF."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from directory.models import Entry, Status
from tests.directory.factories import make_entry
from tests.spreadsheets import XLSX_TYPE, quote_prefixed, read_csv, read_export

FORMATS = ["csv", "xlsx"]


async def download(client, fmt: str) -> list[dict]:
    response = await client.get(f"/directory/export.{fmt}")
    assert response.status_code == 200
    header, *rows = read_export(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_directory_export_values_equal_what_was_stored(client, taxonomy, fmt):
    entry = await make_entry(
        "Związek Polaków 🎉",
        description="Polish club.\nMeets on Fridays.",
        phone="+44 23 8083 3000",
        opening_times="Fridays 7pm",
    )
    await Entry.filter(id=entry.id).update(reviewed_at=datetime(2026, 11, 3, 10, tzinfo=UTC))

    [row] = await download(client, fmt)

    assert (row["name"], row["description"], row["phone"], row["opening_times"]) == (
        "Związek Polaków 🎉",
        "Polish club.\nMeets on Fridays.",
        "+44 23 8083 3000",
        "Fridays 7pm",
    )
    if fmt == "csv":
        assert (row["id"], row["last_reviewed"]) == (str(entry.id), "2026-11-03")
    else:  # a number and a real date
        assert (row["id"], row["last_reviewed"]) == (entry.id, datetime(2026, 11, 3))


@pytest.mark.parametrize("fmt", FORMATS)
async def test_directory_export_neutralises_formula_cells(client, taxonomy, fmt):
    await make_entry(
        "=cmd|' /C calc'!A0",
        description="\uff0bSUM(A1)",
        opening_times="@SUM(A1)",
        phone="+44 7700 900123",
    )

    [row] = await download(client, fmt)

    typed = ("=cmd|' /C calc'!A0", "\uff0bSUM(A1)", "@SUM(A1)")
    expected = [f"'{value}" for value in typed] if fmt == "csv" else list(typed)
    assert [row["name"], row["description"], row["opening_times"]] == expected
    assert row["phone"] == "+44 7700 900123"


async def test_directory_xlsx_quote_prefixes_only_formula_cells(client, taxonomy):
    await make_entry("=SUM(A1)", phone="+44 7700 900123", description="Plain")

    response = await client.get("/directory/export.xlsx")

    assert response.headers["content-type"] == XLSX_TYPE
    assert quote_prefixed(response.content) == {"=SUM(A1)"}


async def test_directory_csv_starts_with_bom_and_uses_crlf(client, taxonomy):
    await make_entry("Polaków Club", description="One\nTwo")

    response = await client.get("/directory/export.csv")

    assert response.content.startswith(b"\xef\xbb\xbfid,name,kind,")
    assert response.content.count(b"\r\n") == 2
    assert len(read_csv(response.content)) == 2


async def test_directory_export_leaves_out_unpublished_entries(client, taxonomy):
    await make_entry("Shown")
    await make_entry("Waiting", status=Status.PENDING)

    rows = await download(client, "xlsx")

    assert [row["name"] for row in rows] == ["Shown"]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_directory_export_is_named_community_directory(client, taxonomy, fmt):
    response = await client.get(f"/directory/export.{fmt}")

    name = f"community-directory.{fmt}"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    )


async def test_directory_export_unknown_format_is_404(client, taxonomy):
    assert (await client.get("/directory/export.csv")).status_code == 200

    response = await client.get("/directory/export.json")

    assert response.status_code == 404


async def test_directory_search_page_links_both_formats(client, taxonomy):
    response = await client.get("/directory")

    assert 'href="/directory/export.xlsx"' in response.text
    assert 'href="/directory/export.csv"' in response.text
