"""The wheel built from the repository serves the app on its own, from any directory.

How the test proves that the wheel's own contents are enough, without downloading every
dependency again:

1. The working tree's sources (without .git, .venv, tests, caches or build output) are
   copied to a temporary directory and the wheel is built there with
   ``pip wheel --no-index --no-deps --no-build-isolation`` (so no ``build/`` appears in the
   checkout, and two runs side by side do not share one). The build backend is the one
   ``[build-system]`` names, installed with the dev tools (``setuptools>=77``), so the
   tests never ask the package index for it.
2. A fresh virtual environment is made in a temporary directory outside the checkout
   with ``python -m venv --without-pip``. A ``.pth`` file in its site-packages appends
   this interpreter's site-packages to its path: the dependencies (Starlette, Tortoise,
   Alembic...) come from there. A plain path in a ``.pth`` file does not run the
   ``.pth`` files of that directory, so the editable install's finder, which would
   import ``convenor`` from the checkout, stays off.
3. The wheel alone is installed into it with ``pip --python VENV install --no-deps``
   (and ``--no-index``):
   ``convenor``, ``directory``, ``events``, ``programmes``, ``migrations`` and the
   templates come only from the wheel, and pip writes the ``convenor`` script.
4. ``convenor migrate`` and ``convenor serve`` run from an empty working directory on
   SQLite in a temporary data directory; pages that need the templates, the static
   files and a domain's stylesheet answer 200.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailserver import free_port

ROOT = Path(__file__).resolve().parent.parent
# What the build needs: everything but the checkout's own state, tests and tools.
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".ci",
    "var",
    "tests",
    "benchmarks",
    "build",
    "dist",
    "__pycache__",
    "*.pyc",
    "*.egg-info",
    ".*_cache",
    ".hypothesis",
)
# Directory in the checkout -> where the wheel carries its files.
SHIPPED = {
    "convenor": "convenor",
    "directory": "directory",
    "events": "events",
    "programmes": "programmes",
    "migrations": "migrations",
    "templates": "convenor/templates",
}


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("wheel-source") / "convenor"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    out = tmp_path_factory.mktemp("wheel")
    offline = ["--no-index", "--no-deps", "--no-build-isolation", "-q"]
    run([sys.executable, "-m", "pip", "wheel", *offline, "-w", str(out), "."], source)
    (built,) = out.glob("convenor-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], venv.parent)
    python = venv / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], venv)
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(site.strip()) / "convenor-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index"]
    pip += ["--no-deps", "-q"]
    run([*pip, str(wheel)], venv.parent)
    return venv


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("elsewhere")


def env_for(workdir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONVENOR_", "PYTHON")) and k != "VIRTUAL_ENV"
    }
    env["CONVENOR_DATA_DIR"] = str(workdir / "data")
    return env


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


@pytest.fixture(scope="module")
def served(venv: Path, workdir: Path) -> Iterator[str]:
    convenor = str(venv / "bin" / "convenor")
    env = env_for(workdir)
    run([convenor, "migrate"], workdir, env)
    port = free_port()
    log = (workdir / "serve.log").open("w")
    server = subprocess.Popen(
        [convenor, "serve", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (workdir / "serve.log").read_text()
            try:
                if get(f"{base}/readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (workdir / "serve.log").read_text()
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_wheel_carries_every_file_of_the_packages_templates_and_migrations(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"{target}/{path.relative_to(ROOT / folder).as_posix()}"
        for folder, target in SHIPPED.items()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    assert "convenor/templates/base.html" in expected  # the walk saw the templates
    assert "migrations/versions/2026_11_21_core_accounts.py" in expected
    assert sorted(expected - names) == []


def test_installed_code_is_the_wheels_not_the_checkouts(venv: Path, workdir: Path):
    where = run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import convenor, migrations, programmes; "
            "print(convenor.__file__, migrations.__file__, programmes.__file__)",
        ],
        workdir,
        env_for(workdir),
    )
    files = [Path(name) for name in where.split()]
    assert len(files) == 3
    for file in files:
        assert file.is_relative_to(venv), file
        assert not file.is_relative_to(ROOT), file


def test_migrate_from_another_directory_creates_the_database(served: str, workdir: Path):
    assert (workdir / "data" / "convenor.sqlite3").is_file()


def test_readyz_answers_with_the_migrated_database(served: str):
    status, body = get(f"{served}/readyz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}


def test_login_page_renders_its_template(served: str):
    status, body = get(f"{served}/login")
    assert status == 200
    assert b'name="password"' in body


def test_directory_page_renders_a_domain_template(served: str):
    status, body = get(f"{served}/directory")
    assert status == 200
    assert b"/directory/directory.css" in body


def test_static_file_is_served(served: str):
    status, body = get(f"{served}/static/convenor.css")
    assert status == 200
    assert body == (ROOT / "convenor" / "static" / "convenor.css").read_bytes()


def test_domain_stylesheet_from_the_templates_is_served(served: str):
    status, body = get(f"{served}/directory/directory.css")
    assert status == 200
    assert body == (ROOT / "templates" / "directory" / "directory.css").read_bytes()


def test_unknown_page_is_a_404_not_an_error(served: str):
    status, _ = get(f"{served}/no-such-page")
    assert status == 404
