"""``convenor events ...`` commands: purging sensitive answers (dietary, access and
answers to sensitive questions) now (the worker also does
it every hour).

Settings and the ORM are set up here the same way as the core commands do, without
importing ``convenor.cli`` (which imports this module to find its commands).
"""

from __future__ import annotations

import asyncio
import sys

import click
from tortoise import Tortoise

from convenor.db import tortoise_config
from convenor.settings import Settings, SettingsError
from events.privacy import purge_sensitive_answers


async def _purge(settings: Settings) -> list[str]:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        return [event.title for event in await purge_sensitive_answers()]
    finally:
        await Tortoise.close_connections()


@click.group("events")
def events() -> None:
    """Invite-only events."""


@events.command("purge")
def purge_command() -> None:
    """Wipe dietary and access answers, and answers to sensitive questions, of events past
    their purge date (the worker does this every hour; use this to do it now)."""
    try:
        settings = Settings.from_env().with_secret_key()
    except SettingsError as exc:
        click.echo(f"Configuration error: {exc}", err=True)
        sys.exit(2)
    titles = asyncio.run(_purge(settings))
    for title in titles:
        click.echo(f"Purged dietary and access answers: {title}")
    click.echo(f"{len(titles)} event(s) purged.")


commands = [events]
