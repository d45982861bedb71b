"""On SQLite, search reads through its own read-only connection (directory.search.reader),
except inside a transaction, where it must see what the transaction wrote."""

from __future__ import annotations

import threading

import pytest
from tortoise import Tortoise
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from convenor import busy
from directory.search import SearchQuery, search
from directory.search.reader import SqliteReader
from directory.search.sql import connection
from tests.conftest import on_postgres
from tests.directory.conftest import make_entry

pytestmark = pytest.mark.skipif(on_postgres(), reason="SQLite's own read connection")


def names(page) -> list[str]:
    return [hit.entry.name for hit in page.hits]


async def test_search_reads_through_its_own_connection_and_sees_each_commit(taxonomy):
    await make_entry("Lordshill Lantern Walk")
    reader = connection()

    assert isinstance(reader, SqliteReader)
    assert names(await search(SearchQuery(text="lantern"))) == ["Lordshill Lantern Walk"]

    await make_entry("Lordshill Lantern Makers")

    assert connection() is reader
    assert names(await search(SearchQuery(text="lantern makers"))) == ["Lordshill Lantern Makers"]


async def test_search_inside_a_transaction_sees_what_it_wrote(taxonomy):
    reader = connection()
    async with in_transaction():
        assert not isinstance(connection(), SqliteReader)
        await make_entry("Uncommitted Rowing Club")
        inside = await search(SearchQuery(text="rowing"))
        # Outside the transaction nothing is committed yet.
        _, outside = await reader.execute_query(
            "SELECT count(*) FROM directory_entry WHERE name = ?", ["Uncommitted Rowing Club"]
        )

    assert names(inside) == ["Uncommitted Rowing Club"]
    assert outside[0][0] == 0


async def test_search_reader_cannot_write(taxonomy):
    reader = connection()

    with pytest.raises(OperationalError, match="readonly"):
        await reader.execute_query("DELETE FROM directory_entry", [])


async def test_search_reader_follows_tortoise_reconnecting(taxonomy):
    await make_entry("Weston Shore Swimmers")
    before = connection()

    client = Tortoise.get_connection("default")
    await client.close()
    await client.create_connection(with_db=True)
    after = connection()

    assert after is not before
    assert names(await search(SearchQuery(text="swimmers"))) == ["Weston Shore Swimmers"]


async def test_search_reads_matches_and_entries_off_the_loop_in_one_row(taxonomy, monkeypatch):
    await make_entry('The "Quoted" Ünïcode \\ Club 🎉')
    seen: list[tuple[str, bool, int]] = []
    seen_sql: list[str] = []
    original = SqliteReader._on_worker

    def on_worker(self, sql, params):
        found = original(self, sql, params)
        seen_sql.append(sql)
        seen.append((threading.current_thread().name, "json_group_array(" in sql, len(found[0])))
        return found

    monkeypatch.setattr(SqliteReader, "_on_worker", on_worker)

    with busy.serving(), busy.serving():  # this request and another one in flight
        page = await search(SearchQuery(text="unicode club"))

    assert names(page) == ['The "Quoted" Ünïcode \\ Club 🎉']
    # The matches and the page's entries: one statement, answered in one row (JSON
    # arrays), on the reader's thread (not the loop's).
    assert [(name.startswith("search-reader"), json, n) for name, json, n in seen] == [
        (True, True, 1)
    ]
    assert "directory_entry_fts" in seen_sql[0] and "FROM directory_entry WHERE" in seen_sql[0]


async def test_search_alone_reads_at_once_on_the_loop(taxonomy, monkeypatch):
    await make_entry("Hightown Lantern Makers")
    calls: list[str] = []
    monkeypatch.setattr(SqliteReader, "_on_worker", lambda self, sql, params: calls.append(sql))

    with busy.serving():  # only this request
        page = await search(SearchQuery(text="lantern"))

    assert names(page) == ["Hightown Lantern Makers"]
    assert calls == []


async def test_search_reader_thread_cannot_write(taxonomy):
    reader = connection()

    with busy.serving(), busy.serving(), pytest.raises(OperationalError, match="readonly"):
        await reader.execute_off_loop("DELETE FROM directory_entry", [])
