"""``convenor directory import`` shows progress on standard error (issue 17): on a terminal
a line redrawn in place with rows done of the total, rows per second and the time left;
off a terminal (a pipe or a file) no bar, a plain line only every PLAIN_EVERY seconds;
with --quiet nothing."""

from __future__ import annotations

import io
from pathlib import Path

from directory import cli
from directory.models import Entry
from tests.commands import database_env, run_async

ROWS = 600


def groups_csv(path: Path) -> Path:
    lines = ["name,kind,description"]
    lines += [f"Progress Group {i},community,Meets weekly" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    return path


async def run_import(settings, tmp_path: Path, *options: str, terminal: bool):
    """Import ROWS groups; (code, stdout, stderr), with ``terminal`` standard error on a
    pseudo-terminal and what it showed."""
    path = groups_csv(tmp_path / "groups.csv")
    done = await run_async(
        ["directory", "import", str(path), *options],
        database_env(settings, tmp_path),
        tmp_path,
        terminal=terminal,
    )
    return done.returncode, done.stdout, done.stderr


async def test_progress_on_a_terminal_shows_rows_per_second(taxonomy, settings, tmp_path):
    code, out, shown = await run_import(settings, tmp_path, terminal=True)

    assert code == 0, shown
    lines = shown.replace("\r\n", "\n").split("\n")
    checking = [line for line in lines if "Checking" in line][-1].split("\r")[-1]
    importing = [line for line in lines if "Importing" in line][-1].split("\r")[-1]
    assert f"100%  {ROWS}/{ROWS} rows" in checking
    assert f"100%  {ROWS}/{ROWS} rows" in importing
    assert " rows/s  done" in importing
    assert out.splitlines()[-2] == f"{ROWS} rows: {ROWS} good, 0 with errors; {ROWS} imported."
    assert await Entry.all().count() == ROWS


async def test_quiet_shows_no_progress_on_a_terminal(taxonomy, settings, tmp_path):
    code, out, shown = await run_import(settings, tmp_path, "--quiet", terminal=True)

    assert (code, shown) == (0, "")
    assert out.splitlines()[-2] == f"{ROWS} rows: {ROWS} good, 0 with errors; {ROWS} imported."


async def test_no_progress_bar_off_a_terminal(taxonomy, settings, tmp_path):
    code, out, err = await run_import(settings, tmp_path, terminal=False)  # stderr: a file

    assert (code, err) == (0, "")  # a quick import: not one progress line
    assert "rows/s" not in out
    assert out.splitlines()[-2] == f"{ROWS} rows: {ROWS} good, 0 with errors; {ROWS} imported."


def test_off_a_terminal_a_plain_line_every_ten_seconds(monkeypatch):
    clock = iter([0.0, 5.0, 11.0, 12.0, 23.0, 24.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    writer = cli.ProgressWriter(stream, terminal=False)

    writer("Importing", 0, 20_000)  # 0 s: the phase starts
    writer("Importing", 2_000, 20_000)  # 5 s: too soon
    writer("Importing", 4_400, 20_000)  # 11 s: a line
    writer("Importing", 4_800, 20_000)  # 12 s: too soon after it
    writer("Importing", 9_200, 20_000)  # 23 s: a line
    writer("Importing", 20_000, 20_000)  # 24 s: the end, which the summary reports
    writer.finish()

    assert stream.getvalue() == (
        "Importing: 4,400/20,000 rows  400 rows/s  ETA 0:39\n"
        "Importing: 9,200/20,000 rows  400 rows/s  ETA 0:27\n"
    )


def test_on_a_terminal_the_line_is_redrawn_in_place(monkeypatch):
    clock = iter([0.0, 1.0, 2.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    writer = cli.ProgressWriter(stream, terminal=True)

    writer("Checking", 0, 1_000)
    writer("Checking", 500, 1_000)
    writer("Checking", 1_000, 1_000)
    writer.finish()

    bar_half = "#" * 15 + "-" * 15
    assert stream.getvalue() == (
        f"\rChecking  [{bar_half}]  50%  500/1,000 rows  500 rows/s  ETA 0:01"
        # padded to the longer line it overwrites
        f"\rChecking  [{'#' * 30}] 100%  1,000/1,000 rows  500 rows/s  done  \n"
    )
