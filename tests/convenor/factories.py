"""Makers for the convenor core's tests: staff users as the app stores them, and a second
HTTP client for a test's positive control (the right person's request beside the refused
one). Staff with a password are made with tests.conftest.make_staff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from convenor import auth
from convenor.models import Role, User


async def user_with_hash(
    email: str, password_hash: str, role: Role = Role.ORGANISER, **fields
) -> User:
    """A staff user whose stored password hash is given as is (made elsewhere, with other
    costs or another hasher), as a user row from an older release would be."""
    stamp = auth.now()
    values = {"created_at": stamp, "password_changed_at": stamp, **fields}
    return await User.create(email=email, role=role, password_hash=password_hash, **values)


@asynccontextmanager
async def other_client(app) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with cookies of its own, beside the test's ``client``."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
