"""The directory's page, its JSON API and its HSDS export agree (issue 17).

Over 1,500 published entries of the realistic corpus (``tests.directory_corpus``; 50
more pending, never found), so that common words match more than 500, for several
queries with and without filters, every page of the public search page (its result
links parsed), of ``GET /api/v1/directory/entries`` and, for text without filters, of
HSDS ``/api/hsds/organizations?search=`` is walked: the three give the same total and
the same entries in the same order, page by page, each entry once, and the total
equals a count made directly from what was written (never from search).

The direct count is this test's own reading of the issue's rules, written out for each
query rather than parsed from it: a word matches an entry when it starts a word (folded:
case, accents, ł, ø, æ, ß) of its name, other names, description, services or themes; a
quoted phrase matches those whole words in order inside one of them; OR is either, and
``-word`` or ``NOT word`` leaves out the entries with the word.
"""

from __future__ import annotations

import math
import re
import unicodedata

from directory.models import Entry, How, Status
from directory.search import PER_PAGE
from directory.service import create_entry
from directory.taxonomy import slugify
from tests.directory_corpus import entry_data, rows, split

PUBLISHED, PENDING = 1500, 50
SPECIAL = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th"})


def fold(text: str) -> str:
    text = text.casefold().translate(SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold(text))


Fields = list[list[str]]  # an entry's searched fields, each as its folded words


def has(prefix: str):
    """A word of the entry starts with ``prefix``."""
    return lambda fields: any(w.startswith(prefix) for field in fields for w in field)


def phrase(text: str):
    """These whole words, one after the other, inside one field."""
    wanted = words(text)
    n = len(wanted)
    return lambda fields: any(
        field[i : i + n] == wanted for field in fields for i in range(len(field) - n + 1)
    )


def every(*tests):
    return lambda fields: all(test(fields) for test in tests)


def either(*tests):
    return lambda fields: any(test(fields) for test in tests)


def without(test):
    return lambda fields: not test(fields)


# (text, filters, what matches): common words (more than the old 500 cap), filters that
# narrow them, a phrase, OR, NOT, a stop word, letters that fold both ways, a word only
# in names, a word that finds nothing, and browsing with and without filters.
QUERIES = [
    ("support", {}, has("support")),
    ("support", {"kind": "community"}, has("support")),
    ("support", {"area": "bevois"}, has("support")),
    ("youth", {"kind": "voluntary", "theme": "knife-crime"}, has("youth")),
    ("food bank", {}, every(has("food"), has("bank"))),
    ("the food bank", {}, every(has("food"), has("bank"))),
    ('"food bank"', {}, phrase("food bank")),
    ("youth OR boxing", {}, either(has("youth"), has("boxing"))),
    ("support -food", {}, every(has("support"), without(has("food")))),
    ("support NOT food", {"kind": "voluntary"}, every(has("support"), without(has("food")))),
    ("volunteers", {}, has("volunteers")),
    ("chess", {}, has("chess")),
    ("łódź", {}, has("lodz")),
    ("lodz", {}, has("lodz")),
    ("tromsø", {}, has("tromso")),
    ("zeppelin", {}, has("zeppelin")),
    ("", {"kind": "voluntary"}, every()),
    ("", {"area": "bevois"}, every()),
    ("", {"theme": "knife-crime", "area": "portswood"}, every()),
]


def searched(row: dict[str, str]) -> Fields:
    """The fields search reads, one list of words each (a service or theme is one)."""
    texts = [row["name"], *row["alternate_names"].splitlines(), row["description"]]
    texts += split(row["services"]) + split(row["themes"])
    return [words(text) for text in texts]


def direct_ids(made: dict[int, dict[str, str]], matches, filters: dict[str, str]) -> set[int]:
    """The published entries a query finds, counted from the rows written."""
    found = set()
    for entry_id, row in made.items():
        if filters.get("kind") and row["kind"] != filters["kind"]:
            continue
        if filters.get("theme") and filters["theme"] not in map(slugify, split(row["themes"])):
            continue
        if filters.get("area") and filters["area"] not in map(slugify, split(row["areas"])):
            continue
        if matches(searched(row)):
            found.add(entry_id)
    return found


def page_ids(html_text: str) -> list[int]:
    results = re.search(r'<ol class="results">(.*?)</ol>', html_text, re.S)
    if results is None:
        return []
    return [int(n) for n in re.findall(r'<h3><a href="/directory/(\d+)"', results.group(1))]


def page_total(html_text: str) -> int:
    heading = re.search(r'<h2 id="results-title">(.*?)</h2>', html_text, re.S).group(1)
    if heading.startswith("No "):
        return 0
    return int(re.match(r"([\d,]+) ", heading).group(1).replace(",", ""))


async def build() -> dict[int, dict[str, str]]:
    """The corpus's first rows as published entries (and some pending, never found)."""
    made = {}
    for i, row in enumerate(rows(PUBLISHED + PENDING)):
        status = Status.PUBLISHED if i < PUBLISHED else Status.PENDING
        entry = await create_entry(entry_data(row), status=status, how=How.STAFF, source="Test")
        if status == Status.PUBLISHED:
            made[entry.id] = row
    return made


class Walk:
    """What one walk through every page found: each page's ids, and each page's total
    and number of pages as that page stated them."""

    def __init__(self) -> None:
        self.pages: list[list[int]] = []
        self.totals: list[int] = []
        self.page_counts: list[int] = []

    def add(self, ids: list[int], total: int, pages: int) -> None:
        self.pages.append(ids)
        self.totals.append(total)
        self.page_counts.append(pages)

    @property
    def total(self) -> int:
        return self.totals[0]

    def problems(self, label: str) -> list[str]:
        """Totals or page counts that changed from page to page, or a page count that
        is not the total's."""
        found = []
        if len(set(self.totals)) != 1 or len(set(self.page_counts)) != 1:
            found.append(f"{label}: totals {self.totals}, pages {self.page_counts}")
        elif self.page_counts[0] != max(1, math.ceil(self.total / PER_PAGE)):
            found.append(f"{label}: {self.page_counts[0]} pages for {self.total} results")
        return found


# Pages are walked to the number the first page states, and no further than this.
STOP = 500


async def walk_page(client, text: str, filters: dict[str, str]) -> Walk:
    walk, number = Walk(), 1
    while number == 1 or number <= min(walk.page_counts[0], STOP):
        response = await client.get("/directory", params={"q": text, **filters, "page": number})
        assert response.status_code == 200
        assert "About " not in response.text
        stated = re.search(r"Page (\d+) of (\d+)", response.text)
        pages = int(stated.group(2)) if stated else 1
        walk.add(page_ids(response.text), page_total(response.text), pages)
        number += 1
    return walk


async def walk_api(client, text: str, filters: dict[str, str]) -> Walk:
    walk, number = Walk(), 1
    while number == 1 or number <= min(walk.page_counts[0], STOP):
        params = {"q": text, **filters, "page": number, "per_page": PER_PAGE}
        response = await client.get("/api/v1/directory/entries", params=params)
        assert response.status_code == 200
        body = response.json()
        assert "approximate" not in body
        walk.add([item["id"] for item in body["items"]], body["total"], body["pages"])
        number += 1
    return walk


async def walk_hsds(client, text: str, ids_by_uuid: dict[str, int]) -> Walk:
    walk, number = Walk(), 1
    while number == 1 or number <= min(walk.page_counts[0], STOP):
        params = {"search": text, "page": number, "per_page": PER_PAGE}
        response = await client.get("/api/hsds/organizations", params=params)
        assert response.status_code == 200
        body = response.json()
        ids = [ids_by_uuid[item["id"]] for item in body["contents"]]
        walk.add(ids, body["total_items"], body["total_pages"])
        number += 1
    return walk


async def test_page_api_and_hsds_agree_page_by_page_with_exact_totals(client, taxonomy):
    made = await build()
    ids_by_uuid = {e.uuid: e.id for e in await Entry.filter(status=Status.PUBLISHED)}
    assert len(made) == PUBLISHED
    failures: list[str] = []
    for text, filters, matches in QUERIES:
        label = f"q={text!r} {filters}"
        expected = direct_ids(made, matches, filters)
        page = await walk_page(client, text, filters)
        failures += page.problems(f"{label} page")
        seen = [i for ids in page.pages for i in ids]
        if (page.total, len(seen), len(set(seen)), set(seen)) != (
            len(expected),
            len(expected),
            len(expected),
            expected,
        ):
            missing, extra = sorted(expected - set(seen))[:5], sorted(set(seen) - expected)[:5]
            failures.append(
                f"{label}: page total {page.total}, {len(seen)} shown, {len(set(seen))} "
                f"distinct; direct count {len(expected)} (missing {missing}, extra {extra})"
            )
        others = {"JSON API": await walk_api(client, text, filters)}
        if text and not filters:
            others["HSDS"] = await walk_hsds(client, text, ids_by_uuid)
        for name, other in others.items():
            failures += other.problems(f"{label} {name}")
            if (other.pages, other.totals) != (page.pages, page.totals):
                failures.append(
                    f"{label}: {name} differs from the page (totals {other.totals[:1]} and "
                    f"{page.totals[:1]}, {len(other.pages)} and {len(page.pages)} pages)"
                )
    assert not failures, "\n".join(failures)
    # The queries are not all trivial: a common word fills many pages.
    assert len(direct_ids(made, has("support"), {})) > 500
