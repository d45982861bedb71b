"""Search: ranking, filters, prefixes, highlighting, misspellings and hostile queries.

The same tests run on SQLite and PostgreSQL (one word index, directory.search.index).
"""

from __future__ import annotations

import pytest

from directory.models import Area, Entry, Status
from directory.search import SearchQuery, search
from tests.directory.factories import make_entry


def names(page) -> list[str]:
    return [hit.entry.name for hit in page.hits]


async def test_search_name_match_ranks_above_description_match(taxonomy):
    await make_entry(
        "Harbour Lights Youth Club",
        description="Mentoring against knife crime. Knife crime workshops, knife crime talks.",
    )
    await make_entry("Knife Crime Awareness Forum", description="A forum for parents.")

    page = await search(SearchQuery(text="knife"))

    assert names(page) == ["Knife Crime Awareness Forum", "Harbour Lights Youth Club"]


async def test_search_filters_combine_with_and(taxonomy):
    await make_entry("Alpha Group", themes=["knife-crime"], areas=["bevois"])
    await make_entry("Beta Group", themes=["knife-crime"], areas=["shirley"])
    await make_entry("Gamma Group", themes=["hate-crime"], areas=["bevois"])
    await make_entry("Delta Network", kind="network", themes=["knife-crime"], areas=["bevois"])

    page = await search(SearchQuery(theme="knife-crime", area="bevois", kind="community"))

    assert names(page) == ["Alpha Group"]
    assert page.total == 1


async def test_search_counts_each_filter_value(taxonomy):
    await make_entry("Alpha Group", themes=["knife-crime", "hate-crime"], areas=["bevois"])
    await make_entry("Beta Group", themes=["knife-crime"], areas=["shirley"])
    await make_entry("Gamma Network", kind="network", themes=["hate-crime"])

    page = await search(SearchQuery(text="group"))

    theme_counts = {f.value: f.count for f in page.facets["theme"]}
    kind_counts = {f.value: f.count for f in page.facets["kind"]}
    area_counts = {f.value: f.count for f in page.facets["area"]}
    assert theme_counts == {"knife-crime": 2, "hate-crime": 1}
    assert kind_counts == {"community": 2}
    assert area_counts == {"bevois": 1, "shirley": 1}


async def test_search_facet_counts_ignore_their_own_filter(taxonomy):
    await make_entry("Alpha Group", themes=["knife-crime"])
    await make_entry("Beta Network", kind="network", themes=["knife-crime"])

    page = await search(SearchQuery(kind="network"))

    assert {f.value: (f.count, f.selected) for f in page.facets["kind"]} == {
        "community": (1, False),
        "network": (1, True),
    }
    assert page.total == 1


async def test_search_prefix_finds_partial_word(taxonomy):
    await make_entry("Sholing Community Pantry")

    page = await search(SearchQuery(text="pant"))

    assert names(page) == ["Sholing Community Pantry"]


async def test_search_highlights_matches_and_escapes_text(taxonomy):
    await make_entry("<b>Bold</b> Boxing & Youth", description="Boxing for <i>all</i> ages.")

    page = await search(SearchQuery(text="boxing"))

    assert str(page.hits[0].name) == "&lt;b&gt;Bold&lt;/b&gt; <mark>Boxing</mark> &amp; Youth"
    assert str(page.hits[0].snippet) == "<mark>Boxing</mark> for &lt;i&gt;all&lt;/i&gt; ages."


async def test_search_misspelling_still_finds_entry(taxonomy):
    await make_entry("Woolston Allotment Society", description="Growing food together.")

    page = await search(SearchQuery(text="allotmnet"))

    assert names(page) == ["Woolston Allotment Society"]
    assert page.suggestion == "allotment"


async def test_search_matches_accented_names_without_accents(taxonomy):
    await make_entry("Café Connect Bitterne", description="A drop-in café.")

    page = await search(SearchQuery(text="cafe"))

    assert names(page) == ["Café Connect Bitterne"]


@pytest.mark.parametrize(
    "text",
    [
        '"unbalanced quote',
        "knife AND OR NOT NEAR(",
        "name:* ^ - + ( ) { } [ ] : * ! & | <-> ''",
        "'; DROP TABLE directory_entry; --",
        "Ünïcödé 漢字 🙂 \u0301 \u200b",
        "x" * 10_000,
        " ".join(["word"] * 5_000),
        "\x00\x01 control",
    ],
)
async def test_search_hostile_query_answers_without_error(taxonomy, text):
    await make_entry("Portswood Youth Club")

    page = await search(SearchQuery(text=text))

    assert page.total == 0
    assert (await search(SearchQuery(text="youth"))).total == 1  # control: a plain word


async def test_search_public_sees_only_published_entries(taxonomy):
    await make_entry("Published Boxing Club")
    for status in (Status.PENDING, Status.HIDDEN, Status.ARCHIVED):
        await make_entry(f"{status.value.title()} Boxing Club", status=status)

    page = await search(SearchQuery(text="boxing"))

    assert names(page) == ["Published Boxing Club"]


async def test_search_staff_status_filter_finds_pending(taxonomy):
    await make_entry("Published Boxing Club")
    await make_entry("Pending Boxing Club", status=Status.PENDING)

    page = await search(SearchQuery(text="boxing", statuses=("pending",)))

    assert names(page) == ["Pending Boxing Club"]


async def test_search_pages_results(taxonomy):
    for i in range(5):
        await make_entry(f"Group {i}")

    page = await search(SearchQuery(text="group", page=2, per_page=2))

    assert (page.total, page.pages, page.page, names(page)) == (5, 3, 2, ["Group 2", "Group 3"])


async def test_search_finds_words_in_services_and_themes(taxonomy):
    await make_entry(
        "Bevois Neighbours",
        themes=["rough-sleeping"],
        services=[{"name": "Food bank", "description": "Parcels every Friday"}],
    )

    by_service = await search(SearchQuery(text="parcels"))
    by_theme = await search(SearchQuery(text="rough sleeping"))

    assert names(by_service) == ["Bevois Neighbours"]
    assert names(by_theme) == ["Bevois Neighbours"]


async def test_search_counts_are_exact(taxonomy):
    for i in range(4):
        await make_entry(f"Garden Group {i}", themes=["knife-crime"])

    page = await search(SearchQuery(text="garden"))

    assert page.total == 4
    assert {f.value: f.count for f in page.facets["theme"]} == {"knife-crime": 4}


async def test_search_filter_words_are_not_searchable_text(taxonomy):
    await make_entry("Portswood Youth Club", themes=["knife-crime"], areas=["bevois"])

    for text in ("spublished", "kcommunity", "t1", "a1", "published community"):
        assert (await search(SearchQuery(text=text))).total == 0, text
    assert (await search(SearchQuery(text="Portswood"))).total == 1  # control: its name


async def test_search_index_follows_status_kind_and_area_changes(taxonomy):
    entry = await make_entry("Portswood Boxing", areas=["bevois"])
    shirley = await Area.get(slug="shirley")

    await entry.areas.clear()
    await entry.areas.add(shirley)
    await Entry.filter(id=entry.id).update(kind="network")

    assert names(await search(SearchQuery(text="boxing", area="shirley"))) == ["Portswood Boxing"]
    assert names(await search(SearchQuery(text="boxing", area="bevois"))) == []
    assert names(await search(SearchQuery(text="boxing", kind="network"))) == ["Portswood Boxing"]

    await Entry.filter(id=entry.id).update(status=Status.HIDDEN)

    assert names(await search(SearchQuery(text="boxing"))) == []
    hidden = await search(SearchQuery(text="boxing", statuses=("hidden",)))
    assert names(hidden) == ["Portswood Boxing"]


async def test_search_misspelling_near_names_with_quotes_and_hyphens(taxonomy):
    await make_entry("O'Brien's Co-op \\ Allotment-Society", description="Growing together.")

    allotment = await search(SearchQuery(text="allotmnet"))

    assert (names(allotment), allotment.suggestion) == (
        ["O'Brien's Co-op \\ Allotment-Society"],
        "allotment",
    )
