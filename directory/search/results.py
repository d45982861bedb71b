"""What a search is asked and what it answers: the query, the page of hits, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from directory.models import Entry, Status

PER_PAGE = 20
# A guard on the page number asked for, not on what can be reached: at 20 a page it
# leaves twenty million matches reachable; a page past the last shows the last.
MAX_PAGE = 1_000_000
PUBLIC = (Status.PUBLISHED.value,)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kind: str = ""
    theme: str = ""  # theme slug
    area: str = ""  # area slug
    statuses: tuple[str, ...] = PUBLIC
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Hit:
    entry: Entry
    name: Markup
    snippet: Markup
    themes: list[str]
    areas: list[str] = field(default_factory=list)  # the areas' (wards') names, sorted


@dataclass
class SearchPage:
    query: SearchQuery
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str = ""  # the corrected query whose results are shown
    understood: str = ""  # how OR, NOT and left-out common words were read ("" if plain)
    shortened: bool = False  # the query was longer than search reads, and was cut
