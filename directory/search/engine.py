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

import itertools
import math
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from directory.models import KIND_LABELS, Entry, Kind
from directory.search.index import CLASSES, NAME, placeholders
from directory.search.query import STOP_WORDS, Parsed, Term, parse
from directory.search.results import MAX_PAGE, FacetValue, Hit, SearchPage, SearchQuery
from directory.search.text import Highlighter, closest, words

# Past every character a word can hold: a prefix's words are >= it and < it + TOP.
TOP = "\U0010ffff"
SUGGEST_CANDIDATES = 5000  # distinct words read at most for one "did you mean"
SIMILAR_PER_WORD = 200  # entries' names read at most per word of a name (duplicates)
# A count row's name key and id (typed: PostgreSQL types a UNION's columns in turn).
NO_KEY = "CAST(NULL AS TEXT), CAST(NULL AS INTEGER)"


def _dialect(conn: BaseDBAsyncClient) -> str:
    return "sqlite" if conn.capabilities.dialect == "sqlite" else "postgres"


async def _rows(conn: BaseDBAsyncClient, sql: str, params: list) -> list:
    _, found = await conn.execute_query(placeholders(sql, _dialect(conn)), params)
    return list(found)


async def _read(conn: BaseDBAsyncClient, sql: str, params: list) -> list:
    """The search statement's rows. On PostgreSQL without JIT compilation, in a
    transaction of its own (``SET LOCAL``): its estimated cost passes JIT's threshold
    at a few thousand matches, and compiling took longer than the statement saved
    (75 against 100 ms for "support" at 20,000 entries)."""
    if _dialect(conn) == "sqlite":
        return await _rows(conn, sql, params)
    async with in_transaction() as tx:
        await tx.execute_script("SET LOCAL jit = off")
        return await _rows(tx, sql, params)


def _condition(term: Term) -> tuple[str, list]:
    """A word row of the term: in the prefix's range, or one of the phrase's words."""
    if not term.phrase:
        return "(word >= ? AND word < ?)", [term.words[0], term.words[0] + TOP]
    distinct = sorted(set(term.words))
    return f"word IN ({', '.join('?' for _ in distinct)})", distinct


def _either(terms: list[Term]) -> tuple[str, list]:
    """A word row of any of the terms."""
    conditions, params = [], []
    for term in terms:
        condition, values = _condition(term)
        conditions.append(condition)
        params += values
    return " OR ".join(conditions), params


def _greatest(dialect: str, parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return f"{'max' if dialect == 'sqlite' else 'greatest'}({', '.join(parts)})"


def _matched(dialect: str, parsed: Parsed, statuses: tuple[str, ...]) -> tuple[str, list]:
    """SQL for the matches, each as (id, kind, name_key, rank).

    With words: one pass over the word rows of every term (and excluded word) grouped by
    entry gives each group's best weight among its words, how many of each phrase's
    words the entry has, and whether it has an excluded word; a phrase is then looked
    for in the entry's text, once: the index text (``directory.search.index``) holds
    each value after its weight's marker, every weight's marker at least once and in
    descending order, so a phrase (words only, a space either side) is found within
    one value, and its first place against each marker's gives the best weight.
    Rank is the sum of the groups' best weights; an entry matches when every group has
    a weight. Without words (browsing, or only excluded terms): every
    entry of the statuses, ranked 0."""
    marks = ", ".join("?" for _ in statuses) or "NULL"

    def text_join(entry_id: str) -> str:
        """The index text, read only for phrases (name keys are the entry's own)."""
        if not parsed.has_phrases:
            return ""
        return f" JOIN directory_search_text t ON t.entry_id = {entry_id}"

    excluded_phrases = [t for t in parsed.excluded if t.phrase]
    excluded_words = [t for t in parsed.excluded if not t.phrase]
    without = "".join(
        f" AND {'instr' if dialect == 'sqlite' else 'strpos'}(t.text, ?) = 0"
        for _ in excluded_phrases
    )
    without_params = [f" {' '.join(t.words)} " for t in excluded_phrases]
    if not parsed.groups:
        condition, params = _either(excluded_words)
        if excluded_words:
            without += (
                " AND NOT EXISTS (SELECT 1 FROM directory_search_word w "
                f"WHERE w.entry_id = e.id AND ({condition}))"
            )
        return (
            "SELECT e.id AS id, e.kind AS kind, e.name_key AS name_key, 0 AS rank "
            f"FROM directory_entry e{text_join('e.id')} "
            f"WHERE e.status IN ({marks}){without}",
            [*statuses, *without_params, *params],
        )
    columns, column_params, where, where_params = [], [], [], []
    for j, group in enumerate(parsed.groups):
        words = [t for t in group if not t.phrase]
        if words:
            condition, values = _either(words)
            columns.append(f"MAX(CASE WHEN {condition} THEN weight END) AS g{j}")
            column_params += values
    phrases = [t for t in parsed.terms if t.phrase]
    for i, term in enumerate(phrases):
        condition, values = _condition(term)
        columns.append(f"COUNT(DISTINCT CASE WHEN {condition} THEN word END) AS p{i}")
        column_params += values
    if excluded_words:
        condition, values = _either(excluded_words)
        columns.append(f"MAX(CASE WHEN {condition} THEN 1 END) AS x")
        column_params += values
    else:
        columns.append("NULL AS x")
    for term in [*parsed.terms, *excluded_words]:
        condition, values = _condition(term)
        where.append(condition)
        where_params += values
    # With more than one group, or a phrase, only entries that can match go on to be
    # joined: each group has a word, or all of a phrase's words (the phrase itself is
    # looked for afterwards). With one group of words every entry found can.
    having, having_params = [], []
    narrowing = len(parsed.groups) > 1 or parsed.has_phrases
    for group in parsed.groups if narrowing else []:
        alternatives = []
        words = [t for t in group if not t.phrase]
        if words:
            condition, values = _either(words)
            alternatives.append(f"MAX(CASE WHEN {condition} THEN 1 END) = 1")
            having_params += values
        for term in group:
            if term.phrase:
                condition, values = _condition(term)
                alternatives.append(f"COUNT(DISTINCT CASE WHEN {condition} THEN word END) = ?")
                having_params += [*values, len(set(term.words))]
        having.append(f"({' OR '.join(alternatives)})")
    found = (
        f"SELECT entry_id, {', '.join(columns)} FROM directory_search_word "
        f"WHERE {' OR '.join(where)} GROUP BY entry_id"
        + (f" HAVING {' AND '.join(having)}" if having else "")
    )
    # The entries' group weights and, for phrases, where each phrase and each weight's
    # first marker are in the text (each looked for once); then the rank.
    find = "instr" if dialect == "sqlite" else "strpos"
    values = [
        f"w.g{j} AS g{j}"
        for j, group in enumerate(parsed.groups)
        if any(not t.phrase for t in group)
    ]
    position_params = []
    for i, term in enumerate(phrases):
        values.append(f"CASE WHEN w.p{i} = ? THEN {find}(t.text, ?) ELSE 0 END AS q{i}")
        position_params += [len(set(term.words)), f" {' '.join(term.words)} "]
    if phrases:
        values += [f"t.b{c} AS b{c}" for c in CLASSES[1:]]  # markers' places, as written
    ranks = []
    for j, group in enumerate(parsed.groups):
        parts = [f"COALESCE(g{j}, 0)"] if any(not t.phrase for t in group) else []
        for term in group:
            if term.phrase:
                i = phrases.index(term)
                cases = " ".join(
                    f"WHEN q{i} < b{lower} THEN {weight}"
                    for weight, lower in itertools.pairwise(CLASSES)
                )
                parts.append(f"CASE WHEN q{i} = 0 THEN 0 {cases} ELSE {CLASSES[-1]} END")
        ranks.append(f"{_greatest(dialect, parts)} AS r{j}")
    inner = (
        f"SELECT e.id AS id, e.kind AS kind, e.name_key AS name_key, {', '.join(values)} "
        f"FROM ({found}) w JOIN directory_entry e ON e.id = w.entry_id{text_join('w.entry_id')} "
        f"WHERE w.x IS NULL AND e.status IN ({marks}){without}"
        # PostgreSQL would otherwise fold this into the ranking below and look for each
        # phrase once per CASE branch; OFFSET 0 keeps it a step of its own.
        f"{' OFFSET 0' if dialect == 'postgres' else ''}"
    )
    ranked = f"SELECT id, kind, name_key, {', '.join(ranks)} FROM ({inner}) q"
    positive = " AND ".join(f"r{j} > 0" for j in range(len(parsed.groups)))
    total = " + ".join(f"r{j}" for j in range(len(parsed.groups)))
    return (
        f"SELECT id, kind, name_key, {total} AS rank FROM ({ranked}) r WHERE {positive}",
        [
            *position_params,
            *column_params,
            *where_params,
            *having_params,
            *statuses,
            *without_params,
        ],
    )


def _filter_sql(filters: _Filters, without: str = "") -> tuple[str, list]:
    """Conditions on a match ``m`` for the filters, but the one named ``without``."""
    clauses, params = ["1 = 1"], []
    if filters.kind and without != "kind":
        clauses.append("m.kind = ?")
        params.append(filters.kind)
    for facet, ident in (("theme", filters.theme), ("area", filters.area)):
        if ident is not None and without != facet:
            clauses.append(
                f"EXISTS (SELECT 1 FROM directory_entry_{facet} y "
                f"WHERE y.entry_id = m.id AND y.{facet}_id = ?)"
            )
            params.append(ident)
    return " AND ".join(clauses), params


def _statement(
    dialect: str, parsed: Parsed, query: SearchQuery, filters: _Filters, page: int
) -> tuple[str, list]:
    """One statement: the counts per kind, theme and area (each without its own filter,
    with the others) and the page's matches, as rows (part, value, count or rank,
    name key, id)."""
    matched, params = _matched(dialect, parsed, query.statuses)
    # Name keys in code-point order, as Python and SQLite compare them.
    collate = "" if dialect == "sqlite" else ' COLLATE "C"'
    parts = []
    where, values = _filter_sql(filters, "kind")
    parts.append(f"SELECT 'kind', m.kind, COUNT(*), {NO_KEY} FROM m WHERE {where} GROUP BY m.kind")
    params += values
    for facet in ("theme", "area"):
        where, values = _filter_sql(filters, facet)
        parts.append(
            f"SELECT '{facet}', CAST(x.{facet}_id AS TEXT), COUNT(*), {NO_KEY} FROM m "
            f"JOIN directory_entry_{facet} x ON x.entry_id = m.id "
            f"WHERE {where} GROUP BY x.{facet}_id"
        )
        params += values
    where, values = _filter_sql(filters)
    parts.append(
        "SELECT * FROM (SELECT 'page' AS part, NULL AS value, m.rank AS n, "
        "m.name_key AS name_key, m.id AS id FROM m "
        f"WHERE {where} ORDER BY m.rank DESC, m.name_key{collate}, m.id LIMIT ? OFFSET ?) p"
    )
    params += [*values, query.per_page, (page - 1) * query.per_page]
    return f"WITH m AS MATERIALIZED ({matched}) {' UNION ALL '.join(parts)}", params


@dataclass(frozen=True)
class _Filters:
    kind: str
    theme: int | None  # None: no filter; -1: a slug that is no term (matches nothing)
    area: int | None


async def _labels(conn: BaseDBAsyncClient) -> dict[str, dict[str, tuple[str, str]]]:
    """facet -> id (as text) -> (slug, name) for themes and areas."""
    found: dict[str, dict[str, tuple[str, str]]] = {"theme": {}, "area": {}}
    for facet, ident, slug, name in await _rows(
        conn,
        "SELECT 'theme', id, slug, name FROM directory_theme "
        "UNION ALL SELECT 'area', id, slug, name FROM directory_area",
        [],
    ):
        found[facet][str(ident)] = (slug, name)
    return found


def _filters(query: SearchQuery, labels: dict[str, dict[str, tuple[str, str]]]) -> _Filters:
    def chosen(facet: str, slug: str) -> int | None:
        if not slug:
            return None
        return next((int(i) for i, (s, _) in labels[facet].items() if s == slug), -1)

    return _Filters(query.kind, chosen("theme", query.theme), chosen("area", query.area))


def _facets(
    counted: dict[str, dict],
    query: SearchQuery,
    labels: dict[str, dict[str, tuple[str, str]]],
) -> dict[str, list[FacetValue]]:
    """Each facet's values with their counts, most first; kinds not known left out."""
    facets: dict[str, list[FacetValue]] = {"kind": [], "theme": [], "area": []}
    for kind, n in counted["kind"].items():
        if kind in KIND_LABELS:
            label = KIND_LABELS[Kind(kind)]
            facets["kind"].append(FacetValue(kind, label, n, kind == query.kind))
    for facet, chosen in (("theme", query.theme), ("area", query.area)):
        for ident, n in counted[facet].items():
            if ident in labels[facet]:
                slug, name = labels[facet][ident]
                facets[facet].append(FacetValue(slug, name, n, slug == chosen))
    for values in facets.values():
        values.sort(key=lambda f: (-f.count, f.label, f.value))
    return facets


async def _run(parsed: Parsed, query: SearchQuery) -> SearchPage:
    conn = connections.get("default")
    dialect = _dialect(conn)
    labels = await _labels(conn)
    filters = _filters(query, labels)
    page = min(max(1, query.page), MAX_PAGE)
    while True:
        rows = await _read(conn, *_statement(dialect, parsed, query, filters, page))
        counted: dict[str, dict] = {"kind": {}, "theme": {}, "area": {}}
        shown = []
        for part, value, n, key, entry_id in rows:
            if part == "page":
                shown.append((-n, key, entry_id))
            else:
                counted[part][value] = int(n)
        kinds = counted["kind"]
        total = kinds.get(filters.kind, 0) if filters.kind else sum(kinds.values())
        pages = max(1, math.ceil(total / query.per_page))
        if page <= pages or page == 1:
            break
        page = min(pages, MAX_PAGE)  # past the last page: the last one
    # The database ordered the page; this order is the same (code points, as "C").
    ids = [entry_id for _, _, entry_id in sorted(shown)]
    entries = {e.id: e for e in await Entry.filter(id__in=ids).prefetch_related("themes", "areas")}
    marker = Highlighter(parsed.highlighted)
    hits = [
        Hit(
            entry,
            marker.mark(entry.name),
            marker.snippet(entry.description),
            sorted(t.name for t in entry.themes),
            sorted(a.name for a in entry.areas),
        )
        for entry in (entries.get(i) for i in ids)
        if entry is not None
    ]
    facets = _facets(counted, query, labels)
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
