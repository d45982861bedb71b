"""Importing entries from CSV: the dry-run report, all-or-nothing, skipping bad rows."""

from __future__ import annotations

from pathlib import Path

from directory.importer import import_csv
from directory.models import Area, Entry, Provenance, Status, Theme
from directory.taxonomy import SOUTHAMPTON_WARDS, ensure_taxonomy
from tests.commands import database_env, run_async
from tests.directory.factories import make_entry

HEADER = "name,kind,description,themes,areas,charity_number,services\n"
GOOD = (
    "Woolston Warriors,Community group,Football for teenagers,Youth diversion,Woolston,,"
    '"Training; Matches"\n'
)
BAD = "Nameless Kind,club,,Knife crime,Atlantis,,\n"


async def test_import_dry_run_reports_row_errors(taxonomy):
    report = await import_csv(HEADER + GOOD + BAD, source="test.csv", dry_run=True)

    assert report.lines() == [
        "line 3 (Nameless Kind): kind: Unknown kind 'club'; kinds are: Statutory agency, "
        "Voluntary organisation, Community group, Network, Business, Faith group, Other",
        "line 3 (Nameless Kind): description: Describe what the organisation or network does",
        "line 3 (Nameless Kind): areas: Unknown area 'Atlantis'; areas are: "
        + ", ".join(sorted(SOUTHAMPTON_WARDS, key=str.casefold)),
        "2 rows: 1 good, 1 with errors; 0 imported.",
    ]
    assert await Entry.all().count() == 0


async def test_import_with_a_bad_row_imports_nothing(taxonomy):
    report = await import_csv(HEADER + GOOD + BAD, source="test.csv")

    assert report.imported == 0
    assert await Entry.all().count() == 0
    control = await import_csv(HEADER + GOOD, source="test.csv")  # without the bad row
    assert control.imported == 1
    assert await Entry.all().count() == 1


async def test_import_skip_bad_rows_imports_the_good(taxonomy):
    report = await import_csv(HEADER + GOOD + BAD, source="test.csv", skip_bad_rows=True)

    entry = await Entry.get().prefetch_related("themes", "areas", "services")
    assert report.imported == 1
    assert (entry.name, entry.status) == ("Woolston Warriors", Status.PENDING)
    assert [t.slug for t in entry.themes] == ["youth-diversion"]
    assert [s.name for s in entry.services] == ["Training", "Matches"]
    assert await Provenance.filter(entry=entry).values_list("how", "source") == [
        ("imported", "test.csv")
    ]


async def test_import_reports_duplicates_in_file_and_directory(taxonomy):
    known = await make_entry("Harefield Hub", charity_number="1122334")
    rows = (
        "Harefield Hub CIO,voluntary,Help,,,1122334,\n"
        "Sholing Sailors,community,Sailing,,,,\n"
        "sholing sailors,community,Sailing again,,,,\n"
    )

    report = await import_csv(HEADER + rows, source="test.csv", dry_run=True)

    assert report.lines() == [
        f"line 2 (Harefield Hub CIO): possible duplicate of entry {known.id} Harefield Hub "
        "(same charity number, similar name)",
        "line 4 (sholing sailors): possible duplicate of line 3 of this file",
        "3 rows: 3 good, 0 with errors; 0 imported.",
    ]


async def test_import_file_without_name_column_is_refused(taxonomy):
    report = await import_csv("title,kind\nx,community\n", source="test.csv")

    assert report.problem == "The file has no name, description column."


async def test_import_command_line_dry_run(taxonomy, settings, tmp_path: Path):
    path = tmp_path / "groups.csv"
    path.write_text(HEADER + GOOD + BAD)
    done = await run_async(
        ["directory", "import", str(path), "--dry-run"], database_env(settings, tmp_path), tmp_path
    )

    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[-1] == "2 rows: 1 good, 1 with errors; 0 imported."
    assert await Entry.all().count() == 0


async def test_taxonomy_terms_are_added_once(taxonomy):
    await ensure_taxonomy(themes=("Loneliness",), areas=("Hedge End",))
    await ensure_taxonomy(themes=("Loneliness",), areas=("Hedge End",))

    assert await Theme.filter(name="Loneliness").values_list("slug", flat=True) == ["loneliness"]
    assert await Area.filter(name="Hedge End").values_list("slug", flat=True) == ["hedge-end"]
