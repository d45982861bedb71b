"""Search keeps browse counts, pages, the taxonomy and text queries' counts beyond the
cap under a stamp that database triggers change with every write: what it answers must
change right after a publish, hide, edit, rename or delete, on SQLite and PostgreSQL
alike.
"""

from __future__ import annotations

import asyncio
from uuid import uuid4

import pytest
from tortoise import Tortoise

from convenor.models import Role
from directory import moderation, service
from directory import search as search_module
from directory.models import Area, Entry, Service, Status, Theme
from directory.search import SearchQuery, search
from directory.search.cache import StampCache, current_stamp
from tests.conftest import make_staff
from tests.directory.conftest import entry_data, make_entry


@pytest.fixture
async def moderator(app):
    return await make_staff(Role.MODERATOR)


def names(page) -> list[str]:
    return [hit.entry.name for hit in page.hits]


def counts(page, facet: str) -> dict[str, int]:
    return {f.value: f.count for f in page.facets[facet]}


async def test_browse_counts_change_right_after_publish(taxonomy, settings, moderator):
    await make_entry("Alpha Group", themes=["knife-crime"])
    pending = await make_entry("Beta Group", status=Status.PENDING, themes=["knife-crime"])
    before = await search(SearchQuery())

    await moderation.approve_entry(pending.id, moderator, settings)
    after = await search(SearchQuery())

    assert (before.total, counts(before, "theme")) == (1, {"knife-crime": 1})
    assert (after.total, counts(after, "theme")) == (2, {"knife-crime": 2})
    assert names(after) == ["Alpha Group", "Beta Group"]


async def test_browse_counts_change_right_after_hide(taxonomy):
    await make_entry("Alpha Group", areas=["bevois"])
    hidden = await make_entry("Beta Group", areas=["bevois"])
    await search(SearchQuery(area="bevois"))

    await moderation.set_status(hidden.id, Status.HIDDEN)
    after = await search(SearchQuery(area="bevois"))

    assert (after.total, names(after), counts(after, "area")) == (
        1,
        ["Alpha Group"],
        {"bevois": 1},
    )


async def test_browse_counts_change_right_after_edit(taxonomy):
    entry = await make_entry("Alpha Group", themes=["knife-crime"], areas=["bevois"])
    await make_entry("Beta Group", themes=["knife-crime"], areas=["bevois"])
    await search(SearchQuery(theme="knife-crime"))

    edited = entry_data("Alpha Group", kind="network", themes=["hate-crime"], areas=["shirley"])
    await service.update_entry(entry.id, edited)
    after = await search(SearchQuery(theme="knife-crime"))

    assert (after.total, names(after)) == (1, ["Beta Group"])
    assert counts(after, "kind") == {"community": 1}
    assert counts(after, "theme") == {"knife-crime": 1, "hate-crime": 1}
    assert counts(after, "area") == {"bevois": 1}


async def test_browse_page_follows_rename_and_delete(taxonomy):
    first = await make_entry("Alpha Group")
    await make_entry("Beta Group")
    gone = await make_entry("Gamma Group")
    await search(SearchQuery(per_page=2))

    await Entry.filter(id=first.id).update(name="Zeta Group")
    await gone.delete()
    after = await search(SearchQuery(per_page=2))

    assert (after.total, names(after)) == (2, ["Beta Group", "Zeta Group"])


async def test_theme_and_area_changes_reach_counts_and_hits(taxonomy):
    entry = await make_entry("Alpha Group", themes=["knife-crime"])
    await search(SearchQuery())
    await search(SearchQuery(text="alpha"))

    await Theme.filter(slug="knife-crime").update(name="Knives")
    await entry.areas.add(await Area.get(slug="shirley"))
    browsed = await search(SearchQuery())
    found = await search(SearchQuery(text="alpha"))

    assert [f.label for f in browsed.facets["theme"]] == ["Knives"]
    assert counts(browsed, "area") == {"shirley": 1}
    assert browsed.hits[0].themes == ["Knives"]
    assert found.hits[0].themes == ["Knives"]
    assert counts(found, "area") == {"shirley": 1}


async def test_stamp_changes_with_status_but_not_with_review(taxonomy, moderator):
    entry = await make_entry("Alpha Group")
    conn = Tortoise.get_connection("default")
    first = await current_stamp(conn)

    await moderation.mark_reviewed(entry.id, moderator)
    reviewed = await current_stamp(conn)
    await moderation.set_status(entry.id, Status.HIDDEN)
    hidden = await current_stamp(conn)

    assert first is not None
    assert reviewed == first
    assert hidden not in (None, first)


async def test_stamp_changes_with_the_search_text(taxonomy):
    entry = await make_entry("Alpha Group")
    conn = Tortoise.get_connection("default")
    stamps = [await current_stamp(conn)]

    await Entry.filter(id=entry.id).update(description="Now with gardens.")
    stamps.append(await current_stamp(conn))
    await Entry.filter(id=entry.id).update(alternate_names="Alpha Gardeners")
    stamps.append(await current_stamp(conn))
    await Service.create(entry=entry, uuid=str(uuid4()), name="Seed swaps", description="")
    stamps.append(await current_stamp(conn))
    await Service.filter(entry=entry).update(who_for="Growers")
    stamps.append(await current_stamp(conn))
    await Service.filter(entry=entry).delete()
    stamps.append(await current_stamp(conn))
    await Entry.filter(id=entry.id).update(reviewed_at=None)
    stamps.append(await current_stamp(conn))

    assert None not in stamps
    assert len(set(stamps)) == 6  # every change of text made a new one; the review did not
    assert stamps[-1] == stamps[-2]


def answered_totals(monkeypatch) -> list[int | None]:
    """The count of all matches each text search's statement answered (None: not
    counted there)."""
    answered: list[int | None] = []
    real_tuples = search_module.tuples

    async def recorded(*args, **kwargs):
        rows = await real_tuples(*args, **kwargs)
        if len(rows[0]) == 5:  # the sample statement (``sample_sql``)
            answered.append(rows[0][1])
        return rows

    monkeypatch.setattr(search_module, "tuples", recorded)
    return answered


async def test_count_beyond_the_cap_is_kept_until_the_text_changes(taxonomy, monkeypatch):
    monkeypatch.setattr(search_module, "CAP", 3)
    for i in range(6):
        await make_entry(f"Allotment {i}", description=f"Garden plots, group {i}.")
    quiet = await make_entry("Quiet Plot", description="Plots for all.")
    other = await make_entry("Tool Library", description="Lending tools.")
    answered = answered_totals(monkeypatch)

    totals = [(await search(SearchQuery(text="garden"))).total]
    totals.append((await search(SearchQuery(text="garden", page=2, per_page=2))).total)
    await Entry.filter(id=quiet.id).update(description="A garden at last.")
    totals.append((await search(SearchQuery(text="garden"))).total)
    await Service.create(entry=other, uuid=str(uuid4()), name="Garden tools", description="")
    totals.append((await search(SearchQuery(text="garden"))).total)
    totals.append((await search(SearchQuery(text="garden"))).total)

    assert answered == [6, None, 7, 8, None]
    assert totals == [6, 6, 7, 8, 8]


async def test_browse_without_a_stamp_row_keeps_nothing(taxonomy):
    pending = await make_entry("Beta Group", status=Status.PENDING)
    await make_entry("Alpha Group")
    conn = Tortoise.get_connection("default")
    await conn.execute_script("DELETE FROM directory_search_stamp")
    await search(SearchQuery())

    await moderation.set_status(pending.id, Status.PUBLISHED)
    # As after a reset table: the change happened but no stamp says so.
    await conn.execute_script("DELETE FROM directory_search_stamp")
    after = await search(SearchQuery())

    assert (after.total, names(after)) == (2, ["Alpha Group", "Beta Group"])


async def test_browse_counts_right_after_concurrent_publishes(taxonomy):
    pending = [await make_entry(f"Group {i:02}", status=Status.PENDING) for i in range(12)]

    async def publish(entry: Entry) -> None:
        await moderation.set_status(entry.id, Status.PUBLISHED)

    browses = [search(SearchQuery()) for _ in range(12)]
    await asyncio.gather(*[publish(e) for e in pending], *browses)
    after = await search(SearchQuery(per_page=50))

    assert (after.total, counts(after, "kind")) == (12, {"community": 12})
    assert len(after.hits) == 12


def test_stamp_cache_answers_only_under_the_stamp_it_was_filled_with():
    kept = StampCache(2)
    kept.put(1, "counts", "one")

    assert (kept.get(1, "counts"), kept.get(2, "counts"), kept.get(None, "counts")) == (
        "one",
        None,
        None,
    )
    kept.put(2, "other", "two")
    assert (kept.get(1, "counts"), kept.get(2, "other")) == (None, "two")


def test_stamp_cache_keeps_nothing_without_a_stamp_and_drops_the_least_used():
    kept = StampCache(2)
    kept.put(None, "a", "nothing")
    kept.put(5, "a", 1)
    kept.put(5, "b", 2)
    kept.get(5, "a")
    kept.put(5, "c", 3)

    assert kept.get(None, "a") is None
    assert (kept.get(5, "a"), kept.get(5, "b"), kept.get(5, "c")) == (1, None, 3)


def test_stamp_cache_tells_what_it_keeps_and_under_which_stamp():
    kept = StampCache(2)
    empty = kept.kept("a")
    kept.put(7, "a", 10)
    kept.put(7, "b", 20)
    found = kept.kept("a")
    kept.put(7, "c", 30)  # "a" was used last: "b" goes

    assert (empty, found, kept.kept("missing")) == ((None, None), (7, 10), (7, None))
    assert (kept.get(7, "a"), kept.get(7, "b")) == (10, None)
