"""Directory search: one interface, one implementation per database.

``search(SearchQuery(...))`` answers with a ranked page of entries, counts per filter
value, highlighted names and snippets, and a "did you mean" correction when a
misspelt word found nothing. The text match is the only part that differs by
database (``directory.search.sqlite``: FTS5; ``directory.search.postgres``: tsvector
and pg_trgm); filters, counts and paging are shared SQL built here.
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


class Backend(Protocol):
    JOIN: str
    CONDITION: str  # added to WHERE when the text match lives there
    RANK: str  # lower ranks first

    def source(self, query_tokens: list[str], ranked: bool) -> tuple[str, list]: ...

    def shared_match(self, query_tokens: list[str]) -> tuple[str, list] | None: ...

    async def similar_names(
        self, conn: BaseDBAsyncClient, word: str, statuses: tuple[str, ...]
    ) -> list[str]: ...


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
