"""`convenor serve` and `convenor demo` with a port and no CONVENOR_BASE_URL: emailed
links and the printed sign-in line use the address served (issue 16)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess

import httpx

from convenor.cli import served_at
from tests.commands import CONVENOR, command_env, copy_data_dir, run
from tests.conftest import form_token
from tests.directory.factories import GROUP_FORM
from tests.mailserver import free_port


def outbox_bodies(data_dir) -> list[str]:
    with sqlite3.connect(data_dir / "convenor.sqlite3") as db:
        return [row[0] for row in db.execute("SELECT text_body FROM outbox_message ORDER BY id")]


def test_demo_with_a_port_prints_and_emails_that_port(tmp_path, migrated_data_dir):
    env = command_env(tmp_path)
    copy_data_dir(migrated_data_dir, tmp_path)

    demo = run(["demo", "--port", "8101"], env, tmp_path)

    assert demo.returncode == 0, demo.stderr
    assert "Sign in at http://127.0.0.1:8101/login" in demo.stdout
    bodies = outbox_bodies(tmp_path)
    assert bodies  # the demo sends its invitations
    assert all("http://127.0.0.1:8101/i/" in body for body in bodies if "/i/" in body)
    assert not any("127.0.0.1:8000" in body for body in bodies)


def test_demo_base_url_set_by_hand_wins_over_the_port(tmp_path, migrated_data_dir):
    env = command_env(tmp_path, CONVENOR_BASE_URL="https://summit.example.org")
    copy_data_dir(migrated_data_dir, tmp_path)

    demo = run(["demo", "--port", "8101"], env, tmp_path)

    assert "Sign in at https://summit.example.org/login" in demo.stdout
    assert not any("8101" in body for body in outbox_bodies(tmp_path))


def test_demo_base_url_in_dotenv_wins_over_the_port(tmp_path, migrated_data_dir):
    env = command_env(tmp_path)
    (tmp_path / ".env").write_text("CONVENOR_BASE_URL=https://dotenv.example.org\n")
    copy_data_dir(migrated_data_dir, tmp_path)

    demo = run(["demo", "--port", "8101"], env, tmp_path)

    assert "Sign in at https://dotenv.example.org/login" in demo.stdout


async def test_serve_with_a_port_emails_links_with_that_port(tmp_path, migrated_data_dir):
    env = command_env(tmp_path)
    copy_data_dir(migrated_data_dir, tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [CONVENOR, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            page = None
            for _ in range(600):  # up to a minute: a loaded machine starts it slowly
                try:
                    page = await client.get("/directory/list-your-group")
                    break
                except httpx.TransportError:
                    assert server.poll() is None, "convenor serve exited"
                    await asyncio.sleep(0.1)
            assert page is not None, f"convenor serve did not answer on port {port} in 60 s"
            form = {
                **{k: v for k, v in GROUP_FORM.items() if k not in ("themes", "areas")},
                "csrf_token": form_token(page),
            }
            response = await client.post("/directory/list-your-group", data=form)
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert response.status_code == 303, response.text
    [body] = outbox_bodies(tmp_path)
    assert f"http://127.0.0.1:{port}/directory/confirm/" in body


def test_served_at_names_this_machine_for_any_address():
    assert served_at("127.0.0.1", 8101) == "http://127.0.0.1:8101"
    assert served_at("0.0.0.0", 8101) == "http://127.0.0.1:8101"  # noqa: S104
    assert served_at("::1", 8101) == "http://[::1]:8101"
    assert served_at("summit.local", 80) == "http://summit.local:80"
