"""The directory import reads every spreadsheet organisers save (through convenor.tables):
the importer and the ``convenor directory import`` command, with accents, row numbers,
forgiving headings, unknown choices listed with the allowed values, files that are not
spreadsheets refused with one sentence, and a progress bar only on a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from directory.importer import import_csv
from directory.models import Entry, ImportBatch
from tests.commands import database_env, run_async
from tests.tables_corpus import UNREADABLE, saved_as, xlsx

ROWS = [
    ["Organisation name", "Type", "Description", "Areas served", "Phone"],
    ["Polaków Café", "Community group", "Zoë's £5 lunch club", "Bargate", "+44 23 8083 3000"],
    ["Bevois Boxing", "Voluntary organisation", "Boxing for\nyoung people", "Bevois", ""],
]


async def run_import(settings, tmp_path: Path, *arguments: str, terminal: bool = False):
    """``convenor directory import ARGUMENTS`` on the test database; (code, stdout, stderr),
    with ``terminal`` standard error on a pseudo-terminal and what it showed."""
    done = await run_async(
        ["directory", "import", *map(str, arguments)],
        database_env(settings, tmp_path),
        tmp_path,
        terminal=terminal,
    )
    return done.returncode, done.stdout, done.stderr


async def entries() -> list[tuple[str, str, str]]:
    return [(e.name, e.description, e.phone) for e in await Entry.all().order_by("name")]


EXPECTED = [
    ("Bevois Boxing", "Boxing for\nyoung people", ""),
    ("Polaków Café", "Zoë's £5 lunch club", "+44 23 8083 3000"),
]


@pytest.mark.parametrize("saved", sorted(saved_as(ROWS)))
async def test_directory_import_reads_each_format_with_accents(taxonomy, saved):
    report = await import_csv(saved_as(ROWS)[saved], source="groups")

    assert report.lines() == ["2 rows: 2 good, 0 with errors; 2 imported."]
    assert await entries() == EXPECTED


@pytest.mark.parametrize("name", sorted(UNREADABLE))
async def test_directory_import_refuses_a_file_that_is_not_a_spreadsheet(taxonomy, name):
    data, sentence = UNREADABLE[name]

    report = await import_csv(data, source="groups")

    assert (report.problem, report.rows, report.imported) == (sentence, [], 0)
    assert await Entry.all().count() == 0


async def test_directory_import_of_a_header_only_file_says_so(taxonomy):
    report = await import_csv(b"name,kind,description\r\n", source="groups")

    assert report.problem == "The file has a heading row but no entries."
    assert await Entry.all().count() == 0


async def test_directory_import_reports_spreadsheet_row_numbers_after_a_line_break(taxonomy):
    rows = [*ROWS, ["", "Community group", "No name here", "", ""]]

    report = await import_csv(saved_as(rows)["utf8-bom"], source="groups", dry_run=True)

    assert report.lines()[0] == (
        "line 4 (no name): name: Enter the name of the organisation or network"
    )


async def test_directory_import_names_the_allowed_areas_for_an_unknown_one(taxonomy):
    rows = [ROWS[0], ["Bitterne Boxing", "Community group", "Boxing", "Bitterne; Bevois", ""]]

    report = await import_csv(xlsx(rows), source="groups", dry_run=True)

    [row] = report.rows
    assert row.errors["areas"] == (
        "Unknown area 'Bitterne'; areas are: Banister & Polygon, Bargate, Bassett, Bevois, "
        "Bitterne Park, City-wide, Coxford, Freemantle, Harefield, Millbrook, Peartree, "
        "Portswood, Redbridge, Shirley, Sholing, Swaythling, Thornhill, Woolston"
    )


async def test_directory_import_names_the_allowed_kinds_for_an_unknown_one(taxonomy):
    rows = [ROWS[0], ["Bitterne Boxing", "Club", "Boxing", "Bevois", ""]]

    report = await import_csv(xlsx(rows), source="groups", dry_run=True)

    assert report.rows[0].errors == {
        "kind": "Unknown kind 'Club'; kinds are: Statutory agency, Voluntary organisation, "
        "Community group, Network, Business, Faith group, Other"
    }


async def test_directory_command_imports_an_xlsx_with_a_one_line_summary(
    taxonomy, settings, tmp_path: Path
):
    path = tmp_path / "groups.xlsx"
    path.write_bytes(saved_as(ROWS)["xlsx"])

    code, out, err = await run_import(settings, tmp_path, path)

    assert code == 0, err
    batch = await ImportBatch.get()
    base_url = out.splitlines()[-1].rsplit(" at ", 1)[1].split("/staff/")[0]
    assert base_url.startswith("http")
    assert out.splitlines() == [
        "Read groups.xlsx as Excel workbook; name: from the column \u201cOrganisation name\u201d;"
        " kind: from the column \u201cType\u201d;"
        " description: from the column \u201cDescription\u201d;"
        " areas: from the column \u201cAreas served\u201d;"
        " phone: from the column \u201cPhone\u201d.",
        "2 rows: 2 good, 0 with errors; 2 imported.",
        f"Import batch {batch.id}: 2 entries, pending moderation. Staff can see it, approve it "
        f"or undo it at {base_url}/staff/directory/imports/{batch.id}",
    ]
    assert await entries() == EXPECTED
    assert (batch.source, batch.rows, batch.created) == ("groups.xlsx", 2, 2)
    assert await Entry.filter(import_batch_id=batch.id).count() == 2


async def test_directory_command_reads_excel_for_windows_csv(taxonomy, settings, tmp_path: Path):
    path = tmp_path / "groups.csv"
    path.write_bytes(saved_as(ROWS)["excel-windows-cp1252"])

    code, out, err = await run_import(settings, tmp_path, path)

    assert (code, err) == (0, "")
    assert out.splitlines()[-2] == "2 rows: 2 good, 0 with errors; 2 imported."
    assert await entries() == EXPECTED


async def test_directory_command_refuses_a_png_with_one_sentence(taxonomy, settings, tmp_path):
    path = tmp_path / "groups.csv"
    path.write_bytes(UNREADABLE["png"][0])

    code, out, err = await run_import(settings, tmp_path, path)

    assert (code, out) == (1, "")
    assert err == (
        "groups.csv: This looks like a PNG image, not a spreadsheet. "
        "Save your list as .xlsx or .csv.\n"
    )
    assert await Entry.all().count() == 0


async def test_directory_command_shows_a_progress_bar_on_a_terminal(
    taxonomy, settings, tmp_path: Path
):
    path = tmp_path / "groups.xlsx"
    path.write_bytes(saved_as(ROWS)["xlsx"])
    code, out, shown = await run_import(settings, tmp_path, path, terminal=True)

    assert code == 0, shown
    assert "Checking" in shown
    assert "Importing" in shown
    assert "100%" in shown
    assert "rows/s" in shown
    assert out.splitlines()[-2] == "2 rows: 2 good, 0 with errors; 2 imported."
