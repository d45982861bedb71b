"""Public directory pages over HTTP: search, entry page, list your group, confirm, edit link."""

from __future__ import annotations

import re

from convenor.mail.models import OutboxMessage
from directory.models import Entry, EntryChange, Status
from directory.search import FacetValue
from directory.taxonomy import add_term
from directory.web import filter_link
from tests.directory.factories import GROUP_FORM, make_entry
from tests.forms import post_form


async def test_search_page_lists_published_entries(client, taxonomy):
    await make_entry("Bitterne Park Litter Pickers")
    await make_entry("Pending Litter Group", status=Status.PENDING)

    response = await client.get("/directory", params={"q": "litter"})

    assert response.status_code == 200
    assert "Bitterne Park <mark>Litter</mark> Pickers" in response.text
    assert "Pending Litter Group" not in response.text
    assert "1 group found for “litter”" in response.text


async def test_search_page_states_exact_counts(client, taxonomy):
    for i in range(6):
        await make_entry(f"Allotment {i}", description=f"Garden plots, group {i}.")

    response = await client.get("/directory", params={"q": "garden"})

    # Counts are exact (issue 17): never "About" or "about".
    assert "6 groups found for “garden”" in response.text
    assert "Community group (6)" in response.text
    assert "About " not in response.text
    assert "(about " not in response.text


async def test_search_page_links_keep_the_other_choices(client, taxonomy):
    for i in range(25):
        await make_entry(f"Boxing & Fitness {i}", kind="network", areas=["bevois"])

    response = await client.get(
        "/directory", params={"q": "boxing & fit?", "kind": "network", "page": "1"}
    )

    # Removing the chosen kind keeps the words; choosing an area keeps words and kind;
    # paging keeps everything and comes last. Words are encoded as in any query string.
    assert 'href="/directory?q=boxing+%26+fit%3F" aria-current="true"' in response.text
    assert 'href="/directory?q=boxing+%26+fit%3F&amp;kind=network&amp;area=bevois"' in (
        response.text
    )
    assert (
        'href="/directory?q=boxing+%26+fit%3F&amp;kind=network&amp;page=2" rel="next"'
        in response.text
    )


async def test_search_page_filter_links_escape_what_moderators_named(client, taxonomy):
    term = await add_term("theme", 'Tom & Jerry\'s <b>"club"</b>')
    await make_entry("Portswood Chess Circle", themes=[term.slug])

    response = await client.get("/directory", params={"q": "chess", "theme": term.slug})

    name = "Tom &amp; Jerry&#x27;s &lt;b&gt;&quot;club&quot;&lt;/b&gt; (1)"
    assert (
        f'<li><a href="/directory?q=chess" aria-current="true">{name} '
        '<span class="visually-hidden">selected,</span> remove</a></li>'
    ) in response.text
    assert "<b>" not in response.text


def test_filter_link_is_the_chosen_value_or_a_choice():
    value = FacetValue("knife-crime", "Knife <crime>", 12, selected=False)

    assert filter_link("/directory?q=a&theme=knife-crime", value) == (
        '<a href="/directory?q=a&amp;theme=knife-crime">Knife &lt;crime&gt; (12)</a>'
    )
    chosen = FacetValue("knife-crime", "Knife crime", 3, selected=True)
    assert filter_link("/directory?q=a", chosen) == (
        '<a href="/directory?q=a" aria-current="true">Knife crime (3) '
        '<span class="visually-hidden">selected,</span> remove</a>'
    )


async def test_search_page_hostile_query_is_answered(client, taxonomy):
    response = await client.get("/directory", params={"q": '"<script>' + "x" * 10_000})

    assert response.status_code == 200
    assert "<script>" not in response.text


async def test_entry_page_hides_address_when_asked(client, taxonomy):
    entry = await make_entry(
        "Safe Haven Refuge",
        address="12 Secret Street",
        town="Southampton",
        postcode="SO14 7LY",
        hide_address=True,
    )

    response = await client.get(f"/directory/{entry.id}")

    assert response.status_code == 200
    assert "12 Secret Street" not in response.text
    assert "SO14 7LY" not in response.text
    assert "The exact address is not published." in response.text


async def test_entry_page_never_shows_private_contact(client, taxonomy):
    entry = await make_entry("Open Door Drop-in", contact_email="private.person@example.org")

    response = await client.get(f"/directory/{entry.id}")

    assert "private.person@example.org" not in response.text
    assert "Sam Contact" not in response.text
    assert response.status_code == 200
    assert "Open Door Drop-in" in response.text  # control: the page is the entry's


async def test_entry_page_unpublished_is_not_found(client, taxonomy):
    entry = await make_entry("Pending Group", status=Status.PENDING)
    shown = await make_entry("Published Group")

    response = await client.get(f"/directory/{entry.id}")
    control = await client.get(f"/directory/{shown.id}")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_list_your_group_missing_fields_keeps_typed_values(client, taxonomy):
    response = await post_form(
        client, "/directory/list-your-group", {"name": "Half <Done>", "kind": "network"}
    )

    assert response.status_code == 400
    assert 'value="Half &lt;Done&gt;"' in response.text
    assert "Describe what the organisation or network does" in response.text
    assert 'href="#contact_email"' in response.text
    assert await Entry.all().count() == 0
    control = await post_form(client, "/directory/list-your-group", GROUP_FORM)  # filled in
    assert control.status_code == 303
    assert await Entry.all().count() == 1


async def test_list_your_group_sends_confirmation_and_redirects(client, taxonomy):
    response = await post_form(client, "/directory/list-your-group", GROUP_FORM)

    assert response.status_code == 303
    assert response.headers["location"] == "/directory/list-your-group/sent"
    assert (await OutboxMessage.get()).to_address == "mo@example.org"


async def test_list_your_group_honeypot_sends_nothing(client, taxonomy):
    response = await post_form(
        client, "/directory/list-your-group", {**GROUP_FORM, "nickname": "bot"}
    )

    assert response.status_code == 303
    assert await Entry.all().count() == 0


async def test_list_your_group_without_csrf_is_refused(client, taxonomy):
    response = await client.post("/directory/list-your-group", data=GROUP_FORM)

    assert response.status_code == 403
    assert await Entry.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    control = await post_form(client, "/directory/list-your-group", GROUP_FORM)
    assert control.status_code == 303
    assert await Entry.all().count() == 1


async def test_list_your_group_shows_published_duplicates(client, taxonomy):
    await make_entry("Millbrook Mums Group")

    response = await post_form(client, "/directory/list-your-group", GROUP_FORM)

    assert response.status_code == 200
    assert "Is your group already listed?" in response.text
    assert await Entry.all().count() == 1


async def test_list_your_group_rate_limited(client, taxonomy):
    first = [
        await post_form(client, "/directory/list-your-group", {**GROUP_FORM, "name": f"Group {i}"})
        for i in range(5)
    ]

    response = await post_form(client, "/directory/list-your-group", {**GROUP_FORM, "name": "Six"})

    assert [r.status_code for r in first] == [303] * 5  # the same form, five times
    assert response.status_code == 429
    assert await Entry.all().count() == 5
    assert await OutboxMessage.all().count() == 5  # no confirmation for the sixth


async def test_confirm_link_get_changes_nothing_post_confirms(client, taxonomy):
    await post_form(client, "/directory/list-your-group", GROUP_FORM)
    path = re.search(
        r"http://testserver(/directory/confirm/\S+)", (await OutboxMessage.get()).text_body
    ).group(1)

    shown = await client.get(path)
    unconfirmed = (await Entry.get()).confirmed_at
    confirmed = await post_form(client, path, {})

    assert shown.status_code == 200
    assert unconfirmed is None
    assert confirmed.status_code == 200
    assert (await Entry.get()).confirmed_at is not None


async def test_edit_link_changes_wait_while_published_version_stays(client, taxonomy):
    entry = await make_entry("Freemantle Friends", description="Original words.")
    await post_form(
        client,
        f"/directory/{entry.id}/edit-link",
        {"edit_email": "sam@example.org"},
        page=f"/directory/{entry.id}",
    )
    path = re.search(
        r"http://testserver(/directory/edit/\S+)", (await OutboxMessage.get()).text_body
    ).group(1)
    form = {**GROUP_FORM, "name": "Freemantle Friends", "description": "Proposed words."}

    response = await post_form(client, path, form)
    public = await client.get(f"/directory/{entry.id}")

    assert response.status_code == 200
    assert await EntryChange.all().count() == 1
    assert "Original words." in public.text
    assert "Proposed words." not in public.text


async def test_edit_link_request_reply_same_for_wrong_email(client, taxonomy):
    entry = await make_entry("Freemantle Friends")

    response = await post_form(
        client,
        f"/directory/{entry.id}/edit-link",
        {"edit_email": "who@example.org"},
        page=f"/directory/{entry.id}",
    )

    assert response.status_code == 200
    assert "Check your email" in response.text
    assert await OutboxMessage.all().count() == 0


async def test_search_page_never_shows_hidden_address(client, taxonomy):
    await make_entry(
        "Safe Haven Refuge",
        address="12 Secret Street",
        town="Southampton",
        postcode="SO14 7LY",
        hide_address=True,
    )

    response = await client.get("/directory", params={"q": "refuge"})

    assert "Safe Haven <mark>Refuge</mark>" in response.text
    assert "Secret Street" not in response.text
    assert "SO14 7LY" not in response.text


async def test_csv_and_search_links_on_search_page(client, taxonomy):
    response = await client.get("/directory")

    assert 'href="/directory/export.csv"' in response.text
    assert 'href="/directory/list-your-group"' in response.text
