"""Open Referral HSDS 3.0 export at /api/hsds/: organisations and services, read only.

Only published entries appear. Shapes follow the HSDS 3.0 schemas (organization,
service, compiled service list) with its paging fields. A hidden address produces no
location at all. Ids are the entries' and services' stored UUIDs; ids of derived
records (addresses, phones, areas) are UUIDv5 of their parent so they stay stable.

Handlers parse the request, call one function of ``directory.queries`` (which reads
the database) and render the HSDS shapes here.
"""

from __future__ import annotations

import math
import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from convenor.cleaning import without_controls
from directory import queries

if TYPE_CHECKING:
    from directory.models import Entry, Service

NAMESPACE = uuid.UUID("6f1c7a52-0c1e-4b43-9d55-2f6a4d7c0b11")
PER_PAGE, MAX_PER_PAGE = 50, 500
THEMES_TAXONOMY = "Convenor community-safety themes"


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _paging(request: Request) -> tuple[int, int]:
    raw_page, raw_size = (
        request.query_params.get("page", "1"),
        request.query_params.get("per_page", ""),
    )
    page = int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1
    size = int(raw_size) if raw_size.isdigit() and len(raw_size) < 5 else PER_PAGE
    return max(page, 1), min(max(size, 1), MAX_PER_PAGE)


def page_body(contents: list, total: int, page: int, size: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / size))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
        "contents": contents,
    }


def organisation_summary(entry: Entry) -> dict[str, Any]:
    body: dict[str, Any] = {"id": entry.uuid, "name": entry.name, "description": entry.description}
    if entry.alternate_name_list:
        body["alternate_name"] = entry.alternate_name_list[0]
    if entry.email:
        body["email"] = entry.email
    if entry.website:
        body["website"] = entry.website
    return body


def organisation(entry: Entry) -> dict[str, Any]:
    """A fully nested HSDS organization for a published entry."""
    body = organisation_summary(entry)
    body["phones"] = (
        [
            {
                "id": derived_id(entry.uuid, "phone"),
                "organization_id": entry.uuid,
                "number": entry.phone,
            }
        ]
        if entry.phone
        else []
    )
    identifiers = []
    for scheme, kind, value in (
        ("GB-CHC", "Charity number", entry.charity_number),
        ("GB-COH", "Company number", entry.company_number),
    ):
        if value:
            identifiers.append(
                {
                    "id": derived_id(entry.uuid, scheme),
                    "organization_id": entry.uuid,
                    "identifier_scheme": scheme,
                    "identifier_type": kind,
                    "identifier": value,
                }
            )
    body["organization_identifiers"] = identifiers
    body["locations"] = (
        [] if entry.hide_address or not (entry.address or entry.postcode) else [_location(entry)]
    )
    return body


def _location(entry: Entry) -> dict[str, Any]:
    location_id = derived_id(entry.uuid, "location")
    lines = [line.strip() for line in entry.address.splitlines() if line.strip()]
    return {
        "id": location_id,
        "location_type": "physical",
        "organization_id": entry.uuid,
        "name": entry.name,
        "addresses": [
            {
                "id": derived_id(entry.uuid, "address"),
                "location_id": location_id,
                "address_1": lines[0] if lines else "",
                "address_2": ", ".join(lines[1:]),
                "city": entry.town,
                "state_province": "",
                "postal_code": entry.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ],
    }


def service_summary(service: Service, entry: Entry) -> dict[str, Any]:
    return {
        "id": service.uuid,
        "organization_id": entry.uuid,
        "name": service.name,
        "description": service.description,
        "status": "active",
        "eligibility_description": service.who_for,
        "application_process": service.how_to_access,
        "organization": organisation_summary(entry),
    }


def service_full(service: Service, entry: Entry) -> dict[str, Any]:
    body = service_summary(service, entry)
    body["organization"] = organisation(entry)
    body["service_areas"] = [
        {"id": derived_id(service.uuid, area.uuid), "service_id": service.uuid, "name": area.name}
        for area in entry.areas
    ]
    body["attributes"] = [
        {
            "id": derived_id(service.uuid, theme.uuid),
            "link_id": service.uuid,
            "link_type": "theme",
            "link_entity": "service",
            "taxonomy_term_id": theme.uuid,
            "taxonomy_term": {
                "id": theme.uuid,
                "name": theme.name,
                "description": theme.description or theme.name,
                "taxonomy": THEMES_TAXONOMY,
            },
        }
        for theme in entry.themes
    ]
    languages = [name.strip() for name in entry.languages.split(",") if name.strip()]
    body["languages"] = [
        {"id": derived_id(service.uuid, "language", name), "service_id": service.uuid, "name": name}
        for name in languages
    ]
    body["schedules"] = (
        [
            {
                "id": derived_id(service.uuid, "schedule"),
                "service_id": service.uuid,
                "description": entry.opening_times,
            }
        ]
        if entry.opening_times
        else []
    )
    return body


async def root(request: Request) -> Response:
    return JSONResponse(
        {
            "version": "3.0",
            "profile": "https://specs.openreferral.org/en/latest/hsds/overview/",
            "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json",
        }
    )


async def organisations(request: Request) -> Response:
    """Published organisations; with ``?search=``, the directory's own search (the same
    entries, in the same order and with the same total, as the directory's page)."""
    page, size = _paging(request)
    # Search text is never stored; control characters are dropped, as on the page.
    text = without_controls(request.query_params.get("search", "")[:10_000])
    entries, total = await queries.hsds_organisations(text, page, size)
    return JSONResponse(page_body([organisation_summary(e) for e in entries], total, page, size))


async def organisation_detail(request: Request) -> Response:
    return JSONResponse(organisation(await queries.hsds_organisation(request.path_params["id"])))


async def services(request: Request) -> Response:
    page, size = _paging(request)
    organisation_id = request.query_params.get("organization_id", "")
    rows, total = await queries.hsds_services(organisation_id, page, size)
    contents = [service_summary(s, s.entry) for s in rows]
    return JSONResponse(page_body(contents, total, page, size))


async def service_detail(request: Request) -> Response:
    service = await queries.hsds_service(request.path_params["id"])
    return JSONResponse(service_full(service, service.entry))
