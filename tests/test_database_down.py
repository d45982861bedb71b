"""When the database cannot be reached, pages and API answer 503, not 500 (issue 15).

Each case runs an app in a child process (its own Tortoise; tests.commands.run_python),
pointed at a PostgreSQL
port nothing listens on, or at an SQLite path that cannot be opened (a directory).
Tortoise's SQLite client keeps its lock after a failed open, so each SQLite case asks
one question per process. The positive control is the suite's own database.
"""

from __future__ import annotations

import json
import socket

import pytest

from tests.commands import run_python

SCRIPT = r"""
import asyncio, json, sys
import httpx
from convenor.app import create_app
from convenor.settings import Settings
from convenor.web import SESSION_COOKIE, session_serializer

async def main(url, data_dir, paths):
    settings = Settings(env="development", data_dir=data_dir, database_url=url,
                        secret_key="k" * 50, base_url="http://testserver")
    app = create_app(settings, run_worker=False)
    answers = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            if "--signed-in" in paths:  # a staff session cookie (its key is looked up)
                paths.remove("--signed-in")
                c.cookies.set(SESSION_COOKIE, session_serializer(settings).dumps("some-key"))
            for path in paths:
                r = await asyncio.wait_for(c.get(path), 30)
                answers.append([r.status_code, r.headers.get("content-type", ""), r.text])
    print(json.dumps(answers))

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
"""


def answers(url: str, data_dir, *paths: str) -> list[list]:
    """[status, content type, body] for each path, asked in turn of a fresh app."""
    done = run_python(SCRIPT, [url, str(data_dir), *paths])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def dead_postgres() -> str:
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgres://postgres@127.0.0.1:{port}/convenor"


@pytest.fixture
def unopenable_sqlite(tmp_path) -> str:
    path = tmp_path / "convenor.sqlite3"
    path.mkdir()  # a directory where the database file should be
    return f"sqlite://{path}"


def test_postgres_down_health_200_ready_503(dead_postgres, tmp_path):
    result = answers(dead_postgres, tmp_path, "/healthz", "/readyz")

    assert [r[0] for r in result] == [200, 503]


def test_postgres_down_page_is_503_error_page(dead_postgres, tmp_path):
    [(status, content_type, body)] = answers(dead_postgres, tmp_path, "/directory")

    assert status == 503
    assert content_type.startswith("text/html")
    assert "Service unavailable" in body
    assert "Traceback" not in body


def test_postgres_down_api_is_503_json_error(dead_postgres, tmp_path):
    [(status, content_type, body)] = answers(dead_postgres, tmp_path, "/api/v1/directory/entries")

    assert status == 503
    assert content_type == "application/json"
    assert json.loads(body)["error"]["code"] == "unavailable"


def test_postgres_down_signed_in_page_is_503(dead_postgres, tmp_path):
    # the staff session is looked up before the route: still the 503 page
    [(status, _, body)] = answers(dead_postgres, tmp_path, "--signed-in", "/staff")

    assert status == 503
    assert "Service unavailable" in body


def test_sqlite_unopenable_health_200_ready_503(unopenable_sqlite, tmp_path):
    result = answers(unopenable_sqlite, tmp_path, "/healthz", "/readyz")

    assert [r[0] for r in result] == [200, 503]


def test_sqlite_unopenable_page_is_503_error_page(unopenable_sqlite, tmp_path):
    [(status, _, body)] = answers(unopenable_sqlite, tmp_path, "/directory")

    assert status == 503
    assert "Service unavailable" in body


def test_sqlite_unopenable_api_is_503_json_error(unopenable_sqlite, tmp_path):
    [(status, _, body)] = answers(unopenable_sqlite, tmp_path, "/api/v1/directory/entries")

    assert status == 503
    assert json.loads(body)["error"]["code"] == "unavailable"


def test_database_up_page_and_api_are_200(database_url, tmp_path):
    result = answers(database_url, tmp_path, "/readyz", "/directory", "/api/v1/directory/entries")

    assert [r[0] for r in result] == [200, 200, 200]
