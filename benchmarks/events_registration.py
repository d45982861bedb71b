"""1,000 concurrent registration attempts for 100 seats, through HTTP, on PostgreSQL.

A fresh database gets one published event with 100 seats and 1,000 invitees, each with
a personal link. The app is served by uvicorn (one worker; ``--mail-worker`` runs the
mail worker inside it, delivering to the local mailbox); 1,000 clients then POST the
registration form at once, each on its own connection, with a valid CSRF cookie and
token. Reported: attempts answered per second, registrations, errors, and a check of
the database (exactly 100 registered, 900 waitlisted, one email each). The baseline is a raw ASGI
hello-world served the same way and hit by 1,000 concurrent GETs in the same run.

    .venv/bin/python benchmarks/events_registration.py [--attempts 1000 --seats 100]
        [--database postgres://postgres@127.0.0.1:5432/postgres] [--append]
        [--organisations 10]

Targets (issue 5): zero errors, exactly 100 seats taken, >= 200 attempts answered/s.
With ``--organisations N`` each delegate also types one of N new organisations, all at
once: exactly N directory entries and N provenance rows (issue 17).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from tortoise import Tortoise

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import HELLO, scratch_postgres, serve  # noqa: E402

from convenor import auth, migrate  # noqa: E402
from convenor.app import create_app  # noqa: E402
from convenor.db import tortoise_config  # noqa: E402
from convenor.mail.models import OutboxMessage  # noqa: E402
from convenor.models import Role  # noqa: E402
from convenor.security import CSRF_COOKIE, csrf_token_for  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from directory.models import Entry, Provenance  # noqa: E402
from events.access import INVITATION_LINK  # noqa: E402
from events.data import EventData, InviteeData  # noqa: E402
from events.invitations import import_invitees  # noqa: E402
from events.models import Event, Registration, RegistrationStatus  # noqa: E402
from events.service import create_event, publish_event  # noqa: E402

BACKLOG = ("--backlog", "4096")  # 1,000 connections arrive at once
SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def app_without_mail_worker():
    """The app as deployed with a separate ``convenor worker`` process for mail."""
    return create_app(Settings.from_env(), run_worker=False)


async def prepare(settings: Settings, attempts: int, seats: int) -> tuple[int, list[str]]:
    """One published event and ``attempts`` invitees with live links."""
    await Tortoise.init(config=tortoise_config(settings))
    try:
        organiser = await auth.create_user("bench@example.org", Role.ORGANISER, "x" * 20)
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        event = await create_event(
            organiser,
            EventData(
                title="Benchmark summit",
                contact_email="events@example.org",
                starts_at=starts,
                ends_at=starts + timedelta(hours=7),
                capacity=seats,
            ),
        )
        await publish_event(organiser, event.id)
        invitees = [
            InviteeData(f"Delegate {n}", f"delegate{n}@example.org", "Partner agency", "Officer")
            for n in range(attempts)
        ]
        made = await import_invitees(organiser, event.id, invitees)
        tokens = [await auth.issue_link(INVITATION_LINK, i.link_subject) for i in made]
        return event.id, tokens
    finally:
        await Tortoise.close_connections()


async def outcome(settings: Settings, event_id: int) -> dict[str, int]:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        event = await Event.get(id=event_id)
        counts = {
            status.value: await Registration.filter(event_id=event_id, status=status).count()
            for status in RegistrationStatus
        }
        emails = await OutboxMessage.all().count()  # the only mail in this database
        entries = await Entry.all().count()  # typed organisations (--organisations)
        provenance = await Provenance.all().count()
        return {
            "seats_taken": event.seats_taken,
            **counts,
            "emails": emails,
            "directory_entries": entries,
            "provenance": provenance,
        }
    finally:
        await Tortoise.close_connections()


async def request(port: int, raw: bytes) -> int:
    """Send one request on a fresh connection; the response status, or 0 on failure."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        await reader.read()  # Connection: close, so read to the end
        writer.close()
        return int(head.split(b" ", 2)[1])
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return 0


def registration_request(token: str, n: int, secret: str, organisations: int = 0) -> bytes:
    """One registration POST; with ``organisations``, delegate n types organisation
    n mod ``organisations`` (a new directory entry for the first of each)."""
    cookie = secrets.token_urlsafe(32)
    body = urlencode(
        {
            "csrf_token": csrf_token_for(cookie, secret),
            "name": f"Delegate {n}",
            "job_title": "Officer",
            "organisation": f"Partner Organisation {n % organisations}" if organisations else "",
            "dietary": "Vegetarian" if n % 5 == 0 else "",
            "consent_to_list": "yes",
        }
    ).encode()
    head = (
        f"POST /i/{token}/register HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {CSRF_COOKIE}={cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def burst(port: int, requests: list[bytes]) -> tuple[float, list[int]]:
    """All requests at once; seconds until the last answer, and every status."""
    start = time.perf_counter()
    statuses = await asyncio.gather(*(request(port, raw) for raw in requests))
    return time.perf_counter() - start, list(statuses)


async def main(args) -> dict:
    async with scratch_postgres(args.database) as url:
        return await _run(args, url)


async def _run(args, url: str) -> dict:
    data_dir = tempfile.mkdtemp(prefix="convenor-bench-")
    secret = secrets.token_urlsafe(40)
    settings = Settings(database_url=url, secret_key=secret, data_dir=Path(data_dir))
    await asyncio.to_thread(migrate.upgrade, url)
    event_id, tokens = await prepare(settings, args.attempts, args.seats)
    env = {
        **os.environ,
        "CONVENOR_DATABASE_URL": url,
        "CONVENOR_DATA_DIR": data_dir,
        "CONVENOR_SECRET_KEY": secret,
        "CONVENOR_BASE_URL": "http://127.0.0.1:8000",
        "PYTHONPATH": str(ROOT),
    }
    process, port = serve(HELLO, env, extra=BACKLOG)
    try:
        hello_get = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        await burst(port, [hello_get] * 50)  # warm up
        hello_seconds, hello_statuses = await burst(port, [hello_get] * args.attempts)
    finally:
        process.terminate()
        process.wait(10)
    target = "convenor.asgi:app_from_env"
    if not args.mail_worker:
        target = "events_registration:app_without_mail_worker"
    process, port = serve(target, env, factory=True, extra=BACKLOG)
    try:
        await burst(port, [b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
        raws = [
            registration_request(t, n, secret, args.organisations) for n, t in enumerate(tokens)
        ]
        seconds, statuses = await burst(port, raws)
    finally:
        process.terminate()
        process.wait(10)
    found = await outcome(settings, event_id)
    answered = sum(1 for s in statuses if s)
    result = {
        "mail_worker": "in-process" if args.mail_worker else "separate",
        "organisations": args.organisations,
        "attempts": args.attempts,
        "seats": args.seats,
        "seconds": seconds,
        "attempts_per_s": args.attempts / seconds,
        "registrations_per_s": found["registered"] / seconds,
        "answered": answered,
        "errors": sum(1 for s in statuses if s != 303),
        "hello_per_s": args.attempts / hello_seconds,
        "hello_errors": sum(1 for s in hello_statuses if s != 200),
        **found,
    }
    result["ratio"] = result["attempts_per_s"] / result["hello_per_s"]
    return result


def report(result: dict) -> str:
    ok = (
        result["errors"] == 0
        # --organisations N: one entry and one provenance row per organisation (issue 17)
        and result["directory_entries"] == result["provenance"] == result["organisations"]
        and result["seats_taken"] == result["seats"] == result["registered"]
        and result["emails"] == result["attempts"]  # one confirmation or waitlist email each
        and result["attempts_per_s"] >= 200
    )
    return (
        f"| {date.today().isoformat()} | PostgreSQL | {result['mail_worker']} "
        f"| {result['attempts']} / {result['seats']} "
        f"| {result['seconds']:.2f} s | {result['attempts_per_s']:.0f}/s "
        f"| {result['registrations_per_s']:.0f}/s | {result['errors']} "
        f"| {result['registered']} / {result['waitlisted']} "
        f"| {result['hello_per_s']:.0f}/s | {result['ratio']:.3f} | {'yes' if ok else 'NO'} |"
    )


HEADING = """
## Event registration under load (`benchmarks/events_registration.py`, issue 5)

1,000 registration attempts for 100 seats, all at once, each a POST of the registration
form (with CSRF) on its own connection to the app under uvicorn (one worker; the mail
worker inside it, or left to a separate process), on PostgreSQL. Baseline: a raw ASGI
hello-world served the same way, 1,000 concurrent GETs. Targets: zero errors, exactly
100 seats taken, >= 200 attempts/s.

"""
COLUMNS = (
    "date", "database", "mail worker", "attempts / seats", "wall time", "attempts answered",
    "registrations", "errors", "registered / waitlisted", "hello", "ratio", "targets met",
)  # fmt: skip
TABLE_HEAD = "| " + " | ".join(COLUMNS) + " |\n" + "|---" * len(COLUMNS) + "|\n"


def append(line: str) -> None:
    results = ROOT / "benchmarks" / "RESULTS.md"
    text = results.read_text()
    if "## Event registration under load" not in text:
        text = text.rstrip("\n") + "\n" + HEADING + TABLE_HEAD
    results.write_text(text.rstrip("\n") + "\n" + line + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--attempts", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--database", default=os.environ.get("CONVENOR_BENCH_DATABASE_URL", SERVER))
    parser.add_argument("--append", action="store_true", help="add the row to RESULTS.md")
    parser.add_argument(
        "--organisations",
        type=int,
        default=0,
        help="delegates type one of N new organisations (issue 17: N directory entries)",
    )
    parser.add_argument(
        "--mail-worker",
        action="store_true",
        help="run the mail worker inside the web process (default: a separate process's job)",
    )
    arguments = parser.parse_args()
    measured = asyncio.run(main(arguments))
    for key, value in measured.items():
        print(f"{key}: {round(value, 3) if isinstance(value, float) else value}")
    row = report(measured)
    print(row)
    if arguments.append:
        append(row)
