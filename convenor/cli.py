"""The ``convenor`` command: serve, migrate, worker, demo, create-user, create-token, check,
tokens list|revoke, deactivate-user, reactivate-user.

Domains add their own command groups (``<domain>.cli.commands``), e.g. ``convenor
directory import``. A bad setting stops every command with one line naming it.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import secrets
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click
import uvicorn
import uvicorn.config
from tortoise import Tortoise

from convenor import accounts, auth, migrate
from convenor.db import database_answers, tortoise_config
from convenor.demo import load_demo
from convenor.domains import domain_attr
from convenor.errors import DomainError, Invalid
from convenor.mail.transport import check_settings
from convenor.mail.worker import run_worker
from convenor.models import Role
from convenor.settings import DEFAULT_DOMAINS, Settings, SettingsError, read_dotenv

BASE_URL = "CONVENOR_BASE_URL"


def load_settings() -> Settings:
    try:
        return Settings.from_env().with_secret_key()
    except SettingsError as exc:
        click.echo(f"Configuration error: {exc}", err=True)
        sys.exit(2)


@contextlib.asynccontextmanager
async def orm(settings: Settings) -> AsyncIterator[None]:
    """Tortoise for a command-line task (the web app uses RegisterTortoise instead)."""
    auth.use_password_hashing(settings)
    await Tortoise.init(config=tortoise_config(settings))
    try:
        yield
    finally:
        await Tortoise.close_connections()


def run(coro):
    return asyncio.run(coro)


def base_url_set() -> bool:
    """Whether CONVENOR_BASE_URL is set by hand (in the environment or in .env)."""
    dotenv = Path(".env")
    return BASE_URL in os.environ or (dotenv.is_file() and BASE_URL in read_dotenv(dotenv))


def served_at(host: str, port: int) -> str:
    """The address of ``--host``/``--port`` for links: an any-address host is this machine."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 (a name for the address, not a bind)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


@click.group()
def main() -> None:
    """Convenor: invite-only summits and a community directory."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app (with the mail delivery worker inside).

    Unless CONVENOR_BASE_URL is set, emailed links use the address served (--host, --port).
    """
    if not base_url_set():
        # The app (and each worker process uvicorn starts) reads its settings from here.
        os.environ[BASE_URL] = served_at(host, port)
    load_settings()
    uvicorn.run(
        "convenor.asgi:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
        log_level="info",
        log_config=serve_logging(),
    )


def serve_logging() -> dict:
    """uvicorn's logging, with personal-link tokens redacted from every line it writes
    (the access log shows request paths: ``/i/<token>``, ``/agenda/<token>.ics``)."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": "convenor.redact.RedactFilter"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact"]
    for name in ("uvicorn.access", "convenor.request"):
        config["loggers"].setdefault(name, {})["filters"] = ["redact"]
    return config


@main.command("migrate")
def migrate_command() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    settings = load_settings()
    migrate.upgrade(settings.database_url)
    click.echo("Database is up to date.")


@main.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
def worker(once: bool) -> None:
    """Deliver queued email (when not running inside `convenor serve`)."""
    settings = load_settings()

    async def go():
        async with orm(settings):
            await run_worker(settings, once=once)

    run(go())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="As `serve` will be given.")
@click.option("--port", default=8000, show_default=True, type=int, help="As `serve` will be given.")
def demo(host: str, port: int) -> None:
    """Load the demo summit if the database is empty, and print how to sign in.

    Unless CONVENOR_BASE_URL is set, the demo's emailed links and the sign-in line use
    the address `convenor serve` will be given (--host, --port).
    """
    settings = load_settings()
    if not base_url_set():
        settings = replace(settings, base_url=served_at(host, port))

    async def go():
        async with orm(settings):
            return await load_demo(settings)

    logins = run(go())
    click.echo("Loaded the demo summit." if logins.created else "Demo data already present.")
    for email, role, password in logins.accounts:
        click.echo(f"  {role:<10} {email}  password: {password}")
    if logins.accounts:
        click.echo(f"Sign in at {settings.base_url}/login")


@main.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="")
@click.option("--password", default=None, help="Omit to generate one (printed once).")
def create_user(email: str, role: str, name: str, password: str | None) -> None:
    """Create a staff user."""
    settings = load_settings()
    password = password or secrets.token_urlsafe(15)

    async def go():
        async with orm(settings):
            return await auth.create_user(email, role, password, name=name)

    try:
        user = run(go())
    except Invalid as exc:
        for message in exc.fields.values() or [exc.message]:
            click.echo(f"Error: {message}", err=True)
        sys.exit(1)
    click.echo(f"Created {user.role} {user.email} with password: {password}")


def fail(exc: DomainError) -> None:
    """Print a service's error in one line and stop with status 1."""
    click.echo(f"Error: {next(iter(exc.fields.values()), exc.message)}", err=True)
    sys.exit(1)


def utc(value: datetime | None, empty: str = "-") -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else empty


@main.command("create-token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for.")
@click.option(
    "--days",
    type=int,
    default=None,
    help="How long it works [default: CONVENOR_API_TOKEN_DAYS, 90].",
)
def create_token(email: str, name: str, days: int | None) -> None:
    """Issue an API bearer token for a staff user (shown once).

    The token alone goes to standard output (so TOKEN=$(convenor create-token ...)
    works); when it expires goes to standard error.
    """
    settings = load_settings()
    days = settings.api_token_days if days is None else days

    async def go():
        async with orm(settings):
            return await auth.issue_api_token(email, name, days)

    try:
        token, record = run(go())
    except Invalid as exc:
        fail(exc)
    click.echo(token)
    click.echo(
        f"Token {record.id} expires {utc(record.expires_at)} "
        f"(in {days} day{'' if days == 1 else 's'}). "
        f"Revoke it with: convenor tokens revoke {record.id}",
        err=True,
    )


@main.group()
def tokens() -> None:
    """List and revoke API tokens."""


@tokens.command("list")
@click.argument("email", required=False)
def tokens_list(email: str | None) -> None:
    """List API tokens (never the tokens themselves), newest first; one user's with EMAIL."""
    settings = load_settings()

    async def go():
        async with orm(settings):
            return await accounts.list_tokens(email), auth.now()

    try:
        found, at = run(go())
    except DomainError as exc:
        fail(exc)
    if not found:
        click.echo("No API tokens.")
        return
    row = "{:>5}  {:<30}  {:<20}  {:<20}  {:<20}  {:<20}  {}"
    click.echo(row.format("ID", "USER", "NAME", "CREATED", "LAST USED", "EXPIRES", "REVOKED"))
    for token in found:
        expires = utc(token.expires_at)
        if accounts.token_state(token, at) == "expired":
            expires += " (expired)"
        click.echo(
            row.format(
                token.id,
                token.user.email,
                token.name or "-",
                utc(token.created_at),
                utc(token.last_used_at, "never"),
                expires,
                utc(token.revoked_at, "no"),
            )
        )


@tokens.command("revoke")
@click.argument("token_id")
def tokens_revoke(token_id: str) -> None:
    """Revoke the API token with this ID (from `convenor tokens list`)."""
    settings = load_settings()

    async def go():
        async with orm(settings):
            return await accounts.revoke_token(accounts.parse_id(token_id))

    try:
        token, revoked_now = run(go())
    except DomainError:
        click.echo(f"Error: There is no API token with ID {token_id}", err=True)
        sys.exit(1)
    if revoked_now:
        click.echo(f"Revoked token {token.id} of {token.user.email}.")
    else:
        click.echo(f"Token {token.id} of {token.user.email} was already revoked.")


def _set_active(email: str, active: bool) -> None:
    settings = load_settings()

    async def go():
        async with orm(settings):
            user = await accounts.find_user(email)
            if active:
                return await accounts.reactivate_user(user.id)
            return await accounts.deactivate_user(user.id)

    try:
        user = run(go())
    except DomainError as exc:
        fail(exc)
    if active:
        click.echo(f"Reactivated {user.email}: they can sign in again (with new API tokens).")
    else:
        click.echo(f"Deactivated {user.email}: their sessions and API tokens have ended.")


@main.command("deactivate-user")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Stop a staff user signing in; ends their sessions and revokes their API tokens."""
    _set_active(email, active=False)


@main.command("reactivate-user")
@click.argument("email")
def reactivate_user(email: str) -> None:
    """Let a deactivated staff user sign in again (old sessions and tokens stay ended)."""
    _set_active(email, active=True)


@main.command()
def check() -> None:
    """Print the effective configuration (secrets masked) and check the database."""
    settings = load_settings()
    for key, value in settings.masked().items():
        click.echo(f"{key}={value}")

    async def go() -> bool:
        try:
            async with orm(settings):
                return await database_answers()
        except Exception:
            return False

    ok = run(go())
    click.echo(f"database: {'ok' if ok else 'UNREACHABLE'}")
    click.echo(run(check_settings(settings)))
    if not ok:
        sys.exit(1)


for commands in domain_attr(DEFAULT_DOMAINS, "cli", "commands"):
    for command in commands:
        main.add_command(command)
