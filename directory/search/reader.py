"""On SQLite, search reads through its own connection, on the event loop's thread.

Tortoise's SQLite client has one connection, driven through aiosqlite's worker thread
and shared by everything under a lock: each statement costs a thread hop, Tortoise's
bookkeeping and a ``sqlite3.Row`` per row (about 0.25 ms a statement, 0.5 to 0.75 ms
of a search's 3 to 4), and a search waits behind any open write transaction. A search
makes two or three short statements whose cost is bounded (at most ``CAP`` + 1 matches
each), so it runs them directly on a second connection to the same file: WAL mode lets
it read the last committed state while another connection writes.

The reader is read-only (``PRAGMA query_only``), in autocommit mode (each statement
sees the latest commit, as a statement on Tortoise's connection would), kept per thread
and tied to Tortoise's own connection: when Tortoise reconnects (a new database, a
reset), a new reader is opened. Inside a transaction, in-memory databases, or before
Tortoise has connected, search uses Tortoise's connection, so it sees what the
transaction has written.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.exceptions import OperationalError

from convenor.db import SQLITE_PRAGMAS

# Pragmas that matter to reading (the writer's connection sets journal mode and sync).
READ_PRAGMAS = {k: v for k, v in SQLITE_PRAGMAS.items() if k in ("cache_size", "mmap_size")}
BUSY_TIMEOUT_MS = 5000


class SqliteReader:
    """The parts of Tortoise's client interface that search uses, on a plain
    ``sqlite3`` connection."""

    def __init__(self, client: BaseDBAsyncClient, path: str, owner: object) -> None:
        self.capabilities = client.capabilities
        self.owner = owner  # Tortoise's aiosqlite connection this reader belongs to
        self.db = sqlite3.connect(path, isolation_level=None, cached_statements=256)
        for pragma, value in {**READ_PRAGMAS, "busy_timeout": BUSY_TIMEOUT_MS}.items():
            self.db.execute(f"PRAGMA {pragma} = {int(value)}")
        self.db.execute("PRAGMA query_only = 1")

    def _cursor(self, sql: str, params: list) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, params)
        except sqlite3.Error as exc:
            raise OperationalError(exc) from exc

    async def execute_query(self, sql: str, params: list | None = None) -> tuple[int, list]:
        cursor = self._cursor(sql, params or [])
        try:
            found = cursor.fetchall()
        except sqlite3.Error as exc:
            raise OperationalError(exc) from exc
        return len(found), found

    async def execute_query_dict(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self._cursor(sql, params or [])
        try:
            found = cursor.fetchall()
        except sqlite3.Error as exc:
            raise OperationalError(exc) from exc
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in found]

    def close(self) -> None:
        self.db.close()


_local = threading.local()


def _file_path(client: BaseDBAsyncClient) -> str | None:
    path = getattr(client, "filename", None)
    if not path or path == ":memory:" or "mode=memory" in path or path.startswith("file::"):
        return None
    return path


def reader_for(client: BaseDBAsyncClient) -> SqliteReader | None:
    """This thread's reader for ``client``'s database, or None where search must use
    ``client`` itself (another database, a transaction, no connection yet)."""
    if client.capabilities.dialect != "sqlite" or isinstance(client, TransactionalDBClient):
        return None
    owner: Any = getattr(client, "_connection", None)
    path = _file_path(client)
    if owner is None or path is None:
        return None
    readers: dict[str, SqliteReader] = _local.__dict__.setdefault("readers", {})
    reader = readers.get(path)
    if reader is not None and reader.owner is owner:
        return reader
    if reader is not None:
        reader.close()
    reader = readers[path] = SqliteReader(client, path, owner)
    return reader
