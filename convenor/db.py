"""Database configuration for Tortoise ORM (SQLite file or PostgreSQL).

Alembic owns the schema; this module never creates tables. SQLite runs with WAL,
foreign keys on and a busy timeout so that the worker and web requests can share it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url

from convenor.domains import model_modules
from convenor.settings import Settings

# synchronous=NORMAL is the recommended pairing with WAL: safe from corruption, and an
# application crash loses nothing; only a power cut can drop the last commits.
# The page cache (default 2 MB) is far smaller than a directory's search index, so
# searches re-read pages through the OS; 64 MB of cache and memory-mapped reads cut the
# directory search's SQL time by about a sixth (benchmarks/RESULTS.md). Both are
# per-connection ceilings, not allocations.
SQLITE_PRAGMAS = {
    "journal_mode": "WAL",
    "synchronous": "NORMAL",
    "foreign_keys": "ON",
    "busy_timeout": 5000,
    "cache_size": -65536,  # KiB
    "mmap_size": 268435456,
}


def connection_config(database_url: str) -> dict:
    url = database_url.replace("postgresql://", "postgres://", 1)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "engine": "tortoise.backends.sqlite",
            "credentials": {"file_path": path, **SQLITE_PRAGMAS},
        }
    config = expand_db_url(url)
    config["credentials"].setdefault("minsize", 1)
    config["credentials"].setdefault("maxsize", 10)
    config["credentials"].setdefault("reset", keep_session)
    return config


async def keep_session(connection: object) -> None:
    """Give a PostgreSQL connection back to the pool without asyncpg's reset query.

    asyncpg's default sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL`` on every release: one more round trip for every request and every worker
    transaction. Convenor keeps no session state to undo: no advisory locks, LISTEN,
    held cursors or session-wide SET (only SET LOCAL, which ends with its
    transaction). asyncpg still rolls back a transaction left open before it calls
    this. Code that starts keeping session state must bring the reset back.
    """


def sqlite_path(url: str) -> str:
    """``sqlite:///abs/path`` or ``sqlite://relative/path`` -> a file path."""
    rest = url.split("://", 1)[1]
    return rest.split("?", 1)[0]


def tortoise_config(settings: Settings) -> dict:
    return {
        "connections": {"default": connection_config(settings.database_url)},
        "apps": {
            "models": {
                "models": model_modules(settings.domains),
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def sqlalchemy_url(database_url: str) -> str:
    """The same database as an async SQLAlchemy URL, for Alembic."""
    if database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{sqlite_path(database_url)}"
    parts = urlsplit(database_url)
    return parts._replace(scheme="postgresql+asyncpg").geturl()


async def database_answers() -> bool:
    """True when the default connection can run a trivial query."""
    try:
        conn = Tortoise.get_connection("default")
        await conn.execute_query("SELECT 1")
    except Exception:
        return False
    return True
