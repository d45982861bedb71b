"""The search index: what search looks for, kept by the writers of entries.

Every function that changes what an entry says (its names, description, services,
themes or areas) calls ``refresh`` with the entries' ids inside its own transaction,
after writing them.

(Being built for issue 17: until then the database triggers keep the old index and
``refresh`` does nothing.)
"""

from __future__ import annotations

from collections.abc import Iterable


async def refresh(entry_ids: Iterable[int]) -> None:
    """Rewrite the index of these entries from what the database now holds."""
    del entry_ids


async def refresh_term(kind: str, term_id: int) -> None:
    """Rewrite the index of every entry with this theme or area (after a rename)."""
    del kind, term_id
