"""The outbox and its delivery worker against a real aiosmtpd server and database."""

import asyncio
import email
import email.policy
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from convenor.mail.message import CalendarPart
from convenor.mail.models import OutboxMessage, OutboxStatus
from convenor.mail.transport import SmtpTransport, parse_smtp_url
from convenor.mail.worker import STUCK_AFTER, claim_due, deliver_due, retry_now
from tests.convenor.factories import queue, smtp_settings
from tests.convenor.mail.samples import invite_ics


async def make_due_now() -> None:
    await OutboxMessage.filter(status=OutboxStatus.QUEUED).update(next_attempt_at=datetime.now(UTC))


async def test_rolled_back_transaction_leaves_no_outbox_row(app):
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await queue(1)
            raise RuntimeError("the registration failed")

    assert await OutboxMessage.all().count() == 0
    async with in_transaction():  # control: a transaction that commits keeps its row
        await queue(1)
    assert await OutboxMessage.all().count() == 1


async def test_delivered_message_has_text_html_and_calendar_parts(app, settings, smtp_server):
    ics = invite_ics()
    row = await queue(1, to_name="Ann Lee", calendar=CalendarPart("REQUEST", ics))

    report = await deliver_due(smtp_settings(settings, smtp_server))

    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    await row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("delegate1@example.com",)
    raw = received.data
    assert b"\n" not in raw.replace(b"\r\n", b"")
    parsed = email.message_from_bytes(raw, policy=email.policy.SMTP)
    assert parsed["Message-ID"] == row.message_id
    types = [part.get_content_type() for part in parsed.walk()]
    assert types == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    calendar = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_payload(decode=True) == ics


async def test_451_reply_is_retried_later_and_then_delivered(app, settings, smtp_server):
    row = await queue(1)
    smtp_server.reply_next("451 4.3.0 Try again later")
    configured = smtp_settings(settings, smtp_server)

    first = await deliver_due(configured)
    await row.refresh_from_db()
    waiting = row.next_attempt_at - datetime.now(UTC)
    await make_due_now()
    second = await deliver_due(configured)

    assert (first.sent, first.retried) == (0, 1)
    assert timedelta(seconds=40) < waiting < timedelta(seconds=80)
    assert "451" in row.last_error
    assert (second.sent, second.retried) == (1, 0)
    await row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 2, "")
    assert len(smtp_server.messages) == 1


async def test_550_reply_marks_the_message_failed_with_the_reply(app, settings, smtp_server):
    row = await queue(1)
    smtp_server.reply_next("550 5.1.1 No such user here", stage="RCPT")

    report = await deliver_due(smtp_settings(settings, smtp_server))

    await row.refresh_from_db()
    assert (report.sent, report.failed) == (0, 1)
    assert row.status == OutboxStatus.FAILED
    assert "550" in row.last_error and "No such user here" in row.last_error
    assert smtp_server.messages == []


async def test_admin_retry_requeues_only_failed_messages(app, settings, smtp_server):
    row = await queue(1)
    smtp_server.reply_next("550 5.1.1 No such user here", stage="RCPT")
    await deliver_due(smtp_settings(settings, smtp_server))

    assert await retry_now(row.id) is True
    assert await retry_now(row.id) is False
    report = await deliver_due(smtp_settings(settings, smtp_server))

    assert report.sent == 1
    assert len(smtp_server.messages) == 1


async def test_smtp_down_loses_nothing_and_sends_each_once_when_back(
    app, settings, make_smtp_server
):
    server = make_smtp_server()
    configured = smtp_settings(settings, server)
    server.stop()
    for number in range(200):
        await queue(number)

    while_down = await deliver_due(configured)
    server.start()
    await make_due_now()
    after = await deliver_due(configured)

    assert (while_down.sent, while_down.retried) == (0, 200)
    assert (after.sent, after.retried, after.failed) == (200, 0, 0)
    ids = [m.data.split(b"Message-ID: ")[1].split(b"\r\n")[0] for m in server.messages]
    assert len(ids) == 200 and len(set(ids)) == 200
    assert await OutboxMessage.filter(status=OutboxStatus.SENT).count() == 200


async def test_transient_failures_give_up_after_the_retry_window(app, settings, make_smtp_server):
    server = make_smtp_server()
    configured = smtp_settings(settings, server)
    server.stop()
    row = await queue(1)
    await OutboxMessage.filter(id=row.id).update(created_at=datetime.now(UTC) - timedelta(hours=25))

    report = await deliver_due(configured)

    await row.refresh_from_db()
    assert report.failed == 1
    assert row.status == OutboxStatus.FAILED
    assert row.last_error.startswith("gave up:")


async def test_message_stuck_in_sending_is_picked_up_again(app, settings, smtp_server):
    row = await queue(1)
    [claimed] = await claim_due()
    await OutboxMessage.filter(id=row.id).update(
        claimed_at=datetime.now(UTC) - STUCK_AFTER - timedelta(seconds=1)
    )

    report = await deliver_due(smtp_settings(settings, smtp_server))

    await row.refresh_from_db()
    assert claimed.id == row.id
    assert report.sent == 1
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


async def test_fresh_sending_rows_are_not_claimed_twice(app):
    await queue(1)

    first = await claim_due()
    second = await claim_due()

    assert [r.id for r in first] != [] and second == []


async def test_two_workers_deliver_500_messages_exactly_once(app, settings, smtp_server):
    for number in range(500):
        await queue(number)
    configured = smtp_settings(settings, smtp_server)
    config = parse_smtp_url(configured.smtp_url)

    reports = await asyncio.gather(
        deliver_due(configured, SmtpTransport(config), batch_size=20),
        deliver_due(configured, SmtpTransport(config), batch_size=20),
    )

    assert sum(r.sent for r in reports) == 500
    assert all(r.failed == 0 and r.retried == 0 for r in reports)
    ids = [m.data.split(b"Message-ID: ")[1].split(b"\r\n")[0] for m in smtp_server.messages]
    assert len(ids) == 500 and len(set(ids)) == 500
    assert await OutboxMessage.filter(status=OutboxStatus.SENT, attempts=1).count() == 500


async def test_injected_name_adds_no_header_and_no_recipient(app, settings, smtp_server):
    await queue(1, to_name="Eve\r\nBcc: x@example.com")

    await deliver_due(smtp_settings(settings, smtp_server))

    [received] = smtp_server.messages
    parsed = email.message_from_bytes(received.data, policy=email.policy.SMTP)
    assert received.rcpt_tos == ("delegate1@example.com",)
    assert parsed["Bcc"] is None
    assert b"\r\nBcc:" not in received.data


async def test_mailbox_transport_is_used_without_smtp(app, settings):
    await queue(1)

    report = await deliver_due(replace(settings, smtp_url=""))

    files = list(settings.mail_dir.glob("*.eml"))
    assert report.sent == 1
    assert len(files) >= 1
    assert any(b"Invitation 1" in f.read_bytes() for f in files)
