"""Directory moderation benchmark (issue 17): the moderation queue's first page with
20,000 imported entries waiting, on SQLite and PostgreSQL, in-process.

Per database:
- entries: 5,000 already in the directory (the realistic corpus,
  ``tests/directory_corpus.py``, mixed statuses: 250 of them pending too) and one import
  batch of 20,000 pending entries (another seed of the corpus; one in 20 repeats an
  existing entry's name, website and email, so the page has duplicates to find; one in
  100 has no kind), written in bulk with their provenance;
- the service call ``directory.moderation.moderation_queue`` (count, page, duplicates
  of the page, changes, reviews due): first page, the batch filter, page 200, a name
  filter; median and p99 over ``--rounds`` rounds;
- the page through the ASGI app (a signed-in moderator's GET /staff/directory, rendered):
  first page and the batch filter; median and p99; target for the first page: under
  300 ms at the median and p99;
- the bulk approve of the whole batch: ``bulk_plan`` (the confirmation page's figures)
  and ``bulk_apply`` (500 entries a transaction), once, in seconds, with the count
  approved and left waiting checked against the data; one contact in ten has asked to
  be listed, so about 2,000 "you are in the directory" emails go to the outbox.

Usage:
    .venv/bin/python benchmarks/directory_moderation.py [--waiting 20000] [--existing 5000]
        [--rounds 20] [--postgres URL]

``--postgres`` names a server (e.g. postgres://postgres@127.0.0.1:5432/postgres); a
scratch database is made there and dropped afterwards. Each database runs in its own
process (Tortoise keeps SQL per dialect on the models).
"""

# SQL here is assembled only from constants and placeholders; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import httpx  # noqa: E402
from harness import scratch_postgres  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from convenor import auth, migrate  # noqa: E402
from convenor.app import create_app  # noqa: E402
from convenor.models import Role  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from directory import moderation  # noqa: E402
from directory.models import BatchStatus, ImportBatch  # noqa: E402
from directory.moderation import BulkAction, QueueFilter  # noqa: E402
from directory.taxonomy import ensure_taxonomy  # noqa: E402
from tests import directory_corpus as corpus  # noqa: E402

PASSWORD = "benchmark-password-1234"
TARGET_MS = 300


def summary(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


async def timed(call, rounds: int) -> tuple[float, float]:
    await call()  # warm up
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        await call()
        timings.append((time.perf_counter() - start) * 1000)
    return summary(timings)


async def load(existing: int, waiting: int) -> tuple[int, int]:
    """The directory and one import batch waiting; returns (batch id, entries that
    cannot be published)."""
    await ensure_taxonomy()
    await corpus.load(corpus.rows(existing), 1, refresh=False)
    known = corpus.rows(existing)
    rows = corpus.rows(waiting, seed=18)
    for i in range(0, waiting, 20):  # a re-import: the same group again
        rows[i] = dict(known[i % existing])
    first = existing + 1
    ids = await corpus.load(rows, first, refresh=False)
    batch = await ImportBatch.create(
        uuid=str(uuid.uuid4()),
        source="groups-2026.csv",
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        rows=waiting,
        created=waiting,
        status=BatchStatus.COMPLETE,
    )
    conn = Tortoise.get_connection("default")
    sqlite = conn.capabilities.dialect == "sqlite"
    mark = (lambda n: "?") if sqlite else (lambda n: f"${n}")
    await conn.execute_query(
        "UPDATE directory_entry SET status = 'pending', "
        f"import_batch_id = {mark(1)} WHERE id >= {mark(2)}",
        [batch.id, first],
    )
    kindless = [i for i in ids if i % 100 == 0]
    await conn.execute_many(
        f"UPDATE directory_entry SET kind = NULL WHERE id = {mark(1)}", [[i] for i in kindless]
    )
    stamp = datetime(2026, 12, 1, tzinfo=UTC)
    await conn.execute_many(
        "INSERT INTO directory_provenance (entry_id, how, source, created_at) "
        f"VALUES ({mark(1)}, 'imported', 'groups-2026.csv', {mark(2)})",
        [[i, stamp] for i in ids],
    )
    if not sqlite:
        await conn.execute_script("ANALYZE")
    return batch.id, len(kindless)


async def signed_in(client: httpx.AsyncClient, email: str) -> None:
    page = await client.get("/login")
    marker = 'name="csrf_token" value="'
    token = page.text.split(marker, 1)[1].split('"', 1)[0]
    response = await client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    if response.status_code != 303:
        raise SystemExit(f"sign-in failed: {response.status_code}")


async def run(label: str, url: str, args, data_dir: str) -> None:
    await asyncio.to_thread(migrate.upgrade, url)
    settings = Settings(
        env="development",
        data_dir=Path(data_dir),
        database_url=url,
        secret_key="benchmark-secret-" + "x" * 40,
        base_url="http://testserver",
        mail_from="Convenor <convenor@example.org>",
        password_hashing="fast",  # noqa: S106 - a cost setting, not a password
    )
    app = create_app(settings, run_worker=False)
    async with app.router.lifespan_context(app):
        start = time.perf_counter()
        batch, kindless = await load(args.existing, args.waiting)
        print(f"[{label}] loaded {args.existing:,} + {args.waiting:,} waiting in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        moderator = await auth.create_user("mod@example.org", Role.MODERATOR, PASSWORD)
        first = await moderation.moderation_queue()
        pending = sum(1 for i in range(args.existing) if corpus.status(i) == "pending")
        expected = args.waiting + pending
        if first.total != expected or len(first.awaiting) != moderation.PER_PAGE:
            raise SystemExit(f"NOT EXACT: {first.total} waiting, expected {expected:,}")
        found = sum(1 for hits in first.duplicates.values() if hits)
        print(f"[{label}] first page: {first.total:,} waiting, {first.pages} pages, "
              f"{found} of {len(first.awaiting)} entries with possible duplicates")  # fmt: skip
        service_calls = {
            "service first page": QueueFilter(),
            "service batch filter": QueueFilter(batch=batch),
            "service page 200": QueueFilter(page=200),
            "service name filter": QueueFilter(name="boxing"),
        }
        results = {}
        for name, chosen in service_calls.items():
            results[name] = await timed(
                lambda chosen=chosen: moderation.moderation_queue(chosen), args.rounds
            )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await signed_in(client, moderator.email)

            async def get(path: str) -> None:
                response = await client.get(path)
                if response.status_code != 200 or "Waiting for approval (" not in response.text:
                    raise SystemExit(f"GET {path}: {response.status_code}")

            for name, path in {
                "page first page": "/staff/directory",
                "page batch filter": f"/staff/directory?batch={batch}",
            }.items():
                results[name] = await timed(lambda path=path: get(path), args.rounds)
        for name, (median, p99) in results.items():
            print(f"[{label}] {name:22} median {median:7.1f} ms  p99 {p99:7.1f} ms")
        median, p99 = results["page first page"]
        verdict = "yes" if max(median, p99) < TARGET_MS else "NO"
        print(f"[{label}] target: first page under {TARGET_MS} ms (median and p99): {verdict}")

        # One contact in ten asked to be listed: 2,000 emails go to the outbox.
        conn = Tortoise.get_connection("default")
        mark = "?" if conn.capabilities.dialect == "sqlite" else "$1"
        await conn.execute_query(
            "UPDATE directory_entry SET contact_confirmed_at = created_at "
            f"WHERE import_batch_id = {mark} AND id % 10 = 3",
            [batch],
        )
        start = time.perf_counter()
        plan = await moderation.bulk_plan(BulkAction.APPROVE, batch_id=batch)
        planned = time.perf_counter() - start
        start = time.perf_counter()
        outcome = await moderation.bulk_apply(
            BulkAction.APPROVE, moderator, settings, batch_id=batch
        )
        applied = time.perf_counter() - start
        if outcome.done != args.waiting - kindless or sum(outcome.blocked.values()) != kindless:
            raise SystemExit(f"NOT EXACT: bulk approve {outcome}")
        left = sum(outcome.blocked.values())
        print(f"[{label}] bulk approve of the batch: plan {planned * 1000:.0f} ms "
              f"({plan.will:,} to publish, {sum(plan.blocked.values()):,} cannot be); "
              f"apply {applied:.2f} s in {outcome.chunks} transactions "
              f"({outcome.done:,} approved, {left:,} left waiting, "
              f"{outcome.emailed:,} emails)")  # fmt: skip
    await Tortoise.close_connections()


async def one_database(args, database: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if database == "sqlite":
            await run("sqlite", f"sqlite://{tmp}/bench.sqlite3", args, tmp)
            return
        async with scratch_postgres(args.postgres) as url:
            await run("postgres", url, args, tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--waiting", type=int, default=20_000)
    parser.add_argument("--existing", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("CONVENOR_TEST_DATABASE_URL", ""))
    parser.add_argument("--only", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        asyncio.run(one_database(args, args.only))
        return
    for database in ["sqlite", "postgres"] if args.postgres else ["sqlite"]:
        command = [sys.executable, __file__, *sys.argv[1:], "--only", database]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
