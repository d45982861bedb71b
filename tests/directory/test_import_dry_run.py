"""The dry run finds every error the real import would (issue 17): the same check runs in
both, on the values as written. Hostile files (NUL and other controls, values too long
for their column once normalised, bad kinds, unknown themes and areas, bad emails, web
addresses and postcodes, formula-looking cells, blank rows) as CSV with a byte order
mark, an .xlsx written by openpyxl, and a table read in code; the real import with
--skip-bad-rows saves exactly the good rows and never raises, on both databases; a
database failure mid-import leaves nothing and the batch says so."""

from __future__ import annotations

import pytest

from convenor.cleaning import CONTROL_CHARACTERS
from convenor.tables import Row, Table
from directory import importer
from directory.models import BatchStatus, Entry, ImportBatch, Provenance, Service
from tests.tables_corpus import xlsx

HEADINGS = [
    "name", "kind", "description", "themes", "areas", "website", "email", "postcode",
    "services", "phone", "contact_name",
]  # fmt: skip


def row(name: str, **cells: str) -> list[str]:
    """A row that is good unless ``cells`` spoil it."""
    values = {
        "name": name,
        "kind": "Community group",
        "description": "Football for teenagers",
        "themes": "Youth diversion",
        "areas": "Woolston",
        "website": "",
        "email": "",
        "postcode": "",
        "services": "",
        "phone": "",
        "contact_name": "",
        **cells,
    }
    return [values[h] for h in HEADINGS]


# Errors with no control character in them: these travel in any file format.
PRINTABLE = [
    row("Good Row One"),  # line 2
    row("N" * 201),  # 3: too long
    row("Clubless", kind="club"),  # 4
    row("Atlantean Aid", themes="Youth diversion; Atlantis"),  # 5
    row("Nowhere Nets", areas="Atlantis"),  # 6
    row("Bad Email Band", email="not-an-email"),  # 7
    row("Bad Web Band", website="http://nodot"),  # 8
    row("Bad Postcode Band", postcode="XYZ 123"),  # 9
    # 295 characters passes the form's limit of 300, but "https://" is added before it
    # is written: 303 characters do not fit the column.
    row("Long Web Band", website="w" * 287 + ".example"),  # 10
    # A domain longer than the website_domain column (200), in a website that fits.
    row("Long Domain Band", website="https://" + "d" * 200 + ".org"),  # 11
    row("Long Service Band", services="Training; " + "S" * 201),  # 12
    # Formula-looking cells are text like any other ("=" is left to the CSV-only test:
    # openpyxl writes such a cell as a formula).
    row("@SUM(1+2) Group", description="+SUM(1,2) -x"),  # 13
    row("Good Row Two", phone="+44 23 8083 3000", description="-2+3"),  # 14
    row("Nameless", description=""),  # 15
]
PRINTABLE_ERRORS = {
    (3, "name"),
    (4, "kind"),
    (5, "themes"),
    (6, "areas"),
    (7, "email"),
    (8, "website"),
    (9, "postcode"),
    (10, "website"),
    (11, "website"),
    (12, "services (2)"),
    (15, "description"),
}
GOOD_PRINTABLE = ["@SUM(1+2) Group", "Good Row One", "Good Row Two"]
# Control characters, in a table as the reader gives it (a CSV with many would be refused
# as not text, and openpyxl cannot write them).
CONTROLS = [
    row("Nul Description", description="Football\x00 for all"),
    row("Bell\x07 Name"),
    row("Nul Theme", themes="Youth diversion\x00"),
    row("Nul Area", areas="Wool\x00ston"),
    row("Nul Service", services="Training\x00"),
    row("Nul Email", email="a\x00b@example.org"),
    row("Nul Website", website="https://exa\x00mple.org"),
    row("Nul Postcode", postcode="SO14\x00 7LY"),
    row("Nul Contact", contact_name="Sam\x00"),
    row("Escape Phone", phone="023\x1b 8083"),
    row("Good Row Three"),
]


def csv_with_bom(rows: list[list[str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def table_of(rows: list[list[str]]) -> Table:
    return Table([Row(i, cells) for i, cells in enumerate(rows, start=1)], "table")


async def dry_and_real(source) -> tuple[importer.ImportReport, importer.ImportReport]:
    dry = await importer.import_csv(source, source="hostile", dry_run=True)
    assert await Entry.all().count() == 0
    real = await importer.import_csv(source, source="hostile", skip_bad_rows=True)
    return dry, real


def csv_source() -> bytes:
    # A blank row and a row of spaces between the good ones: not rows at all.
    blank = [""] * len(HEADINGS)
    spaces = ["  "] * len(HEADINGS)
    rows = [HEADINGS, *PRINTABLE[:1], blank, spaces, *PRINTABLE[1:]]
    return csv_with_bom(rows)


@pytest.mark.parametrize("kind", ["csv-bom", "xlsx"])
async def test_dry_run_finds_the_errors_the_import_finds_in_a_saved_file(taxonomy, kind):
    source = csv_source() if kind == "csv-bom" else xlsx([HEADINGS, *PRINTABLE])
    dry, real = await dry_and_real(source)

    # Blank rows keep their numbers in a CSV (the spreadsheet's own row numbers).
    shift = 2 if kind == "csv-bom" else 0
    expected = {(line + shift if line > 2 else line, name) for line, name in PRINTABLE_ERRORS}
    assert {(line, name) for line, name, _ in dry.row_errors()} == expected
    assert dry.row_errors() == real.row_errors()
    assert (real.failed, real.problem, real.imported) == (False, "", 3)
    assert sorted(await Entry.all().values_list("name", flat=True)) == GOOD_PRINTABLE


async def test_dry_run_finds_every_control_character_the_import_would_refuse(taxonomy):
    source = table_of([HEADINGS, *CONTROLS])
    dry, real = await dry_and_real(source)

    errors = {(line, name) for line, name, _ in dry.row_errors()}
    assert errors == {
        (2, "description"),
        (3, "name"),
        (4, "themes"),
        (5, "areas"),
        (6, "services"),
        (7, "email"),
        (8, "website"),
        (9, "postcode"),
        (10, "contact_name"),
        (11, "phone"),
    }
    assert dry.row_errors() == real.row_errors()
    assert (real.failed, real.imported) == (False, 1)
    assert await Entry.all().values_list("name", flat=True) == ["Good Row Three"]
    # The control characters never reach the printed report.
    assert not any(c in line for line in real.lines() for c in "\x00\x07\x1b")


async def test_a_nul_byte_is_reported_with_the_field_and_nothing_is_imported(taxonomy):
    text = "name,kind,description\nGood,community,Fine\nBad,community,Foot\x00ball\n"

    dry = await importer.import_csv(text, source="t", dry_run=True)
    real = await importer.import_csv(text, source="t")

    assert dry.row_errors() == real.row_errors() == {(3, "description", CONTROL_CHARACTERS)}
    assert (real.imported, real.batch_id, real.failed) == (0, None, False)
    assert await Entry.all().count() == 0
    assert await ImportBatch.all().count() == 0


async def test_a_clean_file_imports_every_row_with_what_was_checked(taxonomy):
    rows = [
        HEADINGS,
        row("Clean One", website="example.org", email="Info@Example.org", postcode="so14 7ly"),
        row(
            '=HYPERLINK("http://evil.example")',
            services="Training; Matches",
            phone="+44 23 8083 3000",
            description="=1+2",
        ),
    ]
    dry, real = await dry_and_real(csv_with_bom(rows))

    assert dry.row_errors() == real.row_errors() == set()
    assert (real.imported, real.failed) == (2, False)
    one = await Entry.get(name="Clean One")
    # What the check normalised is what was written.
    checked = dry.rows[0].data
    assert (one.website, one.website_domain, one.email, one.postcode) == (
        "https://example.org",
        "example.org",
        checked.email,
        "SO14 7LY",
    )
    assert checked.email.lower() == "info@example.org"
    two = await Entry.get(description="=1+2").prefetch_related("themes", "areas")
    assert (two.name, two.phone) == ('=HYPERLINK("http://evil.example")', "+44 23 8083 3000")
    assert [s.name for s in await Service.filter(entry=two).order_by("position")] == [
        "Training",
        "Matches",
    ]
    assert ([t.slug for t in two.themes], [a.slug for a in two.areas]) == (
        ["youth-diversion"],
        ["woolston"],
    )
    assert await Provenance.filter(entry=two).values_list("how", "source") == [
        ("imported", "hostile")
    ]


async def test_a_database_failure_mid_import_saves_nothing_and_the_batch_says_so(
    taxonomy, monkeypatch
):
    rows = [HEADINGS, *[row(f"Group {i}") for i in range(5)]]
    calls = []

    async def failing_refresh(ids):
        calls.append(list(ids))
        if len(calls) == 2:  # the second chunk: the first is written by now
            raise RuntimeError("disk I/O error")

    monkeypatch.setattr(importer, "CHUNK", 2)
    monkeypatch.setattr(importer.search_index, "refresh", failing_refresh)

    report = await importer.import_csv(csv_with_bom(rows), source="t", file_name="groups.csv")

    assert report.failed
    assert report.problem == (
        "The import could not be saved (disk I/O error); nothing was imported. "
        f"Import batch {report.batch_id} records the failure."
    )
    assert len(calls) == 2
    assert await Entry.all().count() == 0
    assert await Provenance.all().count() == 0
    batch = await ImportBatch.get(id=report.batch_id)
    assert (batch.status, batch.created, batch.rows, batch.source, batch.message) == (
        BatchStatus.FAILED,
        0,
        5,
        "groups.csv",
        report.problem,
    )


async def test_the_same_import_without_the_failure_saves_every_chunk(taxonomy, monkeypatch):
    rows = [HEADINGS, *[row(f"Group {i}") for i in range(5)]]
    monkeypatch.setattr(importer, "CHUNK", 2)

    report = await importer.import_csv(csv_with_bom(rows), source="t", file_name="groups.csv")

    assert (report.failed, report.imported) == (False, 5)
    batch = await ImportBatch.get(id=report.batch_id)
    assert (batch.status, batch.created, batch.rows) == (BatchStatus.COMPLETE, 5, 5)
    assert await Entry.filter(import_batch_id=batch.id).count() == 5


async def test_imported_rows_are_stored_as_the_orm_stores_them(taxonomy):
    """The import writes plain INSERTs: each column of an imported entry, service and
    provenance row holds the same type of value, in the same form, as the ORM's own."""
    from tortoise import Tortoise

    from directory.models import How, Status
    from directory.service import create_entry
    from tests.directory.factories import entry_data

    rows = [HEADINGS, row("Imported Group", services="Training", website="example.org")]
    await importer.import_csv(csv_with_bom(rows), source="t")
    data = entry_data("Orm Group", website="https://example.org", contact_name="")
    data.themes, data.areas = ["youth-diversion"], ["woolston"]
    data.services = [importer.ServiceData(name="Training")]
    await create_entry(data, status=Status.PENDING, how=How.IMPORTED, source="t")
    conn = Tortoise.get_connection("default")

    for table in ("directory_entry", "directory_service", "directory_provenance"):
        found = await conn.execute_query_dict(f"SELECT * FROM {table} ORDER BY id")
        imported, made = found

        def shape(value):
            text = str(value)
            return (type(value), len(text) if ":" in text and "-" in text else None)

        differing = {
            column: (imported[column], made[column])
            for column in imported
            if column not in ("id", "entry_id")
            and imported[column] is not None
            and made[column] is not None
            and shape(imported[column]) != shape(made[column])
        }
        assert differing == {}, table
        nulls = {c for c in imported if imported[c] is None}
        assert nulls <= {c for c in made if made[c] is None}, table


async def test_leaving_out_every_row_makes_no_batch(taxonomy):
    rows = [HEADINGS, row("Clubless", kind="club"), row("Nowhere", areas="Atlantis")]

    report = await importer.import_csv(csv_with_bom(rows), source="t", skip_bad_rows=True)

    assert (report.imported, report.batch_id, len(report.bad_rows)) == (0, None, 2)
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (0, 0)
