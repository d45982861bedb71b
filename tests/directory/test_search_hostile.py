"""Hostile queries (issue 17): whatever is typed, search answers exactly and nothing
typed reaches SQL but as bound words of letters and digits.

Each case has its positive control: the entries are there and a plain query finds them.
"""

from __future__ import annotations

from directory.models import Entry
from directory.search import SearchQuery, search
from tests.directory.factories import make_entry


def names(page) -> list[str]:
    return [hit.entry.name for hit in page.hits]


async def _entries() -> None:
    await make_entry("Portswood Youth Club", description="Support for young people.")
    await make_entry("100% Support Trust", description="Everyone welcome.")
    await make_entry("Sup_Port Cafe", description="Coffee and cake.")


async def test_ten_thousand_characters_are_cut_and_said_to_be(taxonomy):
    await _entries()

    long = await search(SearchQuery(text="youth " + "x" * 10_000))
    short = await search(SearchQuery(text="youth"))

    assert (long.shortened, long.total) == (True, 0)  # "xxx…" (cut) still has to match
    assert (short.shortened, names(short)) == (False, ["Portswood Youth Club"])
    cut = await search(SearchQuery(text="youth " + "club " * 2_000))
    assert (cut.shortened, names(cut)) == (True, ["Portswood Youth Club"])


async def test_nul_and_control_characters_separate_words(taxonomy):
    await _entries()

    page = await search(SearchQuery(text="youth\x00club\x01"))

    assert names(page) == ["Portswood Youth Club"]


async def test_quotes_alone_browse_everything(taxonomy):
    await _entries()

    for text in ('"', '""', '" "', "'"):
        page = await search(SearchQuery(text=text))
        assert page.total == 3, text


async def test_only_stop_words_are_searched_rather_than_dropped(taxonomy):
    await _entries()

    only_for = await search(SearchQuery(text="for"))
    only_and = await search(SearchQuery(text="and"))

    assert names(only_for) == ["Portswood Youth Club"]  # "Support for young people."
    assert names(only_and) == ["Sup_Port Cafe"]  # "Coffee and cake."
    assert (await search(SearchQuery(text="and youth"))).total == 1  # "and" left out


async def test_only_not_leaves_out_and_not_alone_browses(taxonomy):
    await _entries()

    without = await search(SearchQuery(text="NOT youth"))
    alone = await search(SearchQuery(text="NOT"))
    dash = await search(SearchQuery(text="-"))

    assert names(without) == ["100% Support Trust", "Sup_Port Cafe"]
    assert (alone.total, dash.total) == (3, 3)


async def test_sql_text_is_words(taxonomy):
    await _entries()

    page = await search(SearchQuery(text="'; DROP TABLE directory_entry; --"))
    sneaky = await search(SearchQuery(text="youth') OR 1=1 --"))

    assert page.total == 0
    # Read as: youth OR the phrase "1 1" (the quote and "--" are not words).
    assert (names(sneaky), sneaky.understood) == (
        ["Portswood Youth Club"],
        "Entries with “youth” or “1 1”",
    )
    assert await Entry.all().count() == 3


async def test_percent_and_underscore_are_not_wildcards(taxonomy):
    await _entries()

    assert names(await search(SearchQuery(text="support"))) == [
        "100% Support Trust",
        "Portswood Youth Club",
    ]
    assert (await search(SearchQuery(text="sup%rt"))).total == 0  # "sup" and "rt"
    assert (await search(SearchQuery(text="s_pport"))).total == 0  # "s" and "pport"
    assert (await search(SearchQuery(text="%ort"))).total == 0  # LIKE would find "support"
    assert names(await search(SearchQuery(text="%port"))) == [  # words starting "port"
        "Portswood Youth Club",
        "Sup_Port Cafe",
    ]
    assert names(await search(SearchQuery(text="sup_port"))) == ["Sup_Port Cafe"]
    assert names(await search(SearchQuery(text="100%"))) == ["100% Support Trust"]


async def test_hostile_queries_over_http_are_pages(client, taxonomy):
    await _entries()

    for text in ("\x00", "x" * 10_000, '"', "NOT", "%_", "'; --", "\u0301\u200b"):
        response = await client.get("/directory", params={"q": text})
        assert response.status_code == 200, text
