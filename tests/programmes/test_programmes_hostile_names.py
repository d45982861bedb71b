"""Hostile speaker names (issue 15): refused by the draft API with a 422 for the field,
kept from ever reading as an encoded word when typed in the editor, and emailed to
exactly the one speaker when the name spreads like an address list.
"""

from __future__ import annotations

import base64
from email import message_from_string, policy

import pytest

from convenor import auth
from convenor.mail.models import OutboxMessage
from programmes.models import Speaker
from tests.conftest import csrf_token

SPREAD_NAME = "A " * 27 + "<evil@example.com>, Bob"
ENCODED_NAME = "=?utf-8?b?" + base64.b64encode(b"Amina\r\nBcc: x@evil.example").decode() + "?="


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def token(organiser) -> str:
    return await auth.create_api_token(organiser.email)


async def create_speaker(client, event, token: str, name: str):
    return await client.post(
        f"/api/v1/events/{event.id}/programme/draft/speakers",
        json={"name": name, "email": "amina@example.org"},
        headers=bearer(token),
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (ENCODED_NAME, "Remove \u201c=?\u201d: it is not allowed in a name"),
        ("Amina\x00Hassan", "Remove the control characters (such as a NUL byte) from this text"),
        ("Amina\nBcc: x@evil.example", "Enter this on one line"),
    ],
)
async def test_api_speaker_with_a_hostile_name_is_422_for_the_name(
    client, event, token, name, message
):
    response = await create_speaker(client, event, token, name)

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"name": message}
    assert await Speaker.filter(event_id=event.id).count() == 0


async def test_api_speaker_with_a_plain_name_is_saved(client, event, token):
    response = await create_speaker(client, event, token, "Amina Hassan")

    assert response.status_code == 201
    assert [s.name for s in await Speaker.filter(event_id=event.id)] == ["Amina Hassan"]


def editor(event) -> str:
    return f"/staff/events/{event.id}/programme"


async def add_in_editor(client, event, name: str):
    token = await csrf_token(client, editor(event))
    return await client.post(
        f"{editor(event)}/speakers",
        data={"speaker_name": name, "speaker_email": "amina@example.org", "csrf_token": token},
    )


async def test_editor_speaker_name_never_keeps_an_encoded_word(staff_client, event):
    response = await add_in_editor(staff_client, event, ENCODED_NAME)

    assert response.status_code == 303
    [speaker] = await Speaker.filter(event_id=event.id)
    assert "=?" not in speaker.name
    assert speaker.name == ENCODED_NAME.replace("=?", "= ?")


async def test_editor_speaker_with_an_address_list_name_is_invited_alone(staff_client, event):
    await add_in_editor(staff_client, event, SPREAD_NAME)
    speaker = await Speaker.get(event_id=event.id)
    token = await csrf_token(staff_client, editor(event))

    response = await staff_client.post(
        f"{editor(event)}/speakers/{speaker.id}/invite", data={"csrf_token": token}
    )

    assert response.status_code == 303
    [row] = await OutboxMessage.all()
    parsed = message_from_string(row.raw_message, policy=policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["amina@example.org"]
    assert parsed.get_all("Bcc") is None and parsed.get_all("Cc") is None
