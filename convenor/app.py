"""``create_app(settings)``: the Starlette app with every domain's routes mounted.

The lifespan starts Tortoise with ``RegisterTortoise`` (Tortoise 1.x keeps its
context per task) and, unless told otherwise, the outbox delivery worker.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope
from tortoise.contrib.starlette import RegisterTortoise

from convenor import auth
from convenor import routes as core_routes
from convenor.api import build_api, error_json, spec
from convenor.db import tortoise_config
from convenor.domains import domain_attr
from convenor.errors import DATABASE_ERRORS, DomainError, database_unavailable
from convenor.mail import pages as outbox_pages
from convenor.mail.worker import background_worker
from convenor.route_groups import group_routes
from convenor.security import CsrfMiddleware, RequestIdMiddleware, SecurityHeadersMiddleware
from convenor.settings import Settings
from convenor.templating import make_templates
from convenor.web import LoginRequired, StaffSessionMiddleware, redirect

log = logging.getLogger("convenor")

STATIC = __file__.rsplit("/", 1)[0] + "/static"

ERROR_TITLES = {
    400: ("Something in the request was not right", "Go back and check what you entered."),
    403: ("You cannot do that", "You do not have permission to do that."),
    404: ("Page not found", "We could not find that page. Check the address, or use your link."),
    405: ("Not allowed", "That page cannot be used in this way."),
    409: ("That has changed", "Someone changed this at the same time. Reload and try again."),
    410: ("This link has expired", "This link no longer works."),
    413: ("Too large", "What you sent is too large."),
    422: ("Some answers need correcting", "Go back and check what you entered."),
    429: ("Too many attempts", "Please wait a few minutes and try again."),
    500: ("Sorry, something went wrong", "The problem has been logged."),
    503: ("Service unavailable", "Please try again in a few minutes."),
}


@dataclass(frozen=True)
class DashboardPanel:
    """A card on the staff dashboard that a domain contributes."""

    title: str
    url: str
    summary: str
    roles: frozenset[str] = field(default=frozenset({"admin", "organiser", "moderator"}))


class ConvenorApp(Starlette):
    """Starlette with the request id and security headers outside its error handler.

    Starlette puts user middleware inside ServerErrorMiddleware, so a 500 page would
    otherwise go out without a request id or security headers.
    """

    def __init__(
        self,
        *,
        settings: Settings,
        routes: list[BaseRoute],
        lifespan,
        page_table: list[BaseRoute] | None = None,
        **kwargs,
    ) -> None:
        self._settings = settings
        # Every page route in the order the domains' tables give them (served grouped
        # by path segment: convenor.route_groups), for tests and tools to read.
        self.page_table = page_table or []
        super().__init__(routes=routes, lifespan=lifespan, **kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        inner = super().build_middleware_stack()
        return RequestIdMiddleware(SecurityHeadersMiddleware(inner, settings=self._settings))


BackgroundTask = Callable[[Settings], contextlib.AbstractAsyncContextManager]


def create_app(settings: Settings, *, run_worker: bool = True) -> Starlette:
    """Build the app. ``run_worker=False`` leaves mail delivery to ``convenor worker``."""
    settings = settings.with_secret_key()
    auth.use_password_hashing(settings)
    templates = make_templates()

    def error_page(request: Request, status: int, message: str = "") -> Response:
        if request.url.path.startswith("/api/"):
            code = {
                404: "not_found",
                405: "method_not_allowed",
                500: "server_error",
                503: "unavailable",
            }
            return error_json(status, code.get(status, "error"), message or ERROR_TITLES[status][0])
        title, default = ERROR_TITLES.get(status, ERROR_TITLES[400])
        context = {"title": title, "message": message or default, "status_code": status}
        return templates.TemplateResponse(
            request, "convenor/error.html", context, status_code=status
        )

    async def render_error(scope: Scope, status: int, message: str):
        return error_page(Request(scope), status, message)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code if exc.status_code in ERROR_TITLES else 400
        detail = "" if exc.detail in ("Not Found", "Method Not Allowed") else str(exc.detail)
        return error_page(request, status, detail if status not in (404, 405) else "")

    async def on_domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return error_page(
            request, exc.status_code if exc.status_code in ERROR_TITLES else 400, exc.message
        )

    async def on_login_required(request: Request, exc: Exception) -> Response:
        return redirect(f"/login?next={request.url.path}")

    async def on_database_error(request: Request, exc: Exception) -> Response:
        # unreachable database: 503 with the error page; any other such error stays a 500
        if not database_unavailable(exc):
            raise exc
        log.warning(
            "Database unavailable request_id=%s: %s",
            getattr(request.state, "request_id", ""),
            exc,
        )
        return error_page(request, 503)

    async def on_server_error(request: Request, exc: Exception) -> Response:
        if database_unavailable(exc):  # raised outside the routes, e.g. by a middleware
            return await on_database_error(request, exc)
        log.error(
            "Unhandled error request_id=%s", getattr(request.state, "request_id", ""), exc_info=exc
        )
        return error_page(request, 500)

    domains = settings.domains
    page_routes: list[BaseRoute] = [*core_routes.routes, *outbox_pages.routes]
    for extra in domain_attr(domains, "routes", "routes"):
        page_routes.extend(extra)
    api_app = build_api(domain_attr(domains, "api", "routes"))
    api_app.state.settings = settings
    all_routes: list[BaseRoute] = [
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        Mount("/api/v1", app=api_app, name="api"),
        *group_routes(page_routes),
    ]
    background: list[BackgroundTask] = [background_worker] if run_worker else []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            async with contextlib.AsyncExitStack() as stack:
                for task in background:
                    await stack.enter_async_context(task(settings))
                yield

    app = ConvenorApp(
        settings=settings,
        routes=all_routes,
        page_table=page_routes,
        middleware=[
            Middleware(CsrfMiddleware, settings=settings, render_error=render_error),
            Middleware(StaffSessionMiddleware, settings=settings),
        ],
        exception_handlers={
            HTTPException: on_http_error,
            DomainError: on_domain_error,
            LoginRequired: on_login_required,
            **dict.fromkeys(DATABASE_ERRORS, on_database_error),
            Exception: on_server_error,
        },
        lifespan=lifespan,
    )
    # spectree walks the whole app so OpenAPI paths carry their /api/v1 prefix
    spec.app = app
    app.state.settings = settings
    app.state.templates = templates
    app.state.dashboard_panels = [
        DashboardPanel(
            "Outbox",
            "/staff/outbox",
            "Every email Convenor sends, and whether it arrived.",
            roles=frozenset({"admin"}),
        ),
        *(
            panel
            for panels in domain_attr(domains, "routes", "dashboard_panels")
            for panel in panels
        ),
    ]
    return app
