"""Directory import benchmark: ``convenor directory import`` of 20,000 rows (issue 17).

Per database (a fresh SQLite file; a scratch PostgreSQL database made and dropped on the
server named by ``--postgres``), migrated and given the demo taxonomy:

- the command itself, as staff run it (a child process: start-up, reading the file,
  checking, writing, indexing), first ``--dry-run`` then the real import, timed on the
  wall clock: seconds and rows per second against the targets (under 30 s on SQLite,
  under 60 s on PostgreSQL; the issue measured 2 min 12 s and 38 min 43 s before);
- then the import is checked: every row an entry of the batch, and every entry in the
  search index; and undone (``directory.importer.undo_batch``, what the staff page's
  button runs), timed, leaving no entry behind;
- with ``--phases``, the same import in-process into a second fresh database, split into
  checking and writing (from the importer's progress reports).

The rows are the seeded, realistic corpus of the tests (``tests/directory_corpus.py``),
so runs are comparable. The machine's load average is printed before and after.

Usage:
    .venv/bin/python benchmarks/directory_import.py [--rows 20000]
        [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--phases]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from harness import scratch_postgres  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from convenor import migrate  # noqa: E402
from convenor.db import tortoise_config  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from tests import directory_corpus  # noqa: E402

TARGETS = {"sqlite": 30.0, "postgres": 60.0}
BEFORE = {"sqlite": "2 min 12 s", "postgres": "38 min 43 s"}
COMMAND = [sys.executable, "-c", "from convenor.cli import main; main()", "directory", "import"]
SECRET = secrets.token_hex(24)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


async def prepare(url: str) -> None:
    """Migrate the fresh database and add the demo taxonomy."""
    await asyncio.to_thread(migrate.upgrade, url)
    from directory.taxonomy import ensure_taxonomy

    await Tortoise.init(config=tortoise_config(Settings(database_url=url, secret_key=SECRET)))
    try:
        await ensure_taxonomy()
    finally:
        await Tortoise.close_connections()


async def counted(url: str) -> dict[str, int]:
    """What the import left: entries, those of the batch, and those in the search index."""
    await Tortoise.init(config=tortoise_config(Settings(database_url=url, secret_key=SECRET)))
    try:
        conn = Tortoise.get_connection("default")
        found = {}
        for label, sql in (
            ("entries", "SELECT count(*) AS n FROM directory_entry"),
            ("in_batch", "SELECT count(*) AS n FROM directory_entry WHERE import_batch_id = 1"),
            ("indexed", "SELECT count(*) AS n FROM directory_search_text"),
            ("batches", "SELECT count(*) AS n FROM directory_import_batch"),
        ):
            found[label] = (await conn.execute_query_dict(sql))[0]["n"]
        return found
    finally:
        await Tortoise.close_connections()


def command(url: str, data_dir: str, path: Path, *options: str) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONVENOR_")}
    env.update(
        CONVENOR_DATABASE_URL=url,
        CONVENOR_SECRET_KEY=SECRET,
        CONVENOR_DATA_DIR=data_dir,
    )
    env["CONVENOR_PASSWORD_HASHING"] = "fast"  # no user is made; keeps the settings quiet
    started = time.perf_counter()
    done = subprocess.run(
        [*COMMAND, str(path), "--quiet", *options],
        env=env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the import failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


async def undo(url: str) -> tuple[float, str]:
    """Undo batch 1 as the staff page does; (seconds, what the plan said)."""
    from directory.importer import undo_batch

    await Tortoise.init(config=tortoise_config(Settings(database_url=url, secret_key=SECRET)))
    try:
        started = time.perf_counter()
        result = await undo_batch(1, None)
        seconds = time.perf_counter() - started
    finally:
        await Tortoise.close_connections()
    assert result.plan is not None
    return seconds, result.plan.sentence


async def phases(url: str, data: bytes) -> dict[str, float]:
    """The import in-process, split into its phases by the importer's progress reports."""
    from directory.importer import import_csv

    marks: dict[str, float] = {}

    def progress(phase: str, done: int, total: int) -> None:
        marks.setdefault(f"{phase} start", time.perf_counter())
        if done >= total:
            marks[f"{phase} end"] = time.perf_counter()

    await Tortoise.init(config=tortoise_config(Settings(database_url=url, secret_key=SECRET)))
    try:
        started = time.perf_counter()
        report = await import_csv(data, source="bench", progress=progress)
        total = time.perf_counter() - started
    finally:
        await Tortoise.close_connections()
    assert not report.failed, report.problem
    return {
        "read_and_check_s": marks["Checking end"] - started,
        "duplicates_s": marks["Importing start"] - marks["Checking end"],
        "write_and_index_s": marks["Importing end"] - marks["Importing start"],
        "total_s": total,
    }


async def one_database(database: str, url: str, tmp: str, path: Path, rows: int) -> None:
    await prepare(url)
    dry, _ = command(url, tmp, path, "--dry-run")
    seconds, out = command(url, tmp, path)
    found = await counted(url)
    ok = found["entries"] == found["in_batch"] == found["indexed"] == rows
    target = TARGETS[database]
    print(f"{database}: dry run {dry:.1f} s ({rows / dry:,.0f} rows/s)")
    print(
        f"{database}: import {seconds:.1f} s ({rows / seconds:,.0f} rows/s); target under "
        f"{target:.0f} s: {'yes' if seconds < target else 'NO'} (before: {BEFORE[database]})"
    )
    print(f"{database}: {found} -> {'every row imported and indexed' if ok else 'MISMATCH'}")
    print(f"{database}: the command said: {out.strip().splitlines()[-2]}")
    seconds, sentence = await undo(url)
    left = await counted(url)
    print(f"{database}: undo {seconds:.1f} s ({sentence}); entries left: {left['entries']}")


async def main_async(args) -> None:
    """One database (``args.only``): Tortoise keeps SQL per dialect on the models, so each
    database runs in a process of its own."""
    rows = directory_corpus.rows(args.rows)
    database = args.only
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "groups.csv"
        path.write_text(directory_corpus.csv_text(rows), encoding="utf-8")
        if database == "sqlite":
            await one_database(database, f"sqlite://{tmp}/bench.sqlite3", tmp, path, args.rows)
            if args.phases:
                shown = await phase_run(f"sqlite://{tmp}/phases.sqlite3", path)
                print(f"sqlite: in-process phases {shown}")
            return
        async with scratch_postgres(args.postgres) as url:
            await one_database(database, url, tmp, path, args.rows)
        if args.phases:
            async with scratch_postgres(args.postgres) as url:
                print(f"postgres: in-process phases {await phase_run(url, path)}")


async def phase_run(url: str, path: Path) -> dict[str, float]:
    await prepare(url)
    data = await asyncio.to_thread(path.read_bytes)
    return {k: round(v, 2) for k, v in (await phases(url, data)).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--postgres", default=os.environ.get("CONVENOR_TEST_DATABASE_URL", ""))
    parser.add_argument("--phases", action="store_true", help="also time each phase in-process")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        asyncio.run(main_async(args))
        return
    print(f"{args.rows:,} rows of tests/directory_corpus.py; before: {load()}")
    for database in ["sqlite", "postgres"] if args.postgres else ["sqlite"]:
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--only", database], check=True)
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
