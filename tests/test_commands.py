"""tests.commands runs `convenor` forked from a process that imported Convenor once: the
same exit status and output as the installed `convenor` script started afresh."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.commands import CONVENOR, command_env, copy_data_dir, run, run_python


def fresh(args: list[str], env: dict[str, str], cwd) -> subprocess.CompletedProcess:
    """The installed script in a new interpreter, as the CLI tests ran it before."""
    return subprocess.run(
        [CONVENOR, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["--help"], {}),
        (["tokens", "list"], {}),
        (["tokens", "list", "nobody@example.org"], {}),
        (["check"], {"CONVENOR_ENV": "staging"}),
    ],
)
def test_a_forked_command_answers_as_the_script_does(args, extra, tmp_path, migrated_data_dir):
    copy_data_dir(migrated_data_dir, tmp_path)
    env = command_env(tmp_path, **extra)

    forked, started = run(args, env, tmp_path), fresh(args, env, tmp_path)

    assert forked.args == started.args
    assert (forked.returncode, forked.stdout, forked.stderr) == (
        started.returncode,
        started.stdout,
        started.stderr,
    )


def test_an_uncaught_exception_is_a_traceback_and_status_1_as_in_python(tmp_path):
    # An unmigrated data directory: the command fails with the database's own error.
    env = command_env(tmp_path)
    args = ["tokens", "list", "nobody@example.org"]

    forked, started = run(args, env, tmp_path), fresh(args, env, tmp_path)

    assert (forked.returncode, forked.stdout) == (started.returncode, started.stdout) == (1, "")
    # The frames above main() differ (a fork, not the script); the error is the same.
    assert forked.stderr.startswith("Traceback (most recent call last):\n")
    assert (
        forked.stderr.splitlines()[-1]
        == started.stderr.splitlines()[-1]
        == ("tortoise.exceptions.OperationalError: no such table: staff_user")
    )


def test_python_code_gets_its_arguments_directory_and_exit_status(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = "import os, sys; print(os.getcwd(), sys.argv[1:]); sys.exit(int(sys.argv[1]))"

    done = run_python(code, ["3", "two words"])
    message = run_python("import sys; sys.exit('Stopped: a reason')", [])

    assert (done.returncode, done.stdout, done.stderr) == (
        3,
        f"{tmp_path} ['3', 'two words']\n",
        "",
    )
    assert (message.returncode, message.stdout, message.stderr) == (1, "", "Stopped: a reason\n")


def test_the_interpreter_ends_as_a_commands_does():
    # It waits for the command's threads, then runs its atexit handlers, then flushes.
    code = (
        "import atexit, sys, threading, time\n"
        "atexit.register(lambda: print('atexit ran'))\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread done'))).start()\n"
        "print('main done', sys.argv[1:])\n"
        "sys.exit(3)\n"
    )

    forked = run_python(code, ["a"])
    started = subprocess.run(
        [sys.executable, "-c", code, "a"], capture_output=True, text=True, timeout=60
    )

    assert (forked.returncode, forked.stdout) == (started.returncode, started.stdout)
    assert forked.stdout == "main done ['a']\nthread done\natexit ran\n"
    assert forked.returncode == 3
