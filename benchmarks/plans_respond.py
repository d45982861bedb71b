"""Responses submitted at once to a plan's consultation, through HTTP, on one worker.

For each database (SQLite, then PostgreSQL), in one run: a scratch database with one
plan in consultation (3 priorities, 8 key actions with lead agencies) and ``--people``
partner staff, each with their own emailed link. The app is served by uvicorn (one
worker, no mail worker); every partner then POSTs a whole response at once, each on
its own connection, with a valid CSRF cookie and token: capacity, support for all eight
actions, four comments and what is missing from a priority, sent (not a draft).
Reported: responses answered per second (the target: at least 200/s), errors, and a
check of the database (every response saved once, 13 answers each). The baseline is a
raw ASGI hello-world served the same way and hit by the same number of concurrent GETs.

    .venv/bin/python benchmarks/plans_respond.py [--people 1000]
        [--database postgres://postgres@127.0.0.1:5432/postgres] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
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
from convenor.security import CSRF_COOKIE, csrf_token_for  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from directory.models import Entry, Status  # noqa: E402
from plans.consultation import RESPOND_LINK, email_identity  # noqa: E402
from plans.models import (  # noqa: E402
    Action,
    ActionPartner,
    Answer,
    PartnerRole,
    Plan,
    PlanStatus,
    Priority,
    Respondent,
    RespondentKind,
)

BACKLOG = ("--backlog", "4096")
SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
ACTIONS = (3, 3, 2)
LEADS = ("Hampshire Constabulary", "Probation Services", "Youth Offending Service")


def app_without_mail_worker():
    """The app as deployed with a separate ``convenor worker`` process for mail."""
    return create_app(Settings.from_env(), run_worker=False)


async def prepare(settings: Settings, people: int) -> tuple[int, list[str], list[str]]:
    """A plan open for consultation and ``people`` partners with live links; returns the
    plan id, the form's answer fields and the links' tokens."""
    await Tortoise.init(config=tortoise_config(settings))
    try:
        stamp = datetime.now(UTC)
        plan = await Plan.create(
            uuid=str(uuid.uuid4()), partnership="Southampton Safe City Partnership",
            title="Serious Violence Delivery Plan", status=PlanStatus.CONSULTATION,
            opens_at=stamp - timedelta(hours=1), closes_at=stamp + timedelta(days=1),
            created_at=stamp, updated_at=stamp,
        )  # fmt: skip
        leads = [
            await Entry.create(
                uuid=str(uuid.uuid4()), name=name, name_key=name.lower(), kind="statutory",
                status=Status.PUBLISHED, created_at=stamp, updated_at=stamp,
            )
            for name in LEADS
        ]  # fmt: skip
        fields: list[str] = []
        for p, count in enumerate(ACTIONS):
            priority = await Priority.create(
                plan=plan, ref=secrets.token_hex(4), position=p, title=f"Priority {p + 1}"
            )
            fields.append(f"p-{priority.ref}-missing")
            for a in range(count):
                action = await Action.create(
                    plan=plan, priority=priority, ref=secrets.token_hex(4), position=a,
                    text=f"Key action {p + 1}.{a + 1}", measure="A measure of success",
                )  # fmt: skip
                await ActionPartner.create(action=action, entry=leads[a], role=PartnerRole.LEAD)
                fields.append(f"a-{action.ref}-support")
        await Respondent.bulk_create(
            [
                Respondent(
                    plan=plan, kind=RespondentKind.PARTNER,
                    identity=email_identity(f"partner{n}@example.org"),
                    email=f"partner{n}@example.org", created_at=stamp, updated_at=stamp,
                )
                for n in range(people)
            ]
        )  # fmt: skip
        ids = await Respondent.filter(plan=plan).order_by("id").values_list("id", flat=True)
        tokens = [await auth.issue_link(RESPOND_LINK, f"respondent:{i}") for i in ids]
        return plan.id, fields, tokens
    finally:
        await Tortoise.close_connections()


async def outcome(settings: Settings, plan_id: int) -> dict[str, int]:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        return {
            "sent": await Respondent.filter(plan_id=plan_id, submitted_at__isnull=False).count(),
            "answers": await Answer.filter(plan_id=plan_id).count(),
        }
    finally:
        await Tortoise.close_connections()


def response_request(token: str, n: int, fields: list[str], secret: str) -> bytes:
    """One partner's whole response, sent."""
    cookie = secrets.token_urlsafe(32)
    form: dict[str, str] = {"csrf_token": csrf_token_for(cookie, secret)}
    form.update(capacity="partner_agency", organisation="", may_quote="yes", action="submit")
    for i, name in enumerate(fields):
        if name.endswith("-support"):
            form[name] = str(1 + (n + i) % 5)
            if i % 2 == 0:
                form[name.replace("-support", "-comment")] = (
                    f"Comment {n} on {name}: more youth work."
                )
        elif i == 0:
            form[name] = "Support for families after a stabbing."
    body = urlencode(form).encode()
    head = (
        f"POST /plans/respond/{token} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {CSRF_COOKIE}={cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def request(port: int, raw: bytes) -> int:
    """Send one request on a fresh connection; the response status, or 0 on failure."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        await reader.read()
        writer.close()
        return int(head.split(b" ", 2)[1])
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        return 0


async def burst(port: int, requests: list[bytes]) -> tuple[float, list[int]]:
    start = time.perf_counter()
    statuses = await asyncio.gather(*(request(port, raw) for raw in requests))
    return time.perf_counter() - start, list(statuses)


async def measure(url: str, people: int, label: str) -> dict:
    data_dir = tempfile.mkdtemp(prefix="convenor-bench-respond-")
    secret = secrets.token_urlsafe(40)
    settings = Settings(database_url=url, secret_key=secret, data_dir=Path(data_dir))
    await asyncio.to_thread(migrate.upgrade, url)
    plan_id, fields, tokens = await prepare(settings, people)
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
        await burst(port, [hello_get] * 50)
        hello_seconds, hello_statuses = await burst(port, [hello_get] * people)
    finally:
        process.terminate()
        process.wait(10)
    process, port = serve("plans_respond:app_without_mail_worker", env, factory=True, extra=BACKLOG)
    try:
        await burst(port, [b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"])
        raws = [response_request(t, n, fields, secret) for n, t in enumerate(tokens)]
        seconds, statuses = await burst(port, raws)
    finally:
        process.terminate()
        process.wait(10)
    found = await outcome(settings, plan_id)
    per_person = sum(ACTIONS) + 1  # every action, and one priority's "what is missing"
    result = {
        "database": label,
        "people": people,
        "seconds": seconds,
        "responses_per_s": people / seconds,
        "errors": sum(1 for s in statuses if s != 303),
        "hello_per_s": people / hello_seconds,
        "hello_errors": sum(1 for s in hello_statuses if s != 200),
        **found,
        "answers_each": found["answers"] / max(found["sent"], 1),
        "expected_answers_each": per_person,
    }
    result["ratio"] = result["responses_per_s"] / result["hello_per_s"]
    return result


async def run_one(args) -> dict:
    if args.only == "sqlite":
        sqlite_dir = tempfile.mkdtemp(prefix="convenor-bench-respond-sqlite-")
        return await measure(f"sqlite://{sqlite_dir}/bench.sqlite3", args.people, "SQLite")
    async with scratch_postgres(args.database) as url:
        return await measure(url, args.people, "PostgreSQL")


def row(measured: dict) -> str:
    ok = measured["errors"] == 0 and measured["sent"] == measured["people"]
    ok = ok and measured["answers_each"] == measured["expected_answers_each"]
    ok = ok and measured["responses_per_s"] >= 200
    return (
        f"| {date.today().isoformat()} | {measured['database']} | {measured['people']} "
        f"| {measured['seconds']:.2f} s | {measured['responses_per_s']:.0f}/s "
        f"| {measured['errors']} | {measured['sent']} | {measured['answers_each']:.0f} "
        f"| {measured['hello_per_s']:.0f}/s | {measured['ratio']:.3f} "
        f"| {'yes' if ok else 'NO'} |"
    )


COLUMNS = (
    "date", "database", "responses at once", "wall time", "responses answered", "errors",
    "saved", "answers each", "hello", "ratio", "targets met",
)  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--database", default=os.environ.get("CONVENOR_BENCH_DATABASE_URL", SERVER))
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.only:
        # One database per process: Tortoise keeps its compiled statements per model.
        print(row(asyncio.run(run_one(arguments))))
        sys.exit(0)
    print("| " + " | ".join(COLUMNS) + " |\n" + "|---" * len(COLUMNS) + "|")
    for only in ("sqlite", "postgres")[: 1 if arguments.sqlite_only else 2]:
        command = [sys.executable, __file__, "--only", only, "--people", str(arguments.people)]
        command += ["--database", arguments.database]
        subprocess.run(command, check=True)
