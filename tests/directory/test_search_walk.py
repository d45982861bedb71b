"""Walking every page of a search over 2,500 realistic entries (issue 17).

Common words match far more than the old 500-match cap. For each query, with and
without filters: every matching entry is shown exactly once, in the order ranked, and
the total, the page count and every facet's counts (on every page) equal what a brute
force over the corpus (``tests.directory_corpus.expected``, no index) finds.
"""

from __future__ import annotations

import math

import pytest

from directory.search import SearchQuery, search
from tests import directory_corpus as corpus

ENTRIES = 2500


@pytest.fixture
async def loaded(taxonomy):
    rows = corpus.rows(ENTRIES)
    return rows, await corpus.load(rows)


async def _walk(query: SearchQuery) -> tuple[list[int], list]:
    """Every page's entry ids in order, and each page's (total, pages, facets)."""
    seen: list[int] = []
    answers = []
    page = 1
    while True:
        found = await search(SearchQuery(**{**query.__dict__, "page": page}))
        assert found.page == page
        seen += [hit.entry.id for hit in found.hits]
        facets = {
            facet: {v.value: v.count for v in values} for facet, values in found.facets.items()
        }
        answers.append((found.total, found.pages, facets))
        if page >= found.pages:
            return seen, answers
        page += 1


async def _check(rows, ids, query: SearchQuery) -> int:
    want = corpus.expected(
        rows, ids, query.text, query.statuses, query.kind, query.theme, query.area
    )
    seen, answers = await _walk(query)
    assert seen == want.ids
    pages = max(1, math.ceil(len(want.ids) / query.per_page))
    assert answers == [(len(want.ids), pages, want.facets)] * pages
    return len(want.ids)


async def test_common_words_walk_every_page_exactly(loaded):
    rows, ids = loaded
    totals = [
        await _check(rows, ids, SearchQuery(text=text))
        for text in ("support", "the food bank", "youth OR young", "support -food")
    ]
    # The positive control: these are the queries the cap broke (more than 500 each).
    assert min(totals[0], totals[2]) > 500, totals
    assert all(totals), totals


async def test_filters_walk_every_page_exactly(loaded):
    rows, ids = loaded
    totals = []
    for text in ("support", "community"):
        for filters in (
            {"kind": "community"},
            {"theme": "mental-health"},
            {"area": "portswood"},
            {"kind": "voluntary", "area": "city-wide"},
            {"kind": "community", "theme": "knife-crime", "area": "bevois"},
        ):
            totals.append(await _check(rows, ids, SearchQuery(text=text, per_page=50, **filters)))
    assert all(totals[:4]), totals


async def test_browsing_and_moderators_statuses_walk_every_page_exactly(loaded):
    rows, ids = loaded
    statuses = ("pending", "published")
    totals = [
        await _check(rows, ids, SearchQuery(per_page=100)),
        await _check(rows, ids, SearchQuery(area="shirley", per_page=25)),
        await _check(rows, ids, SearchQuery(text="support", statuses=statuses, per_page=100)),
        await _check(rows, ids, SearchQuery(text='"food bank"', kind="network", statuses=statuses)),
    ]
    assert totals[0] == sum(corpus.status(i) == "published" for i in range(ENTRIES))
    assert all(totals), totals
