"""The mail-lease migration removes live links from messages delivered before it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from convenor import migrate
from convenor.auth import new_secret
from convenor.db import sqlalchemy_url

BEFORE = "2026_12_04_events_sensitive"
INSERT = sa.text(
    "INSERT INTO outbox_message (message_id, status, category, related, to_address, "
    "to_name, subject, text_body, html_body, raw_message, attempts, next_attempt_at, "
    "last_error, created_at) VALUES (:message_id, :status, '', '', 'ann@example.com', "
    "'', 'Invitation', :text, :html, :raw, 1, :now, '', :now)"
)


async def run(url: str, *statements: tuple[sa.TextClause, dict]) -> list[dict]:
    engine = create_async_engine(sqlalchemy_url(url))
    try:
        async with engine.begin() as conn:
            for statement, values in statements:
                await conn.execute(statement, values)
            result = await conn.execute(
                sa.text(
                    "SELECT status, text_body, html_body, raw_message FROM outbox_message "
                    "ORDER BY id"
                )
            )
            return [dict(row) for row in result.mappings()]
    finally:
        await engine.dispose()


async def test_upgrade_redacts_delivered_messages_and_keeps_what_may_be_sent(
    empty_database_factory,
):
    url = await empty_database_factory("lease")
    await asyncio.to_thread(migrate.upgrade, url, BEFORE)
    token = new_secret()
    link = f"https://convenor.example.org/i/{token}"
    rows = [
        {"message_id": f"<{status}@example.org>", "status": status}
        for status in ("sent", "failed", "queued")
    ]
    now = datetime.now(UTC)
    await run(
        url,
        *[
            (
                INSERT,
                {
                    **row,
                    "text": f"Register: {link}\n",
                    "html": f'<a href="{link}">Register</a>',
                    "raw": f"Subject: Invitation\r\n\r\nRegister: {link}\r\n",
                    "now": now,
                },
            )
            for row in rows
        ],
    )

    await asyncio.to_thread(migrate.upgrade, url)

    sent, failed, queued = await run(url)
    redacted = "https://convenor.example.org/i/[redacted]"
    assert sent == {
        "status": "sent",
        "text_body": f"Register: {redacted}\n",
        "html_body": f'<a href="{redacted}">Register</a>',
        "raw_message": "",
    }
    assert (failed["text_body"], failed["html_body"]) == (sent["text_body"], sent["html_body"])
    assert token in failed["raw_message"]  # the admin may still retry it
    assert token in queued["text_body"] and token in queued["raw_message"]
