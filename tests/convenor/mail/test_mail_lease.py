"""The worker's claim on an outbox row is a lease: renewed while the worker lives, taken
over a minute after it dies; a mailbox that cannot be written puts the row back."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from convenor.mail import worker
from convenor.mail.models import OutboxMessage, OutboxStatus
from convenor.mail.transport import SmtpTransport, parse_smtp_url
from convenor.mail.worker import LEASE, claim_due, deliver_due
from tests.convenor.factories import queue, smtp_settings


class SlowSmtp(SmtpTransport):
    """The real SMTP transport, with a server that takes ``delay`` seconds to answer DATA."""

    def __init__(self, url: str, delay: float) -> None:
        super().__init__(parse_smtp_url(url))
        self.delay = delay

    async def send_bytes(self, *args, **kwargs) -> str:
        await asyncio.sleep(self.delay)
        return await super().send_bytes(*args, **kwargs)


async def test_row_of_a_dead_worker_is_delivered_by_the_next_worker(app, settings, smtp_server):
    row = await queue(1)
    [claimed] = await claim_due()  # the worker that claimed it was killed with -9
    await OutboxMessage.filter(id=row.id).update(
        claimed_at=datetime.now(UTC) - timedelta(seconds=61)
    )

    report = await deliver_due(smtp_settings(settings, smtp_server))

    await row.refresh_from_db()
    assert LEASE == timedelta(minutes=1)
    assert claimed.status == OutboxStatus.SENDING
    assert (report.sent, row.status, row.attempts) == (1, OutboxStatus.SENT, 2)
    assert [m.rcpt_tos for m in smtp_server.messages] == [("delegate1@example.com",)]


async def test_row_of_a_worker_claimed_59_seconds_ago_is_left_alone(app, settings, smtp_server):
    row = await queue(1)
    await claim_due()
    await OutboxMessage.filter(id=row.id).update(
        claimed_at=datetime.now(UTC) - timedelta(seconds=59)
    )

    report = await deliver_due(smtp_settings(settings, smtp_server))

    await row.refresh_from_db()
    assert (report.claimed, row.status, row.attempts) == (0, OutboxStatus.SENDING, 1)
    assert smtp_server.messages == []


async def test_live_worker_renews_its_lease_so_a_second_worker_never_takes_it(
    app, settings, smtp_server, monkeypatch
):
    # A lease of 1 s renewed every 0.2 s stands for a minute renewed every 15 s; the
    # first worker's send takes 2.5 s, two and a half leases.
    monkeypatch.setattr(worker, "LEASE", timedelta(seconds=1))
    monkeypatch.setattr(worker, "RENEW_EVERY", 0.2)
    row = await queue(1)
    configured = smtp_settings(settings, smtp_server)
    slow = SlowSmtp(smtp_server.url, delay=2.5)

    async def second_worker() -> int:
        claimed = 0
        while not first.done():
            claimed += (await deliver_due(configured)).claimed
            await asyncio.sleep(0.1)
        return claimed

    first = asyncio.create_task(deliver_due(configured, transport=slow))
    await asyncio.sleep(0.05)
    second_claimed = await second_worker()
    first_report = await first

    await row.refresh_from_db()
    assert (first_report.sent, second_claimed) == (1, 0)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    assert len(smtp_server.messages) == 1


async def test_worker_whose_lease_was_taken_neither_sends_nor_marks_the_row(
    app, settings, smtp_server, monkeypatch
):
    # The first worker stalls longer than its lease without renewing (its renewals
    # are switched off), a second takes the row over and sends it.
    monkeypatch.setattr(worker, "LEASE", timedelta(seconds=1))
    monkeypatch.setattr(worker, "RENEW_EVERY", 3600.0)
    row = await queue(1)
    stalled = await claim_due()
    # its stall: the claim dates from 1.1 s ago, in the row and in the worker's lease
    stalled_at = stalled[0].claimed_at - timedelta(seconds=1.1)
    await OutboxMessage.filter(id=row.id).update(claimed_at=stalled_at)
    taken_over = await deliver_due(smtp_settings(settings, smtp_server))
    report = worker.DeliveryReport()
    transport = SmtpTransport(parse_smtp_url(smtp_server.url))
    lease = worker.Lease(stalled[0].claim_token, stalled_at)

    async with transport:
        await worker.deliver_rows(stalled, transport, settings, report, lease)

    await row.refresh_from_db()
    assert taken_over.sent == 1
    assert (report.sent, report.failed, report.retried) == (0, 0, 0)
    assert row.status == OutboxStatus.SENT
    assert row.claim_token != stalled[0].claim_token
    assert len(smtp_server.messages) == 1


@contextlib.contextmanager
def read_only(directory: Path):
    """Make ``directory`` unwritable, for root too (chattr +i), and undo it after."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o555)
    immutable = False
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        assert chattr, "chattr is needed to make a directory read-only for root"
        subprocess.run([chattr, "+i", str(directory)], check=True)
        immutable = True
    try:
        probe = directory / "probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            pass
        else:
            probe.unlink()
            raise AssertionError(f"{directory} is still writable")
        yield directory
    finally:
        if immutable:
            subprocess.run([shutil.which("chattr"), "-i", str(directory)], check=True)
        directory.chmod(0o755)


async def test_read_only_mailbox_puts_the_row_back_in_the_queue(app, settings, tmp_path):
    row = await queue(1)
    local = replace(settings, smtp_url="", data_dir=tmp_path)
    mailbox = local.mail_dir

    with read_only(mailbox):
        report = await deliver_due(local)

    await row.refresh_from_db()
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    assert row.status == OutboxStatus.QUEUED
    assert row.claim_token is not None and row.attempts == 1
    assert row.last_error.startswith(f"cannot write to the mailbox {mailbox}: ")
    assert row.next_attempt_at > datetime.now(UTC) + timedelta(seconds=40)
    assert list(mailbox.iterdir()) == []


async def test_writable_mailbox_receives_the_row(app, settings, tmp_path):
    row = await queue(1)
    local = replace(settings, smtp_url="", data_dir=tmp_path)

    report = await deliver_due(local)

    await row.refresh_from_db()
    assert (report.sent, row.status) == (1, OutboxStatus.SENT)
    [written] = list(local.mail_dir.iterdir())
    assert b"Dear delegate 1," in written.read_bytes()
