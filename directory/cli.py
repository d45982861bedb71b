"""``convenor directory ...`` commands: import a spreadsheet of entries (.xlsx or CSV,
with a progress bar on a terminal); add themes and areas.

Settings and the ORM are set up here the same way as the core commands do, without
importing ``convenor.cli`` (which imports this module to find its commands).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click
from tortoise import Tortoise

from convenor.db import tortoise_config
from convenor.settings import Settings, SettingsError
from convenor.tables import MAX_BYTES, TOO_BIG, Table, TableError, read_table
from directory.importer import ImportReport, import_csv
from directory.taxonomy import ensure_taxonomy


def _settings() -> Settings:
    try:
        return Settings.from_env().with_secret_key()
    except SettingsError as exc:
        click.echo(f"Configuration error: {exc}", err=True)
        sys.exit(2)


async def _add_terms(settings: Settings, themes: tuple[str, ...], areas: tuple[str, ...]) -> None:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        await ensure_taxonomy(themes=themes, areas=areas)
    finally:
        await Tortoise.close_connections()


async def _import(settings: Settings, table: Table, source: str, **options) -> ImportReport:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        return await import_csv(table, source=source, **options)
    finally:
        await Tortoise.close_connections()


def _run_import(settings: Settings, table: Table, source: str, **options) -> ImportReport:
    """Check and import, with a progress bar when the output is a terminal."""
    if not sys.stdout.isatty():
        return asyncio.run(_import(settings, table, source, **options))
    rows = max(len(table.rows) - 1, 0)
    with click.progressbar(length=rows, label="Checking rows", file=sys.stdout) as bar:
        return asyncio.run(_import(settings, table, source, progress=bar.update, **options))


@click.group("directory")
def directory() -> None:
    """The community directory."""


@directory.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; import nothing.")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows even if some fail.")
@click.option("--publish", is_flag=True, help="Publish at once instead of sending to moderation.")
def import_command(file: Path, dry_run: bool, skip_bad_rows: bool, publish: bool) -> None:
    """Import entries from FILE, an .xlsx workbook or a CSV file (columns: name, kind,
    description, themes, areas, ...)."""
    settings = _settings()
    try:
        if file.stat().st_size > MAX_BYTES:  # refused before it is read into memory
            raise TableError(TOO_BIG)
        if sys.stdout.isatty():  # a big workbook takes seconds to read
            click.echo(f"Reading {file.name}...")
        table = read_table(file.read_bytes(), file.name)
    except TableError as exc:
        click.echo(f"{file.name}: {exc.message}", err=True)
        sys.exit(1)
    options = {"dry_run": dry_run, "skip_bad_rows": skip_bad_rows, "publish": publish}
    report = _run_import(settings, table, f"Imported from {file.name}", **options)
    if report.columns:
        click.echo(f"Read {file.name} as {table.format}; " + "; ".join(report.columns) + ".")
    for line in report.lines():
        click.echo(line)
    if report.problem and not report.rows:
        sys.exit(1)
    if report.bad_rows and not skip_bad_rows:
        if not dry_run:
            click.echo("Nothing was imported. Fix the rows above, or use --skip-bad-rows.")
        sys.exit(1)


@directory.command("add-terms")
@click.option("--theme", "themes", multiple=True, help="A theme to add (repeatable).")
@click.option("--area", "areas", multiple=True, help="An area served to add (repeatable).")
def add_terms(themes: tuple[str, ...], areas: tuple[str, ...]) -> None:
    """Add themes and areas to the taxonomy (names already there are left alone)."""
    asyncio.run(
        _add_terms(
            _settings(),
            tuple(t.strip() for t in themes if t.strip()),
            tuple(a.strip() for a in areas if a.strip()),
        )
    )
    click.echo(
        f"Themes and areas are in the taxonomy: {len(themes)} theme(s), {len(areas)} area(s)."
    )


commands = [directory]
