"""Running a search: every match read in one statement, then counted, filtered, ranked
and paged in Python, exactly, the same way on both databases.

The statement (``_statement``) finds the entries of the requested statuses that match
the query's words in the word index (``directory.search.index``) and answers, for each,
its name key, kind, theme and area ids, each term's best weight and (when the query has
phrases) its index text. Browsing without words reads every entry of the statuses the
same way. Python then checks phrases, ranks (the sum over the query's groups of the best
weight of a matching term), counts each filter's values (each facet without its own
filter, with the others), filters, sorts by (-rank, name key, id) and pages. Only the
page's entries are read through the ORM, with their themes and areas.
"""

# SQL here is assembled only from constants and placeholders; every value from a user
# (words, statuses, filters) is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from directory.models import KIND_LABELS, Area, Entry, Kind, Theme
from directory.search.index import NAME, placeholders
from directory.search.query import STOP_WORDS, Parsed, Term, parse
from directory.search.results import MAX_PAGE, FacetValue, Hit, SearchPage, SearchQuery
from directory.search.text import Highlighter, closest, words

# Past every character a word can hold: a prefix's words are >= it and < it + TOP.
TOP = "\U0010ffff"
SUGGEST_CANDIDATES = 5000  # distinct words read at most for one "did you mean"
SIMILAR_PER_WORD = 200  # entries' names read at most per word of a name (duplicates)


def _dialect(conn: BaseDBAsyncClient) -> str:
    return "sqlite" if conn.capabilities.dialect == "sqlite" else "postgres"


async def _rows(conn: BaseDBAsyncClient, sql: str, params: list) -> list:
    _, found = await conn.execute_query(placeholders(sql, _dialect(conn)), params)
    return list(found)


def _term_sql(term: Term) -> tuple[str, list]:
    """Entries with the term's words, and the best weight among them (for a phrase:
    entries with all its words, whose text is then checked in Python)."""
    if not term.phrase:
        word = term.words[0]
        return (
            "SELECT entry_id, MAX(weight) AS w FROM directory_search_word "
            "WHERE word >= ? AND word < ? GROUP BY entry_id",
            [word, word + TOP],
        )
    distinct = sorted(set(term.words))
    marks = ", ".join("?" for _ in distinct)
    return (
        "SELECT entry_id, MAX(weight) AS w FROM directory_search_word "
        f"WHERE word IN ({marks}) GROUP BY entry_id HAVING COUNT(*) = ?",
        [*distinct, len(distinct)],
    )


def _excluded_sql(parsed: Parsed) -> tuple[str, list]:
    """Entries with an excluded word (excluded phrases are checked in Python)."""
    ranges = [t.words[0] for t in parsed.excluded if not t.phrase]
    if not ranges:
        return "", []
    where = " OR ".join("(word >= ? AND word < ?)" for _ in ranges)
    return (
        f"SELECT entry_id FROM directory_search_word WHERE {where}",
        [v for word in ranges for v in (word, word + TOP)],
    )


def _ids_sql(conn: BaseDBAsyncClient, kind: str) -> str:
    aggregate = (
        f"group_concat({kind}_id)"
        if _dialect(conn) == "sqlite"
        else f"string_agg({kind}_id::text, ',')"
    )
    return f"(SELECT {aggregate} FROM directory_entry_{kind} x WHERE x.entry_id = e.id) AS {kind}s"


def _statement(
    conn: BaseDBAsyncClient, parsed: Parsed, terms: list[Term], statuses: tuple[str, ...]
) -> tuple[str, list]:
    """One statement: each match's (id, name key, kind, theme ids, area ids, text or
    NULL, each term's weight or NULL)."""
    ctes, params = [], []
    for i, term in enumerate(terms):
        sql, values = _term_sql(term)
        ctes.append(f"a{i} AS ({sql})")
        params += values
    if parsed.groups:
        groups = [
            " UNION ".join(f"SELECT entry_id FROM a{terms.index(t)}" for t in group)
            for group in parsed.groups
        ]
        matched = " INTERSECT ".join(
            f"SELECT entry_id FROM ({g}) g{i}" for i, g in enumerate(groups)
        )
    else:
        matched = "SELECT entry_id FROM directory_search_text"
    excluded, excluded_params = _excluded_sql(parsed)
    if excluded:
        matched += f" EXCEPT {excluded}"
        params += excluded_params
    ctes.append(f"m AS ({matched})")
    marks = ", ".join("?" for _ in statuses) or "NULL"
    text = "t.text" if parsed.has_phrases else "NULL"
    weights = "".join(f", a{i}.w" for i in range(len(terms)))
    joins = "".join(f" LEFT JOIN a{i} ON a{i}.entry_id = m.entry_id" for i in range(len(terms)))
    sql = (
        f"WITH {', '.join(ctes)} "
        f"SELECT e.id, t.name_key, e.kind, {_ids_sql(conn, 'theme')}, "
        f"{_ids_sql(conn, 'area')}, {text}{weights} "
        "FROM m JOIN directory_entry e ON e.id = m.entry_id "
        f"JOIN directory_search_text t ON t.entry_id = m.entry_id{joins} "
        f"WHERE e.status IN ({marks})"
    )
    return sql, [*params, *statuses]


@dataclass(frozen=True)
class Match:
    id: int
    rank: int
    name_key: str
    kind: str | None
    themes: tuple[int, ...]
    areas: tuple[int, ...]


def _ids(value: str | None) -> tuple[int, ...]:
    return tuple(map(int, value.split(","))) if value else ()


def _matches(found: list, parsed: Parsed, terms: list[Term]) -> list[Match]:
    """The rows that match (phrases checked in the text), ranked."""
    groups = [[terms.index(t) for t in group] for group in parsed.groups]
    phrases = [i for i, t in enumerate(terms) if t.phrase]
    excluded = [t for t in parsed.excluded if t.phrase]
    made = []
    for row in found:
        entry_id, key, kind, themes, areas, text, *weights = row
        if phrases or excluded:
            if any(term.in_text(text) for term in excluded):
                continue
            for i in phrases:
                if weights[i] is not None:
                    weights[i] = terms[i].in_text(text) or None
        rank = 0
        for group in groups:
            best = max((weights[i] for i in group if weights[i] is not None), default=None)
            if best is None:
                break
            rank += best
        else:
            made.append(Match(entry_id, rank, key, kind, _ids(themes), _ids(areas)))
    return made


@dataclass(frozen=True)
class _Filters:
    kind: str
    theme: int | None  # None: no filter; -1: a slug that is no term (matches nothing)
    area: int | None

    def passes(self, m: Match, without: str = "") -> bool:
        return (
            (not self.kind or without == "kind" or m.kind == self.kind)
            and (self.theme is None or without == "theme" or self.theme in m.themes)
            and (self.area is None or without == "area" or self.area in m.areas)
        )


async def _terms() -> dict[str, dict[int, tuple[str, str]]]:
    """facet -> id -> (slug, name) for themes and areas."""
    found: dict[str, dict[int, tuple[str, str]]] = {"theme": {}, "area": {}}
    for facet, model in (("theme", Theme), ("area", Area)):
        for ident, slug, name in await model.all().values_list("id", "slug", "name"):
            found[facet][ident] = (slug, name)
    return found


def _facets(
    matches: list[Match],
    filters: _Filters,
    query: SearchQuery,
    labels: dict[str, dict[int, tuple[str, str]]],
) -> dict[str, list[FacetValue]]:
    """Each facet's values with exact counts, each counted without its own filter."""
    kinds: Counter = Counter()
    themes: Counter = Counter()
    areas: Counter = Counter()
    for m in matches:
        if filters.passes(m, "kind") and m.kind is not None:
            kinds[m.kind] += 1
        if filters.passes(m, "theme"):
            themes.update(m.themes)
        if filters.passes(m, "area"):
            areas.update(m.areas)
    facets: dict[str, list[FacetValue]] = {"kind": [], "theme": [], "area": []}
    for kind, n in kinds.items():
        if kind in KIND_LABELS:
            label = KIND_LABELS[Kind(kind)]
            facets["kind"].append(FacetValue(kind, label, n, kind == query.kind))
    for facet, counts, chosen in (("theme", themes, query.theme), ("area", areas, query.area)):
        for ident, n in counts.items():
            if ident in labels[facet]:
                slug, name = labels[facet][ident]
                facets[facet].append(FacetValue(slug, name, n, slug == chosen))
    for values in facets.values():
        values.sort(key=lambda f: (-f.count, f.label, f.value))
    return facets


async def _run(parsed: Parsed, query: SearchQuery) -> SearchPage:
    conn = connections.get("default")
    terms = parsed.terms
    found = await _rows(conn, *_statement(conn, parsed, terms, query.statuses))
    matches = _matches(found, parsed, terms)
    labels = await _terms()
    slugs = {facet: {slug: i for i, (slug, _) in ids.items()} for facet, ids in labels.items()}
    filters = _Filters(
        query.kind,
        slugs["theme"].get(query.theme, -1) if query.theme else None,
        slugs["area"].get(query.area, -1) if query.area else None,
    )
    facets = _facets(matches, filters, query, labels)
    chosen = [m for m in matches if filters.passes(m)]
    chosen.sort(key=lambda m: (-m.rank, m.name_key, m.id))
    total = len(chosen)
    pages = max(1, math.ceil(total / query.per_page))
    page = min(max(1, query.page), pages, MAX_PAGE)
    shown = chosen[(page - 1) * query.per_page : page * query.per_page]
    entries = {
        e.id: e
        for e in await Entry.filter(id__in=[m.id for m in shown]).prefetch_related(
            "themes", "areas"
        )
    }
    marker = Highlighter(parsed.highlighted)
    hits = [
        Hit(
            entry,
            marker.mark(entry.name),
            marker.snippet(entry.description),
            sorted(t.name for t in entry.themes),
            sorted(a.name for a in entry.areas),
        )
        for entry in (entries.get(m.id) for m in shown)
        if entry is not None
    ]
    return SearchPage(query, hits, total, page, pages, facets, shortened=parsed.shortened)


async def _candidates(conn: BaseDBAsyncClient, word: str) -> list[str]:
    """Words of the index that start with the word's first letter and are within two
    letters of its length: each distinct word read once, by a walk up the index."""
    first = word[0]
    found = await _rows(
        conn,
        "WITH RECURSIVE v(word, n) AS ("
        "SELECT MIN(word), 1 FROM directory_search_word WHERE word >= ? AND word < ? "
        "UNION ALL SELECT (SELECT MIN(word) FROM directory_search_word "
        "WHERE word > v.word AND word < ?), n + 1 FROM v WHERE v.word IS NOT NULL AND n < ?"
        ") SELECT word FROM v WHERE word IS NOT NULL",
        [first, first + TOP, first + TOP, SUGGEST_CANDIDATES],
    )
    return [w for (w,) in found if abs(len(w) - len(word)) <= 2]


async def _known(conn: BaseDBAsyncClient, word: str) -> bool:
    found = await _rows(
        conn,
        "SELECT 1 FROM directory_search_word WHERE word >= ? AND word < ? LIMIT 1",
        [word, word + TOP],
    )
    return bool(found)


async def _corrected(parsed: Parsed) -> Parsed | None:
    """The query with each unknown word (no indexed word starts with it) replaced by
    the closest indexed word; None when nothing changes."""
    conn = connections.get("default")
    replaced: dict[Term, Term] = {}
    for term in parsed.terms:
        word = term.words[0]
        if term.phrase or len(word) < 3 or await _known(conn, word):
            continue
        better = closest(word, await _candidates(conn, word))
        if better:
            replaced[term] = Term((better,))
    if not replaced:
        return None
    groups = [[replaced.get(t, t) for t in group] for group in parsed.groups]
    return Parsed(groups, parsed.excluded, parsed.shortened, parsed.dropped)


async def search(query: SearchQuery) -> SearchPage:
    """Search the directory; when nothing is found and a word is misspelt, the results
    of the corrected query, with ``suggestion`` saying what was searched instead."""
    parsed = parse(query.text)
    result = await _run(parsed, query)
    result.understood = parsed.described()
    if result.total or not parsed.groups:
        return result
    corrected = await _corrected(parsed)
    if corrected is None:
        return result
    retry = await _run(corrected, query)
    if not retry.total:
        return result
    retry.suggestion = corrected.text()
    retry.understood = corrected.described()
    return retry


async def similar_names(name: str, statuses: tuple[str, ...]) -> list[str]:
    """Names of entries in ``statuses`` that share a word of four letters or more
    (not a common word) with ``name``, at most ``SIMILAR_PER_WORD`` per word, for
    duplicate checks (the caller compares the names themselves)."""
    conn = connections.get("default")
    marks = ", ".join("?" for _ in statuses) or "NULL"
    found: list[str] = []
    for word in dict.fromkeys(words(name)):
        if len(word) < 4 or word in STOP_WORDS:
            continue
        rows = await _rows(
            conn,
            "SELECT e.name FROM directory_search_word w JOIN directory_entry e "
            f"ON e.id = w.entry_id WHERE w.word = ? AND w.weight = ? AND e.status IN ({marks}) "
            "ORDER BY e.id LIMIT ?",
            [word, NAME, *statuses, SIMILAR_PER_WORD],
        )
        found += [n for (n,) in rows if n not in found]
    return found
