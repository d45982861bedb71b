"""Self-listing limits over HTTP (issue 17): a summit's groups share one network address,
so the list-your-group form allows 30 listings an hour from one address and 5 for one
contact email, whatever the address; the look-alike check's own limit never blocks a
listing. Only hashes of addresses and emails are kept.
"""

from __future__ import annotations

import httpx

from directory.models import Entry, PublicAttempt
from tests.directory.factories import GROUP_FORM
from tests.forms import post_form

FORM = "/directory/list-your-group"
VENUE_WIFI = "198.51.100.40"


def client_from(app, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(host, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def group(n: int, email: str | None = None) -> dict:
    return {
        **GROUP_FORM,
        "name": f"Summit Group {n}",
        "contact_email": email or f"group{n}@example.org",
    }


async def test_twelve_groups_on_one_venue_wifi_with_their_own_emails_are_all_listed(app, taxonomy):
    async with client_from(app, VENUE_WIFI) as venue:
        answers = [await post_form(venue, FORM, group(n)) for n in range(12)]

    assert [a.status_code for a in answers] == [303] * 12
    assert {a.headers["location"] for a in answers} == {"/directory/list-your-group/sent"}
    assert await Entry.filter(name__startswith="Summit Group").count() == 12


async def test_one_email_is_refused_after_five_whatever_the_address(app, taxonomy):
    answers = []
    for n in range(7):
        async with client_from(app, f"203.0.113.{n + 1}") as somewhere:
            answers.append(await post_form(somewhere, FORM, group(n, "same@example.org")))

    assert [a.status_code for a in answers] == [303] * 5 + [429] * 2
    refused = answers[-1].text
    assert "You have sent this form too many times. Try again in an hour." in refused
    assert 'value="Summit Group 6"' in refused  # what was typed is kept
    assert await Entry.filter(name__startswith="Summit Group").count() == 5


async def test_one_address_is_refused_after_thirty(app, taxonomy):
    async with client_from(app, VENUE_WIFI) as venue:
        answers = [await post_form(venue, FORM, group(n)) for n in range(31)]

    assert [a.status_code for a in answers] == [303] * 30 + [429]
    keys = await PublicAttempt.filter(action="list").values_list("client_key", flat=True)
    assert len(keys) == 60  # an address row and an email row per listing, hashed
    assert not any("@" in key or VENUE_WIFI in key for key in keys)
