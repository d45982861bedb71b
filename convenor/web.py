"""Helpers that routes share: the signed-in user, role checks, rendering, redirects.

The session cookie holds only a random key, signed with itsdangerous; the session
itself lives in the ``staff_session`` table so it can be revoked.
"""

from __future__ import annotations

from collections.abc import Iterable
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from convenor import auth
from convenor.errors import NotFound
from convenor.models import Role, User
from convenor.security import state
from convenor.settings import Settings

SESSION_COOKIE = "convenor_session"


def session_serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt="convenor.staff-session")


class StaffSessionMiddleware:
    """Loads the signed-in staff user (if any) into ``request.state.user``."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.serializer = session_serializer(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        st = state(scope)
        st.setdefault("user", None)
        st.setdefault("session_key", None)
        if scope["type"] == "http" and not scope["path"].startswith(("/static/", "/api/")):
            key = self._session_key(scope)
            if key:
                found = await auth.session_user(key, self.settings)
                if found is not None:
                    st["user"], _ = found
                    st["session_key"] = key
        await self.app(scope, receive, send)

    def _session_key(self, scope: Scope) -> str | None:
        cookie = SimpleCookie()
        try:
            cookie.load(Headers(scope=scope).get("cookie", ""))
        except Exception:
            return None
        if SESSION_COOKIE not in cookie:
            return None
        max_age = self.settings.session_absolute_hours * 3600
        try:
            return self.serializer.loads(cookie[SESSION_COOKIE].value, max_age=max_age)
        except BadSignature:
            return None


def set_session_cookie(response: Response, key: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_serializer(settings).dumps(key),
        max_age=settings.session_absolute_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.https,
        path="/",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, samesite="lax", secure=settings.https, path="/"
    )


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def current_user(request: Request) -> User | None:
    return getattr(request.state, "user", None)


class LoginRequired(Exception):
    """Raised by ``require_staff`` when nobody is signed in; the app redirects to login."""


def require_staff(request: Request, roles: Iterable[Role | str] | None = None) -> User:
    """The signed-in staff user; 404 for the wrong role so pages are not revealed."""
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    if roles is not None and user.role not in {Role(r) for r in roles} and user.role != Role.ADMIN:
        raise NotFound()
    return user


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context or {}, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    """303 See Other, the answer to every successful POST."""
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/staff") -> str:
    """Only follow local paths after login, never another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
