"""The admin Outbox pages over HTTP."""

from convenor.mail.message import CalendarPart
from convenor.mail.models import OutboxMessage, OutboxStatus
from convenor.models import Role
from tests.conftest import csrf_token, make_staff, sign_in
from tests.convenor.factories import other_client, queue
from tests.convenor.mail.samples import invite_ics


async def admin_client(client):
    await sign_in(client, await make_staff(Role.ADMIN))
    return client


async def test_outbox_lists_messages_with_status_for_admins(client):
    await queue(1)
    failed = await queue(2)
    await OutboxMessage.filter(id=failed.id).update(
        status=OutboxStatus.FAILED, attempts=1, last_error="550 5.1.1 No such user here"
    )
    await admin_client(client)

    response = await client.get("/staff/outbox")
    only_failed = await client.get("/staff/outbox?status=failed")

    assert response.status_code == 200
    assert "Invitation 1" in response.text and "Invitation 2" in response.text
    assert "550 5.1.1 No such user here" in response.text
    assert "Invitation 1" not in only_failed.text
    assert "Failed (1)" in only_failed.text


async def test_outbox_is_hidden_from_organisers_and_anonymous_visitors(app, client, organiser):
    row = await queue(1)

    anonymous = await client.get(f"/staff/outbox/{row.id}")
    await sign_in(client, organiser)
    as_organiser = await client.get(f"/staff/outbox/{row.id}")

    assert anonymous.status_code == 303
    assert as_organiser.status_code == 404
    async with other_client(app) as admins:  # control: an admin sees it
        await admin_client(admins)
        assert (await admins.get(f"/staff/outbox/{row.id}")).status_code == 200


async def test_outbox_message_shows_text_and_offers_the_invite(client):
    ics = invite_ics()
    row = await queue(1, calendar=CalendarPart("REQUEST", ics))
    await admin_client(client)

    page = await client.get(f"/staff/outbox/{row.id}")
    download = await client.get(f"/staff/outbox/{row.id}/invite.ics")
    html = await client.get(f"/staff/outbox/{row.id}/html")

    assert "Dear delegate 1," in page.text
    assert download.content == ics
    assert download.headers["content-type"] == "text/calendar; charset=utf-8; method=REQUEST"
    assert html.headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert html.text == "<p>Dear delegate 1, you are invited.</p>"


async def test_admin_retries_a_failed_message(client):
    row = await queue(1)
    await OutboxMessage.filter(id=row.id).update(status=OutboxStatus.FAILED, last_error="550")
    await admin_client(client)
    token = await csrf_token(client, f"/staff/outbox/{row.id}")

    response = await client.post(f"/staff/outbox/{row.id}/retry", data={"csrf_token": token})

    await row.refresh_from_db()
    assert response.status_code == 303
    assert (row.status, row.last_error) == (OutboxStatus.QUEUED, "")


async def test_retrying_a_sent_message_is_refused(client):
    row = await queue(1)
    await OutboxMessage.filter(id=row.id).update(status=OutboxStatus.SENT)
    await admin_client(client)
    token = await csrf_token(client, f"/staff/outbox/{row.id}")

    response = await client.post(f"/staff/outbox/{row.id}/retry", data={"csrf_token": token})

    await row.refresh_from_db()
    assert response.status_code == 404
    assert row.status == OutboxStatus.SENT
    failed = await queue(2)  # control: a failed message is retried
    await OutboxMessage.filter(id=failed.id).update(status=OutboxStatus.FAILED)
    control = await client.post(f"/staff/outbox/{failed.id}/retry", data={"csrf_token": token})
    assert control.status_code == 303
    assert (await OutboxMessage.get(id=failed.id)).status == OutboxStatus.QUEUED
