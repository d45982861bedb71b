"""Browsing the directory without words: filters, counts per filter value, pages by name.

Counting every published entry per kind, theme and area takes a few hundred
milliseconds at 100,000 entries, so the counts, the total and each page's entry ids
are kept under the search stamp (``directory.search.cache``) and made again only after
a change to entries, their themes or areas, or the taxonomy. The page's entries
themselves are read afresh each time (their text may change without a new stamp).
"""

# SQL here is assembled only from constants and "?" placeholders; every value
# from a user is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import math

from tortoise.backends.base.client import BaseDBAsyncClient

from directory.models import KIND_LABELS, Kind
from directory.search.cache import StampCache
from directory.search.results import MAX_PAGE, FacetValue, Hit, SearchPage, SearchQuery
from directory.search.sql import entries, rows
from directory.search.text import Highlighter

# Filter combinations and pages people browse; each is a few hundred bytes.
_kept = StampCache(1024)


def _source(query: SearchQuery, join: str, without: str = "") -> tuple[str, list]:
    """The FROM clause, starting from the smallest set of entries that can drive it."""
    for facet, slug in (("theme", query.theme), ("area", query.area)):
        if slug and without != facet:
            sql = (
                f"(SELECT x.entry_id AS id FROM directory_entry_{facet} x "
                f"JOIN directory_{facet} t ON t.id = x.{facet}_id WHERE t.slug = ?) m "
                f"{join} directory_entry e ON e.id = m.id"
            )
            return sql, [slug]
    return "directory_entry e", []


def _where(query: SearchQuery, without: str = "") -> tuple[str, list]:
    marks = ", ".join("?" for _ in query.statuses)
    clauses, params = [f"e.status IN ({marks})"], list(query.statuses)
    if query.kind and without != "kind":
        clauses.append("e.kind = ?")
        params.append(query.kind)
    for facet, slug in (("theme", query.theme), ("area", query.area)):
        if slug and without != facet:
            clauses.append(
                f"EXISTS (SELECT 1 FROM directory_entry_{facet} x "
                f"JOIN directory_{facet} t ON t.id = x.{facet}_id "
                f"WHERE x.entry_id = e.id AND t.slug = ?)"
            )
            params.append(slug)
    return " AND ".join(clauses), params


async def _page_ids(conn, query: SearchQuery, join: str, offset: int, limit: int) -> list[int]:
    source, params = _source(query, join)
    where, where_params = _where(query)
    found = await rows(
        conn,
        f"SELECT e.id FROM {source} WHERE {where} ORDER BY e.name, e.id LIMIT ? OFFSET ?",
        [*params, *where_params, limit, offset],
        off_loop=True,
    )
    return [row["id"] for row in found]


async def _facet_counts(conn, query: SearchQuery, join: str) -> list[dict]:
    """Counts per kind, theme and area, each without its own filter, in one statement."""
    parts, values = [], []
    for facet in ("kind", "theme", "area"):
        from_sql, sp = _source(query, join, without=facet)
        where, wp = _where(query, without=facet)
        if facet == "kind":
            parts.append(
                f"SELECT 'kind' AS facet, e.kind AS value, e.kind AS label, COUNT(*) AS n "
                f"FROM {from_sql} WHERE {where} GROUP BY e.kind"
            )
        else:
            parts.append(
                f"SELECT '{facet}' AS facet, t.slug AS value, t.name AS label, c.n AS n FROM ("
                f"SELECT x.{facet}_id AS id, COUNT(*) AS n FROM {from_sql} "
                f"{join} directory_entry_{facet} x ON x.entry_id = e.id "
                f"WHERE {where} GROUP BY x.{facet}_id) c JOIN directory_{facet} t ON t.id = c.id"
            )
        values += [*sp, *wp]
    return await rows(conn, " UNION ALL ".join(parts), values, off_loop=True)


def _facets(found: list[dict], query: SearchQuery) -> tuple[dict[str, list[FacetValue]], int]:
    facets: dict[str, list[FacetValue]] = {"kind": [], "theme": [], "area": []}
    chosen = {"kind": query.kind, "theme": query.theme, "area": query.area}
    total = 0
    for row in found:
        facet, value, count = row["facet"], row["value"], int(row["n"])
        label = KIND_LABELS[Kind(value)] if facet == "kind" else row["label"]
        if facet == "kind" and (not query.kind or value == query.kind):
            total += count
        facets[facet].append(FacetValue(value, label, count, value == chosen[facet]))
    for facet in facets:
        facets[facet].sort(key=lambda f: (-f.count, f.label))
    return facets, total


async def _theme_names(conn, ids: list[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    found = await rows(
        conn,
        "SELECT x.entry_id AS entry_id, t.name AS name FROM directory_entry_theme x "
        f"JOIN directory_theme t ON t.id = x.theme_id WHERE x.entry_id IN ({marks}) "
        "ORDER BY t.name",
        ids,
    )
    names: dict[int, list[str]] = {}
    for row in found:
        names.setdefault(row["entry_id"], []).append(row["name"])
    return names


async def browse(
    conn: BaseDBAsyncClient, join: str, query: SearchQuery, stamp: int | None
) -> SearchPage:
    """A page of entries by name with counts per filter value; ``join`` is the
    dialect's join that keeps the written join order."""
    filters = (query.statuses, query.kind, query.theme, query.area)
    counted = _kept.get(stamp, ("counts", filters))
    if counted is None:
        counted = _facets(await _facet_counts(conn, query, join), query)
        _kept.put(stamp, ("counts", filters), counted)
    facets, total = counted
    pages = max(1, math.ceil(total / query.per_page))
    page = min(max(1, query.page), pages, MAX_PAGE)
    listed = _kept.get(stamp, ("page", filters, page, query.per_page))
    if listed is None:
        offset = (page - 1) * query.per_page
        ids = await _page_ids(conn, query, join, offset, query.per_page) if total else []
        themes = await _theme_names(conn, ids)
        listed = tuple((i, tuple(themes.get(i, ()))) for i in ids)
        _kept.put(stamp, ("page", filters, page, query.per_page), listed)
    found = await entries(conn, [i for i, _ in listed])
    marker = Highlighter([])
    hits = [
        Hit(found[i], marker.mark(found[i].name), marker.snippet(found[i].description), [*names])
        for i, names in listed
        # An entry changed since the ids were read is left out rather than shown.
        if i in found and found[i].status in query.statuses
    ]
    copied = {facet: list(values) for facet, values in facets.items()}
    return SearchPage(query, hits, total, page, pages, copied)
