"""PostgreSQL's prefix search by whole lexemes (migration 2026_11_21_directory_pg_lexemes):
``directory_entry_fts_lexemes`` keeps every lexeme of every entry's search text, and
``directory_search_match`` must match exactly the rows the typed prefixes match."""

from __future__ import annotations

from uuid import uuid4

import pytest
from tortoise import Tortoise

from directory.models import Entry, Service, Theme
from directory.search import SearchQuery, search
from tests.conftest import on_postgres
from tests.directory.conftest import make_entry

pytestmark = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL's lexeme list")

# 70 words beginning "zy": more lexemes than a word is expanded into.
MANY_ZY = " ".join(f"zy{a}{b}" for a in "abcdefghij" for b in "klmnopq")


async def _one(sql: str, params: list):
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(sql, params)
    return rows[0][0]


async def _ids(condition: str, params: list) -> list[int]:
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(
        f"SELECT id FROM directory_entry WHERE search_vector @@ {condition} ORDER BY id",
        params,
    )
    return [row[0] for row in rows]


async def _unlisted_lexemes() -> list[str]:
    conn = Tortoise.get_connection("default")
    _, rows = await conn.execute_query(
        "SELECT word FROM ts_stat('SELECT search_vector FROM directory_entry') "
        "EXCEPT SELECT lexeme FROM directory_entry_fts_lexemes ORDER BY 1"
    )
    return [row[0] for row in rows]


async def test_match_is_the_lexemes_each_word_begins(taxonomy):
    await make_entry("Gardeners Network", description="Gardening and the garderobe.")
    await make_entry("Zany Collective", description=MANY_ZY)

    forms = [
        await _one("SELECT directory_search_match($1)::text", [words])
        for words in (["gard"], ["the", "garden"], ["gard", "zy"], ["zyak"], ["nowhere"], ["the"])
    ]

    assert forms == [
        "'garden' | 'garderob'",
        "'garden'",
        # More than 64 lexemes begin "zy": that word keeps its prefix.
        "( 'garden' | 'garderob' ) & 'zy':*",
        "'zyak'",
        # No lexeme begins "nowhere": the prefix, which matches nothing.
        "'nowher':*",
        # Only a stop word: nothing to match, as to_tsquery's empty query.
        None,
    ]


@pytest.mark.parametrize(
    "words",
    [
        ["gard"],
        ["garden", "network"],
        ["zy"],
        ["zyb", "zany"],
        ["the", "zany"],
        ["e2e"],
        ["ber", "2026"],
        ["nowhere"],
        ["the"],
        ["cafe"],
    ],
)
async def test_match_finds_the_rows_the_typed_prefixes_find(taxonomy, words):
    await make_entry("Gardeners Network", description="Gardening and the garderobe.")
    await make_entry("Zany Collective", description=MANY_ZY)
    await make_entry("E2E Testers 2026", description="Berlin, Bern and Bermuda. Café.")
    await make_entry("Garden Café Network", description="Tea in the garden, 2026-27.")

    prefixes = " & ".join(f"'{word}':*" for word in words)
    typed = await _ids("to_tsquery('english', $1)", [prefixes])
    matched = await _ids("directory_search_match($1)", [words])

    assert matched == typed
    assert bool(typed) == (words not in (["nowhere"], ["the"]))


async def test_lexemes_follow_every_write_to_the_search_text(taxonomy):
    entry = await make_entry("Quayside Rowers", themes=["hate-crime"])
    await Entry.filter(id=entry.id).update(name="Quincunx Rowers", alternate_names="Quokkas")
    await Service.create(
        entry=entry, uuid=str(uuid4()), name="Quillwork sessions", description="Quires of paper"
    )
    await Theme.filter(slug="hate-crime").update(name="Quarrels and hate crime")

    listed = await _unlisted_lexemes()
    found = [
        [hit.entry.name for hit in (await search(SearchQuery(text=word))).hits]
        for word in ("quinc", "quokk", "quillw", "quir", "quarr")
    ]

    assert listed == []
    assert found == [["Quincunx Rowers"]] * 5
