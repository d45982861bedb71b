"""``convenor directory ...`` commands: import a spreadsheet of entries (.xlsx or CSV) as a
batch, with progress on standard error; add themes and areas.

Progress goes to standard error: on a terminal, one line redrawn in place (rows done of
the total, a bar, rows per second and the time left); otherwise a plain line every
``PLAIN_EVERY`` seconds, so a long import in a log still shows it is alive; with
``--quiet``, nothing. The report (errors, duplicates, the summary and the batch number)
goes to standard output.

Settings and the ORM are set up here the same way as the core commands do, without
importing ``convenor.cli`` (which imports this module to find its commands).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import TextIO

import click
from tortoise import Tortoise

from convenor.cleaning import clean_name
from convenor.db import tortoise_config
from convenor.models import User
from convenor.settings import Settings, SettingsError
from convenor.tables import MAX_BYTES, TOO_BIG, Table, TableError, read_table
from directory.importer import ImportReport, import_csv
from directory.taxonomy import ensure_taxonomy

PLAIN_EVERY = 10.0  # seconds between progress lines when standard error is not a terminal
REDRAW_EVERY = 0.1  # seconds between redraws of the line on a terminal
MAX_DUPLICATE_LINES = 200  # possible-duplicate lines printed (errors are always all printed)


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


def _duration(seconds: float) -> str:
    seconds = max(int(seconds + 0.5), 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


class ProgressWriter:
    """Shows how far an import has got on ``stream`` (see the module's docstring)."""

    def __init__(self, stream: TextIO, *, terminal: bool, quiet: bool = False):
        self.stream, self.terminal, self.quiet = stream, terminal, quiet
        self.phase = ""
        self.started = self.shown_at = 0.0
        self.width = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.quiet or total <= 0:
            return
        moment = time.monotonic()
        if phase != self.phase:
            self.finish()
            self.phase, self.started, self.shown_at = phase, moment, moment
        last = done >= total
        if self.terminal:
            if last or moment - self.shown_at >= REDRAW_EVERY:
                self._draw(done, total, moment)
                self.shown_at = moment
        elif not last and moment - self.shown_at >= PLAIN_EVERY:
            self.stream.write(f"{phase}: {self._figures(done, total, moment)}\n")
            self.stream.flush()
            self.shown_at = moment

    def _figures(self, done: int, total: int, moment: float) -> str:
        elapsed = moment - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        eta = "done" if done >= total else f"ETA {_duration(left)}"
        return f"{done:,}/{total:,} rows  {rate:,.0f} rows/s  {eta}"

    def _draw(self, done: int, total: int, moment: float) -> None:
        filled = int(30 * done / total)
        bar = "#" * filled + "-" * (30 - filled)
        line = f"{self.phase:<9} [{bar}] {100 * done // total:3d}%  " + self._figures(
            done, total, moment
        )
        self.stream.write("\r" + line.ljust(self.width))
        self.width = len(line)
        self.stream.flush()

    def finish(self) -> None:
        """End the current phase's line on a terminal."""
        if self.terminal and self.phase and self.width:
            self.stream.write("\n")
            self.stream.flush()
        self.width = 0


async def _import(settings: Settings, table: Table, by: str, **options) -> ImportReport | str:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        user = None
        if by:
            user = await User.get_or_none(email__iexact=by)
            if user is None:
                return f"There is no user with the email address {by}."
        return await import_csv(table, created_by=user, **options)
    finally:
        await Tortoise.close_connections()


@click.group("directory")
def directory() -> None:
    """The community directory."""


@directory.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; import nothing.")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows even if some fail.")
@click.option("--publish", is_flag=True, help="Publish at once instead of sending to moderation.")
@click.option("--by", default="", help="Email of the staff member the batch is recorded as run by.")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
def import_command(
    file: Path, dry_run: bool, skip_bad_rows: bool, publish: bool, by: str, quiet: bool
) -> None:
    """Import entries from FILE, an .xlsx workbook or a CSV file (columns: name, kind,
    description, themes, areas, ...), as one batch that staff can see and undo."""
    settings = _settings()
    terminal = sys.stderr.isatty()
    try:
        if file.stat().st_size > MAX_BYTES:  # refused before it is read into memory
            raise TableError(TOO_BIG)
        if terminal and not quiet:  # a big workbook takes seconds to read
            click.echo(f"Reading {file.name}...", err=True)
        table = read_table(file.read_bytes(), file.name)
    except TableError as exc:
        click.echo(f"{file.name}: {exc.message}", err=True)
        sys.exit(1)
    progress = ProgressWriter(sys.stderr, terminal=terminal, quiet=quiet)
    options = {"dry_run": dry_run, "skip_bad_rows": skip_bad_rows, "publish": publish}
    name = clean_name(file.name)
    try:
        report = asyncio.run(
            _import(
                settings,
                table,
                by.strip(),
                source=f"Imported from {name}",
                file_name=name,
                progress=progress,
                **options,
            )
        )
    except Exception as exc:  # the database could not be reached, or a bug: one sentence
        progress.finish()
        reason = " ".join(str(exc).split())[:300] or type(exc).__name__
        click.echo(f"{file.name}: the import stopped ({reason}); nothing was imported.", err=True)
        sys.exit(1)
    progress.finish()
    if isinstance(report, str):
        click.echo(report, err=True)
        sys.exit(2)
    if report.columns:
        click.echo(f"Read {name} as {table.format}; " + "; ".join(report.columns) + ".")
    for line in report.lines(max_duplicates=MAX_DUPLICATE_LINES):
        click.echo(line)
    if report.batch_id is not None and not report.failed:
        state = "published" if publish else "pending moderation"
        click.echo(
            f"Import batch {report.batch_id}: {report.imported} entries, {state}. "
            f"Staff can see it, approve it or undo it at "
            f"{settings.base_url}/staff/directory/imports/{report.batch_id}"
        )
    if report.failed or (report.problem and not report.rows):
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
