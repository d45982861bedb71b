"""What a typed organisation adds to a registration (issue 17), on SQLite and PostgreSQL.

For each database, in one run: a scratch database, one published event with a seat for
everyone and ``3 x --per-kind`` invitees, and the real app in this process driven
through ASGI by httpx, one registration POST after another (as
``registration_profile.py``). Three kinds of registration are interleaved, so drift
hits each alike:

- ``none``: no organisation (the baseline);
- ``new``: a typed organisation nobody has typed before (a new pending directory entry,
  its provenance and its search index rows: the worst case);
- ``known``: the organisation of a colleague who registered earlier (the entry is found
  by its name key; no row unless this event's provenance is missing: the common case).

Reported per kind: median wall time and median CPU time of this process per
registration (the first 10 of each kind are left out: template compiling, statement
preparing), statements per registration on PostgreSQL (counted at asyncpg, BEGIN and
COMMIT included), and each kind's ratio to ``none``. Target (issue 17): ``new`` and
``known`` at most 1.25x ``none`` in wall and in CPU time, and the rows exact (one entry
and one provenance row per organisation).

    .venv/bin/python benchmarks/registration_organisation.py [--per-kind 200]
        [--database postgres://postgres@127.0.0.1:5432/postgres] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import asyncpg
import httpx
from tortoise import Tortoise

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from events_registration import SERVER, prepare  # noqa: E402
from harness import scratch_postgres  # noqa: E402

from convenor import migrate  # noqa: E402
from convenor.app import create_app  # noqa: E402
from convenor.db import tortoise_config  # noqa: E402
from convenor.security import CSRF_COOKIE, csrf_token_for  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from directory.models import Entry, Provenance  # noqa: E402
from events.models import Registration  # noqa: E402

KINDS = ("none", "new", "known")
WARM_UP = 10
STATEMENTS: list[str] = []


def count_statements() -> None:
    """Record every statement sent through asyncpg's public connection methods."""
    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
        original = getattr(asyncpg.Connection, name)

        def wrapper(self, query, *args, __original=original, **kwargs):
            STATEMENTS.append(str(query))
            return __original(self, query, *args, **kwargs)

        setattr(asyncpg.Connection, name, wrapper)


def organisation_for(kind: str, n: int) -> str:
    if kind == "none":
        return ""
    if kind == "new":
        return f"Community Group Number {n}"
    return "Sholing Youth Forum"  # typed once before the run, then by everyone


def request_for(token: str, n: int, organisation: str, secret: str):
    cookie = secrets.token_urlsafe(32)
    body = urlencode(
        {
            "csrf_token": csrf_token_for(cookie, secret),
            "name": f"Delegate {n}",
            "job_title": "Officer",
            "organisation": organisation,
            "dietary": "Vegetarian" if n % 5 == 0 else "",
            "consent_to_list": "yes",
        }
    ).encode()
    headers = {
        "Cookie": f"{CSRF_COOKIE}={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return f"/i/{token}/register", headers, body


async def measure(url: str, per_kind: int, label: str) -> dict:
    data_dir = tempfile.mkdtemp(prefix="convenor-orgbench-")
    secret = secrets.token_urlsafe(40)
    settings = Settings(database_url=url, secret_key=secret, data_dir=Path(data_dir))
    await asyncio.to_thread(migrate.upgrade, url)
    total = per_kind * len(KINDS) + 1
    _, tokens = await prepare(settings, total, total)
    requests = [request_for(tokens[0], 0, organisation_for("known", 0), secret)]
    order = []
    for n in range(1, total):
        kind = KINDS[(n - 1) % len(KINDS)]
        order.append(kind)
        requests.append(request_for(tokens[n], n, organisation_for(kind, n), secret))
    wall: dict[str, list[float]] = {k: [] for k in KINDS}
    cpu: dict[str, list[float]] = {k: [] for k in KINDS}
    statements: dict[str, list[int]] = {k: [] for k in KINDS}
    app = create_app(settings, run_worker=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            path, headers, body = requests[0]
            assert (await c.post(path, headers=headers, content=body)).status_code == 303
            for n, (path, headers, body) in enumerate(requests[1:], 1):
                kind = order[n - 1]
                STATEMENTS.clear()
                start, started_cpu = time.perf_counter(), time.process_time()
                response = await c.post(path, headers=headers, content=body)
                wall[kind].append(time.perf_counter() - start)
                cpu[kind].append(time.process_time() - started_cpu)
                if response.status_code != 303:
                    raise SystemExit(f"{label}: request {n} answered {response.status_code}")
                await asyncio.sleep(0)  # the pool's reset on release
                statements[kind].append(len(STATEMENTS))
    await Tortoise.init(config=tortoise_config(settings))
    try:
        checks = {
            "registrations": await Registration.all().count(),
            "entries": await Entry.all().count(),
            "provenance": await Provenance.all().count(),
        }
    finally:
        await Tortoise.close_connections()
    result: dict = {"database": label, **checks}
    for kind in KINDS:
        result[f"{kind}_wall_ms"] = statistics.median(wall[kind][WARM_UP:]) * 1000
        result[f"{kind}_cpu_ms"] = statistics.median(cpu[kind][WARM_UP:]) * 1000
        result[f"{kind}_statements"] = statistics.median(statements[kind])
    for kind in ("new", "known"):
        result[f"{kind}_wall_ratio"] = result[f"{kind}_wall_ms"] / result["none_wall_ms"]
        result[f"{kind}_cpu_ratio"] = result[f"{kind}_cpu_ms"] / result["none_cpu_ms"]
    # One entry per new organisation plus the known one; one provenance row each.
    result["exact"] = (
        checks["registrations"] == total
        and checks["entries"] == per_kind + 1
        and checks["provenance"] == per_kind + 1
    )
    return result


async def one(args) -> dict:
    """One database, in this process (Tortoise keeps each model's INSERT statement for
    the first database it met, so each database gets a process of its own)."""
    count_statements()
    if args.only == "sqlite":
        sqlite_dir = tempfile.mkdtemp(prefix="convenor-orgbench-sqlite-")
        return await measure(f"sqlite://{sqlite_dir}/bench.sqlite3", args.per_kind, "SQLite")
    async with scratch_postgres(args.database) as url:
        return await measure(url, args.per_kind, "PostgreSQL")


def main(args) -> list[dict]:
    """Both databases in the same run, one after the other, each in a child process."""
    results = []
    for only in ("sqlite", "postgres")[: 1 if args.sqlite_only else 2]:
        command = [
            sys.executable, __file__, "--only", only, "--per-kind", str(args.per_kind),
            "--database", args.database,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"{only}: {done.stderr}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def report(result: dict) -> str:
    ratios = [result[f"{k}_{what}_ratio"] for k in ("new", "known") for what in ("wall", "cpu")]
    ok = result["exact"] and max(ratios) <= 1.25
    statements = (
        ""
        if result["database"] == "SQLite"
        else (
            f" statements none/new/known {result['none_statements']:.0f}/"
            f"{result['new_statements']:.0f}/{result['known_statements']:.0f};"
        )
    )
    return (
        f"{result['database']}: wall ms none {result['none_wall_ms']:.2f}, "
        f"new {result['new_wall_ms']:.2f} ({result['new_wall_ratio']:.2f}x), "
        f"known {result['known_wall_ms']:.2f} ({result['known_wall_ratio']:.2f}x); "
        f"CPU ms none {result['none_cpu_ms']:.2f}, new {result['new_cpu_ms']:.2f} "
        f"({result['new_cpu_ratio']:.2f}x), known {result['known_cpu_ms']:.2f} "
        f"({result['known_cpu_ratio']:.2f}x);{statements} "
        f"rows exact {'yes' if result['exact'] else 'NO'}; target met {'yes' if ok else 'NO'}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--database", default=os.environ.get("CONVENOR_BENCH_DATABASE_URL", SERVER))
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.only:
        print(json.dumps(asyncio.run(one(arguments))))
    else:
        for measured in main(arguments):
            print(report(measured))
