"""The delivery worker: claims due outbox rows and sends them, retrying with back-off.

Claiming marks rows ``sending`` with this worker's claim token in one statement
(PostgreSQL: rows locked with ``FOR UPDATE SKIP LOCKED`` first, so several workers
never take the same row; SQLite: one atomic UPDATE). The claim is a lease: while the
worker works through its rows it renews ``claimed_at`` every ``RENEW_EVERY`` seconds,
and any worker takes over rows whose lease is older than ``LEASE`` (their worker died,
e.g. killed with -9). A worker updates only rows that still carry its claim token, and
before sending a row whose lease it could not renew lately it checks that the row is
still its own, so a live worker's messages are never sent twice.

A crash between the server accepting a message and the row being marked sent can
still repeat that one message; the stable Message-ID lets receiving systems spot it.

Once a message is sent its live links are not kept: the raw message is cleared and
the bodies are redacted (``convenor.redact``). A failed message keeps its raw message
for the admin's "Retry" (its bodies are redacted; the Outbox shows it redacted).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from convenor.jobs import JobSchedule, domain_jobs
from convenor.mail.models import OutboxMessage, OutboxStatus
from convenor.mail.outbox import sender_address
from convenor.mail.transport import (
    MailboxTransport,
    PermanentError,
    SmtpTransport,
    TransientError,
    Transport,
    parse_smtp_url,
)
from convenor.redact import redact, redact_calendar
from convenor.settings import Settings

log = logging.getLogger("convenor.mail")

BATCH_SIZE = 50
# A claim older than this is taken over; its worker renews it while it works.
LEASE = timedelta(minutes=1)
RENEW_EVERY = 15.0  # seconds
STUCK_AFTER = LEASE  # the name earlier code and tests use
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
POLL_SECONDS = 1.0


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retried + self.failed


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off from one minute, capped at an hour, with ±20% jitter."""
    base = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)
    return base * random.uniform(0.8, 1.2)


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport(parse_smtp_url(settings.smtp_url))
    return MailboxTransport(settings.mail_dir)


def _due(now: datetime) -> Q:
    return Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_at__lt=now - LEASE
    )


async def claim_due(limit: int = BATCH_SIZE) -> list[OutboxMessage]:
    """Mark up to ``limit`` due rows as ``sending`` for this worker; returns them."""
    now = datetime.now(UTC)
    token = secrets.token_hex(16)
    async with in_transaction() as conn:
        query = OutboxMessage.filter(_due(now)).order_by("next_attempt_at", "id").limit(limit)
        if conn.capabilities.dialect == "postgres":
            query = query.select_for_update(skip_locked=True)
        ids = await query.values_list("id", flat=True)
        if not ids:
            return []
        await OutboxMessage.filter(Q(id__in=ids) & _due(now)).update(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            claim_token=token,
            attempts=F("attempts") + 1,
        )
    return await OutboxMessage.filter(claim_token=token, status=OutboxStatus.SENDING).order_by("id")


class Lease:
    """One worker's claim on a batch of rows (its claim token), renewed while it works."""

    def __init__(self, token: str, claimed_at: datetime) -> None:
        self.token = token
        self.renewed_at = claimed_at

    async def renew(self) -> None:
        """Move ``claimed_at`` of the rows still ours and still sending to now."""
        now = datetime.now(UTC)
        await OutboxMessage.filter(claim_token=self.token, status=OutboxStatus.SENDING).update(
            claimed_at=now
        )
        self.renewed_at = now

    async def holds(self, row: OutboxMessage) -> bool:
        """Whether ``row`` is still ours to send (renewing it when in doubt)."""
        now = datetime.now(UTC)
        if now - self.renewed_at < LEASE / 2:
            return True  # renewed lately: no other worker can have taken it
        renewed = await OutboxMessage.filter(
            id=row.id, claim_token=self.token, status=OutboxStatus.SENDING
        ).update(claimed_at=now)
        return renewed == 1


@contextlib.asynccontextmanager
async def renewing(lease: Lease) -> AsyncIterator[Lease]:
    """Renew ``lease`` every ``RENEW_EVERY`` seconds until the block ends."""
    done = asyncio.Event()

    async def renew_until_done() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), RENEW_EVERY)
            if done.is_set():
                return
            try:
                await lease.renew()
            except Exception as exc:  # the database may be back by the next renewal
                log.warning("outbox: could not renew the lease: %s", exc)

    task = asyncio.create_task(renew_until_done(), name="convenor-outbox-lease")
    try:
        yield lease
    finally:
        done.set()
        await task


async def _finish(row: OutboxMessage, **changes) -> None:
    # Only touch the row if it is still ours (not taken over after its lease ran out).
    await OutboxMessage.filter(
        id=row.id, claim_token=row.claim_token, status=OutboxStatus.SENDING
    ).update(**changes)


def _without_links(row: OutboxMessage) -> dict:
    """The row's bodies with personal-link tokens redacted: only those that change, so a
    message without links costs no rewrite of its bodies."""
    redacted = {
        "text_body": redact(row.text_body),
        "html_body": redact(row.html_body) if row.html_body else row.html_body,
        "calendar_ics": redact_calendar(row.calendar_ics) if row.calendar_ics else row.calendar_ics,
    }
    return {name: value for name, value in redacted.items() if value != getattr(row, name)}


async def _retry_later(
    row: OutboxMessage, error: str, now: datetime, settings: Settings, report: DeliveryReport
) -> None:
    if now - row.created_at >= timedelta(hours=settings.mail_retry_hours):
        await _finish(
            row, status=OutboxStatus.FAILED, last_error=f"gave up: {error}", **_without_links(row)
        )
        report.failed += 1
    else:
        await _finish(
            row,
            status=OutboxStatus.QUEUED,
            next_attempt_at=now + retry_delay(row.attempts),
            last_error=error,
        )
        report.retried += 1


async def deliver_rows(
    rows: list[OutboxMessage],
    transport: Transport,
    settings: Settings,
    report: DeliveryReport,
    lease: Lease | None = None,
) -> None:
    envelope_sender = sender_address(settings.mail_from)
    for row in rows:
        if lease is not None and not await lease.holds(row):
            log.warning("outbox %s: taken over by another worker; not sending it", row.id)
            continue
        now = datetime.now(UTC)
        try:
            await transport.send_bytes(
                envelope_sender, [row.to_address], row.raw_message.encode(), row.message_id
            )
        except TransientError as exc:
            await _retry_later(row, str(exc), now, settings, report)
            log.warning("outbox %s: will retry: %s", row.id, exc)
        except (PermanentError, ValueError) as exc:
            await _finish(
                row, status=OutboxStatus.FAILED, last_error=str(exc), **_without_links(row)
            )
            report.failed += 1
            log.warning("outbox %s: failed for good: %s", row.id, exc)
        except Exception as exc:
            # Unforeseen (a transport bug, a full disk...): back to the queue, not
            # left in ``sending``.
            await _retry_later(row, f"{type(exc).__name__}: {exc}", now, settings, report)
            log.exception("outbox %s: unexpected error; will retry", row.id)
        else:
            await _finish(
                row,
                status=OutboxStatus.SENT,
                sent_at=now,
                last_error="",
                raw_message="",
                **_without_links(row),
            )
            report.sent += 1


async def deliver_due(
    settings: Settings, transport: Transport | None = None, batch_size: int = BATCH_SIZE
) -> DeliveryReport:
    """Send everything due now over one connection; returns what happened."""
    report = DeliveryReport()
    transport = transport or transport_for(settings)
    rows = await claim_due(batch_size)
    if not rows:
        return report
    async with transport:
        while rows:
            lease = Lease(rows[0].claim_token or "", rows[0].claimed_at or datetime.now(UTC))
            async with renewing(lease):
                await deliver_rows(rows, transport, settings, report, lease)
            rows = await claim_due(batch_size)
    return report


async def retry_now(message_id: int) -> bool:
    """Put a failed message back in the queue at once (admin 'retry'); False if not failed."""
    updated = await OutboxMessage.filter(id=message_id, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.QUEUED,
        next_attempt_at=datetime.now(UTC),
        claim_token=None,
        last_error="",
    )
    return updated == 1


async def run_worker(
    settings: Settings, once: bool = False, stop: asyncio.Event | None = None
) -> None:
    """Deliver due mail, and run the domains' housekeeping jobs when due, until stopped
    (or once). Errors are logged, never fatal."""
    stop = stop or asyncio.Event()
    schedule = JobSchedule(domain_jobs(settings))
    failing = False
    while not stop.is_set():
        try:
            report = await deliver_due(settings)
            failing = False
            if report.claimed:
                log.info(
                    "outbox: %s sent, %s to retry, %s failed",
                    report.sent,
                    report.retried,
                    report.failed,
                )
        except Exception as exc:
            # A traceback for the first failure only: a database that is down would
            # otherwise fill the log once a second.
            if failing:
                log.warning("outbox worker still failing: %s", exc)
            else:
                log.exception("outbox worker error; trying again shortly")
            failing = True
        await schedule.run_due(settings)
        if once:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), POLL_SECONDS)


@contextlib.asynccontextmanager
async def background_worker(settings: Settings) -> AsyncIterator[None]:
    """Run the worker as a task for the lifetime of the web app."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(settings, stop=stop), name="convenor-outbox")
    try:
        yield
    finally:
        stop.set()
        await task
