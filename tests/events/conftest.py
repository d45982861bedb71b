"""Event fixtures: an organiser's published event. The makers are in tests.events.factories."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from events.models import Event
from tests.events.factories import published_event


@pytest.fixture
async def event(app, organiser) -> Event:
    return await published_event(organiser)


@pytest.fixture
async def second_client(app) -> AsyncIterator[httpx.AsyncClient]:
    """Another HTTP client with cookies of its own: a test's positive control signs in
    the right person here while ``client`` is someone refused."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
