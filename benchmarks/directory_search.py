"""Directory search benchmark (issue 17): in-process latency at 20,000 entries on SQLite
and PostgreSQL, with exact counts checked in the same run.

Per database:
- entries: the realistic corpus (``tests/directory_corpus.py``, fixed seed) written in
  bulk, then indexed by the writers' own ``directory.search.index.refresh`` (timed:
  what an import of that many entries pays for the index);
- exactness: every query of the set, once, against a brute force over the corpus
  (``tests.directory_corpus.expected``): the total and every facet count must be equal,
  or the run fails;
- latency of ``directory.search.search`` over the set (common words matching thousands,
  phrases, OR, NOT, filters, browsing, page 40, misspellings, hostile text): median and
  p99 over every run of every query; target p99 < 50 ms;
- with ``--scale 100000``: the same at 100,000 entries as a scale check, exact counts
  required, timings reported without a target.

Usage:
    .venv/bin/python benchmarks/directory_search.py [--entries 20000] [--postgres URL]
        [--rounds 10] [--scale 100000] [--http SECONDS]

``--postgres`` names a server (e.g. postgres://postgres@127.0.0.1:5432/postgres); a
scratch database is made there and dropped afterwards. ``--http`` also serves the
search page with uvicorn and reports requests per second as a ratio to a raw ASGI
hello-world in the same run (``directory_throughput``; a figure, no target).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from tortoise import Tortoise  # noqa: E402
from tortoise.transactions import in_transaction  # noqa: E402

from convenor import migrate  # noqa: E402
from convenor.db import tortoise_config  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from directory.search import SearchQuery, search  # noqa: E402
from directory.search import index as search_index  # noqa: E402
from directory.taxonomy import ensure_taxonomy  # noqa: E402
from tests import directory_corpus as corpus  # noqa: E402

MODERATORS = ("pending", "published")
QUERIES = [
    SearchQuery(text="support"),
    SearchQuery(text="sup"),
    SearchQuery(text="the food bank"),
    SearchQuery(text='"food bank"'),
    SearchQuery(text="youth OR young"),
    SearchQuery(text="support -food"),
    SearchQuery(text="NOT youth"),
    SearchQuery(text="lodz"),
    SearchQuery(text="Łódź społeczność"),
    SearchQuery(text="strasse"),
    SearchQuery(text="shirley boxing"),
    SearchQuery(text="mentoring young people"),
    SearchQuery(text="support", kind="community"),
    SearchQuery(text="support", theme="mental-health", area="portswood"),
    SearchQuery(text="advice", kind="voluntary", area="city-wide"),
    SearchQuery(text="support", page=40),
    SearchQuery(text="support", statuses=MODERATORS),
    SearchQuery(),
    SearchQuery(area="bevois"),
    SearchQuery(kind="faith", theme="knife-crime"),
    SearchQuery(text="boxnig"),  # did you mean
    SearchQuery(text="zzzzqqqq"),  # nothing, and no suggestion
    SearchQuery(text="'\" OR %_ NOT -- " + "y" * 400),  # hostile
]


def _summary(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "median_ms": statistics.median(timings),
        "p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
        "max_ms": timings[-1],
        "samples": len(timings),
    }


async def check_exact(rows, ids) -> int:
    """Every query's total and facet counts against the brute force; the number of
    queries checked (raises on any difference)."""
    for query in QUERIES:
        page = await search(query)
        text = page.suggestion or query.text
        want = corpus.expected(rows, ids, text, query.statuses, query.kind, query.theme, query.area)
        facets = {f: {v.value: v.count for v in vs} for f, vs in page.facets.items()}
        if page.total != len(want.ids) or facets != want.facets:
            raise SystemExit(
                f"NOT EXACT: {query}: total {page.total}, expected {len(want.ids)}; "
                f"facets equal: {facets == want.facets}"
            )
        first = (page.page - 1) * query.per_page
        if [h.entry.id for h in page.hits] != want.ids[first : first + query.per_page]:
            raise SystemExit(f"NOT EXACT: {query}: the page's entries differ")
    return len(QUERIES)


async def measure(rounds: int) -> tuple[dict, list]:
    for query in QUERIES:  # warm up once
        await search(query)
    timings: list[list[float]] = [[] for _ in QUERIES]
    for _ in range(rounds):
        for i, query in enumerate(QUERIES):
            start = time.perf_counter()
            await search(query)
            timings[i].append((time.perf_counter() - start) * 1000)
    per_query = [
        (q, statistics.median(ts), max(ts)) for q, ts in zip(QUERIES, timings, strict=True)
    ]
    return _summary([t for ts in timings for t in ts]), per_query


async def run(label: str, database_url: str, entries: int, rounds: int, per_query: bool) -> dict:
    await asyncio.to_thread(migrate.upgrade, database_url)
    settings = Settings(database_url=database_url, secret_key="x" * 40)
    await Tortoise.init(config=tortoise_config(settings))
    try:
        await ensure_taxonomy()
        rows = corpus.rows(entries)
        start = time.perf_counter()
        ids = await corpus.load(rows, refresh=False)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        async with in_transaction():
            await search_index.refresh(ids)
        indexed = time.perf_counter() - start
        if label == "postgres":
            # As autovacuum leaves a table some time after a bulk load.
            await Tortoise.get_connection("default").execute_script("VACUUM ANALYZE")
        result = {
            "database": label,
            "entries": entries,
            "load_s": round(loaded, 1),
            "index_refresh_s": round(indexed, 2),
        }
        start = time.perf_counter()
        result["exact_queries"] = await check_exact(rows, ids)
        result["exact_check_s"] = round(time.perf_counter() - start, 1)
        summary, each = await measure(rounds)
        result.update(summary)
        if per_query:
            for query, median, worst in each:
                filters = " ".join(
                    f"{k}={v}"
                    for k in ("kind", "theme", "area", "page")
                    if (v := getattr(query, k)) not in ("", 1)
                )
                statuses = "" if query.statuses == ("published",) else " (moderators)"
                print(
                    f"  {query.text[:28]!r:32} {filters + statuses:44} "
                    f"median {median:6.2f} ms  max {worst:6.2f} ms"
                )
    finally:
        await Tortoise.close_connections()
    return result


async def one_database(args, database: str, entries: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        if database == "sqlite":
            url = f"sqlite://{tmp}/bench.sqlite3"
            result = await run("sqlite", url, entries, args.rounds, args.per_query)
            if args.http:
                result.update(await _http(url, tmp, args.http))
            return result
        name = f"convenor_bench_{secrets.token_hex(4)}"
        server = args.postgres.replace("postgres://", "postgresql://", 1)
        conn = await asyncpg.connect(server)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        try:
            url = urlsplit(args.postgres)._replace(path=f"/{name}").geturl()
            result = await run("postgres", url, entries, args.rounds, args.per_query)
            if args.http:
                result.update(await _http(url, tmp, args.http))
            return result
        finally:
            conn = await asyncpg.connect(server)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()


async def _http(url: str, data_dir: str, seconds: float) -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from directory_throughput import measure_http

    paths = [f"/directory?q={quote_plus(q.text)}" for q in QUERIES[:12]]
    return await measure_http(url, data_dir, seconds, paths)


def _shown(key: str, value: object) -> object:
    if not isinstance(value, float):
        return value
    return f"{value:.4f}" if key.startswith("ratio") else round(value, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--scale", type=int, default=0, help="also a scale check at N entries")
    parser.add_argument("--postgres", default=os.environ.get("CONVENOR_TEST_DATABASE_URL", ""))
    parser.add_argument("--http", type=float, default=0.0, help="seconds of HTTP throughput")
    parser.add_argument("--per-query", action="store_true", help="each query's median too")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        result = asyncio.run(one_database(args, args.only, args.size))
        print("\n".join(f"{k}={_shown(k, v)}" for k, v in result.items()))
        if args.size == args.entries:
            print(f"target p99<50ms: {'yes' if result['p99_ms'] < 50 else 'NO'}")
        else:
            print("scale check: exact (no latency target)")
        return
    # One process per database and size: Tortoise keeps SQL per dialect on the models.
    for size in [args.entries, *([args.scale] if args.scale else [])]:
        for database in ["sqlite", "postgres"] if args.postgres else ["sqlite"]:
            command = [sys.executable, __file__, *sys.argv[1:], "--only", database]
            subprocess.run([*command, "--size", str(size)], check=True)


if __name__ == "__main__":
    main()
