"""Directory search: one design, the same answers on SQLite and PostgreSQL.

``search(SearchQuery(...))`` answers with a ranked page of entries, exact counts per
filter value, highlighted names and snippets, and a "did you mean" correction when a
misspelt word found nothing. The index is kept in Python by the writers of entries
(``directory.search.index``); queries are read by ``directory.search.query`` and run by
``directory.search.engine``.
"""

from __future__ import annotations

from directory.search.engine import search, similar_names
from directory.search.results import (
    MAX_PAGE,
    PER_PAGE,
    PUBLIC,
    FacetValue,
    Hit,
    SearchPage,
    SearchQuery,
)

__all__ = [
    "MAX_PAGE",
    "PER_PAGE",
    "PUBLIC",
    "FacetValue",
    "Hit",
    "SearchPage",
    "SearchQuery",
    "search",
    "similar_names",
]
