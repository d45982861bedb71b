"""The word index equals a rebuild after every write path (issue 17).

After each writer (create, update, merge, term rename, delete, and a bulk refresh of
many entries), the index tables hold exactly what ``directory.search.index.refresh`` of
every entry writes from scratch, and search finds what was written (the positive
control: the write did change what is found).
"""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from directory import moderation, service
from directory.models import Area, Entry, Theme
from directory.search import SearchQuery, search
from directory.search import index as search_index
from directory.taxonomy import rename_term
from tests import directory_corpus as corpus
from tests.conftest import make_staff
from tests.directory.factories import entry_data, make_entry


async def _tables() -> tuple[list, list]:
    conn = Tortoise.get_connection("default")
    _, words = await conn.execute_query(
        "SELECT entry_id, word, weight FROM directory_search_word ORDER BY entry_id, word"
    )
    _, texts = await conn.execute_query(
        "SELECT entry_id, name_key, text FROM directory_search_text ORDER BY entry_id"
    )
    return [tuple(r) for r in words], [tuple(r) for r in texts]


async def _equals_rebuild() -> tuple[list, list]:
    """The index as written, checked against a rebuild of every entry; returns it."""
    written = await _tables()
    async with in_transaction() as conn:
        await conn.execute_script("DELETE FROM directory_search_word")
        await conn.execute_script("DELETE FROM directory_search_text")
        await search_index.refresh(await Entry.all().using_db(conn).values_list("id", flat=True))
    assert await _tables() == written
    return written


def _names(page) -> list[str]:
    return [hit.entry.name for hit in page.hits]


async def test_create_and_update_keep_the_index(taxonomy):
    made = await make_entry(
        "Łódź Pantry",
        description="Food parcels.",
        alternate_names="LP",
        themes=["knife-crime"],
        areas=["bevois"],
        services=[{"name": "Drop-in", "description": "Tea", "who_for": "Elders"}],
    )
    words, texts = await _equals_rebuild()
    assert ("lodz", 8) in [(w, weight) for _, w, weight in words]
    assert texts[0][1:] == (
        "lodz pantry",
        " =8 lodz pantry =6 lp =4 knife crime =4 bevois =2 drop in =2 tea =2 elders "
        "=1 food parcels ",
    )

    await service.update_entry(
        made.id, entry_data("Straße Kitchen", description="Hot meals.", areas=["shirley"])
    )

    await _equals_rebuild()
    assert _names(await search(SearchQuery(text="strasse"))) == ["Straße Kitchen"]
    assert _names(await search(SearchQuery(text="lodz OR pantry OR parcels"))) == []
    assert _names(await search(SearchQuery(text="kitchen", area="shirley"))) == ["Straße Kitchen"]


async def test_merge_keeps_the_index(taxonomy):
    keep = await make_entry("Bevois Boxing Club", description="Boxing.")
    duplicate = await make_entry("Bevois Boxers", description="Sparring nights.")
    moderator = await make_staff()

    await moderation.merge_entries(keep.id, duplicate.id, moderator)

    await _equals_rebuild()
    found = await search(SearchQuery(text="boxing", statuses=("published", "archived")))
    assert "Bevois Boxing Club" in _names(found)


async def test_term_rename_keeps_the_index(taxonomy):
    await make_entry("Night Patrol", themes=["knife-crime"])
    theme = await Theme.get(slug="knife-crime")
    area = await Area.get(slug="bevois")
    await make_entry("Bevois Walkers", areas=["bevois"])
    assert _names(await search(SearchQuery(text="blades"))) == []

    await rename_term("theme", theme.id, "Knife and blades crime")
    await rename_term("area", area.id, "Bevois Valley")

    await _equals_rebuild()
    assert _names(await search(SearchQuery(text="blades"))) == ["Night Patrol"]
    assert _names(await search(SearchQuery(text="valley"))) == ["Bevois Walkers"]


async def test_delete_leaves_no_rows(taxonomy):
    gone = await make_entry("Vanishing Collective", description="Here today.")
    await make_entry("Staying Collective", description="Here tomorrow.")
    assert len(_names(await search(SearchQuery(text="collective")))) == 2

    await gone.delete()

    words, texts = await _equals_rebuild()
    assert {row[0] for row in words} == {row[0] for row in texts} != set()
    assert gone.id not in {row[0] for row in texts}
    assert _names(await search(SearchQuery(text="collective"))) == ["Staying Collective"]


async def test_bulk_refresh_of_many_entries_equals_one_by_one(taxonomy):
    ids = await corpus.load(corpus.rows(1200), refresh=False)
    assert await _tables() == ([], [])

    async with in_transaction():
        await search_index.refresh(ids)

    _, texts = await _equals_rebuild()
    assert len(texts) == 1200
    one_by_one = []
    for entry_id in ids[:50]:
        made = (await search_index.documents(Tortoise.get_connection("default"), [entry_id]))[0]
        one_by_one.append((entry_id, made.name_key, made.text))
    assert texts[:50] == one_by_one
