"""The directory's JSON API under /api/v1: search and read published entries (anyone),
create, update and read any entry (staff tokens with the moderator or admin role).

The same service functions as the pages; public answers go through ``public_view``,
so private contact fields and hidden addresses never appear. Moderators get
``staff_view``: every status, the exact address, the private contact and provenance.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from spectree import Response as SpecResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from tortoise.transactions import in_transaction

from convenor.api import ErrorResponse, api_user, spec
from convenor.cleaning import CheckedInput, PersonName
from convenor.errors import Invalid
from convenor.models import Role
from directory import moderation, service
from directory.forms import entry_from_mapping
from directory.models import How, Status
from directory.present import public_view, staff_view
from directory.search import SearchQuery, search


class SearchParams(CheckedInput):
    q: str = Field("", max_length=10_000, description="Words to search for (prefixes match)")
    kind: str = ""
    theme: str = Field("", description="Theme slug")
    area: str = Field("", description="Area slug")
    page: int = Field(1, ge=1, le=500)
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
    kind: str
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
    url: str


class FacetCount(BaseModel):
    value: str
    label: str
    count: int


class SearchOut(BaseModel):
    total: int
    page: int
    pages: int
    suggestion: str
    items: list[Hit]
    facets: dict[str, list[FacetCount]]


class ServiceIn(CheckedInput):
    name: str = Field(max_length=200)
    description: str = ""
    who_for: str = ""
    how_to_access: str = ""


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
    status: Status = Status.PUBLISHED


def _data(body: EntryIn | None):
    if body is None:
        raise Invalid("Send the entry as a JSON body.", fields={"body": "Missing JSON body"})
    raw: dict[str, Any] = body.model_dump()
    raw["hide_address"] = "yes" if body.hide_address else ""
    data, errors = entry_from_mapping(raw)
    if errors:
        raise Invalid("Some fields need correcting.", fields=errors)
    return data


async def _staff_json(entry_id: int, status_code: int = 200) -> JSONResponse:
    entry = await service.staff_entry(entry_id)
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
    """Search published entries, with counts per filter value."""
    params: SearchParams = request.context.query  # type: ignore[attr-defined]
    page = await search(
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
        items=[
            Hit(
                id=h.entry.id,
                name=h.entry.name,
                kind=h.entry.kind,
                town=h.entry.town,
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
    if await _is_moderator(request):
        return await _staff_json(request.path_params["entry_id"])
    entry = await service.public_entry(request.path_params["entry_id"])
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
    """Create an entry (staff token: moderator or admin)."""
    user = await api_user(request, {Role.MODERATOR})
    body: EntryIn | None = request.context.json  # type: ignore[attr-defined]
    entry = await service.create_entry(
        _data(body),
        status=body.status if body else Status.PUBLISHED,
        how=How.STAFF,
        source=f"Added through the API by {user.email}",
    )
    return await _staff_json(entry.id, 201)


@spec.validate(
    json=EntryIn,
    resp=SpecResponse(
        HTTP_200=StaffEntryOut,
        HTTP_401=ErrorResponse,
        HTTP_403=ErrorResponse,
        HTTP_404=ErrorResponse,
        HTTP_422=ErrorResponse,
    ),
    tags=["directory"],
)
async def update_entry(request: Request) -> Response:
    """Replace an entry's fields (staff token: moderator or admin)."""
    await api_user(request, {Role.MODERATOR})
    body: EntryIn | None = request.context.json  # type: ignore[attr-defined]
    entry_id = request.path_params["entry_id"]
    data = _data(body)
    async with in_transaction():  # fields and status together, or neither
        await service.update_entry(entry_id, data)
        if body is not None:
            await moderation.set_status(entry_id, body.status)
    return await _staff_json(entry_id)


routes = [
    Route("/directory/entries", search_entries, methods=["GET"]),
    Route("/directory/entries", create_entry, methods=["POST"]),
    Route("/directory/entries/{entry_id:int}", read_entry, methods=["GET"]),
    Route("/directory/entries/{entry_id:int}", update_entry, methods=["PUT"]),
]
