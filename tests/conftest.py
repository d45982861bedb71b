"""Shared fixtures: a fresh database per run, the app, an HTTP client, a browser.

The whole suite runs on SQLite by default and on PostgreSQL when
``CONVENOR_TEST_DATABASE_URL`` names a server (for example
``postgres://postgres@127.0.0.1:5432/postgres``): a database with a random name is
created there for the run and dropped at the end. Tests that touch the database
get empty tables afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from tortoise import Tortoise

from convenor import auth, migrate
from convenor.app import create_app
from convenor.models import Role, User
from convenor.settings import DEFAULT_DOMAINS, Settings
from tests.commands import command_env
from tests.commands import run as run_command

pytest_plugins = ["tests.mailserver", "tests.browser"]

TEST_SECRET = "test-secret-key-" + "x" * 40
STAFF_PASSWORD = "correct horse battery staple"


# Slowest first (issue 19): `make test` hands tests to its two workers one at a time in
# this order (--dist loadgroup), so no long test starts last while the other worker has
# nothing left to do. Measured with --durations; a file that grows slow belongs here.
SLOWEST_FIRST = (
    "tests/test_summit_day_browser.py",
    "tests/test_api_fuzz.py",
    "tests/plans/test_plan_journey_browser.py",
    "tests/directory/test_search_agreement.py",
    "tests/test_wheel.py",
    "tests/convenor/test_cli.py",
    "tests/programmes/test_programmes_no_tokens_kept.py",
    "tests/convenor/test_cli_base_url.py",
    "tests/test_database_down.py",
    "tests/convenor/test_schema.py",
    "tests/test_commands.py",
)
# Files whose module-scoped fixtures are costly (a data directory with a user, served by
# a process): their tests go to one worker together, so the fixture is made once.
ONE_WORKER_EACH = ("tests/convenor/test_cli_accounts.py", "tests/test_wheel.py")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        if path in SLOWEST_FIRST:
            return SLOWEST_FIRST.index(path)
        return len(SLOWEST_FIRST) + (0 if path.endswith("_browser.py") else 1)

    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path in ONE_WORKER_EACH:
            item.add_marker(pytest.mark.xdist_group(path))
    items.sort(key=rank)  # stable: the order within each rank is kept


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids: list[str]) -> None:
    """Under ``--dist loadgroup`` xdist names a grouped test's group in its node id; if it
    does not, the tests of ONE_WORKER_EACH go to any worker and their module fixtures are
    made twice, with nothing failing (pytest-dev/pytest-xdist#1386). Stop the run then."""
    if node.config.getoption("dist") != "loadgroup":
        return
    lost = [i for i in ids if i.split("::", 1)[0] in ONE_WORKER_EACH and "@" not in i]
    if lost:
        pytest.exit(
            f"--dist loadgroup did not group {lost[0]}: this pytest and pytest-xdist no "
            "longer work together (pytest-dev/pytest-xdist#1386).",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def on_postgres() -> bool:
    return bool(os.environ.get("CONVENOR_TEST_DATABASE_URL"))


async def create_postgres_database(server_url: str) -> tuple[str, str]:
    """Create a uniquely named database on the server; returns (url, name)."""
    name = f"convenor_test_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    parts = urlsplit(server_url)
    return parts._replace(path=f"/{name}").geturl(), name


async def drop_postgres_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(server_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def empty_database_factory(tmp_path_factory) -> AsyncIterator:
    """Makes empty databases of the kind under test; all are removed at the end."""
    made: list[str] = []
    server = os.environ.get("CONVENOR_TEST_DATABASE_URL", "")

    async def make(label: str = "db") -> str:
        if server:
            url, name = await create_postgres_database(server)
            made.append(name)
            return url
        path = tmp_path_factory.mktemp(label) / "convenor.sqlite3"
        return f"sqlite://{path}"

    yield make
    for name in made:
        await drop_postgres_database(server, name)


@pytest.fixture(scope="session")
async def database_url(empty_database_factory) -> str:
    url = await empty_database_factory("main")
    await asyncio.to_thread(migrate.upgrade, url)
    return url


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def migrated_data_dir(tmp_path_factory) -> Path:
    """A data directory `convenor migrate` ran in once, on SQLite: command tests that only
    need a migrated database start from a copy of it (tests.commands.copy_data_dir)."""
    path = tmp_path_factory.mktemp("migrated")
    migrated = run_command(["migrate"], command_env(path), path)
    assert migrated.returncode == 0, migrated.stderr
    return path


@pytest.fixture(scope="session")
def settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        env="development",
        data_dir=data_dir,
        database_url=database_url,
        secret_key=TEST_SECRET,
        base_url="http://testserver",
        mail_from="Convenor <convenor@example.org>",
        domains=DEFAULT_DOMAINS,
        password_hashing="fast",  # argon2id at its smallest costs: tests only
    )


@pytest.fixture(scope="session")
async def app(settings: Settings):
    """The app with its lifespan running (Tortoise started); no background mail worker."""
    application = create_app(settings, run_worker=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture(autouse=True)
async def _empty_tables_after(request) -> AsyncIterator[None]:
    """Tests that used the database leave it empty for the next one."""
    yield
    if "app" in request.fixturenames:
        await empty_all_tables()


async def empty_all_tables() -> None:
    conn = Tortoise.get_connection("default")
    if on_postgres():
        # TRUNCATE of every table costs 60-100 ms a test; deleting the rows of the few
        # tables a test wrote (foreign keys and triggers off for the statement, as the
        # superuser the tests run as) and restarting the used sequences costs ~3 ms.
        used = await conn.execute_query_dict(await _postgres_used_tables_sql(conn))
        script = [
            "SET session_replication_role = replica;",
            *(f'DELETE FROM "{r["name"]}";' for r in used),
            "SET session_replication_role = DEFAULT;",
            "SELECT setval(format('%I', sequencename)::regclass, 1, false) FROM pg_sequences "
            "WHERE schemaname = 'public' AND last_value IS NOT NULL;",
        ]
        await conn.execute_script("\n".join(script))
        return
    rows = await conn.execute_query_dict(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name <> 'alembic_version' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' "
        "AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\'"
    )
    script = ["PRAGMA foreign_keys=OFF;"]
    script += [f'DELETE FROM "{r["name"]}";' for r in rows]
    script.append("DELETE FROM sqlite_sequence;" if await _has_sequence(conn) else "")
    script.append("PRAGMA foreign_keys=ON;")
    await conn.execute_script("\n".join(script))


_USED_TABLES_SQL: list[str] = []


async def _postgres_used_tables_sql(conn) -> str:
    """One statement naming the tables that hold rows (the table list read once)."""
    if not _USED_TABLES_SQL:
        rows = await conn.execute_query_dict(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version' ORDER BY tablename"
        )
        names = [r["tablename"] for r in rows]
        _USED_TABLES_SQL.append(
            " UNION ALL ".join(
                f"SELECT '{n}' AS name WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names
            )
        )
    return _USED_TABLES_SQL[0]


async def _has_sequence(conn) -> bool:
    rows = await conn.execute_query_dict(
        "SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'"
    )
    return bool(rows)


async def make_staff(role: Role | str = Role.ORGANISER, email: str | None = None) -> User:
    email = email or f"{Role(role).value}-{secrets.token_hex(3)}@example.org"
    return await auth.create_user(email, role, STAFF_PASSWORD, name=f"Test {Role(role).value}")


def form_token(response: httpx.Response) -> str:
    """The CSRF token in the page's first form."""
    marker = 'name="csrf_token" value="'
    start = response.text.index(marker) + len(marker)
    return response.text[start : response.text.index('"', start)]


async def csrf_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    """Fetch a page so the CSRF cookie is set, and return the form token for it."""
    return form_token(await client.get(path, follow_redirects=True))


async def sign_in(client: httpx.AsyncClient, user: User, password: str = STAFF_PASSWORD):
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return response


@pytest.fixture
async def organiser(app) -> User:
    return await make_staff(Role.ORGANISER)


@pytest.fixture
async def staff_client(client, organiser) -> httpx.AsyncClient:
    """An HTTP client signed in as an organiser."""
    await sign_in(client, organiser)
    return client
