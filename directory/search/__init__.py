"""Directory search: one interface, one implementation per database.

``search(SearchQuery(...))`` answers with a ranked page of entries, counts per filter
value, highlighted names and snippets, and a "did you mean" correction when a
misspelt word found nothing. The text match is the only part that differs by
database (``directory.search.sqlite``: FTS5; ``directory.search.postgres``: tsvector
and pg_trgm).

A text query fetches its matches once (at most ``CAP`` + 1, each with its rank, name,
status, kind, theme and area ids: on SQLite from the FTS row alone) and filters,
counts, ranks and pages them here, so its cost is bounded whatever the words. Browsing
without words uses shared SQL for filters, counts and paging.
"""

# SQL here is assembled only from constants and "?" placeholders; every value
# from a user is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

from markupsafe import Markup
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from directory.models import KIND_LABELS, Entry, Kind, Status
from directory.search import postgres, sqlite
from directory.search.text import Highlighter, suggest, tokens

PER_PAGE = 20
MAX_PAGE = 500
# Text queries: up to CAP matches are counted and ranked exactly. Beyond that, counts
# are estimated from the first CAP matches (``SearchPage.approximate``) and ranking
# covers those plus up to CAP matches in names (a name match still beats a
# description match); selective filters are then applied in SQL, exactly when few pass.
CAP = 500
PUBLIC = (Status.PUBLISHED.value,)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kind: str = ""
    theme: str = ""  # theme slug
    area: str = ""  # area slug
    statuses: tuple[str, ...] = PUBLIC
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Hit:
    entry: Entry
    name: Markup
    snippet: Markup
    themes: list[str]


@dataclass
class SearchPage:
    query: SearchQuery
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str = ""  # the corrected query whose results are shown
    approximate: bool = False  # total and counts estimated (more than CAP matches)


class Backend(Protocol):
    JOIN: str
    CONDITION: str  # added to WHERE when the text match lives there
    RANK: str  # lower ranks first

    def source(self, query_tokens: list[str], ranked: bool) -> tuple[str, list]: ...

    def shared_match(self, query_tokens: list[str]) -> tuple[str, list] | None: ...

    async def similar_names(
        self, conn: BaseDBAsyncClient, word: str, statuses: tuple[str, ...]
    ) -> list[str]: ...

    def count_sql(self, query_tokens: list[str], statuses: tuple[str, ...]) -> tuple[str, list]: ...

    def rows_sql(
        self,
        query_tokens: list[str],
        limit: int,
        statuses: tuple[str, ...],
        names_only: bool = False,
        narrow: tuple | None = None,
    ) -> tuple[str, list]: ...

    def parse(self, row) -> tuple: ...


def backend_for(conn: BaseDBAsyncClient) -> Backend:
    return sqlite if conn.capabilities.dialect == "sqlite" else postgres  # type: ignore[return-value]


def connection() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


def _placeholders(sql: str, dialect: str) -> str:
    """Our SQL is written with ``?``; asyncpg wants ``$1, $2, ...``."""
    if dialect == "sqlite":
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], 1)) + parts[-1]


class _Sql:
    """The SQL of one query: what drives it (the text match, else a theme's or an area's
    entries, else every entry) and the filters, with or without each facet's own."""

    def __init__(self, query: SearchQuery, backend: Backend, words: list[str]) -> None:
        self.query = query
        self.backend = backend
        self.words = words
        self.join = backend.JOIN

    def source(self, ranked: bool = False, without: str = "") -> tuple[str, list]:
        """The FROM clause, starting from the smallest set of entries that can drive it."""
        q = self.query
        if self.words:
            return self.backend.source(self.words, ranked)
        for facet, slug in (("theme", q.theme), ("area", q.area)):
            if slug and without != facet:
                sql = (
                    f"(SELECT x.entry_id AS id FROM directory_entry_{facet} x "
                    f"JOIN directory_{facet} t ON t.id = x.{facet}_id WHERE t.slug = ?) m "
                    f"{self.join} directory_entry e ON e.id = m.id"
                )
                return sql, [slug]
        return "directory_entry e", []

    def where(self, without: str = "", matched: bool = False) -> tuple[str, list]:
        """The filters; ``matched`` when the text match is already done (a shared CTE)."""
        q = self.query
        marks = ", ".join("?" for _ in q.statuses)
        clauses, params = [f"e.status IN ({marks})"], list(q.statuses)
        if self.words and self.backend.CONDITION and not matched:
            clauses.append(self.backend.CONDITION)
        if q.kind and without != "kind":
            clauses.append("e.kind = ?")
            params.append(q.kind)
        for facet, slug in (("theme", q.theme), ("area", q.area)):
            if slug and without != facet:
                clauses.append(
                    f"EXISTS (SELECT 1 FROM directory_entry_{facet} x "
                    f"JOIN directory_{facet} t ON t.id = x.{facet}_id "
                    f"WHERE x.entry_id = e.id AND t.slug = ?)"
                )
                params.append(slug)
        return " AND ".join(clauses), params


async def _rows(conn: BaseDBAsyncClient, sql: str, params: list) -> list[dict]:
    dialect = "sqlite" if conn.capabilities.dialect == "sqlite" else "postgres"
    return await conn.execute_query_dict(_placeholders(sql, dialect), params)


async def _page_ids(conn, sql: _Sql, offset: int, limit: int) -> list[int]:
    source, params = sql.source(ranked=True)
    where, where_params = sql.where()
    order = f"{sql.backend.RANK}, e.name, e.id" if sql.words else "e.name, e.id"
    rows = await _rows(
        conn,
        f"SELECT e.id FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, *where_params, limit, offset],
    )
    return [row["id"] for row in rows]


async def _facet_counts(conn, sql: _Sql) -> list[dict]:
    """Counts per kind, theme and area, each without its own filter, in one statement."""
    shared = sql.backend.shared_match(sql.words) if sql.words else None
    prefix, values = (
        (f"WITH m AS MATERIALIZED ({shared[0]}) ", list(shared[1])) if shared else ("", [])
    )

    def source(without: str) -> tuple[str, list]:
        if shared:
            return f"m {sql.join} directory_entry e ON e.id = m.id", []
        return sql.source(without=without)

    parts = []
    for facet in ("kind", "theme", "area"):
        from_sql, sp = source(facet)
        where, wp = sql.where(without=facet, matched=bool(shared))
        if facet == "kind":
            parts.append(
                f"SELECT 'kind' AS facet, e.kind AS value, e.kind AS label, COUNT(*) AS n "
                f"FROM {from_sql} WHERE {where} GROUP BY e.kind"
            )
        else:
            parts.append(
                f"SELECT '{facet}' AS facet, t.slug AS value, t.name AS label, c.n AS n FROM ("
                f"SELECT x.{facet}_id AS id, COUNT(*) AS n FROM {from_sql} "
                f"{sql.join} directory_entry_{facet} x ON x.entry_id = e.id "
                f"WHERE {where} GROUP BY x.{facet}_id) c JOIN directory_{facet} t ON t.id = c.id"
            )
        values += [*sp, *wp]
    return await _rows(conn, prefix + " UNION ALL ".join(parts), values)


def _facets(rows: list[dict], query: SearchQuery) -> tuple[dict[str, list[FacetValue]], int]:
    facets: dict[str, list[FacetValue]] = {"kind": [], "theme": [], "area": []}
    chosen = {"kind": query.kind, "theme": query.theme, "area": query.area}
    total = 0
    for row in rows:
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
    rows = await _rows(
        conn,
        "SELECT x.entry_id AS entry_id, t.name AS name FROM directory_entry_theme x "
        f"JOIN directory_theme t ON t.id = x.theme_id WHERE x.entry_id IN ({marks}) "
        "ORDER BY t.name",
        ids,
    )
    names: dict[int, list[str]] = {}
    for row in rows:
        names.setdefault(row["entry_id"], []).append(row["name"])
    return names


async def _run(conn, backend: Backend, query: SearchQuery, words: list[str]) -> SearchPage:
    if words:
        return await _run_words(conn, backend, query, words)
    sql = _Sql(query, backend, words)
    facets, total = _facets(await _facet_counts(conn, sql), query)
    pages = max(1, math.ceil(total / query.per_page))
    page = min(max(1, query.page), pages, MAX_PAGE)
    ids = await _page_ids(conn, sql, (page - 1) * query.per_page, query.per_page) if total else []
    entries = {e.id: e for e in await Entry.filter(id__in=ids)} if ids else {}
    themes = await _theme_names(conn, ids)
    marker = Highlighter(words)
    hits = [
        Hit(
            entries[i],
            marker.mark(entries[i].name),
            marker.snippet(entries[i].description),
            themes.get(i, []),
        )
        for i in ids
        if i in entries
    ]
    return SearchPage(query, hits, total, page, pages, facets)


# A match, as the backends' ``parse`` gives it; sorting these tuples ranks them.
RANK, NAME, ID, KIND, STATUS, THEMES, AREAS = range(7)


async def _tuples(conn, sql_params: tuple[str, list]) -> list:
    dialect = "sqlite" if conn.capabilities.dialect == "sqlite" else "postgres"
    sql, params = sql_params
    _, rows = await conn.execute_query(_placeholders(sql, dialect), params)
    return list(rows)


async def _matches(conn, backend: Backend, sql_params: tuple[str, list]) -> list[tuple]:
    parse = backend.parse
    return [parse(row) for row in await _tuples(conn, sql_params)]


@dataclass(frozen=True)
class _Taxonomy:
    labels: dict[str, dict[int, tuple[str, str]]]  # facet -> id -> (slug, name)

    def id_of(self, facet: str, slug: str) -> int | None:
        return next((i for i, (s, _) in self.labels[facet].items() if s == slug), None)


async def _taxonomy(conn) -> _Taxonomy:
    rows = await _rows(
        conn,
        "SELECT 'theme' AS facet, id, slug, name FROM directory_theme "
        "UNION ALL SELECT 'area' AS facet, id, slug, name FROM directory_area",
        [],
    )
    labels: dict[str, dict[int, tuple[str, str]]] = {"theme": {}, "area": {}}
    for r in rows:
        labels[r["facet"]][r["id"]] = (r["slug"], r["name"])
    return _Taxonomy(labels)


class _Filters:
    """The query's filters, applied in Python to fetched matches or handed to SQL."""

    def __init__(self, query: SearchQuery, taxonomy: _Taxonomy) -> None:
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
    matches: list[tuple], filters: _Filters, taxonomy: _Taxonomy, scale: float
) -> dict[str, dict[str, tuple[str, int]]]:
    """facet -> value -> (label, count), each facet counted without its own filter."""
    kinds: dict[str, int] = {}
    themes: dict[int, int] = {}
    areas: dict[int, int] = {}
    statuses, kind, theme, area = filters.statuses, filters.kind, filters.theme, filters.area
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


async def _entries(conn, ids: list[int]) -> dict[int, Entry]:
    """The page's entries in one plain query (the ORM's query building costs more than
    the query here), made into models as the ORM makes them."""
    if not ids:
        return {}
    columns = ", ".join(sorted(Entry._meta.db_fields))
    marks = ", ".join("?" for _ in ids)
    rows = await _rows(conn, f"SELECT {columns} FROM directory_entry WHERE id IN ({marks})", ids)
    made = [Entry._init_from_db(**row) for row in rows]
    return {entry.id: entry for entry in made}


async def _run_words(conn, backend: Backend, query: SearchQuery, words: list[str]) -> SearchPage:
    """A text query: one fetch of at most CAP + 1 matches; filters, counts and ranking
    in Python. Exact up to CAP matches; estimated (and bounded) beyond."""
    taxonomy = await _taxonomy(conn)
    filters = _Filters(query, taxonomy)
    statuses = query.statuses
    sample = await _matches(conn, backend, backend.rows_sql(words, CAP + 1, statuses))
    exact_total: int | None = None
    if len(sample) <= CAP:
        candidates = [m for m in sample if filters.passes(m)]
        exact_total = len(candidates)
        found = _count_facets(sample, filters, taxonomy, 1.0)
    else:
        raw = await _tuples(conn, backend.count_sql(words, statuses))
        scale = int(raw[0][0]) / len(sample)
        found = _count_facets(sample, filters, taxonomy, scale)
        by_id = {m[ID]: m for m in sample if filters.passes(m)}
        names = backend.rows_sql(words, CAP, statuses, names_only=True)
        for m in await _matches(conn, backend, names):
            if filters.passes(m):
                by_id.setdefault(m[ID], m)
        wanted = min(max(1, query.page), MAX_PAGE) * query.per_page
        if filters.any and len(by_id) < wanted:
            # A selective filter: look for the entries that pass it in SQL.
            narrow = backend.rows_sql(words, CAP + 1, statuses, narrow=filters.narrow)
            fetched = await _matches(conn, backend, narrow)
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
                if ident in taxonomy.labels[facet]:
                    slug, label = taxonomy.labels[facet][ident]
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
    ids = [m[ID] for m in chosen]
    entries = await _entries(conn, ids)
    marker = Highlighter(words)
    theme_names = taxonomy.labels["theme"]
    hits = [
        Hit(
            entries[m[ID]],
            marker.mark(entries[m[ID]].name),
            marker.snippet(entries[m[ID]].description),
            sorted(theme_names[t][1] for t in m[THEMES] if t in theme_names),
        )
        for m in chosen
        if m[ID] in entries
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
