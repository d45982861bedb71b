"""Sign-ins against a served app: does the event loop keep answering, and does the lockout hold?

Serves the app in its own process (uvicorn, one worker, SQLite in a temporary
directory, a staff user made first with the `convenor` command and copied to N
accounts with the same password hash), then:

1. times ``/healthz`` on its own (idle), one request after another on a keep-alive
   connection from a thread of its own;
2. times ``/healthz`` the same way while N sign-ins with the right password arrive at
   once, one per account, each from its own client (own CSRF cookie, own address by
   X-Forwarded-For, which uvicorn trusts from 127.0.0.1): every one checks a password;
3. sends 30 sign-ins with wrong passwords for one account at once, from 30 addresses,
   and counts how many were checked: the 400 answers (a wrong password, checked)
   against the 429s (refused by the lockout before any check), and the throttle row.

Targets (issue 15): /healthz p99 under 20 ms during the sign-ins; at most 5 of the 30
checked. ``--source DIR`` serves another copy of the code (e.g. ``git archive`` of an
earlier commit unpacked in DIR) to measure before and after on the same machine.

    .venv/bin/python benchmarks/security_login.py [--sign-ins 48] [--source DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import http.client
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from harness import ROOT, free_port

EMAIL = "bench@example.org"
EMAILS = "bench-{}@example.org"
PASSWORD = "a long benchmark password"
MARKER = 'name="csrf_token" value="'


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"{len(ms)} requests, p50 {statistics.median(ms):.1f} ms, "
        f"p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms"
    )


class HealthProbe(threading.Thread):
    """GET /healthz back to back on one keep-alive connection, timing each."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.times: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            start = time.perf_counter()
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            self.times.append(time.perf_counter() - start)
            if response.status != 200:
                raise RuntimeError(f"/healthz answered {response.status}")
            time.sleep(0.002)  # a probe, not a load: leave the loop to the sign-ins
        conn.close()


def convenor(args: list[str], env: dict[str, str], cwd: str) -> str:
    command = [sys.executable, "-c", "from convenor.cli import main; main()", *args]
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"convenor {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def start_server(env: dict[str, str], cwd: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "convenor.asgi:app_from_env", "--factory",
        "--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=cwd)
    for _ in range(400):
        try:
            with httpx.Client() as client:
                if client.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    return process, port
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the app did not start")


async def login_form(base: str) -> tuple[httpx.AsyncClient, str]:
    """A client holding the CSRF cookie, and the form's token."""
    client = httpx.AsyncClient(base_url=base, timeout=120)
    page = (await client.get("/login")).text
    start = page.index(MARKER) + len(MARKER)
    return client, page[start : page.index('"', start)]


def copy_user(path: Path, count: int) -> list[str]:
    """Copies of the staff user (same password hash) under ``count`` emails."""
    emails = [EMAILS.format(i) for i in range(count)]
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO staff_user (email, name, role, password_hash, is_active, created_at, "
            "password_changed_at) SELECT ?, name, role, password_hash, is_active, created_at, "
            "password_changed_at FROM staff_user WHERE email = ?",
            [(email, EMAIL) for email in emails],
        )
    return emails


async def sign_ins(base: str, attempts: list[tuple[str, str]]) -> tuple[list[int], float]:
    """Post every sign-in (email, password) at once, each from its own address;
    returns the statuses and the seconds taken."""
    forms = [await login_form(base) for _ in attempts]
    start = time.perf_counter()
    responses = await asyncio.gather(
        *(
            client.post(
                "/login",
                data={"email": email, "password": password, "csrf_token": token},
                headers={"X-Forwarded-For": f"198.51.100.{i % 250 + 1}"},
            )
            for i, ((client, token), (email, password)) in enumerate(
                zip(forms, attempts, strict=True)
            )
        )
    )
    took = time.perf_counter() - start
    for client, _ in forms:
        await client.aclose()
    return [r.status_code for r in responses], took


def checked_from_database(path: Path) -> str:
    """The throttle row's attempts for the account (or, on older code, failure rows)."""
    key = hashlib.sha256(f"account:{EMAIL}".encode()).hexdigest()
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if "login_throttle" in tables:
            row = db.execute(
                "SELECT attempts FROM login_throttle WHERE throttle_key = ?", [key]
            ).fetchone()
            return f"login_throttle attempts for the account: {row[0] if row else 0}"
        count = db.execute("SELECT count(*) FROM login_failure").fetchone()[0]
        return f"login_failure rows: {count}"


def counts(statuses: list[int]) -> str:
    return ", ".join(f"{statuses.count(s)} x {s}" for s in sorted(set(statuses)))


async def main(sign_in_count: int, source: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="convenor-login-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONVENOR_")}
        env.update(CONVENOR_DATA_DIR=tmp, CONVENOR_SECRET_KEY="b" * 48)
        if source:
            env["PYTHONPATH"] = source
        convenor(["migrate"], env, tmp)
        convenor(["create-user", EMAIL, "--role", "organiser", "--password", PASSWORD], env, tmp)
        emails = copy_user(Path(tmp) / "convenor.sqlite3", sign_in_count)
        server, port = start_server(env, tmp)
        base = f"http://127.0.0.1:{port}"
        try:
            print(f"code: {source or ROOT}")
            idle = HealthProbe(port)
            idle.start()
            await asyncio.sleep(2)
            idle.stop.set()
            idle.join()
            print(f"/healthz idle: {summary(idle.times)}")

            probe = HealthProbe(port)
            probe.start()
            statuses, took = await sign_ins(base, [(email, PASSWORD) for email in emails])
            probe.stop.set()
            probe.join()
            print(f"{sign_in_count} sign-ins at once: {counts(statuses)} in {took:.2f} s")
            print(f"/healthz during them: {summary(probe.times)}")

            statuses, took = await sign_ins(base, [(EMAIL, f"wrong {i}") for i in range(30)])
            print(
                f"30 wrong passwords for one account at once: {counts(statuses)} "
                f"in {took:.2f} s; checked (400s): {statuses.count(400)}; "
                + checked_from_database(Path(tmp) / "convenor.sqlite3")
            )
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sign-ins", type=int, default=48)
    parser.add_argument("--source", help="serve the code in this directory instead")
    options = parser.parse_args()
    source = str(Path(options.source).resolve()) if options.source else None
    asyncio.run(main(options.sign_ins, source))
