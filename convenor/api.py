"""The JSON API under /api/v1: bearer tokens, JSON errors and the OpenAPI document.

Routes are declared with spectree's ``spec.validate`` (pydantic models for bodies and
responses); spectree generates ``/api/v1/openapi.json`` from those route definitions.
Validation failures become ``{"error": {"code", "message", "fields"}}`` like every
other API error. The API never reads the session cookie, so it needs no CSRF token.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel
from spectree import Response as SpecResponse
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from convenor import auth
from convenor.errors import DomainError, Forbidden, Invalid, Unauthorised
from convenor.models import Role, User

log = logging.getLogger("convenor.api")


def _raise_validation_errors(request, response, error, instance, model_adapter) -> None:
    """spectree ``before`` hook: turn its own error replies into our JSON error shape."""
    if error is not None:
        fields: dict[str, str] = {}
        for item in error.errors():
            name = ".".join(str(part) for part in item.get("loc", ())) or "body"
            fields.setdefault(name, item.get("msg", "Invalid value"))
        raise Invalid("Some fields need correcting.", fields=fields)
    if response is not None and response.status_code >= 400:
        raise Invalid("The request body is not valid JSON.", fields={"body": "Not valid JSON"})


spec = SpecTree(
    "starlette",
    title="Convenor API",
    version="v1",
    mode="strict",
    path="api/v1/docs",  # spectree skips routes under this path; we serve no docs UI
    before=_raise_validation_errors,
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(
                type="http", scheme="bearer", description="A token from `convenor create-token`"
            ),
        )
    ],
    security={"bearer": []},
)


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorResponse(BaseModel):
    error: ErrorBody


class Me(BaseModel):
    id: int
    email: str
    name: str
    role: str


def error_json(status: int, code: str, message: str, fields: dict | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


async def api_user(request: Request, roles: set[Role] | None = None) -> User:
    """The staff user behind the bearer token; raises Unauthorised or 403 for a wrong role."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorised()
    user = await auth.api_token_user(token.strip())
    if user is None:
        raise Unauthorised("The API token is not valid or has been revoked.")
    if roles is not None and user.role not in roles and user.role != Role.ADMIN:
        raise Forbidden()
    return user


@spec.validate(resp=SpecResponse(HTTP_200=Me, HTTP_401=ErrorResponse), tags=["staff"])
async def me(request: Request) -> Response:
    """The staff user the bearer token belongs to."""
    user = await api_user(request)
    return JSONResponse(
        Me(id=user.id, email=user.email, name=user.name, role=user.role).model_dump()
    )


async def openapi(request: Request) -> Response:
    return JSONResponse(spec.spec, headers={"Cache-Control": "no-cache"})


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return error_json(exc.status_code, exc.code, exc.message, exc.fields)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 400: "bad_request"}
    return error_json(exc.status_code, codes.get(exc.status_code, "error"), str(exc.detail))


async def _server_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "")
    log.error("API error request_id=%s", request_id, exc_info=exc)
    return error_json(500, "server_error", f"Something went wrong (reference {request_id}).")


def build_api(domain_routes: list[list[BaseRoute]]) -> Starlette:
    routes: list[BaseRoute] = [
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/me", me, methods=["GET"]),
    ]
    for extra in domain_routes:
        routes.extend(extra)
    app = Starlette(
        routes=routes,
        exception_handlers={
            DomainError: _domain_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    return app
