"""Hostile names and NUL bytes through the directory's real routes (issue 15): the
public "list your group" form, the JSON API, the CSV import and the search page.

A contact name that smuggles recipients is refused next to its field or emailed to
exactly the one contact; a NUL byte in any text gets a 4xx with a message for the
field (a 500 on PostgreSQL before), and nothing is saved.
"""

from __future__ import annotations

import base64
from email import message_from_string, policy

import pytest

from convenor import auth
from convenor.mail.models import OutboxMessage
from convenor.models import Role
from directory.importer import import_csv
from directory.models import Entry, Theme
from tests.conftest import csrf_token, make_staff, sign_in
from tests.directory.factories import GROUP_FORM

SPREAD_NAME = "A " * 27 + "<evil@example.com>, Bob"
ENCODED_NAME = "=?utf-8?b?" + base64.b64encode(b"Mo\r\nBcc: x@evil.example").decode() + "?="
NUL = "Remove the control characters (such as a NUL byte) from this text"


async def list_group(client, **changes):
    token = await csrf_token(client, "/directory/list-your-group")
    return await client.post(
        "/directory/list-your-group", data={**GROUP_FORM, **changes, "csrf_token": token}
    )


def recipients(row: OutboxMessage) -> tuple[list[str], list[str]]:
    parsed = message_from_string(row.raw_message, policy=policy.default)
    to = [a.addr_spec for header in parsed.get_all("To", []) for a in header.addresses]
    others = [
        a.addr_spec for n in ("Cc", "Bcc") for h in parsed.get_all(n, []) for a in h.addresses
    ]
    return to, others


# List your group (public form)


async def test_list_your_group_with_an_address_list_contact_name_emails_only_the_contact(
    client, taxonomy
):
    response = await list_group(client, contact_name=SPREAD_NAME)

    assert response.status_code == 303
    [row] = await OutboxMessage.all()
    assert recipients(row) == (["mo@example.org"], [])


async def test_list_your_group_with_an_encoded_word_contact_name_is_refused(client, taxonomy):
    response = await list_group(client, contact_name=ENCODED_NAME)

    assert response.status_code == 400
    assert "it is not allowed in a name" in response.text
    assert ENCODED_NAME in response.text  # what was typed is kept
    assert await Entry.all().count() == 0
    assert await OutboxMessage.all().count() == 0


async def test_list_your_group_with_a_line_break_in_the_contact_name_is_refused(client, taxonomy):
    response = await list_group(client, contact_name="Mo\r\nBcc: x@evil.example")

    assert response.status_code == 400
    assert "Enter this on one line" in response.text
    assert await Entry.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    control = await list_group(client, contact_name="Mo Parent")  # one line
    assert control.status_code == 303
    assert await Entry.all().count() == 1


@pytest.mark.parametrize("field", ["contact_name", "name", "description", "town"])
async def test_list_your_group_with_a_nul_byte_is_refused_at_the_field(client, taxonomy, field):
    response = await list_group(client, **{field: "Millbrook\x00 Mums"})

    assert response.status_code == 400
    assert NUL in response.text
    assert await Entry.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    control = await list_group(client, **{field: "Millbrook Mums"})  # without the NUL
    assert control.status_code == 303
    assert await Entry.all().count() == 1


async def test_list_your_group_with_a_nul_byte_in_a_theme_is_refused(client, taxonomy):
    response = await list_group(client, themes=["domestic-abuse\x00"])

    assert response.status_code == 400
    assert "Choose from the list" in response.text
    assert await Entry.all().count() == 0
    control = await list_group(client, themes=["domestic-abuse"])
    assert control.status_code == 303
    assert await Entry.all().count() == 1


async def test_list_your_group_with_clean_text_is_saved(client, taxonomy):
    response = await list_group(client)

    assert response.status_code == 303
    assert [(e.name, e.contact_name) for e in await Entry.all()] == [
        ("Millbrook Mums", "Mo Parent")
    ]


# The JSON API


@pytest.fixture
async def moderator_token(app) -> str:
    user = await make_staff(Role.MODERATOR)
    return await auth.create_api_token(user.email)


NEW = {"kind": "community", "name": "Street Pastors", "description": "Night patrols."}


async def create(client, token: str, body: dict):
    return await client.post(
        "/api/v1/directory/entries", json=body, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**NEW, "name": "Street\x00 Pastors"}, "name"),
        ({**NEW, "contact_name": "Sam\x00"}, "contact_name"),
        ({**NEW, "description": "Night\x00 patrols."}, "description"),
        (
            {**NEW, "services": [{"name": "Patrols", "description": "\x00"}]},
            "services.0.description",
        ),
        ({**NEW, "themes": ["youth\x00"]}, "themes"),
    ],
)
async def test_api_create_with_a_nul_byte_is_422_for_that_field(
    client, taxonomy, moderator_token, body, field
):
    response = await create(client, moderator_token, body)

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {field: NUL}
    assert await Entry.all().count() == 0
    assert (await create(client, moderator_token, NEW)).status_code == 201  # control: clean


async def test_api_create_with_an_encoded_word_contact_name_is_422(
    client, taxonomy, moderator_token
):
    response = await create(client, moderator_token, {**NEW, "contact_name": ENCODED_NAME})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "contact_name": "Remove \u201c=?\u201d: it is not allowed in a name"
    }
    assert await Entry.all().count() == 0
    control = await create(client, moderator_token, {**NEW, "contact_name": "Mo Parent"})
    assert control.status_code == 201


async def test_api_create_with_clean_text_is_saved(client, taxonomy, moderator_token):
    response = await create(client, moderator_token, {**NEW, "contact_name": "Sam Contact"})

    assert response.status_code == 201
    assert [e.contact_name for e in await Entry.all()] == ["Sam Contact"]


# The CSV import


async def test_import_with_a_nul_byte_reports_the_field_and_imports_nothing(taxonomy):
    text = (
        "name,kind,description,contact_name\n"
        "Woolston Warriors,Community group,Football,Sam\n"
        "Eve's Group,Community group,Football,Eve\x00\n"
    )

    report = await import_csv(text, source="test.csv")

    assert [row.errors for row in report.rows] == [{}, {"contact_name": NUL}]
    assert report.imported == 0
    assert await Entry.all().count() == 0


async def test_import_with_clean_text_imports(taxonomy):
    text = "name,kind,description,contact_name\nWoolston Warriors,Community group,Football,Sam\n"

    report = await import_csv(text, source="test.csv")

    assert report.imported == 1
    assert [e.contact_name for e in await Entry.all()] == ["Sam"]


# Search (nothing stored: control characters are dropped)


async def test_search_page_with_a_nul_byte_in_a_filter_answers(client, taxonomy):
    response = await client.get("/directory", params={"theme": "domestic-abuse\x00"})

    assert response.status_code == 200


async def test_api_search_with_a_nul_byte_is_422(client, taxonomy):
    response = await client.get("/api/v1/directory/entries", params={"q": "youth\x00"})
    control = await client.get("/api/v1/directory/entries", params={"q": "youth"})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"q": NUL}
    assert control.status_code == 200


# Themes and areas (moderators)


async def add_theme(client, name: str):
    token = await csrf_token(client, "/staff/directory/taxonomy")
    return await client.post(
        "/staff/directory/taxonomy/theme", data={"name": name, "csrf_token": token}
    )


@pytest.fixture
async def moderator_client(client, app):
    await sign_in(client, await make_staff(Role.MODERATOR))
    return client


async def test_theme_with_a_nul_byte_is_refused_at_the_field(moderator_client, taxonomy):
    before = await Theme.all().count()

    response = await add_theme(moderator_client, "Knife\x00 crime")

    assert response.status_code == 400
    assert NUL in response.text
    assert await Theme.all().count() == before


async def test_theme_with_clean_text_is_added(moderator_client, taxonomy):
    response = await add_theme(moderator_client, "Knife crime prevention")

    assert response.status_code == 303
    assert await Theme.filter(name="Knife crime prevention").count() == 1
