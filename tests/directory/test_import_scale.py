"""A moderate import (2,000 rows of the realistic corpus, tests/directory_corpus.py) is
searchable as soon as it is in, on both databases (issue 17): the search index is kept
in the import's own transaction, chunk by chunk."""

from __future__ import annotations

from directory import importer
from directory.models import BatchStatus, Entry, ImportBatch, Status
from directory.search import SearchQuery, search
from tests import directory_corpus

COUNT = 2000
SAMPLED = (0, 1, 777, 1234, 1999)


async def hits(text: str, statuses: tuple[str, ...] = ("published",)) -> dict[str, int]:
    page = await search(SearchQuery(text=f'"{text}"', statuses=statuses, per_page=50))
    return {hit.entry.name: hit.entry.id for hit in page.hits}


async def test_two_thousand_imported_rows_are_found_by_name(taxonomy):
    rows = directory_corpus.rows(COUNT)

    report = await importer.import_csv(
        directory_corpus.csv_text(rows), source="corpus", file_name="corpus.csv", publish=True
    )

    assert (report.failed, report.bad_rows, report.imported) == (False, [], COUNT)
    batch = await ImportBatch.get(id=report.batch_id)
    assert (batch.status, batch.created) == (BatchStatus.COMPLETE, COUNT)
    assert await Entry.filter(import_batch_id=batch.id, status=Status.PUBLISHED).count() == COUNT
    for index in SAMPLED:
        name = rows[index]["name"]
        found = await hits(name)
        assert name in found, (index, name, sorted(found))
        assert (await Entry.get(id=found[name])).import_batch_id == batch.id


async def test_a_pending_import_is_found_by_moderators_only(taxonomy):
    rows = directory_corpus.rows(300)

    report = await importer.import_csv(directory_corpus.csv_text(rows), source="corpus")

    assert report.imported == 300
    name = rows[123]["name"]
    assert name in await hits(name, ("pending",))
    assert name not in await hits(name)
