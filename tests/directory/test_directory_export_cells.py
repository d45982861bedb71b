"""The directory's CSV download neutralises full-width formula signs as it does ASCII
ones (``convenor.spreadsheet.safe_cell``) and keeps phone numbers exactly as typed."""

from __future__ import annotations

import csv
import io

import pytest

from tests.directory.factories import make_entry

FULL_WIDTH = {"equals": "\uff1d", "plus": "\uff0b", "minus": "\uff0d", "at": "\uff20"}


async def download(client) -> list[dict[str, str]]:
    response = await client.get("/directory/export.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize("sign", FULL_WIDTH.values(), ids=FULL_WIDTH.keys())
async def test_directory_csv_neutralises_full_width_sign(client, taxonomy, sign):
    await make_entry(
        f'{sign}HYPERLINK("http://x")',
        description=f"{sign}cmd|' /C calc'!A0",
        opening_times=f"{sign}SUM(A1)",
    )

    [row] = await download(client)

    assert (row["name"], row["description"], row["opening_times"]) == (
        f'\'{sign}HYPERLINK("http://x")',
        f"'{sign}cmd|' /C calc'!A0",
        f"'{sign}SUM(A1)",
    )


async def test_directory_csv_neutralises_ascii_sign(client, taxonomy):
    await make_entry('=HYPERLINK("http://x")', description="@SUM(A1)")

    [row] = await download(client)

    assert (row["name"], row["description"]) == ('\'=HYPERLINK("http://x")', "'@SUM(A1)")


async def test_directory_csv_keeps_phone_number(client, taxonomy):
    await make_entry("Harbour Advice Centre", phone="+44 23 8083 3000")

    [row] = await download(client)

    assert row["phone"] == "+44 23 8083 3000"


async def test_directory_csv_neutralises_formula_in_phone_column(client, taxonomy):
    await make_entry("Harbour Advice Centre", phone="+44 23 8083 3000+A1")

    [row] = await download(client)

    assert row["phone"] == "'+44 23 8083 3000+A1"


async def test_directory_csv_keeps_plain_text(client, taxonomy):
    await make_entry("Harbour Advice Centre", description="Advice on housing and money.")

    [row] = await download(client)

    assert (row["name"], row["description"]) == (
        "Harbour Advice Centre",
        "Advice on housing and money.",
    )
