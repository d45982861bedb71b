"""Plans analysis benchmark (issue 21): the organiser's analysis page of a plan with
5,000 submitted responses over 40 actions (8 priorities of 5 actions), in-process, on
SQLite and PostgreSQL.

Per database:
- data: 5,000 sent responses (7 in 10 public, 2 delegates, 1 partner; every capacity)
  and 300 drafts, each answering every one of the 40 actions (200,000 answers of the
  sent ones, one in eight with a comment, public comments mostly approved, some waiting
  or hidden, some redacted), "what is missing" on one priority in five, 400 workshop
  table points; written in bulk;
- exactness: ``plans.analysis.analyse`` and the comment list are checked against the
  counts kept while the data was made (support per action and value, comments per
  action, respondents by capacity, the comment total);
- the page through the ASGI app (a signed-in organiser's GET
  /staff/plans/{id}/analysis, rendered, 40 charts and tables): unfiltered, filtered by
  capacity, one action, a search for words (folded in Python over every comment), and
  page 100 of the comments; median and p95 over ``--rounds``. Target: the unfiltered
  page under 300 ms (median and p95).

Usage:
    .venv/bin/python benchmarks/plans_analysis.py [--respondents 5000] [--rounds 20]
        [--postgres URL]
"""

# SQL here is assembled only from constants and placeholders; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import httpx  # noqa: E402
from harness import hello, scratch_postgres  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from convenor import auth, migrate  # noqa: E402
from convenor.app import create_app  # noqa: E402
from convenor.models import Role  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from events.models import Event  # noqa: E402
from plans.analysis import Filters, analyse  # noqa: E402
from plans.analysis_comments import comment_page  # noqa: E402
from plans.models import Action, Facilitator, Plan, PlanStatus, Priority, TablePoint  # noqa: E402
from programmes.models import Session  # noqa: E402

PASSWORD = "benchmark-password-1234"
TARGET_MS = 300
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
KINDS = ["public"] * 7 + ["delegate"] * 2 + ["partner"]
CAPACITIES = ["resident", "community_group", "partner_agency", "business", "other", None]
WORDS = "patrols lighting youth workers library buses knife crime café Łódź mentoring".split()


def summary(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


async def timed(call, rounds: int) -> tuple[float, float]:
    await call()  # warm up
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        await call()
        timings.append((time.perf_counter() - start) * 1000)
    return summary(timings)


async def make_plan() -> tuple[Plan, list[Action]]:
    plan = await Plan.create(
        uuid=str(uuid.uuid4()), partnership="Southampton Safe City Partnership",
        title="Serious Violence Delivery Plan", status=PlanStatus.CONSULTATION,
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    actions = []
    for p in range(8):
        priority = await Priority.create(
            plan=plan, ref=f"p{p}", position=p, title=f"Priority {p + 1}"
        )
        for a in range(5):
            actions.append(
                await Action.create(
                    plan=plan, priority=priority, ref=f"a{p}{a}", position=a,
                    text=f"Action {p + 1}.{a + 1}: work together on {WORDS[(p + a) % 10]}",
                )
            )  # fmt: skip
    return plan, actions


async def load(respondents: int, seed: int = 21) -> dict:
    """The responses, written in bulk; returns the counts kept while making them."""
    rng = random.Random(seed)
    plan, actions = await make_plan()
    conn = Tortoise.get_connection("default")
    sqlite = conn.capabilities.dialect == "sqlite"

    def marks(n: int) -> str:
        return ", ".join("?" if sqlite else f"${i}" for i in range(1, n + 1))

    people, kept_capacity = [], {}
    for i in range(respondents + 300):
        submitted = i < respondents
        capacity = rng.choice(CAPACITIES)
        if submitted:
            kept_capacity[capacity or ""] = kept_capacity.get(capacity or "", 0) + 1
        people.append([
            i + 1, plan.id, rng.choice(KINDS), f"email:{i}", f"Person {i}", f"p{i}@example.org",
            capacity, "", False, NOW, NOW, NOW if submitted else None,
        ])  # fmt: skip
    await conn.execute_many(
        "INSERT INTO plan_respondent (id, plan_id, kind, identity, name, email, capacity, "
        f"organisation, may_quote, created_at, updated_at, submitted_at) VALUES ({marks(12)})",
        people,
    )
    support = {a.id: dict.fromkeys((1, 2, 3, 4, 5, None), 0) for a in actions}
    comments = dict.fromkeys((a.id for a in actions), 0)
    rows, listed = [], 0
    for who in people:
        submitted, public = who[11] is not None, who[2] == "public"
        for action in actions:
            value = rng.choice((1, 2, 3, 4, 5, 5, 4, None))
            text = " ".join(rng.sample(WORDS, 4)) if rng.random() < 0.125 else ""
            moderation = "not_needed"
            if public:
                moderation = rng.choice(("approved",) * 8 + ("waiting", "hidden"))
            redacted = "[redacted] " + text if text and rng.random() < 0.05 else None
            at = NOW - timedelta(minutes=rng.randint(0, 60 * 24 * 30))
            rows.append([
                who[0], plan.id, f"action:{action.ref}", action.priority_id, action.id, value,
                text, "", moderation, redacted, "", "", at, at,
            ])  # fmt: skip
            if submitted:
                support[action.id][value] += 1
                if text and moderation in ("not_needed", "approved"):
                    comments[action.id] += 1
                    listed += 1
        for p in range(8):
            if rng.random() < 0.2:
                missing = "Nothing about " + rng.choice(WORDS)
                moderation = "approved" if public else "not_needed"
                rows.append([
                    who[0], plan.id, f"priority:p{p}", actions[p * 5].priority_id, None, None,
                    "", missing, moderation, None, "", "", NOW, NOW,
                ])  # fmt: skip
                listed += submitted
    insert = (
        "INSERT INTO plan_answer (respondent_id, plan_id, target, priority_id, action_id, "
        "support, comment, missing, moderation, redacted_comment, moderation_reason, "
        f"moderated_by, created_at, updated_at) VALUES ({marks(14)})"
    )
    for start in range(0, len(rows), 20_000):
        await conn.execute_many(insert, rows[start : start + 20_000])
    await load_points(plan, actions, rng)
    if not sqlite:
        await conn.execute_script(
            "SELECT setval('plan_respondent_id_seq', (SELECT max(id) FROM plan_respondent))"
        )
        # What autovacuum does after a bulk load: statistics and the visibility map (so
        # the support count can read its index alone).
        for table in ("plan_answer", "plan_respondent"):
            await conn.execute_script(f"VACUUM ANALYZE {table}")
    else:
        await conn.execute_script("ANALYZE")
    return {"plan": plan, "actions": actions, "support": support, "comments": comments,
            "capacity": kept_capacity, "listed": listed + 400}  # fmt: skip


async def load_points(plan: Plan, actions: list[Action], rng) -> None:
    """400 workshop points from 20 tables of one workshop session."""
    event = await Event.create(
        uuid=str(uuid.uuid4()), title="Summit", contact_email="e@example.org", capacity=200,
        calendar_uid="summit@bench", starts_at=NOW, ends_at=NOW, created_at=NOW,
        updated_at=NOW,
    )  # fmt: skip
    session = await Session.create(
        event=event, title="Workshop", kind="workshop", starts_at=NOW, ends_at=NOW,
        calendar_uid="workshop@bench", created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    points = []
    for table in range(20):
        facilitator = await Facilitator.create(
            plan=plan, session=session, name=f"Facilitator {table}", email=f"f{table}@x.org",
            table_label=f"Table {table + 1}", created_at=NOW,
        )  # fmt: skip
        for _ in range(20):
            action = rng.choice(actions)
            points.append(
                TablePoint(
                    plan=plan, facilitator=facilitator, priority_id=action.priority_id,
                    action=action, text=" ".join(rng.sample(WORDS, 5)), created_at=NOW,
                    updated_at=NOW,
                )
            )  # fmt: skip
    await TablePoint.bulk_create(points)


async def check(data: dict) -> None:
    """The analysis equals the counts kept while the data was made."""
    plan = data["plan"]
    result = await analyse(plan.id, Filters())
    for figures in result.actions:
        want = data["support"][figures.action.id]
        got = {**figures.support, None: figures.no_view}
        if got != want or figures.comments != data["comments"][figures.action.id]:
            raise SystemExit(f"NOT EXACT: action {figures.action.number}: {got} != {want}")
    if result.by_capacity != data["capacity"]:
        raise SystemExit(f"NOT EXACT: by capacity {result.by_capacity} != {data['capacity']}")
    page = await comment_page(plan.id, Filters())
    if page.total != data["listed"]:
        raise SystemExit(f"NOT EXACT: {page.total} comments listed, expected {data['listed']}")


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
        data = await load(args.respondents)
        answers = sum(sum(s.values()) for s in data["support"].values())
        print(f"[{label}] loaded {args.respondents:,} responses ({answers:,} answers to "
              f"actions) in {time.perf_counter() - start:.1f} s")  # fmt: skip
        await check(data)
        print(f"[{label}] exact: support per action, comments, capacities, comment total")
        organiser = await auth.create_user("org@example.org", Role.ORGANISER, PASSWORD)
        plan_id, action_id = data["plan"].id, data["actions"][7].id
        results = {}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await signed_in(client, organiser.email)

            async def get(path: str) -> None:
                response = await client.get(path)
                if response.status_code != 200 or "Comments (" not in response.text:
                    raise SystemExit(f"GET {path}: {response.status_code}")

            base = f"/staff/plans/{plan_id}/analysis"
            for name, path in {
                "page unfiltered": base,
                "page capacity=resident": f"{base}?capacity=resident",
                "page one action": f"{base}?action={action_id}",
                "page search 'lodz youth'": f"{base}?q=lodz+youth",
                "page comments page 100": f"{base}?page=100",
            }.items():
                results[name] = await timed(lambda path=path: get(path), args.rounds)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=hello), base_url="http://testserver"
        ) as raw:
            baseline = await timed(lambda: raw.get("/"), args.rounds)
        print(f"[{label}] raw ASGI hello-world in-process: median {baseline[0]:.2f} ms "
              f"(the machine's speed in this run)")  # fmt: skip
        for name, (median, p95) in results.items():
            print(f"[{label}] {name:26} median {median:7.1f} ms  p95 {p95:7.1f} ms")
        median, p95 = results["page unfiltered"]
        verdict = "yes" if max(median, p95) < TARGET_MS else "NO"
        print(f"[{label}] target: unfiltered page under {TARGET_MS} ms (median, p95): {verdict}")
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
    parser.add_argument("--respondents", type=int, default=5_000)
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
