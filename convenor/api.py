"""The JSON API under /api/v1: bearer tokens, JSON errors and the OpenAPI document.

Routes are declared with spectree's ``spec.validate`` (pydantic models for bodies and
responses); spectree generates ``/api/v1/openapi.json`` from those route definitions.
Validation failures become ``{"error": {"code", "message", "fields"}}`` like every
other API error. The API never reads the session cookie, so it needs no CSRF token.

Authentication comes first: ``TokenFirstRouter`` checks the bearer token of every
operation whose OpenAPI ``security`` asks for one before the route (and spectree's
validation) reads the body, so an anonymous caller learns nothing about the fields.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field
from spectree import Response as SpecResponse
from spectree import SecurityScheme, SecuritySchemeData, SpecTree
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

from convenor import auth
from convenor.convertors import DATABASE_INT_MAX
from convenor.errors import (
    DATABASE_ERRORS,
    DomainError,
    Forbidden,
    Invalid,
    Unauthorised,
    Unavailable,
    database_unavailable,
)
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


# Numbers and times an API body may carry: what the database columns can hold, so an
# out-of-range value is a 422 naming the field, not an overflow in the driver (500).
DatabaseId = Annotated[int, Field(ge=0, le=DATABASE_INT_MAX, description="An id")]
Count = Annotated[int, Field(ge=0, le=100_000)]
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)


def _within_years(moment: datetime) -> datetime:
    if not EARLIEST <= moment <= LATEST:
        raise ValueError("Enter a time between the years 1900 and 2999")
    return moment


ApiTime = Annotated[AwareDatetime, AfterValidator(_within_years)]


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorResponse(BaseModel):
    error: ErrorBody


spec = SpecTree(
    "starlette",
    title="Convenor API",
    version="v1",
    mode="strict",
    path="api/v1/docs",  # spectree skips routes under this path; we serve no docs UI
    before=_raise_validation_errors,
    # what _raise_validation_errors sends, so the document shows the real 422 body
    validation_error_model=ErrorResponse,
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


class Me(BaseModel):
    id: int
    email: str
    name: str
    role: str


def error_json(status: int, code: str, message: str, fields: dict | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


USER_KEY = "convenor.api_user"  # where TokenFirstRouter leaves the token's user in the scope


async def token_user(authorization: str) -> User:
    """The staff user an ``Authorization: Bearer ...`` header names; raises Unauthorised."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorised()
    user = await auth.api_token_user(token.strip())
    if user is None:
        raise Unauthorised("The API token is not valid or has been revoked.")
    return user


async def api_user(request: Request, roles: set[Role] | None = None) -> User:
    """The staff user behind the bearer token; raises Unauthorised or 403 for a wrong role."""
    user = request.scope.get(USER_KEY)
    if user is None:
        user = await token_user(request.headers.get("authorization", ""))
    if roles is not None and user.role not in roles and user.role != Role.ADMIN:
        raise Forbidden()
    return user


_CONVERTOR = re.compile(r"\{(\w+):\w+\}")


def token_rule(operation: dict | None, default: list) -> str:
    """'required', 'optional' or 'none': what an OpenAPI operation's ``security`` asks."""
    if operation is None:
        return "none"
    security = operation.get("security", default)
    if not security:
        return "none"
    return "optional" if {} in security else "required"


class TokenFirstRouter(Router):
    """The API's router: checks the bearer token before the route reads anything.

    Which operations need a token is read from the OpenAPI document (each route's
    spectree ``security``): required means no token is 401, optional means a token
    that is sent must be valid. The user found is left in the scope for ``api_user``.
    Errors raised here go through the API's exception handlers like a route's.
    """

    _rules: dict[tuple[str, str, str], str]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._rules = {}

    def rule(self, root_path: str, route: BaseRoute, method: str) -> str:
        key = (root_path, getattr(route, "path", ""), method)
        if key not in self._rules:
            path = root_path + _CONVERTOR.sub(r"{\1}", key[1])
            document = spec.spec
            operation = document.get("paths", {}).get(path, {}).get(method)
            self._rules[key] = token_rule(operation, document.get("security", []))
        return self._rules[key]

    async def authenticate(self, scope: Scope) -> None:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                break
        else:
            return  # 404 or 405: the router says so
        method = "get" if scope["method"] == "HEAD" else scope["method"].lower()
        rule = self.rule(scope.get("root_path", ""), route, method)
        header = Request(scope).headers.get("authorization")
        if rule == "required" or (rule == "optional" and header is not None):
            scope[USER_KEY] = await token_user(header or "")

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.authenticate(scope)
        await super().app(scope, receive, send)


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


async def _not_utf8(request: Request, exc: Exception) -> Response:
    # json.loads of a body that is not UTF-8 (spectree lets it through unconverted)
    error = Invalid("The request body is not valid JSON.", fields={"body": "Not UTF-8 JSON"})
    return await _domain_error(request, error)


async def _database_error(request: Request, exc: Exception) -> Response:
    """Database unreachable: 503; any other database or OS error stays a 500."""
    if not database_unavailable(exc):
        raise exc
    log.warning("Database unavailable request_id=%s: %s", _request_id(request), exc)
    return await _domain_error(request, Unavailable())


def _request_id(request: Request) -> str:
    return getattr(request.state, "request_id", "")


async def _server_error(request: Request, exc: Exception) -> Response:
    if database_unavailable(exc):
        return await _database_error(request, exc)
    request_id = _request_id(request)
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
            UnicodeDecodeError: _not_utf8,
            **dict.fromkeys(DATABASE_ERRORS, _database_error),
            Exception: _server_error,
        },
    )
    app.router = TokenFirstRouter(routes=routes)
    return app
