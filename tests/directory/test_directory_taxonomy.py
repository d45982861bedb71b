"""Themes and areas: the rules for adding, renaming and removing, and the moderators' page."""

from __future__ import annotations

import pytest

from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import Role
from directory.models import Area, Status, Theme
from directory.search import SearchQuery, search
from directory.taxonomy import add_term, remove_term, rename_term, terms_in_use
from tests.conftest import csrf_token, make_staff, sign_in
from tests.directory.factories import make_entry

# The service


async def test_add_theme_makes_a_slug_from_the_name(taxonomy):
    theme = await add_term("theme", "  County  lines ", "Drug running across areas")

    assert (theme.name, theme.slug, theme.description) == (
        "County lines",
        "county-lines",
        "Drug running across areas",
    )


async def test_add_area_with_an_existing_name_is_invalid(taxonomy):
    with pytest.raises(Invalid) as raised:
        await add_term("area", "Bevois")

    assert raised.value.fields == {"name": "There is already an area called “Bevois”"}
    assert await Area.filter(name="Bevois").count() == 1
    assert (await add_term("area", "Bevois Town")).name == "Bevois Town"  # control: a new name


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("   ", "Enter a name"),
        ("x" * 101, "Use 100 characters or fewer"),
        ("!!!", "Use at least one letter or number"),
    ],
)
async def test_add_theme_with_a_bad_name_is_invalid(taxonomy, name, error):
    count = await Theme.all().count()

    with pytest.raises(Invalid) as raised:
        await add_term("theme", name)

    assert raised.value.fields == {"name": error}
    assert await Theme.all().count() == count
    await add_term("theme", "County lines")  # control: a good name
    assert await Theme.all().count() == count + 1


async def test_add_term_of_an_unknown_kind_is_not_found(taxonomy):
    themes, areas = await Theme.all().count(), await Area.all().count()

    with pytest.raises(NotFound):
        await add_term("colour", "Blue")

    assert (await Theme.all().count(), await Area.all().count()) == (themes, areas)
    await add_term("theme", "Blue")  # control: a kind there is
    assert await Theme.all().count() == themes + 1


async def test_rename_keeps_the_slug_so_filters_still_work(taxonomy):
    theme = await Theme.get(slug="knife-crime")
    await make_entry("Sholing Boxing Club", themes=["knife-crime"])
    await search(SearchQuery(theme="knife-crime"))  # anything cached is now stale
    await search(SearchQuery())

    await rename_term("theme", theme.id, "Knife crime and weapons", "Carrying and use")
    page = await search(SearchQuery(theme="knife-crime"))
    browse = await search(SearchQuery())

    renamed = await Theme.get(id=theme.id)
    assert (renamed.name, renamed.slug, renamed.description) == (
        "Knife crime and weapons",
        "knife-crime",
        "Carrying and use",
    )
    assert [h.entry.name for h in page.hits] == ["Sholing Boxing Club"]
    assert [f.label for f in page.facets["theme"] if f.value == "knife-crime"] == [
        "Knife crime and weapons"
    ]
    assert [f.label for f in browse.facets["theme"] if f.value == "knife-crime"] == [
        "Knife crime and weapons"
    ]


async def test_rename_to_another_terms_name_is_invalid(taxonomy):
    area = await Area.get(slug="bevois")

    with pytest.raises(Invalid) as raised:
        await rename_term("area", area.id, "Bargate")

    assert raised.value.fields == {f"name-{area.id}": "There is already an area called “Bargate”"}
    assert (await Area.get(id=area.id)).name == "Bevois"
    await rename_term("area", area.id, "Bevois Valley")  # control: a name nobody has
    assert (await Area.get(id=area.id)).name == "Bevois Valley"


async def test_remove_an_unused_area(taxonomy):
    area = await add_term("area", "Ocean Village")

    name = await remove_term("area", area.id)

    assert name == "Ocean Village"
    assert await Area.filter(id=area.id).count() == 0


async def test_remove_a_theme_in_use_is_refused_saying_how_many(taxonomy):
    await make_entry("Sholing Boxing Club", themes=["knife-crime"])
    await make_entry("Bitterne Boxing", themes=["knife-crime"])
    theme = await Theme.get(slug="knife-crime")

    with pytest.raises(Conflict) as raised:
        await remove_term("theme", theme.id)

    assert raised.value.message == "2 entries use “Knife crime”: change them before removing it."
    assert await Theme.filter(id=theme.id).count() == 1
    unused = await add_term("theme", "County lines")
    await remove_term("theme", unused.id)  # control: a theme no entry uses
    assert not await Theme.filter(id=unused.id).exists()


async def test_terms_in_use_counts_entries_of_every_status(taxonomy):
    await make_entry("A", areas=["bevois", "bargate"])
    await make_entry("B", areas=["bevois"], status=Status.PENDING)

    used = {t.slug: t.entries for t in await terms_in_use("area")}

    assert (used["bevois"], used["bargate"], used["woolston"]) == (2, 1, 0)


# The page


@pytest.fixture
async def moderator_client(client, app):
    await sign_in(client, await make_staff(Role.MODERATOR))
    return client


async def post(client, path: str, data: dict):
    token = await csrf_token(client, "/staff/directory/taxonomy")
    return await client.post(path, data={**data, "csrf_token": token})


async def test_taxonomy_page_lists_terms_with_entry_counts(moderator_client, taxonomy):
    await make_entry("Sholing Boxing Club", themes=["knife-crime"])

    page = await moderator_client.get("/staff/directory/taxonomy")

    assert page.status_code == 200
    assert '<a href="/staff/directory?theme=knife-crime">1</a>' in page.text
    assert 'value="Serious violence"' in page.text
    assert 'value="Woolston"' in page.text


async def test_taxonomy_page_is_not_found_for_organisers(client, taxonomy):
    await sign_in(client, await make_staff(Role.ORGANISER))

    page = await client.get("/staff/directory/taxonomy")
    await sign_in(client, await make_staff(Role.MODERATOR))
    control = await client.get("/staff/directory/taxonomy")

    assert page.status_code == 404
    assert control.status_code == 200


async def test_taxonomy_page_sends_anonymous_visitors_to_sign_in(client, taxonomy):
    page = await client.get("/staff/directory/taxonomy")

    assert (page.status_code, page.headers["location"]) == (
        303,
        "/login?next=/staff/directory/taxonomy",
    )


async def test_adding_from_the_page_redirects_with_a_message(moderator_client, taxonomy):
    response = await post(
        moderator_client, "/staff/directory/taxonomy/area", {"name": "Ocean Village"}
    )
    shown = await moderator_client.get(response.headers["location"])

    assert response.status_code == 303
    assert "The area has been added." in shown.text
    assert await Area.filter(name="Ocean Village").count() == 1


async def test_adding_a_duplicate_from_the_page_keeps_what_was_typed(moderator_client, taxonomy):
    count = await Theme.all().count()

    response = await post(
        moderator_client,
        "/staff/directory/taxonomy/theme",
        {"name": "Knife crime", "description": "Typed text"},
    )

    assert response.status_code == 400
    assert 'id="theme-name-error"' in response.text
    assert "There is already a theme called “Knife crime”" in response.text
    assert 'value="Typed text"' in response.text
    assert await Theme.all().count() == count
    control = await post(
        moderator_client,
        "/staff/directory/taxonomy/theme",
        {"name": "Knife crime prevention", "description": "Typed text"},
    )
    assert control.status_code == 303
    assert await Theme.all().count() == count + 1


async def test_renaming_from_the_page(moderator_client, taxonomy):
    area = await Area.get(slug="bevois")

    response = await post(
        moderator_client, f"/staff/directory/taxonomy/area/{area.id}", {"name": "Bevois Valley"}
    )

    assert response.status_code == 303
    assert (await Area.get(id=area.id)).name == "Bevois Valley"


async def test_removing_a_term_in_use_from_the_page_is_409_with_the_reason(
    moderator_client, taxonomy
):
    await make_entry("Sholing Boxing Club", areas=["sholing"])
    area = await Area.get(slug="sholing")

    response = await post(moderator_client, f"/staff/directory/taxonomy/area/{area.id}/remove", {})

    assert response.status_code == 409
    assert "1 entry uses “Sholing”: change them before removing it." in response.text
    assert await Area.filter(id=area.id).count() == 1
