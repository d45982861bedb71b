"""Helpers the directory's public and staff pages share: reading search choices from
the query string, links that keep them, and the context of the entry form.
"""

from __future__ import annotations

import functools
import html
from urllib.parse import quote_plus

from markupsafe import Markup
from starlette.requests import Request

from convenor.cleaning import without_controls
from directory import service
from directory.forms import MAX_SERVICES, EntryData
from directory.models import KIND_LABELS
from directory.search import FacetValue, SearchPage, SearchQuery
from directory.search.query import MAX_TERMS, parse
from directory.search.text import MAX_QUERY_CHARS


def page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 6 else 1


def query_from(request: Request, statuses: tuple[str, ...]) -> SearchQuery:
    params = request.query_params
    # Search text and filters are never stored; control characters (a NUL fails on
    # PostgreSQL) are dropped rather than refused.
    return SearchQuery(
        text=without_controls(params.get("q", "")[:10_000]),
        kind=without_controls(params.get("kind", "")[:20]),
        theme=without_controls(params.get("theme", "")[:100]),
        area=without_controls(params.get("area", "")[:100]),
        statuses=statuses,
        page=page_number(params.get("page")),
    )


def link_maker(base: str, query: SearchQuery, **extra: str):
    """Builds result-page links that keep the other choices (and reset the page)."""
    values = {"q": query.text, "kind": query.kind, "theme": query.theme, "area": query.area}
    values.update(extra)
    kept = {key: quote_plus(value) for key, value in values.items()}

    def link(**changes) -> str:
        encoded = dict(kept)
        for key, value in changes.items():
            if key != "page":
                encoded[key] = quote_plus(value)
        if "page" in changes:
            encoded.pop("page", None)
            encoded["page"] = str(changes["page"])
        return f"{base}?" + "&".join(f"{key}={value}" for key, value in encoded.items() if value)

    return link


# Stands for a filter value while a link is made; "=" is never left unencoded in a
# value, so "<facet>=<SLOT>" can only be that filter's own place in the link.
SLOT = "VALUE0SLOT"


def results_links(base: str, query: SearchQuery, page: SearchPage, **extra: str) -> dict:
    """Context for ``directory/_results.html``: each filter value's link, which chooses
    it (or, when chosen, removes it), the previous and next pages' links, how many
    filters are chosen, and what was searched when the query was shortened.

    A results page has dozens of filter links. Each facet's URL is made once and the
    values put in its place, and each link is made here in one step (``filter_link``):
    in the template, every link cost a dozen steps and four escapes."""
    link = link_maker(base, query, **extra)
    facets = {}
    for facet, values in page.facets.items():
        before, _, after = link(**{facet: SLOT}).partition(f"{facet}={SLOT}")
        # Escaped once for the facet; a quoted value has nothing to escape.
        before, after = f"{html.escape(before)}{facet}=", html.escape(after)
        removed = html.escape(link(**{facet: ""}))
        facets[facet] = [
            _filter_link(removed if f.selected else f"{before}{_quoted(f.value)}{after}", f)
            for f in values
        ]
    chosen = sum(1 for value in (query.kind, query.theme, query.area) if value)
    return {
        "facet_links": facets,
        "previous_page": link(page=page.page - 1) if page.page > 1 else "",
        "next_page": link(page=page.page + 1) if page.page < page.pages else "",
        "filters_chosen": chosen,
        "clear_filters": link(kind="", theme="", area=""),
        # No filters to show or remove: no filters button.
        "show_filters": bool(chosen or any(page.facets.values())),
        "past_last_page": query.page > page.page,
        **(shortened(query.text) if page.shortened else {}),
    }


def shortened(text: str) -> dict:
    """How a shortened query was cut (past ``MAX_QUERY_CHARS`` characters, past
    ``MAX_TERMS`` words or phrases, or both) and what was searched, as search read it."""
    return {
        "cut_chars": len(text) > MAX_QUERY_CHARS,
        "cut_terms": parse(text[:MAX_QUERY_CHARS]).shortened,
        "max_query_chars": MAX_QUERY_CHARS,
        "max_terms": MAX_TERMS,
        "searched_text": parse(text).text(),
    }


def filter_link(href: str, value: FacetValue) -> Markup:
    """A filter value's link with its exact count; the chosen value's link removes it."""
    return _filter_link(html.escape(href), value)


# Filter values and their labels come from a short list (kinds and the taxonomy), and
# a page shows dozens of them: each is quoted or escaped once, not once a link.
_quoted = functools.lru_cache(maxsize=4096)(quote_plus)
_escaped = functools.lru_cache(maxsize=4096)(html.escape)


def _filter_link(href: str, value: FacetValue) -> Markup:
    """As ``filter_link``, with ``href`` already escaped."""
    text = f"{_escaped(value.label)} ({value.count})"
    if value.selected:
        return Markup(  # noqa: S704 - every value in it is escaped
            f'<a href="{href}" aria-current="true">{text} '
            '<span class="visually-hidden">selected,</span> remove</a>'
        )
    return Markup(f'<a href="{href}">{text}</a>')  # noqa: S704 - as above


async def form_context(data: EntryData, errors: dict, **extra) -> dict:
    themes, areas = await service.taxonomy()
    return {
        "data": data,
        "errors": errors,
        "kinds": [(k.value, label) for k, label in KIND_LABELS.items()],
        "themes": [(t.slug, t.name) for t in themes],
        "areas": [(a.slug, a.name) for a in areas],
        "service_slots": min(MAX_SERVICES, max(2, len(data.services) + 1)),
        "duplicates": [],
        "intro": "",
        **extra,
    }


def message_context(title: str, *paragraphs: str, **extra: str) -> dict:
    """Context for ``directory/message.html``: a heading, paragraphs, an optional button."""
    return {
        "title": title,
        "paragraphs": list(paragraphs),
        "form_action": "",
        "form_button": "",
        "next_url": "",
        "next_label": "",
        **extra,
    }
