"""Directory search benchmark: 100,000 generated entries on SQLite and PostgreSQL.

Measures, per database:
- search latency in-process (``directory.search.search``) over a fixed query set:
  median and p99 (targets on SQLite: median < 5 ms, p99 < 25 ms), and the median of
  each kind of query in the set; broad queries and browsing without words apart, and
  browsing and text queries beyond the cap right after an entry changed (when what
  search keeps under the stamp must be worked out again);
- search page throughput over HTTP, as a ratio to a raw ASGI hello-world served the
  same way (uvicorn, one worker) in the same run, the two measured in turn over five
  rounds (``directory_throughput``; target: at least 0.01).

Usage:
    .venv/bin/python benchmarks/directory_search.py [--entries 100000] [--postgres URL]
        [--rounds 10] [--seconds 10] [--skip-http] [--per-query]

``--postgres`` names a server (e.g. postgres://postgres@127.0.0.1:5432/postgres); a
scratch database is created there and dropped afterwards. Data is generated with a
fixed seed, so runs are comparable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
from directory_throughput import measure_http  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from convenor import migrate  # noqa: E402
from convenor.db import sqlite_path, tortoise_config  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from directory.models import Area, Theme  # noqa: E402
from directory.search import SearchQuery, search  # noqa: E402
from directory.taxonomy import ensure_taxonomy  # noqa: E402

WARDS = """
Bargate Bassett Bevois Coxford Freemantle Harefield Millbrook Peartree Portswood
Redbridge Shirley Sholing Swaythling Thornhill Woolston Polygon Bitterne
""".split()
ACTIVITIES = """
Youth Boxing Football Gardening Recovery Parents Tenants Women's Mosque Church
Pantry Sailing Chess Dance Music Mentoring Allotment Lantern Walking Cycling Arts
Carers Veterans Refugee Polish Somali Nepalese Kurdish Students Elders Men's Skate
Drama Cookery Literacy Coding
""".split()
FORMS = """
Club Network Association Project Group Trust Collective Forum Society Circle Hub
Partnership Alliance Centre
""".split()
WORDS = """
support young people families community safe safer violence knife crime abuse
domestic victims recovery drugs alcohol housing rough sleeping advice mentoring
weekly evening sessions volunteers training schools parks estate neighbours
exploitation county lines grooming online hate reporting interpreting language
mental health wellbeing peer meals food bank clothing outreach detached street
patrols nights weekend holiday activities sport boxing football art music drama
careers employment skills digital inclusion elders isolation carers disability
access wheelchair women girls men boys lgbtq faith mosque church temple gurdwara
library cafe garden allotment cycling walking
""".split()
KINDS = ["community"] * 5 + ["voluntary"] * 3 + ["network"] * 2 + ["faith", "business", "other"]

# What each query exercises; medians are also reported per kind, since the set's overall
# median depends on how many of each it holds.
FEW = "words, up to CAP matches"
MANY = "words, more than CAP matches"
FILTERED = "words and filters"
MISSPELT = "misspelt (did you mean)"
NOTHING = "nothing found, hostile"
QUERIES = [
    (FEW, SearchQuery(text="shirley boxing")),
    (FEW, SearchQuery(text="boxing club")),
    (FEW, SearchQuery(text="sholing football")),
    (FEW, SearchQuery(text="polish")),
    (FEW, SearchQuery(text="lantern walking")),
    (MANY, SearchQuery(text="recovery")),
    (FEW, SearchQuery(text="chess")),
    (MANY, SearchQuery(text="box")),
    (FEW, SearchQuery(text="mentoring young")),
    (FEW, SearchQuery(text="allotment society")),
    (FILTERED, SearchQuery(text="volunteers", theme="knife-crime")),
    (FILTERED, SearchQuery(text="football", area="sholing")),
    (FILTERED, SearchQuery(text="network", kind="network")),
    (FILTERED, SearchQuery(text="gardening", theme="anti-social-behaviour", area="coxford")),
    (FEW, SearchQuery(text="refugee", page=3)),
    (FILTERED, SearchQuery(text="cycling", area="bevois", kind="faith")),
    (NOTHING, SearchQuery(text="stanley")),
    (MISSPELT, SearchQuery(text="boxnig")),  # exercises the "did you mean" fallback
    (NOTHING, SearchQuery(text="'\" OR NEAR( x" + "y" * 200)),
    (NOTHING, SearchQuery(text="zzzzqqqq")),
]
# Reported apart: words found in a fifth of all entries, and browsing with no words
# (every count then covers tens of thousands of entries).
BROAD = "broad words"
BROWSE = "browse, no words"
BROAD_QUERIES = [
    (BROAD, SearchQuery(text="knife crime")),
    (BROAD, SearchQuery(text="support")),
    (BROWSE, SearchQuery(theme="rough-sleeping", area="bevois")),
    (BROWSE, SearchQuery(area="bevois", kind="faith")),
    (BROWSE, SearchQuery()),
]


def synthetic_words(rng: random.Random, count: int) -> list[str]:
    """Pronounceable made-up words: the long tail of a real directory's vocabulary."""
    onsets = "b c d f g h j k l m n p r s t v w z br cr dr fl gr pl st tr".split()
    vowels = "a e i o u ai ea oo".split()
    codas = [*"n r s t l m nd st ck".split(), ""]
    found: set[str] = set()
    while len(found) < count:
        found.add(
            "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(1, 3)))
            + rng.choice(codas)
        )
    return sorted(found)


def generate(count: int, themes: list[int], areas: list[int], seed: int = 20261121):
    """Rows for entry, entry_theme, entry_area and service tables.

    Descriptions mix common real words (each in roughly one entry in ten, as "support"
    or "young" would be) with a Zipf-distributed tail of made-up words; names combine
    a ward, an activity and a form, as local groups' names do.
    """
    rng = random.Random(seed)
    tail = synthetic_words(rng, 6000)
    weights = [1 / (rank + 1) for rank in range(len(tail))]
    activities = ACTIVITIES + [w.capitalize() for w in rng.sample(tail, 400)]
    stamp = datetime(2026, 11, 1, tzinfo=UTC)
    entries, entry_themes, entry_areas, services = [], [], [], []
    for i in range(1, count + 1):
        name = f"{rng.choice(WARDS)} {rng.choice(activities)} {rng.choice(FORMS)}"
        if rng.random() < 0.3:
            name += f" {rng.randint(1, 99)}"
        words = rng.sample(WORDS, 3) + rng.choices(tail, weights, k=rng.randint(10, 30))
        rng.shuffle(words)
        description = " ".join(words).capitalize()
        status = "published" if rng.random() < 0.9 else rng.choice(["pending", "hidden"])
        entries.append(
            (
                i,
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                rng.choice(KINDS),
                name,
                description,
                status,
                stamp,
            )
        )
        for theme in rng.sample(themes, rng.choice([1, 1, 1, 2])):
            entry_themes.append((i, theme))
        for area in rng.sample(areas, rng.randint(1, 2)):
            entry_areas.append((i, area))
        if rng.random() < 0.6:
            services.append(
                (
                    i,
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    f"{rng.choice(activities)} sessions",
                    " ".join(rng.choices(tail, weights, k=8)),
                )
            )
    return entries, entry_themes, entry_areas, services


ENTRY_COLUMNS = ("id", "uuid", "kind", "name", "description", "status", "created_at")
BLANK_COLUMNS = (
    "alternate_names",
    "website",
    "website_domain",
    "email",
    "phone",
    "address",
    "town",
    "postcode",
    "charity_number",
    "company_number",
    "opening_times",
    "accessibility",
    "languages",
    "contact_name",
    "contact_email",
    "moderation_note",
)


async def taxonomy_ids() -> tuple[list[int], list[int]]:
    await ensure_taxonomy()
    return (
        list(await Theme.all().values_list("id", flat=True)),
        list(await Area.all().values_list("id", flat=True)),
    )


def load_sqlite(path: str, rows) -> None:
    """Plain inserts; the migration's triggers build the FTS rows as they go.

    Children go in first (a plain sqlite3 connection does not enforce foreign keys), so
    each entry's insert trigger indexes it once, services and themes included.
    """
    entries, entry_themes, entry_areas, services = rows
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO directory_entry_theme (entry_id, theme_id) VALUES (?, ?)", entry_themes
    )
    db.executemany(
        "INSERT INTO directory_entry_area (entry_id, area_id) VALUES (?, ?)", entry_areas
    )
    db.executemany(
        "INSERT INTO directory_service (entry_id, uuid, name, description, who_for, "
        "how_to_access, position) VALUES (?, ?, ?, ?, '', '', 0)",
        services,
    )
    columns = (*ENTRY_COLUMNS, "updated_at", "hide_address", *BLANK_COLUMNS)
    marks = ", ".join("?" for _ in columns)
    db.executemany(
        f"INSERT INTO directory_entry ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
        [
            (*e[:6], e[6].isoformat(), e[6].isoformat(), 0, *[""] * len(BLANK_COLUMNS))
            for e in entries
        ],
    )
    db.commit()
    for table in ("directory_entry_fts", "directory_entry_fts_names"):
        db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")  # noqa: S608
    db.execute("ANALYZE")
    db.commit()
    db.close()


async def load_postgres(url: str, rows) -> None:
    """COPY with triggers off, then one UPDATE builds every search_vector and
    search_facets, and one INSERT the words of names."""
    entries, entry_themes, entry_areas, services = rows
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("SET session_replication_role = replica")
        await conn.copy_records_to_table(
            "directory_entry",
            records=[(*e, e[6], False, *[""] * len(BLANK_COLUMNS)) for e in entries],
            columns=[*ENTRY_COLUMNS, "updated_at", "hide_address", *BLANK_COLUMNS],
        )
        await conn.copy_records_to_table(
            "directory_entry_theme", records=entry_themes, columns=["entry_id", "theme_id"]
        )
        await conn.copy_records_to_table(
            "directory_entry_area", records=entry_areas, columns=["entry_id", "area_id"]
        )
        await conn.copy_records_to_table(
            "directory_service",
            records=[(*s, "", "", 0) for s in services],
            columns=[
                "entry_id",
                "uuid",
                "name",
                "description",
                "who_for",
                "how_to_access",
                "position",
            ],
        )
        await conn.execute("SET session_replication_role = DEFAULT")
        # What the triggers would have kept: the text, the filter tokens, the name words.
        await conn.execute(
            "UPDATE directory_entry SET search_vector = directory_entry_search_document("
            "id, name, alternate_names, description), "
            "search_facets = directory_entry_search_facets(id)"
        )
        await conn.execute(
            "INSERT INTO directory_entry_fts_words (word) SELECT DISTINCT "
            "directory_entry_name_words(name) FROM directory_entry ON CONFLICT DO NOTHING"
        )
        await conn.execute(
            "SELECT setval(pg_get_serial_sequence('directory_entry', 'id'), "
            "(SELECT max(id) FROM directory_entry))"
        )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def _summary(timings: list[float], label: str) -> dict:
    timings = sorted(timings)
    return {
        f"{label}median_ms": statistics.median(timings),
        f"{label}p99_ms": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
    }


async def measure_latency(queries: list, rounds: int, label: str = "", per_query=None) -> dict:
    """Median and p99 over every run of every query, then the median of each kind."""
    for _, query in queries:  # warm caches once
        await search(query)
    timings: list[list[float]] = [[] for _ in queries]
    for _ in range(rounds):
        for i, (_, query) in enumerate(queries):
            start = time.perf_counter()
            await search(query)
            timings[i].append((time.perf_counter() - start) * 1000)
    result = _summary([t for ts in timings for t in ts], label)
    result[f"{label}samples"] = rounds * len(queries)
    kinds: dict[str, list[float]] = {}
    for (kind, _), ts in zip(queries, timings, strict=True):
        kinds.setdefault(kind, []).extend(ts)
    for kind, ts in kinds.items():
        result[f"  {kind}: median_ms"] = statistics.median(ts)
    if per_query is not None:
        for (_, query), ts in zip(queries, timings, strict=True):
            per_query.append((query, statistics.median(ts), max(ts)))
    return result


async def measure_after_write(rounds: int) -> dict:
    """Searches right after a change to an entry: whatever search keeps under the stamp
    must be worked out again then (browsing's counts; a text query's count of all its
    matches beyond the cap), so this is what the first visitor after an edit pays."""
    conn = Tortoise.get_connection("default")
    browse = [query for kind, query in BROAD_QUERIES if kind == BROWSE]
    beyond = [query for kind, query in QUERIES + BROAD_QUERIES if kind in (MANY, BROAD)]
    result = {}
    for label, queries in (("browse_after_write_", browse), ("beyond_cap_after_write_", beyond)):
        timings = []
        for _ in range(rounds):
            for query in queries:
                await conn.execute_query("UPDATE directory_entry SET kind = kind WHERE id = 1")
                start = time.perf_counter()
                await search(query)
                timings.append((time.perf_counter() - start) * 1000)
        result.update(_summary(timings, label))
    return result


async def run(label: str, database_url: str, args, data_dir: str) -> dict:
    await asyncio.to_thread(migrate.upgrade, database_url)
    settings = Settings(database_url=database_url, secret_key="x" * 40)
    await Tortoise.init(config=tortoise_config(settings))
    try:
        themes, areas = await taxonomy_ids()
        rows = generate(args.entries, themes, areas)
        start = time.perf_counter()
        if label == "sqlite":
            await asyncio.to_thread(load_sqlite, sqlite_path(database_url), rows)
        else:
            await load_postgres(database_url, rows)
        loaded = time.perf_counter() - start
        result = {"database": label, "entries": args.entries, "load_s": round(loaded, 1)}
        per_query: list = []
        result.update(await measure_latency(QUERIES, args.rounds, per_query=per_query))
        result.update(await measure_latency(BROAD_QUERIES, args.rounds, "broad_", per_query))
        result.update(await measure_after_write(max(1, args.rounds // 2)))
        if args.per_query:
            for query, median, worst in per_query:
                words = query.text[:30] or "(no words)"
                filters = " ".join(
                    f"{k}={v}"
                    for k in ("kind", "theme", "area", "page")
                    if (v := getattr(query, k)) not in ("", 1)
                )
                print(f"  {words!r:34} {filters:48} median {median:7.2f} ms  max {worst:7.2f} ms")
    finally:
        await Tortoise.close_connections()
    if not args.skip_http:
        paths = [f"/directory?q={quote_plus(q.text)}" for _, q in QUERIES[:10]]
        result.update(await measure_http(database_url, data_dir, args.seconds, paths))
    return result


async def one_database(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        if args.only == "sqlite":
            return await run("sqlite", f"sqlite://{tmp}/bench.sqlite3", args, tmp)
        name = f"convenor_bench_{secrets.token_hex(4)}"
        server = args.postgres.replace("postgres://", "postgresql://", 1)
        conn = await asyncpg.connect(server)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        try:
            url = urlsplit(args.postgres)._replace(path=f"/{name}").geturl()
            return await run("postgres", url, args, tmp)
        finally:
            conn = await asyncpg.connect(server)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()


def _shown(key: str, value: object) -> object:
    if not isinstance(value, float):
        return value
    return f"{value:.4f}" if key.startswith("ratio") else round(value, 2)


def _targets(result: dict) -> str:
    """The issue's targets: on SQLite median < 5 ms and p99 < 25 ms in-process; the
    search page at least 0.01 of hello-world (over HTTP, when measured)."""
    met = {}
    if result["database"] == "sqlite":
        met["median<5ms"] = result["median_ms"] < 5
        met["p99<25ms"] = result["p99_ms"] < 25
    if "ratio" in result:
        met["ratio>=0.01"] = result["ratio"] >= 0.01
    return " ".join(f"{name}:{'yes' if ok else 'NO'}" for name, ok in met.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--postgres", default=os.environ.get("CONVENOR_TEST_DATABASE_URL", ""))
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--per-query", action="store_true", help="each query's median too")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        result = asyncio.run(one_database(args))
        print("\n".join(f"{k}={_shown(k, v)}" for k, v in result.items()))
        print(f"targets_met={_targets(result)}")
        return
    # One process per database: Tortoise caches SQL per dialect on the model classes.
    for database in ["sqlite", "postgres"] if args.postgres else ["sqlite"]:
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--only", database], check=True)


if __name__ == "__main__":
    main()
