"""Requests that must not eat the server: the memory a big body or a pixel bomb costs.

Serves the real app with ``convenor serve`` (uvicorn, one worker: the server is the
process started) on a free port, with a SQLite database in a temporary directory, and
reads that process's VmRSS (and VmHWM, its peak) from /proc before and after each attack:

- a 120 MB chunked POST to /api/v1/events (JSON; anonymous, and with an organiser's
  API token) and to a page (/login, anonymous);
- four 8900x8900 1-bit PNGs (about 10 KB each) at once to /speaker/<made-up token>/photo
  and to a real speaker's link.

Target: 413 for the bodies, a field error (400) or 404 for the photos, and the process
growing less than 30 MB. ``--source DIR`` serves another checkout of the code (for example
``git archive <commit> | tar -x -C DIR``) to measure it before a fix.

    .venv/bin/python benchmarks/security_limits.py [--source DIR] [--megabytes 120]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from harness import free_port

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 64 * 1024
PASSWORD = "correct horse battery staple"


def png(width: int, height: int) -> bytes:
    """A black 1-bit PNG, built a row at a time (8900x8900 is under 10 KB)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    packer = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def seed() -> None:
    """(In a child process, with the server's environment.) Migrate, then make an
    organiser, a published event in 60 days and a speaker; print the speaker's link and
    an API token of the organiser."""
    # Imported here: the child imports the app from --source (its PYTHONPATH).
    from convenor import auth, migrate
    from convenor.auth import issue_link
    from convenor.cli import orm
    from convenor.models import Role
    from convenor.settings import Settings
    from events.data import EventData
    from events.service import create_event, publish_event
    from programmes.data import SpeakerData
    from programmes.speakers import add_speaker

    settings = Settings.from_env()
    migrate.upgrade(settings.database_url)
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)

    async def made() -> str:
        async with orm(settings):
            user = await auth.create_user("organiser@example.org", Role.ORGANISER, PASSWORD)
            data = EventData(
                title="Serious Violence Delivery Plan Conference",
                contact_email="events@example.org",
                starts_at=starts,
                ends_at=starts + timedelta(hours=7),
                capacity=100,
            )
            event = await publish_event(user, (await create_event(user, data)).id)
            speaker = await add_speaker(user, event.id, SpeakerData(name="Chief Constable"))
            link = await issue_link("speaker", speaker.link_subject)
            return f"{link} {await auth.create_api_token(user.email)}"

    print(asyncio.run(made()))


async def chunked(total: int):
    piece = b" " * CHUNK
    sent = 0
    while sent < total:
        size = min(CHUNK, total - sent)
        sent += size
        yield piece[:size]


async def form_token(client: httpx.AsyncClient, path: str) -> str:
    text = (await client.get(path)).text
    marker = 'name="csrf_token" value="'
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]


async def big_api_post(client: httpx.AsyncClient, size: int, token: str = "") -> list[int]:
    async def body():
        yield json.dumps({"title": "x"}).encode()
        async for piece in chunked(size):
            yield piece

    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = await client.post("/api/v1/events", content=body(), headers=headers)
    return [response.status_code]


async def big_page_post(client: httpx.AsyncClient, size: int) -> list[int]:
    token = await form_token(client, "/login")

    async def body():
        yield f"csrf_token={token}&email=a%40example.org&password=x&pad=".encode()
        async for piece in chunked(size):
            yield piece.replace(b" ", b"x")

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    response = await client.post("/login", content=body(), headers=form)
    return [response.status_code]


async def photos(client: httpx.AsyncClient, path: str, photo: bytes, at_once: int) -> list[int]:
    token = await form_token(client, "/login")

    async def one() -> int:
        files = {"photo": ("bomb.png", photo, "image/png")}
        response = await client.post(path, data={"csrf_token": token}, files=files)
        return response.status_code

    return list(await asyncio.gather(*(one() for _ in range(at_once))))


async def measure(pid: int, name: str, attack) -> dict:
    await asyncio.sleep(1.0)
    before = memory_kb(pid)
    started = time.perf_counter()
    statuses = await attack
    seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)
    after = memory_kb(pid)
    row = {
        "attack": name,
        "statuses": statuses,
        "seconds": round(seconds, 2),
        "rss_before_mb": round(before["VmRSS"] / 1024, 1),
        "rss_after_mb": round(after["VmRSS"] / 1024, 1),
        "rss_growth_mb": round((after["VmRSS"] - before["VmRSS"]) / 1024, 1),
        "peak_growth_mb": round((after["VmHWM"] - before["VmHWM"]) / 1024, 1),
    }
    print(json.dumps(row), flush=True)
    return row


def attacks(megabytes: int, speaker_token: str, api_token: str) -> list[tuple[str, Callable]]:
    size = megabytes * 1024 * 1024
    bomb = png(8900, 8900)
    made_up = secrets.token_urlsafe(32)
    return [
        (f"{megabytes} MB chunked JSON to /api/v1/events (anonymous)",
         lambda client: big_api_post(client, size)),
        (f"{megabytes} MB chunked JSON to /api/v1/events (an organiser's API token)",
         lambda client: big_api_post(client, size, api_token)),
        (f"{megabytes} MB chunked form to /login (page)",
         lambda client: big_page_post(client, size)),
        ("4 x 8900x8900 PNG at once, made-up speaker link",
         lambda client: photos(client, f"/speaker/{made_up}/photo", bomb, 4)),
        ("4 x 8900x8900 PNG at once, real speaker link",
         lambda client: photos(client, f"/speaker/{speaker_token}/photo", bomb, 4)),
    ]  # fmt: skip


async def warm_up(client: httpx.AsyncClient, speaker_token: str) -> None:
    """The code paths once with small requests (imports, templates, Pillow), so what
    grows afterwards is the attack's."""
    await big_api_post(client, 1024)
    await big_page_post(client, 1024)
    small = png(600, 400)
    await photos(client, f"/speaker/{speaker_token}/photo", small, 1)
    await photos(client, f"/speaker/{secrets.token_urlsafe(32)}/photo", small, 1)


async def attack(pid: int, port: int, speaker_token: str, name: str, send: Callable) -> dict:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
        await warm_up(client, speaker_token)
        return await measure(pid, name, send(client))


def serve(command: list[str], env: dict[str, str], source: Path, log) -> subprocess.Popen:
    server = subprocess.Popen(command, env=env, cwd=source, stdout=log, stderr=log)
    for _ in range(400):
        try:
            httpx.get(f"{env['CONVENOR_BASE_URL']}/healthz", timeout=0.5)
            return server
        except httpx.HTTPError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument("--megabytes", type=int, default=120)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed()
        return

    source = args.source.resolve()
    with tempfile.TemporaryDirectory(prefix="convenor-limits-") as scratch:
        env = {
            **os.environ,
            "PYTHONPATH": str(source),
            "CONVENOR_ENV": "development",
            "CONVENOR_DATABASE_URL": f"sqlite://{scratch}/convenor.sqlite3",
            "CONVENOR_DATA_DIR": scratch,
            "CONVENOR_SECRET_KEY": secrets.token_urlsafe(48),
        }
        seeded = subprocess.run(
            [sys.executable, __file__, "--seed"],
            env=env, cwd=source, check=True, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        speaker_token, api_token = seeded.stdout.strip().splitlines()[-1].split()
        # Each attack gets a fresh server, warmed up, so its peak is measured from the same
        # start and one attack's leftovers do not hide the next one's cost.
        for name, send in attacks(args.megabytes, speaker_token, api_token):
            port = free_port()
            env["CONVENOR_BASE_URL"] = f"http://127.0.0.1:{port}"
            command = [
                str(Path(sys.executable).parent / "convenor"), "serve", "--port", str(port),
                "--workers", "1",
            ]  # fmt: skip
            print(f"# {source}: {' '.join(command)}", flush=True)
            with open(Path(scratch) / "server.log", "a") as log:
                server = serve(command, env, source, log)
                try:
                    asyncio.run(attack(server.pid, port, speaker_token, name, send))
                finally:
                    server.terminate()
                    server.wait(timeout=30)


if __name__ == "__main__":
    main()
