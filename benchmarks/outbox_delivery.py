"""Outbox delivery throughput against a local aiosmtpd sink.

Queues N messages, lets one worker deliver them (claiming, building and sending each,
marking each sent), and compares with a bare aiosmtplib loop sending the same
messages over one connection in the same run. Prints messages per second for both
and the ratio. Targets (issue 3): at least 250/s and at least 0.5 of the bare loop.

    .venv/bin/python benchmarks/outbox_delivery.py [--messages 5000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import aiosmtplib
from aiosmtpd.controller import Controller
from harness import free_port
from tortoise import Tortoise

from convenor import migrate
from convenor.db import tortoise_config
from convenor.mail.models import OutboxMessage
from convenor.mail.outbox import RenderedEmail, queue_email
from convenor.mail.worker import deliver_due
from convenor.settings import Settings

MAIL_FROM = "Convenor <convenor@example.org>"


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


async def main(messages: int, database_url: str | None) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="convenor-bench-"))
    url = database_url or f"sqlite://{workdir / 'bench.sqlite3'}"
    await asyncio.to_thread(migrate.upgrade, url)
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings = Settings(
        database_url=url,
        secret_key="b" * 40,
        data_dir=workdir,
        smtp_url=f"smtp://127.0.0.1:{port}?tls=none",
        mail_from=MAIL_FROM,
    )
    await Tortoise.init(config=tortoise_config(settings))
    try:
        await OutboxMessage.all().delete()
        for n in range(messages):
            await queue_email(
                to=f"delegate{n}@example.com",
                mail_from=MAIL_FROM,
                rendered=RenderedEmail(
                    f"Invitation {n}",
                    f"Dear delegate {n},\n" * 20,
                    f"<p>Dear delegate {n}</p>" * 20,
                ),
            )
        rows = await OutboxMessage.all().order_by("id")
        payloads = [r.raw_message.encode() for r in rows]

        start = time.perf_counter()
        async with aiosmtplib.SMTP(
            hostname="127.0.0.1", port=port, use_tls=False, start_tls=False
        ) as smtp:
            for row, payload in zip(rows, payloads, strict=True):
                await smtp.sendmail("convenor@example.org", [row.to_address], payload)
        bare = messages / (time.perf_counter() - start)

        start = time.perf_counter()
        report = await deliver_due(replace(settings), batch_size=200)
        worker = report.sent / (time.perf_counter() - start)
    finally:
        await Tortoise.close_connections()
        controller.stop()
    kind = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"database: {kind}; messages: {messages}; sink received: {sink.count}")
    print(f"bare aiosmtplib loop: {bare:8.0f} messages/s")
    print(
        f"outbox worker:        {worker:8.0f} messages/s (sent {report.sent}, "
        f"failed {report.failed}, retried {report.retried})"
    )
    print(f"ratio worker/bare:    {worker / bare:8.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.database_url))
