"""The `convenor` command in real processes: settings errors, demo, check, serve."""

import asyncio
import subprocess

import httpx

from tests.commands import CONVENOR, command_env, copy_data_dir, run
from tests.conftest import form_token
from tests.mailserver import free_port


def test_invalid_setting_stops_with_one_line_naming_it(tmp_path):
    env = command_env(tmp_path, CONVENOR_ENV="staging")

    result = run(["check"], env, tmp_path)

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: CONVENOR_ENV must be one of development, production, not 'staging'"
    )


def test_production_without_secret_key_refuses_to_start(tmp_path):
    env = command_env(tmp_path, CONVENOR_ENV="production")

    result = run(["check"], env, tmp_path)

    assert result.returncode == 2
    assert "CONVENOR_SECRET_KEY is required when CONVENOR_ENV=production" in result.stderr


def test_check_masks_secrets_and_reports_database(tmp_path):
    env = command_env(
        tmp_path, CONVENOR_SMTP_URL="smtp://mailer:hunter2hunter2@mail.example.org:587"
    )

    result = run(["check"], env, tmp_path)

    assert result.returncode == 0, result.stderr
    assert "hunter2" not in result.stdout
    assert "CONVENOR_SMTP_URL=smtp://mailer:***@mail.example.org:587" in result.stdout
    assert "CONVENOR_SECRET_KEY=*** (set)" in result.stdout
    assert "database: ok" in result.stdout


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    env = command_env(tmp_path)

    run(["check"], env, tmp_path)
    first = (tmp_path / "secret_key").read_text()
    run(["check"], env, tmp_path)

    assert len(first) >= 32
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


async def test_migrate_demo_and_serve_give_a_working_demo_login(tmp_path):
    env = command_env(tmp_path)
    assert run(["migrate"], env, tmp_path).returncode == 0
    demo = run(["demo"], env, tmp_path)
    line = next(x for x in demo.stdout.splitlines() if "organiser@example.org" in x)
    password = line.split("password:")[1].strip()
    port = free_port()
    server = subprocess.Popen(
        [CONVENOR, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as client:
            for _ in range(100):
                try:
                    page = await client.get("/login")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            token = form_token(page)
            response = await client.post(
                "/login",
                data={"email": "organiser@example.org", "password": password, "csrf_token": token},
            )
            dashboard = await client.get("/staff")
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert demo.returncode == 0
    assert "Loaded the demo summit." in demo.stdout
    assert response.status_code == 303
    assert dashboard.status_code == 200
    assert "Olivia Organiser" in dashboard.text


def test_demo_in_production_prints_a_random_password(tmp_path, migrated_data_dir):
    env = command_env(tmp_path, CONVENOR_ENV="production", CONVENOR_SECRET_KEY="s" * 40)
    copy_data_dir(migrated_data_dir, tmp_path)

    result = run(["demo"], env, tmp_path)

    line = next(x for x in result.stdout.splitlines() if "organiser@example.org" in x)
    assert "summit-demo-password" not in line
    assert len(line.split("password:")[1].strip()) >= 16


def test_create_user_and_token(tmp_path, migrated_data_dir):
    env = command_env(tmp_path)
    copy_data_dir(migrated_data_dir, tmp_path)

    created = run(["create-user", "lead@example.org", "--role", "moderator"], env, tmp_path)
    token = run(["create-token", "lead@example.org"], env, tmp_path)
    missing = run(["create-token", "nobody@example.org"], env, tmp_path)

    assert created.returncode == 0
    assert created.stdout.startswith("Created moderator lead@example.org with password: ")
    assert token.returncode == 0 and token.stdout.startswith("cvn_")
    assert missing.returncode == 1
    assert "There is no active staff user with this email address" in missing.stderr


async def test_readyz_is_503_while_the_database_is_unreachable(tmp_path):
    env = command_env(tmp_path, CONVENOR_DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing")
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
            for _ in range(100):
                try:
                    healthz = await client.get("/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            readyz = await client.get("/readyz")
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert healthz.status_code == 200
    assert readyz.status_code == 503
    assert readyz.json() == {"status": "unavailable", "database": "unreachable"}
