"""Demo directory data: statutory partners, illustrative groups, loaded once."""

from __future__ import annotations

from directory.demo import load_demo
from directory.models import Entry, Kind, Status
from directory.search import SearchQuery, search


async def test_demo_loads_partners_and_groups(app, settings):
    await load_demo(settings)

    statutory = await Entry.filter(kind=Kind.STATUTORY).values_list("name", flat=True)
    assert sorted(statutory) == [
        "Hampshire & Isle of Wight Constabulary",
        "Hampshire & Isle of Wight Fire and Rescue Service",
        "Hampshire and Isle of Wight Violence Reduction Unit",
        "NHS Hampshire and Isle of Wight",
        "Probation Service, Southampton",
        "Southampton City Council",
    ]
    assert await Entry.filter(status=Status.PUBLISHED).count() == 22
    assert await Entry.filter(status=Status.PENDING).count() == 1


async def test_demo_loads_once(app, settings):
    await load_demo(settings)
    await load_demo(settings)

    assert await Entry.all().count() == 23


async def test_demo_refuge_address_is_hidden(app, settings):
    await load_demo(settings)

    refuge = await Entry.get(name="Harbour Women's Refuge")
    page = await search(SearchQuery(text="refuge"))

    assert refuge.hide_address is True
    assert [h.entry.name for h in page.hits] == ["Harbour Women's Refuge"]
