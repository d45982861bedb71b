"""The list-your-group form's "already listed?" hints: nothing an entry hides, and a limit.

A group that hides its address must not have its postcode confirmed to anyone who types
postcodes into the public form; moderators still see every match. The hints are checked
at most ``CHECKS_PER_HOUR`` times an hour from one client; past that the form goes on
without hints (issue 17), under the listing's own limits.
"""

from __future__ import annotations

import httpx
import pytest

from directory.models import Entry, PublicAttempt, Status
from directory.moderation import CHECKS_PER_HOUR
from tests.conftest import make_staff, sign_in
from tests.directory.factories import GROUP_FORM, make_entry
from tests.forms import post_form

REFUGE = "Harbour Women's Refuge"
SHOWN_REFUGE = "Harbour Women&#39;s Refuge"
HINTS = "Is your group already listed?"
# The public form as typed by someone probing postcodes: another group's name.
PROBE = {**GROUP_FORM, "postcode": "SO14 0AA"}
# The form as typed by the refuge itself, which is already listed.
SAME = {**GROUP_FORM, "name": REFUGE}


async def make_refuge(hide_address: bool, status: Status = Status.PUBLISHED) -> Entry:
    return await make_entry(
        REFUGE,
        status=status,
        address="1 Quay Street",
        town="Southampton",
        postcode="SO14 0AA",
        hide_address=hide_address,
    )


def client_from(app, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(host, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_hint_never_matches_a_hidden_postcode(client, taxonomy):
    await make_refuge(hide_address=True)

    response = await post_form(client, "/directory/list-your-group", PROBE)

    # No hint: the form went through as a new listing.
    assert response.status_code == 303
    assert response.headers["location"] == "/directory/list-your-group/sent"
    assert await Entry.filter(name="Millbrook Mums").count() == 1


async def test_hint_matches_a_shown_postcode(client, taxonomy):
    await make_refuge(hide_address=False)

    response = await post_form(client, "/directory/list-your-group", PROBE)

    assert response.status_code == 200
    assert HINTS in response.text
    assert f"{SHOWN_REFUGE}</a> (same postcode)" in response.text
    assert await Entry.all().count() == 1


async def test_name_hint_for_hidden_address_says_nothing_of_postcode(client, taxonomy):
    await make_refuge(hide_address=True)

    response = await post_form(
        client, "/directory/list-your-group", {**PROBE, "name": "Harbour Womens Refuge"}
    )

    assert response.status_code == 200
    assert f"{SHOWN_REFUGE}</a> (similar name)</li>" in response.text
    assert "postcode)" not in response.text
    assert "SO14 0AA" not in response.text.replace('value="SO14 0AA"', "")


async def test_name_hint_for_shown_address_also_gives_postcode(client, taxonomy):
    await make_refuge(hide_address=False)

    response = await post_form(
        client, "/directory/list-your-group", {**PROBE, "name": "Harbour Womens Refuge"}
    )

    assert f"{SHOWN_REFUGE}</a> (same postcode, similar name)</li>" in response.text


@pytest.mark.parametrize("status", [Status.PENDING, Status.HIDDEN, Status.ARCHIVED])
async def test_hint_never_names_an_unpublished_entry(client, taxonomy, status):
    await make_refuge(hide_address=False, status=status)

    response = await post_form(
        client, "/directory/list-your-group", {**PROBE, "name": "Harbour Womens Refuge"}
    )

    assert response.status_code == 303
    assert await Entry.all().count() == 2


async def test_moderator_sees_hidden_postcode_match(client, taxonomy):
    await make_refuge(hide_address=True)
    await make_entry("Millbrook Mums", status=Status.PENDING, postcode="SO14 0AA")
    await sign_in(client, await make_staff("moderator"))

    response = await client.get("/staff/directory")

    assert response.status_code == 200
    assert f"{SHOWN_REFUGE}</a> (same postcode)" in response.text


async def test_checks_limited_per_client(app, taxonomy):
    await make_refuge(hide_address=False)
    async with client_from(app, "203.0.113.7") as prober:
        answers = [await post_form(prober, "/directory/list-your-group", SAME) for _ in range(33)]
        attempts = await PublicAttempt.filter(action="list-check").count()

    assert [a.status_code for a in answers[:CHECKS_PER_HOUR]] == [200] * CHECKS_PER_HOUR
    assert all(HINTS in a.text for a in answers[:CHECKS_PER_HOUR])
    # Past the limit nothing is checked or hinted (issue 17: a summit's shared Wi-Fi must
    # not block its groups for an hour): the form goes on as a listing, under the
    # listing's own limits (five an hour for one contact email).
    assert not any(HINTS in a.text for a in answers[CHECKS_PER_HOUR:])
    assert [a.status_code for a in answers[CHECKS_PER_HOUR:]] == [303] * 5 + [429] * 18
    assert attempts == CHECKS_PER_HOUR
    assert await Entry.filter(name=REFUGE).count() == 1 + 5


async def test_past_the_check_limit_a_group_is_listed_without_hints(app, taxonomy):
    await make_refuge(hide_address=False)
    async with client_from(app, "203.0.113.7") as prober:
        for _ in range(CHECKS_PER_HOUR):
            await post_form(prober, "/directory/list-your-group", SAME)
        listed = await post_form(
            prober, "/directory/list-your-group", {**SAME, "contact_email": "new@example.org"}
        )

    assert listed.status_code == 303
    assert listed.headers["location"] == "/directory/list-your-group/sent"
    assert await Entry.filter(name=REFUGE).count() == 2


async def test_checks_from_another_client_still_answered(app, taxonomy):
    await make_refuge(hide_address=False)
    async with client_from(app, "203.0.113.7") as prober:
        for _ in range(CHECKS_PER_HOUR + 1):
            await post_form(prober, "/directory/list-your-group", PROBE)
    async with client_from(app, "198.51.100.2") as neighbour:
        response = await post_form(neighbour, "/directory/list-your-group", PROBE)

    assert response.status_code == 200
    assert f"{SHOWN_REFUGE}</a> (same postcode)" in response.text
