"""The public search page over HTTP (issue 17): the exact total and page x of y, the
wards of each result, the notice when a query was shortened, the help line for the
query language, how many filters are chosen, pages that keep every filter, a page
past the last, and hostile query text escaped."""

from __future__ import annotations

import html
import re

from directory.search.text import MAX_QUERY_CHARS
from tests.directory.factories import make_entry


def heading(text: str) -> str:
    return re.search(r'<h2 id="results-title">(.*?)</h2>', text, re.S).group(1)


def metas(text: str) -> list[str]:
    return re.findall(r'<p class="meta">(.*?)</p>', text, re.S)


def result_names(text: str) -> list[str]:
    names = re.findall(r'<h3><a href="/directory/\d+">(.*?)</a></h3>', text, re.S)
    return [re.sub(r"</?mark>", "", name) for name in names]


async def test_total_is_exact_in_words(client, taxonomy):
    for i in range(25):
        await make_entry(f"Allotment {i}", description="Garden plots.")
    await make_entry("Harbour Rowing Club", description="Rowing on the Itchen.")

    many = await client.get("/directory", params={"q": "garden"})
    one = await client.get("/directory", params={"q": "rowing"})
    none = await client.get("/directory", params={"q": "zeppelin"})

    assert heading(many.text) == "25 groups found for “garden”"
    assert '<p class="meta">Page 1 of 2</p>' in many.text
    assert heading(one.text) == "1 group found for “rowing”"
    assert "Page 1 of" not in one.text
    assert heading(none.text) == "No groups found for “zeppelin”"
    for response in (many, one, none):
        assert response.status_code == 200
        assert "About " not in response.text
        assert "(about " not in response.text


async def test_browsing_states_the_total_without_words(client, taxonomy):
    for i in range(3):
        await make_entry(f"Allotment {i}")

    response = await client.get("/directory")

    assert heading(response.text) == "3 groups found"


async def test_results_show_wards_or_else_the_town(client, taxonomy):
    await make_entry("Polygon Pantry", town="Southampton", areas=["bevois", "banister-and-polygon"])
    await make_entry("Itchen Pantry", town="Southampton")
    await make_entry(
        "Citywide Pantry",
        town="Southampton",
        areas=["bevois", "bargate", "bassett", "coxford", "shirley"],
    )

    for params in ({"q": "pantry"}, {}):
        response = await client.get("/directory", params=params)

        shown = dict(zip(result_names(response.text), metas(response.text), strict=True))
        # Wards by name, sorted, escaped; the town only when there are none.
        assert shown["Polygon Pantry"] == "Community group · Banister &amp; Polygon and Bevois"
        assert shown["Itchen Pantry"] == "Community group · Southampton"
        assert shown["Citywide Pantry"] == (
            "Community group · Bargate, Bassett, Bevois and 2 more areas"
        )


async def test_a_query_past_the_limit_says_it_was_shortened(client, taxonomy):
    await make_entry("Harbour Rowing Club", description="Rowing on the Itchen.")
    # 1,000 characters: two words, then markup past the limit that is never searched.
    long_query = "rowing club" + " " * MAX_QUERY_CHARS + "<b>zeppelin</b>" * 46
    assert len(long_query) >= 1000

    shortened = await client.get("/directory", params={"q": long_query})
    short = await client.get("/directory", params={"q": "rowing club"})

    assert shortened.status_code == 200
    assert heading(shortened.text) == "1 group found for “rowing club...”"
    assert (
        '<p class="notice" id="shortened">Your search was too long, so it was shortened to '
        f"its first {MAX_QUERY_CHARS} characters. We searched for: <q>rowing club</q></p>"
    ) in shortened.text
    assert "<b>zeppelin</b>" not in shortened.text
    assert short.status_code == 200
    assert heading(short.text) == "1 group found for “rowing club”"
    assert 'id="shortened"' not in short.text
    assert "Your search" not in short.text


async def test_a_query_of_too_many_words_says_which_were_searched(client, taxonomy):
    await make_entry(
        "Harbour Rowing Club", description="Weekly youth rowing sessions in Itchen boats."
    )
    words = ["rowing", "club", "harbour", "itchen", "boats", "sessions", "weekly", "youth"]
    nine = " ".join([*words, "zeppelin"])
    eight = " ".join(words)
    thousand = " ".join(words) + " zeppelin" * 111
    assert len(nine) < MAX_QUERY_CHARS < 1000 <= len(thousand)

    cut = await client.get("/directory", params={"q": nine})
    kept = await client.get("/directory", params={"q": eight})
    both = await client.get("/directory", params={"q": thousand})

    searched = f"We searched for: <q>{eight}</q></p>"
    assert (
        "Your search had too many words, so it was shortened to its first 8 words or "
        f"phrases. {searched}"
    ) in cut.text
    assert heading(cut.text).startswith("1 group found")
    assert "Your search" not in kept.text
    assert (
        f"Your search was too long, so it was shortened to its first {MAX_QUERY_CHARS} "
        f"characters, and those to their first 8 words or phrases. {searched}"
    ) in both.text


async def test_help_line_describes_the_query_language_by_the_box(client, taxonomy):
    response = await client.get("/directory")

    assert '<p class="hint" id="q-help">Each word finds words that start with it. Use ' in (
        response.text
    )
    assert "“quotes” for a phrase, OR for either word, and -word or NOT word" in response.text
    box = re.search(r"<input type=\"search\"[^>]*>", response.text).group(0)
    assert 'aria-describedby="q-help"' in box


async def test_filters_button_says_how_many_are_chosen(client, taxonomy):
    await make_entry("Sholing Boxing Club", themes=["knife-crime"], areas=["sholing"])

    none = await client.get("/directory", params={"q": "boxing"})
    two = await client.get(
        "/directory", params={"q": "boxing", "kind": "community", "theme": "knife-crime"}
    )

    assert '<details class="filter-disclosure">' in none.text
    assert 'Filters <span class="filter-count">(none chosen)</span></summary>' in none.text
    assert 'Filters <span class="filter-count">(2 chosen)</span></summary>' in two.text
    assert "Go to the filters (2 chosen)" in two.text
    # Results come before the filters in the page.
    assert two.text.index('class="results"') < two.text.index('id="filters"')


async def test_page_links_keep_every_filter_and_walk_every_match_once(client, taxonomy):
    for i in range(45):
        await make_entry(f"Boxing & Fitness {i}", themes=["knife-crime"], areas=["bevois"])
    for i in range(3):
        await make_entry(f"Boxing Network {i}", kind="network", themes=["knife-crime"])
    params = {"q": "boxing", "kind": "community", "theme": "knife-crime", "area": "bevois"}
    kept = "q=boxing&amp;kind=community&amp;theme=knife-crime&amp;area=bevois"

    seen: list[str] = []
    response = await client.get("/directory", params=params)
    for number in (1, 2, 3):
        assert f'<p class="meta">Page {number} of 3</p>' in response.text
        assert heading(response.text) == "45 groups found for “boxing”"
        seen += result_names(response.text)
        if number > 1:
            previous = f'href="/directory?{kept}&amp;page={number - 1}" rel="prev"'
            assert previous in response.text
        if number < 3:
            following = f'href="/directory?{kept}&amp;page={number + 1}" rel="next"'
            assert following in response.text
            response = await client.get(f"/directory?{html.unescape(kept)}&page={number + 1}")
        else:
            assert 'rel="next"' not in response.text

    assert sorted(seen) == sorted(f"Boxing &amp; Fitness {i}" for i in range(45))


async def test_a_page_past_the_last_shows_the_last(client, taxonomy):
    for i in range(25):
        await make_entry(f"Allotment {i}", description="Garden plots.")

    past = await client.get("/directory", params={"q": "garden", "page": "99"})
    last = await client.get("/directory", params={"q": "garden", "page": "2"})

    assert past.status_code == 200
    assert "There is no page 99. Showing page 2 of 2, the last." in past.text
    assert result_names(past.text) == result_names(last.text)
    assert len(result_names(past.text)) == 5
    assert "There is no page" not in last.text


async def test_a_page_past_the_end_of_nothing_says_so(client, taxonomy):
    response = await client.get("/directory", params={"q": "zeppelin", "page": "7"})

    assert response.status_code == 200
    assert "There is no page 7.</p>" in response.text
    assert heading(response.text) == "No groups found for “zeppelin”"


async def test_hostile_query_text_is_escaped_everywhere(client, taxonomy):
    await make_entry("Harbour Rowing Club", description="Rowing on the Itchen.")
    hostile = 'rowing "><script>alert(1)</script> & =SUM(A1) \x00'

    response = await client.get("/directory", params={"q": hostile, "theme": '"><img src=x>'})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "<img src=x>" not in response.text
    assert 'value="rowing &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; =SUM(A1) "' in (
        response.text
    )
    assert "&lt;script&gt;" in heading(response.text)


async def test_or_and_not_are_read_back_in_words(client, taxonomy):
    await make_entry("Sholing Boxing Club")
    await make_entry("Harbour Rowing Club")
    await make_entry("Rowing Church Group")

    either = await client.get("/directory", params={"q": "boxing OR rowing -church"})
    plain = await client.get("/directory", params={"q": "boxing"})

    assert heading(either.text) == "2 groups found for “boxing OR rowing -church”"
    assert sorted(result_names(either.text)) == ["Harbour Rowing Club", "Sholing Boxing Club"]
    assert (
        '<p class="meta" id="understood">Entries with “boxing” or “rowing”, without “church”.</p>'
    ) in either.text
    assert heading(plain.text) == "1 group found for “boxing”"
    assert 'id="understood"' not in plain.text


async def test_every_filter_can_be_removed_at_once(client, taxonomy):
    await make_entry("Sholing Boxing Club", themes=["knife-crime"], areas=["sholing"])

    chosen = await client.get(
        "/directory", params={"q": "boxing", "theme": "knife-crime", "area": "sholing"}
    )
    unknown = await client.get("/directory", params={"q": "boxing", "theme": "no-such-theme"})
    none = await client.get("/directory", params={"q": "boxing"})
    nothing = await client.get("/directory", params={"q": "zeppelin"})

    remove_all = '<p><a href="/directory?q=boxing">Remove every filter</a></p>'
    assert remove_all in chosen.text
    # A filter that matches nothing still has its way out.
    assert heading(unknown.text) == "No groups found for “boxing”"
    assert remove_all in unknown.text
    assert 'Filters <span class="filter-count">(1 chosen)</span>' in unknown.text
    assert "Remove every filter" not in none.text
    assert 'id="filters"' in none.text
    # Nothing found and nothing chosen: no filters button at all.
    assert 'id="filters"' not in nothing.text
    assert "Go to the filters" not in nothing.text
