"""What search keeps between queries, under the directory's search stamp.

Triggers set ``directory_search_stamp.stamp`` to a new random number in the same
transaction as any insert or delete of an entry, any change to an entry's name, kind,
status, alternate names or description, to its services, themes or areas, or to the
taxonomy (migrations 2026_11_21_directory_stamp and _stamp_text). A search reads the
stamp first and only then uses or fills what is kept under it. So a kept answer is
never older than what its reader can see: a change committed after the stamp was read
is either already in the answer or has made a new stamp, under which nothing is kept
yet.

Kept: the taxonomy (themes and areas by id); for browsing without words the counts
per filter value, the total and each page's entry ids; for a text query with more than
``CAP`` matches, how many match in all. A text query's matches and page are not kept:
their cost is bounded by ``CAP`` instead. A text query reads the stamp in its own
statement, and counts again there unless the stamp is the one its count was kept under.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from directory.search.sql import rows


class StampCache:
    """Values kept under one stamp, the least recently used dropped beyond ``size``;
    values under any other stamp are never answered."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.stamp: int | None = None
        self.values: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, stamp: int | None, key: Hashable) -> Any:
        if stamp is None or stamp != self.stamp:
            return None
        value = self.values.get(key)
        if value is not None:
            self.values.move_to_end(key)
        return value

    def kept(self, key: Hashable) -> tuple[int | None, Any]:
        """The stamp everything here was kept under, and the value for ``key`` (None if
        none): for a caller that learns the current stamp only later, and may use the
        value then if that stamp is this one."""
        value = self.values.get(key)
        if value is not None:
            self.values.move_to_end(key)
        return self.stamp, value

    def put(self, stamp: int | None, key: Hashable, value: Any) -> None:
        if stamp is None:  # no stamp row (a reset table): nothing is safe to keep
            return
        if stamp != self.stamp:
            self.stamp = stamp
            self.values.clear()
        self.values[key] = value
        if len(self.values) > self.size:
            self.values.popitem(last=False)

    def clear(self) -> None:
        self.stamp = None
        self.values.clear()


# The search stamp; text searches read it inside their own statement, as a subquery.
STAMP_SQL = "SELECT stamp FROM directory_search_stamp WHERE id = 1"


async def current_stamp(conn: BaseDBAsyncClient) -> int | None:
    found = await rows(conn, STAMP_SQL, [])
    return int(found[0]["stamp"]) if found else None


@dataclass(frozen=True)
class Taxonomy:
    labels: dict[str, dict[int, tuple[str, str]]]  # facet -> id -> (slug, name)

    def id_of(self, facet: str, slug: str) -> int | None:
        return next((i for i, (s, _) in self.labels[facet].items() if s == slug), None)


_taxonomies = StampCache(1)


async def taxonomy(conn: BaseDBAsyncClient, stamp: int | None) -> Taxonomy:
    """Themes and areas by id, read once per stamp."""
    kept = _taxonomies.get(stamp, "taxonomy")
    if kept is not None:
        return kept
    found = await rows(
        conn,
        "SELECT 'theme' AS facet, id, slug, name FROM directory_theme "
        "UNION ALL SELECT 'area' AS facet, id, slug, name FROM directory_area",
        [],
    )
    labels: dict[str, dict[int, tuple[str, str]]] = {"theme": {}, "area": {}}
    for r in found:
        labels[r["facet"]][r["id"]] = (r["slug"], r["name"])
    made = Taxonomy(labels)
    _taxonomies.put(stamp, "taxonomy", made)
    return made
