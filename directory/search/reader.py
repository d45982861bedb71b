"""On SQLite, search reads through its own connections rather than Tortoise's.

Tortoise's SQLite client has one connection, driven through aiosqlite's worker thread
and shared by everything under a lock: each statement costs a thread hop, Tortoise's
bookkeeping and a ``sqlite3.Row`` per row, and a search waits behind any open write
transaction. Search instead keeps, per event-loop thread, a ``SqliteReader`` with two
read-only connections to the same file (WAL mode lets them read the last committed
state while another connection writes):

- small statements (the search stamp, the taxonomy) run directly on the loop's
  thread: a fraction of a millisecond, cheaper than any hop;
- the others (the FTS match with bm25 over up to ``CAP`` + 1 rows, a page's entries,
  counting every entry when browsing) run on the reader's own thread (``execute_off_loop``)
  while other requests are in flight (``convenor.busy``), so the event loop serves them
  meanwhile; a lone request runs them at once, which answers it sooner. SQLite
  releases the GIL while it works, but Python's ``sqlite3`` takes it back for every
  row it hands over, and a thread waiting for the GIL behind a busy loop waits up to
  the switch interval (5 ms) each time: so those statements answer in one row (the
  matches as one JSON array, built by SQLite; ``directory.search.sqlite``).

Both connections are read-only (``PRAGMA query_only``) and in autocommit mode, so each
statement sees the latest commit, as a statement on Tortoise's connection would. A
reader is tied to Tortoise's own connection: when Tortoise reconnects (a new database,
a reset), a new reader is opened. Inside a transaction, for in-memory databases, or
before Tortoise has connected, search uses Tortoise's connection, so it sees what the
transaction has written.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.exceptions import OperationalError

from convenor import busy
from convenor.db import SQLITE_PRAGMAS

# Pragmas that matter to reading (the writer's connection sets journal mode and sync).
READ_PRAGMAS = {k: v for k, v in SQLITE_PRAGMAS.items() if k in ("cache_size", "mmap_size")}
BUSY_TIMEOUT_MS = 5000


def _connect(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, cached_statements=256)
    for pragma, value in {**READ_PRAGMAS, "busy_timeout": BUSY_TIMEOUT_MS}.items():
        db.execute(f"PRAGMA {pragma} = {int(value)}")
    db.execute("PRAGMA query_only = 1")
    return db


def _fetch(db: sqlite3.Connection, sql: str, params: list) -> tuple[list, list[str]]:
    try:
        cursor = db.execute(sql, params)
        found = cursor.fetchall()
    except sqlite3.Error as exc:
        raise OperationalError(exc) from exc
    return found, [column[0] for column in cursor.description or ()]


def _dicts(found: list, names: list[str]) -> list[dict]:
    return [dict(zip(names, row, strict=True)) for row in found]


class SqliteReader:
    """The parts of Tortoise's client interface that search uses, on plain ``sqlite3``
    connections, plus ``execute_off_loop`` for statements worth a thread."""

    def __init__(self, client: BaseDBAsyncClient, path: str, owner: object) -> None:
        self.capabilities = client.capabilities
        self.owner = owner  # Tortoise's aiosqlite connection this reader belongs to
        self.path = path
        self.db = _connect(path)
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="search-reader")
        self._worker_db: sqlite3.Connection | None = None  # used on the worker only

    async def execute_query(self, sql: str, params: list | None = None) -> tuple[int, list]:
        found, _ = _fetch(self.db, sql, params or [])
        return len(found), found

    async def execute_query_dict(self, sql: str, params: list | None = None) -> list[dict]:
        return _dicts(*_fetch(self.db, sql, params or []))

    async def execute_off_loop(
        self, sql: str, params: list | None = None, *, as_dicts: bool = False
    ) -> list:
        """Rows of ``sql`` (tuples, or dicts) read on the reader's thread (make them few:
        see above) while other requests are being served; at once otherwise, since the
        hand-over costs a lone request 0.2 to 0.5 ms and frees time nobody would use."""
        # One turn of the loop first: requests that arrived meanwhile start and count
        # themselves in (while this one ran without pause, none could).
        await asyncio.sleep(0)
        if busy.others_waiting():
            loop = asyncio.get_running_loop()
            found, names = await loop.run_in_executor(
                self._worker, self._on_worker, sql, params or []
            )
        else:
            found, names = _fetch(self.db, sql, params or [])
        return _dicts(found, names) if as_dicts else found

    def _on_worker(self, sql: str, params: list) -> tuple[list, list[str]]:
        if self._worker_db is None:
            self._worker_db = _connect(self.path)
        return _fetch(self._worker_db, sql, params)

    def close(self) -> None:
        self.db.close()
        self._worker.submit(self._close_worker_db)
        self._worker.shutdown(wait=False)

    def _close_worker_db(self) -> None:
        if self._worker_db is not None:
            self._worker_db.close()
            self._worker_db = None


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
