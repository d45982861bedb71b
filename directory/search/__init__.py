"""Directory search: one interface, one implementation per database.

``search(SearchQuery(...))`` answers with a ranked page of entries, counts per filter
value, highlighted names and snippets, and a "did you mean" correction when a
misspelt word found nothing. The text match is the only part that differs by
database (``directory.search.sqlite``: FTS5; ``directory.search.postgres``: tsvector
and pg_trgm).

A text query reads its matches in one statement (the backend's ``sample_sql``: at
most ``CAP`` + 1, each with its rank, name, status, kind, theme and area ids, along with
the entries of the page it most likely shows) and filters, counts, ranks and pages
them here, so its cost is bounded whatever the words. Browsing
without words (``directory.search.browse``) uses shared SQL for filters, counts and
paging, and keeps its answers under the search stamp (``directory.search.cache``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from directory.models import KIND_LABELS, Entry, Kind
from directory.search import postgres, sqlite
from directory.search.browse import browse
from directory.search.cache import StampCache, Taxonomy, current_stamp, taxonomy
from directory.search.entries import made_entries
from directory.search.results import (
    MAX_PAGE,
    PER_PAGE,
    PUBLIC,
    FacetValue,
    Hit,
    SearchPage,
    SearchQuery,
)
from directory.search.sql import connection, entries, matches, tuples
from directory.search.text import Highlighter, suggest, tokens

__all__ = [
    "CAP",
    "MAX_PAGE",
    "PER_PAGE",
    "PUBLIC",
    "FacetValue",
    "Hit",
    "SearchPage",
    "SearchQuery",
    "search",
    "similar_names",
]

# Text queries: up to CAP matches are counted and ranked exactly. Beyond that, counts
# are estimated from the first CAP matches (``SearchPage.approximate``) and ranking
# covers those plus up to CAP matches in names (a name match still beats a
# description match); selective filters are then applied in SQL, exactly when few pass.
CAP = 500


class Backend(Protocol):
    JOIN: str  # a join that keeps the written order (browsing without words)

    async def similar_names(
        self, conn: BaseDBAsyncClient, word: str, statuses: tuple[str, ...]
    ) -> list[str]: ...

    def sample_sql(
        self,
        query_tokens: list[str],
        cap: int,
        statuses: tuple[str, ...],
        offset: int,
        count: int,
        counted: int | None = None,
    ) -> tuple[str, list]: ...

    def rows_sql(
        self, query_tokens: list[str], limit: int, statuses: tuple[str, ...], narrow: tuple
    ) -> tuple[str, list]: ...


def backend_for(conn: BaseDBAsyncClient) -> Backend:
    return sqlite if conn.capabilities.dialect == "sqlite" else postgres  # type: ignore[return-value]


async def _run(conn, backend: Backend, query: SearchQuery, words: list[str]) -> SearchPage:
    if words:
        return await _run_words(conn, backend, query, words)
    return await browse(conn, backend.JOIN, query, await current_stamp(conn))


# A match, as ``directory.search.sql.matches`` gives it; sorting these tuples ranks them.
RANK, NAME, ID, KIND, STATUS, THEMES, AREAS = range(7)


@dataclass
class _Sample:
    """What one statement (the backend's ``sample_sql``) reads for a text query."""

    matches: list[tuple]  # the first CAP + 1, whatever their status
    total: int | None  # how many match in all; only when more than CAP
    names: list[tuple]  # the first CAP in names; only when more than CAP
    entries: dict[int, Entry]  # those the requested page most likely shows
    stamp: int | None  # the search stamp


# How many entries match a text query's words, when more than CAP do (a count over
# thousands of matches was most of such a query's statement), kept under the stamp.
_totals = StampCache(256)


async def _sample(conn, backend: Backend, words: list[str], query: SearchQuery) -> _Sample:
    page = min(max(1, query.page), MAX_PAGE)
    key = tuple(words)
    # What is kept now, and under which stamp: the statement counts again unless it
    # reads that same stamp.
    kept_stamp, kept_total = _totals.kept(key)
    sql_params = backend.sample_sql(
        words,
        CAP,
        query.statuses,
        (page - 1) * query.per_page,
        query.per_page,
        kept_stamp if kept_total is not None else None,
    )
    found, total, names, page_entries, stamp = (await tuples(conn, sql_params, off_loop=True))[0]
    sample = matches(found)
    if total is not None:
        _totals.put(stamp, key, int(total))
    elif len(sample) > CAP:
        total = kept_total  # the statement read the stamp it was kept under
    return _Sample(
        sample,
        None if total is None else int(total),
        matches(names),
        made_entries(page_entries),
        stamp,
    )


class _Filters:
    """The query's filters, applied in Python to fetched matches or handed to SQL."""

    def __init__(self, query: SearchQuery, taxonomy: Taxonomy) -> None:
        self.statuses = frozenset(query.statuses)
        self.kind = query.kind
        # An unknown slug matches nothing (-1 is no id).
        self.theme = (taxonomy.id_of("theme", query.theme) or -1) if query.theme else None
        self.area = (taxonomy.id_of("area", query.area) or -1) if query.area else None
        self.narrow = (self.kind, self.theme, self.area)

    @property
    def any(self) -> bool:
        return bool(self.kind) or self.theme is not None or self.area is not None

    def passes(self, m: tuple, without: str = "") -> bool:
        return (
            m[STATUS] in self.statuses
            and (not self.kind or without == "kind" or m[KIND] == self.kind)
            and (self.theme is None or without == "theme" or self.theme in m[THEMES])
            and (self.area is None or without == "area" or self.area in m[AREAS])
        )


def _count_facets(
    matches: list[tuple], filters: _Filters, taxonomy: Taxonomy, scale: float
) -> dict[str, dict[str, tuple[str, int]]]:
    """facet -> value -> (label, count), each facet counted without its own filter."""
    statuses, kind, theme, area = filters.statuses, filters.kind, filters.theme, filters.area
    if not filters.any:
        # No filters (most searches): every facet counts the same matches, in C.
        shown = [m for m in matches if m[STATUS] in statuses]
        return _labelled(
            Counter(map(itemgetter(KIND), shown)),
            Counter(chain.from_iterable(map(itemgetter(THEMES), shown))),
            Counter(chain.from_iterable(map(itemgetter(AREAS), shown))),
            taxonomy,
            scale,
        )
    kinds, themes, areas = {}, {}, {}
    for m in matches:
        if m[STATUS] not in statuses:
            continue
        kind_ok = not kind or m[KIND] == kind
        theme_ok = theme is None or theme in m[THEMES]
        area_ok = area is None or area in m[AREAS]
        if theme_ok and area_ok:
            kinds[m[KIND]] = kinds.get(m[KIND], 0) + 1
        if kind_ok and area_ok:
            for t in m[THEMES]:
                themes[t] = themes.get(t, 0) + 1
        if kind_ok and theme_ok:
            for a in m[AREAS]:
                areas[a] = areas.get(a, 0) + 1
    return _labelled(kinds, themes, areas, taxonomy, scale)


def _labelled(
    kinds: dict[str, int],
    themes: dict[int, int],
    areas: dict[int, int],
    taxonomy: Taxonomy,
    scale: float,
) -> dict[str, dict[str, tuple[str, int]]]:
    """The counts by facet value's slug, with labels, scaled (at least 1 each)."""
    found: dict[str, dict[str, tuple[str, int]]] = {"kind": {}, "theme": {}, "area": {}}
    for kind, n in kinds.items():
        found["kind"][kind] = (KIND_LABELS[Kind(kind)], max(1, round(n * scale)))
    for facet, counts in (("theme", themes), ("area", areas)):
        labels = taxonomy.labels[facet]
        for ident, n in counts.items():
            if ident in labels:
                slug, name = labels[ident]
                found[facet][slug] = (name, max(1, round(n * scale)))
    return found


def _facet_values(
    found: dict[str, dict[str, tuple[str, int]]], query: SearchQuery
) -> dict[str, list[FacetValue]]:
    chosen = {"kind": query.kind, "theme": query.theme, "area": query.area}
    facets = {
        facet: [
            FacetValue(value, label, n, value == chosen[facet])
            for value, (label, n) in values.items()
        ]
        for facet, values in found.items()
    }
    for values in facets.values():
        values.sort(key=lambda f: (-f.count, f.label))
    return facets


async def _run_words(conn, backend: Backend, query: SearchQuery, words: list[str]) -> SearchPage:
    """A text query: one fetch of at most CAP + 1 matches; filters, counts and ranking
    in Python. Exact up to CAP matches; estimated (and bounded) beyond."""
    statuses = query.statuses
    read = await _sample(conn, backend, words, query)
    sample, sampled = read.matches, read.entries
    if not sample:
        return SearchPage(query, [], 0, 1, 1, {"kind": [], "theme": [], "area": []})
    terms = await taxonomy(conn, read.stamp)
    filters = _Filters(query, terms)
    exact_total: int | None = None
    if len(sample) <= CAP:
        candidates = (
            [m for m in sample if filters.passes(m)]
            if filters.any
            else [m for m in sample if m[STATUS] in filters.statuses]
        )
        exact_total = len(candidates)
        found = _count_facets(sample, filters, terms, 1.0)
    else:
        scale = (read.total or len(sample)) / len(sample)
        found = _count_facets(sample, filters, terms, scale)
        by_id = {m[ID]: m for m in sample if filters.passes(m)}
        for m in read.names:
            if filters.passes(m):
                by_id.setdefault(m[ID], m)
        wanted = min(max(1, query.page), MAX_PAGE) * query.per_page
        if filters.any and len(by_id) < wanted:
            # A selective filter: look for the entries that pass it in SQL.
            narrow = backend.rows_sql(words, CAP + 1, statuses, filters.narrow)
            fetched = matches((await tuples(conn, narrow, off_loop=True))[0][0])
            passing = [m for m in fetched if filters.passes(m)]
            if len(fetched) <= CAP:
                by_id = {m[ID]: m for m in passing}
                exact_total = len(by_id)
            else:
                for m in passing:
                    by_id.setdefault(m[ID], m)
        candidates = list(by_id.values())
        if exact_total:
            # Each chosen value's count (its facet counted without its own filter, the
            # other filters kept) is exactly the total found.
            for facet, ident in (("theme", filters.theme), ("area", filters.area)):
                if ident in terms.labels[facet]:
                    slug, label = terms.labels[facet][ident]
                    found[facet][slug] = (label, exact_total)
            if query.kind in KIND_LABELS:
                found["kind"][query.kind] = (KIND_LABELS[Kind(query.kind)], exact_total)
    estimated = sum(
        n for value, (_, n) in found["kind"].items() if not query.kind or value == query.kind
    )
    total = exact_total if exact_total is not None else max(estimated, len(candidates))
    candidates.sort()
    reachable = total if exact_total is not None else len(candidates)
    pages = max(1, math.ceil(reachable / query.per_page))
    page = min(max(1, query.page), pages, MAX_PAGE)
    chosen = candidates[(page - 1) * query.per_page : page * query.per_page]
    page_entries = {m[ID]: sampled[m[ID]] for m in chosen if m[ID] in sampled}
    missing = [m[ID] for m in chosen if m[ID] not in page_entries]
    if missing:
        page_entries.update(await entries(conn, missing))
    marker = Highlighter(words)
    theme_names = terms.labels["theme"]
    hits = [
        Hit(
            page_entries[m[ID]],
            marker.mark(page_entries[m[ID]].name),
            marker.snippet(page_entries[m[ID]].description),
            sorted(theme_names[t][1] for t in m[THEMES] if t in theme_names),
        )
        for m in chosen
        # An entry changed since its match was read is left out rather than shown.
        if m[ID] in page_entries and page_entries[m[ID]].status in filters.statuses
    ]
    result = SearchPage(query, hits, total, page, pages, _facet_values(found, query))
    result.approximate = exact_total is None
    return result


async def search(query: SearchQuery) -> SearchPage:
    """Search the directory; falls back to a corrected query when a word is misspelt."""
    conn = connection()
    backend = backend_for(conn)
    words = tokens(query.text)
    result = await _run(conn, backend, query, words)
    if result.total or not words:
        return result
    names: list[str] = []
    for word in words:
        if len(word) >= 3:
            names += await backend.similar_names(conn, word, query.statuses)
    corrected = suggest(words, names)
    if corrected == words:
        return result
    retry = await _run(conn, backend, query, corrected)
    if not retry.total:
        return result
    retry.suggestion = " ".join(corrected)
    return retry


async def similar_names(name: str, statuses: tuple[str, ...]) -> list[str]:
    """Names close to ``name`` (trigram similarity), for duplicate checks."""
    conn = connection()
    backend = backend_for(conn)
    found: list[str] = []
    for word in tokens(name):
        if len(word) >= 4:
            found += await backend.similar_names(conn, word, statuses)
    return found
