"""The directory's JSON API under /api/v1: search and read published entries (anyone),
create, replace (PUT), change (PATCH) and read any entry (staff tokens with the
moderator or admin role).

Each handler parses the request, calls one function of ``directory.queries`` (where
the rules and the database reads are) and renders the answer. Public answers go
through ``public_view``, so private contact fields and hidden addresses never appear.
Moderators get ``staff_view``: every status, the exact address, the private contact
and provenance.

An edit changes an entry's status only when the request sends ``status``, and then
by moderation's rule (the staff pages' status form); a PUT or PATCH without it keeps
a pending entry pending and an archived one archived.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from spectree import Response as SpecResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from convenor.api import ErrorResponse, api_user, spec
from convenor.cleaning import CheckedInput, PersonName
from convenor.errors import Invalid
from convenor.models import Role
from directory import queries
from directory.forms import entry_from_mapping
from directory.models import Entry, Status
from directory.present import public_view, staff_view
from directory.search import SearchQuery


class SearchParams(CheckedInput):
    q: str = Field("", max_length=10_000, description="Words to search for (prefixes match)")
    kind: str = ""
    theme: str = Field("", description="Theme slug")
    area: str = Field("", description="Area slug")
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=100)


class ServiceOut(BaseModel):
    uuid: str
    name: str
    description: str
    who_for: str
    how_to_access: str


class Term(BaseModel):
    slug: str
    name: str


class EntryOut(BaseModel):
    id: int
    uuid: str
    kind: str | None = Field(description="null while not known (never for a published entry)")
    kind_label: str
    name: str
    alternate_names: list[str]
    description: str
    website: str
    email: str
    phone: str
    address: str
    town: str
    postcode: str
    address_hidden: bool
    charity_number: str
    company_number: str
    opening_times: str
    accessibility: str
    languages: str
    themes: list[Term]
    areas: list[Term]
    services: list[ServiceOut]
    last_reviewed: str | None
    updated_at: str | None


class ProvenanceOut(BaseModel):
    how: str
    source: str
    at: str | None


class StaffEntryOut(EntryOut):
    """An entry as moderators see it: address and postcode are exact even when hidden."""

    status: str
    contact_name: str
    contact_email: str
    confirmed_at: str | None
    published_at: str | None
    provenance: list[ProvenanceOut]


class Hit(BaseModel):
    id: int
    name: str
    kind: str
    town: str
    areas: list[str] = Field(description="The names of the areas (wards) the entry serves")
    url: str


class FacetCount(BaseModel):
    value: str
    label: str
    count: int


class SearchOut(BaseModel):
    """A page of results: ``total`` is the exact number of matches, and the pages
    together show each of them once, in the same order as the directory's page."""

    total: int
    page: int
    pages: int
    suggestion: str
    shortened: bool = Field(
        description="The query was longer than search reads (in characters or in words), "
        "and only its start was searched, as the directory's page says"
    )
    items: list[Hit]
    facets: dict[str, list[FacetCount]]


class ServiceIn(CheckedInput):
    name: str = Field(max_length=200)
    description: str = ""
    who_for: str = ""
    how_to_access: str = ""


STATUS_HELP = (
    "The status to move the entry to, by moderation's rules (publishing needs a "
    "description and a kind). Not sent: the status stays as it is"
)


class EntryIn(CheckedInput):
    kind: str
    name: PersonName
    description: str
    alternate_names: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    town: str = ""
    postcode: str = ""
    hide_address: bool = False
    charity_number: str = ""
    company_number: str = ""
    opening_times: str = ""
    accessibility: str = ""
    languages: str = ""
    contact_name: PersonName = ""
    contact_email: str = ""
    themes: list[str] = []
    areas: list[str] = []
    services: list[ServiceIn] = []
    status: Status | None = Field(
        None, description=f"{STATUS_HELP} (PUT), or the entry is published (POST)."
    )


class EntryPatch(CheckedInput):
    """The fields to change, as a JSON merge patch of the entry's top-level fields: each
    field sent replaces the stored one (a list - themes, areas, services - as a whole),
    ``null`` clears a field that may be empty, and a field not sent stays as it is.
    Fields are checked as a PUT checks them; an unknown field is refused."""

    model_config = ConfigDict(extra="forbid")

    kind: str | None = None
    name: PersonName | None = None
    description: str | None = None
    alternate_names: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    town: str | None = None
    postcode: str | None = None
    hide_address: bool | None = None
    charity_number: str | None = None
    company_number: str | None = None
    opening_times: str | None = None
    accessibility: str | None = None
    languages: str | None = None
    contact_name: PersonName | None = None
    contact_email: str | None = None
    themes: list[str] | None = None
    areas: list[str] | None = None
    services: list[ServiceIn] | None = None
    status: Status | None = Field(None, description=f"{STATUS_HELP}.")


def _data(body: EntryIn | None):
    if body is None:
        raise Invalid("Send the entry as a JSON body.", fields={"body": "Missing JSON body"})
    raw: dict[str, Any] = body.model_dump()
    raw["hide_address"] = "yes" if body.hide_address else ""
    data, errors = entry_from_mapping(raw)
    if errors:
        raise Invalid("Some fields need correcting.", fields=errors)
    return data


def _staff_json(entry: Entry, status_code: int = 200) -> JSONResponse:
    return JSONResponse(StaffEntryOut(**staff_view(entry)).model_dump(), status_code=status_code)


async def _is_moderator(request: Request) -> bool:
    """Whether the request carries a moderator's or admin's token (a bad token is 401)."""
    if not request.headers.get("authorization"):
        return False
    user = await api_user(request)
    return user.role in (Role.MODERATOR, Role.ADMIN)


@spec.validate(
    query=SearchParams, resp=SpecResponse(HTTP_200=SearchOut), tags=["directory"], security={}
)
async def search_entries(request: Request) -> Response:
    """Search published entries, with counts per filter value: the same entries, in the
    same order and with the same total, as the directory's search page."""
    params: SearchParams = request.context.query  # type: ignore[attr-defined]
    page = await queries.search_entries(
        SearchQuery(
            text=params.q,
            kind=params.kind,
            theme=params.theme,
            area=params.area,
            page=params.page,
            per_page=params.per_page,
        )
    )
    body = SearchOut(
        total=page.total,
        page=page.page,
        pages=page.pages,
        suggestion=page.suggestion,
        shortened=page.shortened,
        items=[
            Hit(
                id=h.entry.id,
                name=h.entry.name,
                kind=h.entry.kind,
                town=h.entry.town,
                areas=list(h.areas),
                url=f"/api/v1/directory/entries/{h.entry.id}",
            )
            for h in page.hits
        ],
        facets={
            name: [FacetCount(value=f.value, label=f.label, count=f.count) for f in values]
            for name, values in page.facets.items()
        },
    )
    return JSONResponse(body.model_dump())


@spec.validate(
    resp=SpecResponse(HTTP_200=EntryOut, HTTP_401=ErrorResponse, HTTP_404=ErrorResponse),
    tags=["directory"],
    security=[{}, {"bearer": []}],
)
async def read_entry(request: Request) -> Response:
    """One published entry; with a moderator's token, any entry as moderators see it
    (``StaffEntryOut``: status, exact address, private contact, provenance)."""
    moderator = await _is_moderator(request)
    entry = await queries.read_entry(request.path_params["entry_id"], moderator=moderator)
    if moderator:
        return _staff_json(entry)
    return JSONResponse(EntryOut(**public_view(entry)).model_dump())


@spec.validate(
    json=EntryIn,
    resp=SpecResponse(
        HTTP_201=StaffEntryOut,
        HTTP_401=ErrorResponse,
        HTTP_403=ErrorResponse,
        HTTP_422=ErrorResponse,
    ),
    tags=["directory"],
)
async def create_entry(request: Request) -> Response:
    """Create an entry (staff token: moderator or admin); published unless ``status``
    names another."""
    user = await api_user(request, {Role.MODERATOR})
    body: EntryIn | None = request.context.json  # type: ignore[attr-defined]
    entry = await queries.create_entry(
        _data(body),
        body.status if body else None,
        source=f"Added through the API by {user.email}",
    )
    return _staff_json(entry, 201)


EDIT_RESPONSES = SpecResponse(
    HTTP_200=StaffEntryOut,
    HTTP_401=ErrorResponse,
    HTTP_403=ErrorResponse,
    HTTP_404=ErrorResponse,
    HTTP_409=ErrorResponse,
    HTTP_422=ErrorResponse,
)


@spec.validate(json=EntryIn, resp=EDIT_RESPONSES, tags=["directory"])
async def update_entry(request: Request) -> Response:
    """Replace an entry's content (staff token: moderator or admin).

    The status changes only when ``status`` is sent, by moderation's rules (publishing
    needs a description and a kind); without it a pending, hidden or archived entry
    stays as it is. An entry merged into another is not changed (409)."""
    await api_user(request, {Role.MODERATOR})
    body: EntryIn | None = request.context.json  # type: ignore[attr-defined]
    data = _data(body)
    entry = await queries.replace_entry(
        request.path_params["entry_id"], data, body.status if body else None
    )
    return _staff_json(entry)


@spec.validate(json=EntryPatch, resp=EDIT_RESPONSES, tags=["directory"])
async def patch_entry(request: Request) -> Response:
    """Change only the fields sent (staff token: moderator or admin).

    The body is a JSON merge patch (RFC 7396) of the entry's top-level fields, sent as
    ``Content-Type: application/json``: a field sent replaces the stored one (themes,
    areas and services as whole lists), ``null`` clears a field that may be empty, a
    field not sent stays exactly as it is, and an unknown field is refused. Fields are
    checked as a PUT checks them: 422 naming each field, and nothing saved.

    ``status`` as in PUT: sent, it moves the entry by moderation's rules (publishing
    needs a description and a kind); not sent, the status stays. An entry merged into
    another is not changed (409)."""
    await api_user(request, {Role.MODERATOR})
    body: EntryPatch | None = request.context.json  # type: ignore[attr-defined]
    if body is None:
        raise Invalid("Send the changes as a JSON object.", fields={"body": "Missing JSON body"})
    entry = await queries.patch_entry(
        request.path_params["entry_id"], body.model_dump(exclude_unset=True)
    )
    return _staff_json(entry)


routes = [
    Route("/directory/entries", search_entries, methods=["GET"]),
    Route("/directory/entries", create_entry, methods=["POST"]),
    Route("/directory/entries/{entry_id:int}", read_entry, methods=["GET"]),
    Route("/directory/entries/{entry_id:int}", update_entry, methods=["PUT"]),
    Route("/directory/entries/{entry_id:int}", patch_entry, methods=["PATCH"]),
]
