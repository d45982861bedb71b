"""The `convenor` command in real processes, for the CLI tests.

Each command runs in a process of its own, forked from a server process that imported
Convenor once (``python -c`` of ``FORK_SERVER``): the import is most of a command's
start-up (about 1.2 s of CPU a command on the project's machine), and a fork of an
interpreter that has done it costs a few milliseconds. The child is set up as a fresh
``convenor`` process would be: its own environment, working directory, ``sys.argv``,
standard input from /dev/null, output captured apart, ``atexit`` handlers run, and the
exit status the interpreter would give (``sys.exit`` codes, 1 and a traceback for an
uncaught exception). Nothing of a test's own process is shared: the server is started
from a clean environment (no ``CONVENOR_*``) and never touches a database.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import locale
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

CONVENOR = str(Path(sys.executable).parent / "convenor")

FORK_SERVER = r"""
import json, os, signal, sys, threading, time, traceback
sys.path[0] = os.path.dirname(sys.argv[1])  # as for the console script: its own folder
# The slow part, done once: Convenor, every module a domain adds, httpx.
import httpx
import convenor.app, convenor.asgi, convenor.cli, convenor.demo, convenor.jobs
from convenor.cli import main
from convenor.domains import optional_module
from convenor.settings import DEFAULT_DOMAINS
for domain in DEFAULT_DOMAINS:
    for module in ("models", "routes", "api", "cli", "demo", "jobs"):
        optional_module(f"{domain}.{module}")
assert threading.active_count() == 1, "fork with one thread only"

def exit_status(code):
    # What the interpreter does with ``sys.exit(code)``.
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1

def child(request):
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    for fd, path, flags in ((0, os.devnull, os.O_RDONLY),
                            (1, request["stdout"], os.O_WRONLY),
                            (2, request["stderr"], os.O_WRONLY)):
        os.dup2(os.open(path, flags), fd)
    status = 0
    try:
        if request["code"] is None:
            sys.argv = [sys.argv[1], *request["args"]]
            status = exit_status(main())
        else:
            sys.argv = ["-c", *request["args"]]
            exec(compile(request["code"], "<string>", "exec"), {"__name__": "__main__"})
    except SystemExit as done:
        status = exit_status(done.code)
    except BaseException:
        traceback.print_exc()
        status = 1
    # The interpreter ends as a command's does: it waits for the command's threads, runs
    # the atexit handlers and flushes (public API only; SystemExit leaves the loop below).
    raise SystemExit(status)

# Everything imported so far lives until the command ends: the collector leaves it alone
# (gc.freeze, as Python's documentation advises before fork), so no child copies pages of
# the server's memory to walk it. A child's own finalisation walked them all: 0.45 s of
# the 0.5 s a `convenor tokens list` took here, and 0.14 s with the freeze.
import gc
gc.freeze()
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        child(request)
    deadline = time.monotonic() + request["timeout"]
    while True:
        done, wait_status = os.waitpid(pid, os.WNOHANG)
        if done:
            answer = {"returncode": os.waitstatus_to_exitcode(wait_status)}
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            answer = {"timeout": True}
            break
        time.sleep(0.002)
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
"""


class ForkServer:
    """One fork server per test process, started on first use, stopped at exit."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-c", FORK_SERVER, CONVENOR],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=clean_env(),
                cwd=tempfile.gettempdir(),
                text=True,
            )
            atexit.register(self.stop)
        return self._process

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait(timeout=10)

    def run(
        self,
        args: list[str],
        env: dict[str, str],
        cwd: Path,
        code: str | None,
        timeout: float,
        terminal: str | None = None,
    ) -> tuple[int, str, str]:
        """Status, standard output and standard error of one command; with ``terminal``
        (a pseudo-terminal's path) its standard error goes there and "" is returned."""
        with self._lock, tempfile.TemporaryDirectory() as out:
            stdout, stderr = Path(out, "stdout"), Path(out, "stderr")
            stdout.touch()
            stderr.touch()
            process = self._start()
            request = {
                "args": [str(a) for a in args],
                "env": env,
                "cwd": str(cwd),
                "code": code,
                "timeout": timeout,
                "stdout": str(stdout),
                "stderr": terminal or str(stderr),
            }
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            answer = json.loads(process.stdout.readline())
            if answer.get("timeout"):
                raise subprocess.TimeoutExpired(args, timeout)
            return answer["returncode"], as_text(stdout.read_bytes()), as_text(stderr.read_bytes())


_server = ForkServer()


def as_text(data: bytes) -> str:
    """Output as ``subprocess.run(text=True)`` gives it (universal newlines)."""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CONVENOR_")}


def command_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = clean_env()
    env["CONVENOR_DATA_DIR"] = str(data_dir)
    if extra.get("CONVENOR_ENV") != "production":  # which refuses the fast hashing
        env["CONVENOR_PASSWORD_HASHING"] = "fast"
    env.update(extra)
    return env


def run(
    args: list[str], env: dict[str, str], cwd: Path, *, terminal: bool = False
) -> subprocess.CompletedProcess:
    """``convenor ARGS`` in a process of its own; its exit status and output. With
    ``terminal`` its standard error is a pseudo-terminal, and ``stderr`` is what that
    terminal showed, as it came (line ends as the terminal writes them: CR LF)."""
    if not terminal:
        returncode, stdout, stderr = _server.run(args, env, cwd, None, timeout=120)
    else:
        returncode, stdout, stderr = _on_terminal(args, env, cwd)
    return subprocess.CompletedProcess([CONVENOR, *args], returncode, stdout, stderr)


async def run_async(
    args: list[str], env: dict[str, str], cwd: Path, *, terminal: bool = False
) -> subprocess.CompletedProcess:
    """``run`` for async tests: the test's event loop goes on while the command runs."""
    return await asyncio.to_thread(run, args, env, cwd, terminal=terminal)


def _on_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    leader, follower = pty.openpty()
    shown = bytearray()

    def read() -> None:  # all along, so a command writing much never waits on the terminal
        while True:
            try:
                piece = os.read(leader, 65536)
            except OSError:  # EIO: the terminal closed, once the command and we let go
                return
            if not piece:
                return
            shown.extend(piece)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        returncode, stdout, _ = _server.run(
            args, env, cwd, None, timeout=120, terminal=os.ttyname(follower)
        )
    finally:
        os.close(follower)
        reader.join(timeout=30)
        os.close(leader)
    return returncode, stdout, shown.decode()


def database_env(settings, data_dir: Path) -> dict[str, str]:
    """A command's environment on the test run's own database and secret key."""
    return command_env(
        data_dir,
        CONVENOR_DATABASE_URL=settings.database_url,
        CONVENOR_SECRET_KEY=settings.secret_key,
    )


def run_python(code: str, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -c CODE ARGS`` in a process of its own (this process's environment and
    working directory), with Convenor imported already."""
    returncode, stdout, stderr = _server.run(args, dict(os.environ), Path.cwd(), code, timeout)
    return subprocess.CompletedProcess(
        [sys.executable, "-c", code, *args], returncode, stdout, stderr
    )


def copy_data_dir(source: Path, target: Path) -> None:
    """Start ``target`` from a copy of a data directory made once (database, secret key)."""
    shutil.copytree(source, target, dirs_exist_ok=True)
