"""Makers for the convenor core's tests: staff users as the app stores them, queued
emails, and a second HTTP client for a test's positive control (the right person's
request beside the refused one). Staff with a password are made with
tests.conftest.make_staff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime

import httpx

from convenor import auth
from convenor.mail.models import OutboxMessage
from convenor.mail.outbox import RenderedEmail, queue_email
from convenor.models import Role, User
from convenor.settings import Settings

MAIL_FROM = "Convenor <convenor@example.org>"


async def user_with_hash(
    email: str, password_hash: str, role: Role = Role.ORGANISER, **fields
) -> User:
    """A staff user whose stored password hash is given as is (made elsewhere, with other
    costs or another hasher), as a user row from an older release would be."""
    stamp = auth.now()
    values = {"created_at": stamp, "password_changed_at": stamp, **fields}
    return await User.create(email=email, role=role, password_hash=password_hash, **values)


@asynccontextmanager
async def other_client(app) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with cookies of its own, beside the test's ``client``."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def email_for(number: int) -> RenderedEmail:
    return RenderedEmail(
        subject=f"Invitation {number}",
        text=f"Dear delegate {number},\nyou are invited.\n",
        html=f"<p>Dear delegate {number}, you are invited.</p>",
    )


async def queue(
    number: int = 1, *, to: str | None = None, rendered: RenderedEmail | None = None, **kwargs
) -> OutboxMessage:
    """Email ``number`` queued in the outbox (to delegate<number>@example.com unless
    ``to``; ``rendered`` in place of the numbered invitation), as a service queues one."""
    return await queue_email(
        to=to or f"delegate{number}@example.com",
        rendered=rendered or email_for(number),
        mail_from=MAIL_FROM,
        **kwargs,
    )


def smtp_settings(settings: Settings, server) -> Settings:
    """The test settings, sending through ``server`` (a tests.mailserver SMTP server)."""
    return replace(settings, smtp_url=server.url, mail_from=MAIL_FROM)


# A calendar part and a moment for the mail message tests.
ICS = (
    b"BEGIN:VCALENDAR\r\n"
    b"VERSION:2.0\r\n"
    b"PRODID:-//Convenor//Tests//EN\r\n"
    b"METHOD:REQUEST\r\n"
    b"BEGIN:VEVENT\r\n"
    b"UID:summit-1@example.org\r\n"
    b"DTSTAMP:20260101T000000Z\r\n"
    b"DTSTART:20260328T090000Z\r\n"
    b"SUMMARY:Caf\xc3\xa9 summit \xe2\x80\x94 Serious Violence plan consultation with p\r\n"
    b" artner agencies\r\n"
    b"END:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
