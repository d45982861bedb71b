"""Directory fixtures: the demo taxonomy. Entries and the rest are made with
tests/directory/factories.py."""

from __future__ import annotations

import pytest

from directory.taxonomy import ensure_taxonomy


@pytest.fixture
async def taxonomy(app) -> None:
    await ensure_taxonomy()
