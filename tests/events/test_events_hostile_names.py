"""Hostile names through the events' real routes (issue 15): asking for a place,
adding and importing invitees, the invitations API. A name that smuggles recipients
is either refused next to its field or emailed to exactly the one person it names;
a NUL byte in any text gets a 4xx, never a 500, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import base64
from email import message_from_string, policy

import pytest

from convenor import auth
from convenor.mail.models import OutboxMessage
from convenor.models import Role
from events.models import Event, Invitation, Registration, Visibility
from tests.conftest import csrf_token, make_staff

from .factories import invite, published_event, registered

# Passes every entry check (one line, no controls, no '=?'); Python 3.11's folding
# wrote it unquoted, which read back as a second To address.
SPREAD_NAME = "A " * 27 + "<evil@example.com>, Bob"
ENCODED_NAME = "=?utf-8?b?" + base64.b64encode(b"Eve\r\nBcc: x@evil.example").decode() + "?="
NUL_NAME = "Eve\x00Lee"
ASKER = {"email": "priya@youthclub.example.org", "organisation": "", "job_title": ""}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def recipients(row: OutboxMessage) -> tuple[list[str], list[str]]:
    """(To addresses, Cc and Bcc addresses) of the queued message, as a reader parses it."""
    parsed = message_from_string(row.raw_message, policy=policy.default)
    to = [a.addr_spec for header in parsed.get_all("To", []) for a in header.addresses]
    others = [
        a.addr_spec
        for name in ("Cc", "Bcc")
        for header in parsed.get_all(name, [])
        for a in header.addresses
    ]
    return to, others


@pytest.fixture
async def open_event(organiser) -> Event:
    return await published_event(organiser, visibility=Visibility.PUBLIC.value)


async def ask(client, event: Event, name: str):
    token = await csrf_token(client, f"/events/{event.uuid}")
    return await client.post(
        f"/events/{event.uuid}/ask", data={**ASKER, "name": name, "csrf_token": token}
    )


# Asking for a place (public page, anonymous)


async def test_ask_for_a_place_with_an_address_list_name_emails_only_the_asker(client, open_event):
    response = await ask(client, open_event, SPREAD_NAME)

    assert response.status_code == 303
    [row] = await OutboxMessage.all()
    assert recipients(row) == (["priya@youthclub.example.org"], [])


async def test_ask_for_a_place_with_an_encoded_word_name_is_refused_at_the_field(
    client, open_event
):
    response = await ask(client, open_event, ENCODED_NAME)

    assert response.status_code == 400
    assert "it is not allowed in a name" in response.text
    assert await Invitation.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    assert (await ask(client, open_event, "Priya Shah")).status_code == 303  # control
    assert await Invitation.all().count() == 1


async def test_ask_for_a_place_with_a_nul_in_the_name_is_refused_at_the_field(client, open_event):
    response = await ask(client, open_event, NUL_NAME)

    assert response.status_code == 400
    assert "such as a NUL byte" in response.text
    assert await Invitation.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    assert (await ask(client, open_event, "Priya Shah")).status_code == 303  # control
    assert await Invitation.all().count() == 1


async def test_ask_for_a_place_with_a_plain_name_is_saved(client, open_event):
    response = await ask(client, open_event, "Priya Shah")

    assert response.status_code == 303
    assert [i.name for i in await Invitation.all()] == ["Priya Shah"]


# Invitees added by an organiser


async def add_invitee(client, event: Event, name: str, email: str = "ann@police.example.org"):
    token = await csrf_token(client, f"/staff/events/{event.id}/invitees")
    return await client.post(
        f"/staff/events/{event.id}/invitees",
        data={"name": name, "email": email, "csrf_token": token},
    )


async def test_invitee_with_an_encoded_word_name_is_refused_at_the_field(staff_client, event):
    response = await add_invitee(staff_client, event, ENCODED_NAME)

    assert response.status_code == 400
    assert "The name cannot contain" in response.text
    assert await Invitation.all().count() == 0
    assert (await add_invitee(staff_client, event, "Ann Lee")).status_code == 303  # control
    assert await Invitation.all().count() == 1


async def test_invitee_with_a_nul_in_the_name_is_refused_at_the_field(staff_client, event):
    response = await add_invitee(staff_client, event, NUL_NAME)

    assert response.status_code == 400
    assert "The name has control characters (such as a NUL byte) in it" in response.text
    assert await Invitation.all().count() == 0
    assert (await add_invitee(staff_client, event, "Ann Lee")).status_code == 303  # control
    assert await Invitation.all().count() == 1


async def test_invitee_with_an_address_list_name_is_invited_alone(staff_client, event):
    added = await add_invitee(staff_client, event, SPREAD_NAME)
    token = await csrf_token(staff_client, f"/staff/events/{event.id}/invitees")

    sent = await staff_client.post(
        f"/staff/events/{event.id}/invitees/action", data={"action": "send", "csrf_token": token}
    )

    assert (added.status_code, sent.status_code) == (303, 303)
    [row] = await OutboxMessage.all()
    assert recipients(row) == (["ann@police.example.org"], [])


async def test_invitee_with_a_plain_name_is_saved(staff_client, event):
    response = await add_invitee(staff_client, event, "Ann Lee")

    assert response.status_code == 303
    assert [i.name for i in await Invitation.all()] == ["Ann Lee"]


# Invitees imported from CSV


async def import_confirm(client, event: Event, text: str):
    token = await csrf_token(client, f"/staff/events/{event.id}/import")
    return await client.post(
        f"/staff/events/{event.id}/import/confirm", data={"text": text, "csrf_token": token}
    )


async def test_invitee_import_preview_shows_the_hostile_name_problems(staff_client, event):
    text = f'name,email\n"{ENCODED_NAME}",a@example.org\n"{NUL_NAME}",b@example.org\n'
    token = await csrf_token(staff_client, f"/staff/events/{event.id}/import")

    response = await staff_client.post(
        f"/staff/events/{event.id}/import", data={"text": text, "csrf_token": token}
    )

    assert response.status_code == 200
    assert "2 of 2 rows have problems" in response.text
    assert "The name cannot contain" in response.text
    assert "The name has control characters (such as a NUL byte) in it" in response.text
    assert await Invitation.all().count() == 0


async def test_invitee_import_with_a_nul_in_a_name_saves_nothing(staff_client, event):
    text = f"name,email\nAnn Lee,ann@example.org\n{NUL_NAME},eve@example.org\n"

    response = await import_confirm(staff_client, event, text)

    assert response.status_code == 400
    assert await Invitation.all().count() == 0
    control = await import_confirm(staff_client, event, text.replace(NUL_NAME, "Eve Ray"))
    assert control.status_code == 303
    assert await Invitation.all().count() == 2


async def test_invitee_import_with_an_address_list_name_invites_each_alone(
    staff_client, event, organiser
):
    text = f'name,email\nAnn Lee,ann@example.org\n"{SPREAD_NAME}",eve@example.org\n'
    imported = await import_confirm(staff_client, event, text)
    token = await csrf_token(staff_client, f"/staff/events/{event.id}/invitees")

    await staff_client.post(
        f"/staff/events/{event.id}/invitees/action", data={"action": "send", "csrf_token": token}
    )

    assert imported.status_code == 303
    rows = await OutboxMessage.all().order_by("to_address")
    assert [recipients(row) for row in rows] == [
        (["ann@example.org"], []),
        (["eve@example.org"], []),
    ]


# The JSON API


@pytest.fixture
async def token(organiser) -> str:
    return await auth.create_api_token(organiser.email)


async def post_invitees(client, event: Event, token: str, name: str):
    return await client.post(
        f"/api/v1/events/{event.id}/invitations",
        json={"invitees": [{"name": name, "email": "ann@example.org"}], "send": True},
        headers=bearer(token),
    )


async def test_api_invitee_with_an_address_list_name_is_emailed_alone(client, event, token):
    response = await post_invitees(client, event, token, SPREAD_NAME)

    assert response.status_code == 201
    [row] = await OutboxMessage.all()
    assert recipients(row) == (["ann@example.org"], [])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (ENCODED_NAME, "Remove \u201c=?\u201d: it is not allowed in a name"),
        (NUL_NAME, "Remove the control characters (such as a NUL byte) from this text"),
        ("Eve\r\nBcc: x@evil.example", "Enter this on one line"),
    ],
)
async def test_api_invitee_with_a_hostile_name_is_422_for_that_field(
    client, event, token, name, message
):
    response = await post_invitees(client, event, token, name)

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"invitees.0.name": message}
    assert await Invitation.all().count() == 0
    assert (await post_invitees(client, event, token, "Ann Lee")).status_code == 201  # control
    assert await Invitation.all().count() == 1


async def test_api_create_event_with_a_nul_in_the_title_is_422(client, token):
    body = {
        "title": "Summit\x00",
        "contact_email": "events@example.org",
        "starts_at": "2027-06-09T09:30:00+01:00",
        "ends_at": "2027-06-09T16:30:00+01:00",
        "capacity": 10,
    }

    refused = await client.post("/api/v1/events", json=body, headers=bearer(token))
    saved = await client.post(
        "/api/v1/events", json={**body, "title": "Summit"}, headers=bearer(token)
    )

    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) == {"title"}
    assert saved.status_code == 201
    assert [e.title for e in await Event.all()] == ["Summit"]


async def test_api_check_in_with_a_nul_in_the_code_is_422(
    client, organiser, event, settings, token
):
    registration, _ = await registered(organiser, event, settings)
    response = await client.post(
        f"/api/v1/events/{event.id}/check-in", json={"code": "AB\x00CD"}, headers=bearer(token)
    )

    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"code"}
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    control = await client.post(
        f"/api/v1/events/{event.id}/check-in",
        json={"code": registration.check_in_code},
        headers=bearer(token),
    )
    assert control.status_code == 200


# Other organiser forms that looked text up


async def test_desk_check_in_with_a_nul_in_a_made_up_code_is_an_unknown_code(
    staff_client, event, organiser
):
    await invite(organiser, event)
    token = await csrf_token(staff_client, f"/staff/events/{event.id}/check-in")

    response = await staff_client.post(
        f"/staff/events/{event.id}/check-in", data={"code": "AB\x00CD", "csrf_token": token}
    )

    assert response.status_code == 303
    assert response.headers["location"].startswith(
        f"/staff/events/{event.id}/check-in?problem=unknown"
    )


async def test_adding_an_organiser_with_a_nul_in_the_email_is_refused(staff_client, event):
    other = await make_staff(Role.ORGANISER)
    token = await csrf_token(staff_client, f"/staff/events/{event.id}")

    refused = await staff_client.post(
        f"/staff/events/{event.id}/organisers",
        data={"email": other.email + "\x00", "csrf_token": token},
    )
    after_refusal = await organiser_ids(event)
    added = await staff_client.post(
        f"/staff/events/{event.id}/organisers", data={"email": other.email, "csrf_token": token}
    )

    assert refused.status_code == 400
    assert "There is no active organiser with this email address" in refused.text
    assert other.id not in after_refusal
    assert added.status_code == 303
    assert other.id in await organiser_ids(event)


async def organiser_ids(event: Event) -> list[int]:
    return [u.id for u in await (await Event.get(id=event.id)).organisers.all()]
