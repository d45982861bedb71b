"""The sign-in throttle: attempts per account and per client address in a time window.

An attempt is taken BEFORE the password is checked, by one conditional upsert per
key (``INSERT ... ON CONFLICT DO UPDATE ... WHERE attempts < limit OR the window has
passed``): the count and the check are one atomic step on SQLite and PostgreSQL, so
30 sign-ins at once for one account check at most ``limit`` passwords. Never
read-then-write. A row whose window has passed counts as empty, so deleting it is
always safe (the next attempt inserts it afresh).
"""

from __future__ import annotations

import functools
import hashlib
from datetime import datetime, timedelta

from convenor import plainsql
from convenor.models import LoginThrottle


def account_key(email: str) -> str:
    return hashlib.sha256(f"account:{email.strip().lower()}".encode()).hexdigest()


def client_key(client_address: str) -> str:
    return hashlib.sha256(f"client:{client_address}".encode()).hexdigest()


@functools.cache
def _take_sql() -> str:
    t = plainsql.table(LoginThrottle)
    passed = f"{t}.window_started_at < ?"
    return (
        f"INSERT INTO {t} (throttle_key, attempts, window_started_at) VALUES (?, 1, ?) "  # noqa: S608
        "ON CONFLICT (throttle_key) DO UPDATE SET "
        f"attempts = CASE WHEN {passed} THEN 1 ELSE {t}.attempts + 1 END, "
        f"window_started_at = CASE WHEN {passed} THEN ? ELSE {t}.window_started_at END "
        f"WHERE {t}.attempts < ? OR {passed} "
        "RETURNING attempts"
    )


@functools.cache
def _release_sql() -> str:
    t = plainsql.table(LoginThrottle)
    return f"UPDATE {t} SET attempts = attempts - 1 WHERE throttle_key = ? AND attempts > 0"  # noqa: S608


async def take(key: str, limit: int, window: timedelta, at: datetime) -> bool:
    """Take one attempt for ``key`` if fewer than ``limit`` were taken in the window.

    Starts a new window when the last one has passed. Returns False (and changes
    nothing) when the limit is reached. Side effect: inserts or updates the key's row.
    """
    cutoff = at - window
    rows = await plainsql.select(_take_sql(), [key, at, cutoff, cutoff, at, limit, cutoff])
    return bool(rows)


async def release(key: str) -> None:
    """Give back an attempt that was taken (a sign-in that succeeded or was not tried)."""
    await plainsql.execute(_release_sql(), [key])


async def clear(key: str) -> None:
    """Forget every attempt for ``key`` (an account's, after it signed in)."""
    await LoginThrottle.filter(throttle_key=key).delete()


async def prune(window: timedelta, at: datetime) -> int:
    """Delete rows whose window has passed; returns how many."""
    return await LoginThrottle.filter(window_started_at__lt=at - window).delete()


async def attempts(key: str, window: timedelta, at: datetime) -> int:
    """Attempts taken for ``key`` in the current window (for tests and measurements)."""
    row = await LoginThrottle.get_or_none(throttle_key=key)
    if row is None or row.window_started_at < at - window:
        return 0
    return row.attempts
