"""Where one registration's time goes: the real app in-process, one request at a time.

The same event and links as ``events_registration.py`` (on a scratch PostgreSQL
database), but the app is driven through ASGI by httpx in this process, one POST after
another, so the numbers are CPU per registration without the burst's queueing: the
median and mean CPU time of this process (and the wall time, which includes the
database's commit latency) for a seated and for a waitlisted registration, and every statement
each one sent to the database (counted at asyncpg, so BEGIN, COMMIT and the pool's
reset on release are included). ``--profile FILE`` writes a cProfile of the whole loop.

    .venv/bin/python benchmarks/registration_profile.py [--attempts 300 --seats 100]
        [--database postgres://postgres@127.0.0.1:5432/postgres] [--profile out.prof]
        [--show-sql]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from events_registration import SERVER, prepare, registration_request  # noqa: E402
from harness import scratch_postgres  # noqa: E402

from convenor import migrate  # noqa: E402
from convenor.app import create_app  # noqa: E402
from convenor.settings import Settings  # noqa: E402

STATEMENTS: list[str] = []


def count_statements() -> None:
    """Record every statement sent through asyncpg's public connection methods."""
    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
        original = getattr(asyncpg.Connection, name)

        def wrapper(self, query, *args, __original=original, **kwargs):
            STATEMENTS.append(" ".join(str(query).split())[:160])
            return __original(self, query, *args, **kwargs)

        setattr(asyncpg.Connection, name, wrapper)


def form(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    """Split one raw request from the benchmark into path, headers and body."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    path = lines[0].split(" ")[1]
    headers = dict(line.split(": ", 1) for line in lines[1:])
    headers.pop("Connection", None)
    headers.pop("Content-Length", None)
    return path, headers, body


async def run(args) -> None:
    async with scratch_postgres(args.database) as url:
        data_dir = tempfile.mkdtemp(prefix="convenor-profile-")
        secret = secrets.token_urlsafe(40)
        settings = Settings(database_url=url, secret_key=secret, data_dir=Path(data_dir))
        await asyncio.to_thread(migrate.upgrade, url)
        _, tokens = await prepare(settings, args.attempts, args.seats)
        requests = [form(registration_request(t, n, secret)) for n, t in enumerate(tokens)]
        app = create_app(settings, run_worker=False)
        count_statements()
        timings: dict[str, list[float]] = {"seated": [], "waitlisted": []}
        cpu_times: dict[str, list[float]] = {"seated": [], "waitlisted": []}
        per_request: dict[str, list[list[str]]] = {"seated": [], "waitlisted": []}
        profiler = cProfile.Profile() if args.profile else None
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
                for n, (path, headers, body) in enumerate(requests):
                    kind = "seated" if n < args.seats else "waitlisted"
                    STATEMENTS.clear()
                    if profiler:
                        profiler.enable()
                    start, cpu = time.perf_counter(), time.process_time()
                    response = await c.post(path, headers=headers, content=body)
                    timings[kind].append(time.perf_counter() - start)
                    cpu_times[kind].append(time.process_time() - cpu)
                    if profiler:
                        profiler.disable()
                    if response.status_code != 303:
                        raise SystemExit(f"request {n} answered {response.status_code}")
                    await asyncio.sleep(0)  # let the pool's reset on release finish
                    per_request[kind].append(list(STATEMENTS))
        if profiler:
            profiler.dump_stats(args.profile)
        report(timings, cpu_times, per_request, args.show_sql)


def report(timings, cpu_times, per_request, show_sql: bool) -> None:
    for kind, seconds in timings.items():
        if not seconds:
            continue
        # The first requests compile templates and prepare statements.
        wall, cpu = seconds[5:] or seconds, cpu_times[kind][5:] or cpu_times[kind]
        counts = [len(s) for s in per_request[kind]]
        print(
            f"{kind}: n={len(seconds)} CPU median {statistics.median(cpu) * 1000:.2f} ms, "
            f"mean {statistics.fmean(cpu) * 1000:.2f} ms; wall median "
            f"{statistics.median(wall) * 1000:.2f} ms; "
            f"statements per registration {statistics.median(counts):.0f}"
        )
        if show_sql:
            for statement, n in Counter(per_request[kind][-1]).items():
                print(f"    {n} x {statement}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--attempts", type=int, default=300)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--database", default=os.environ.get("CONVENOR_BENCH_DATABASE_URL", SERVER))
    parser.add_argument("--profile", help="write a cProfile of the request loop here")
    parser.add_argument("--show-sql", action="store_true", help="list the statements")
    asyncio.run(run(parser.parse_args()))
