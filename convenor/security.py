"""Request ids, security headers, CSRF and request size limits, as plain ASGI middleware.

CSRF uses a signed double-submit token: a random value in an HttpOnly cookie, and in
every form an HMAC of it under the secret key. Every unsafe request outside the
bearer-token API must carry the token (form field ``csrf_token`` or header
``X-CSRF-Token``), the login form included; a cross-site Origin is refused outright.
The cookie is set only with a response that renders a token or rotates it (``CsrfToken``).

Every request body, pages and API, with a declared length or chunked, is capped at
``max_body_bytes`` while it streams (``CappedBody``): past the cap the client gets a 413
at once (the error page, or the API's JSON error), and the app is never handed the rest
(the server throws it away as it arrives, since the response is complete).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from convenor.api import error_json
from convenor.redact import RedactFilter, redact
from convenor.settings import Settings

log = logging.getLogger("convenor.request")
log.addFilter(RedactFilter())  # also for whatever else logs here

CSRF_COOKIE = "convenor_csrf"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
API_PREFIX = "/api/"
TOO_LARGE = "That upload is too large."

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

CSP_BYTES = CSP.encode()
HSTS = b"max-age=31536000; includeSubDomains"
PERMISSIONS = b"camera=(), microphone=(), geolocation=()"
REQUEST_ID = b"x-request-id"

ErrorRenderer = Callable[[Scope, int, str], Awaitable[Callable[[Scope, Receive, Send], Awaitable]]]


def state(scope: Scope) -> dict:
    return scope.setdefault("state", {})


class RequestIdMiddleware:
    """Gives each request an id, shown in logs, on the 500 page and as X-Request-ID."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(8)
        state(scope)["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", ()),
                    (REQUEST_ID, request_id.encode()),
                ]
                if log.isEnabledFor(logging.INFO):
                    log.info(
                        "%s %s %s request_id=%s",
                        scope["method"],
                        redact(scope["path"]),  # no personal-link token in the log
                        message["status"],
                        request_id,
                    )
            await send(message)

        await self.app(scope, receive, send_with_id)


class SecurityHeadersMiddleware:
    """Adds CSP, nosniff, frame-ancestors, Referrer-Policy (and HSTS on https) everywhere.

    A response may set its own Content-Security-Policy, which is kept; if that policy
    names frame-ancestors other than 'none', X-Frame-Options is left off so the policy
    decides who may frame it (``programmes.wall_routes`` does this for one page only).

    Responses that do not set their own Cache-Control get ``no-store``: pages are
    personal by default, and the few cacheable ones (static files, feeds) say so.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        # Set on every response (replacing any the response set itself).
        self.always = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if settings.https:
            self.always.append((b"strict-transport-security", HSTS))
        self.always_names = frozenset(name for name, _ in self.always)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self.headers(message.get("headers", ()))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def headers(self, raw) -> list[tuple[bytes, bytes]]:
        """A response's raw headers with the security headers added, in ASGI's own form
        (the message's name-value byte pairs), read once rather than searched per header."""
        own = {name.lower(): value for name, value in raw}
        policy = own.get(b"content-security-policy", CSP_BYTES)
        # A response whose own policy lets sites frame it (the embeddable programme) is
        # framed as that says; nothing else is ever framed.
        framed = b"frame-ancestors" in policy and b"frame-ancestors 'none'" not in policy
        replaced = self.always_names if framed else self.always_names | {b"x-frame-options"}
        if own.keys() & replaced:
            headers = [(name, value) for name, value in raw if name.lower() not in replaced]
        else:
            headers = list(raw)
        if b"content-security-policy" not in own:
            headers.append((b"content-security-policy", CSP_BYTES))
        headers.extend(self.always)
        if not framed:
            headers.append((b"x-frame-options", b"DENY"))
        if b"permissions-policy" not in own:
            headers.append((b"permissions-policy", PERMISSIONS))
        if b"cache-control" not in own:
            headers.append((b"cache-control", b"no-store"))
        return headers


def csrf_token_for(cookie_value: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), cookie_value.encode(), hashlib.sha256).hexdigest()


class CsrfToken:
    """This request's form token; ``str(token)`` gives it, as templates do.

    The cookie is lazy: a client without one gets it only with a response that uses the
    token or rotates it (``send`` is then true). So public pages, feeds and exports, some
    cacheable by proxies, carry no Set-Cookie that a shared cache might keep and hand to
    other visitors, and anonymous pages skip making one. Use the token before the
    response starts (a rendered template does), or its cookie is not sent.
    """

    __slots__ = ("cookie", "secret", "send")

    def __init__(self, cookie: str, secret: str) -> None:
        self.cookie = cookie  # "" until the client has a valid cookie or one is made
        self.secret = secret
        self.send = False

    def __str__(self) -> str:
        if not self.cookie:
            self.rotate()
        return csrf_token_for(self.cookie, self.secret)

    def rotate(self) -> None:
        """A new cookie, sent with this response (first use, sign-in, sign-out)."""
        self.cookie = secrets.token_urlsafe(32)
        self.send = True


class BodyTooLarge(HTTPException):
    """What a capped ``receive`` raises once the body passes the cap, so the app stops
    reading; the 413 has already gone to the client by then."""

    def __init__(self) -> None:
        super().__init__(413, TOO_LARGE)


class CappedBody:
    """One request's ``receive`` and ``send``, with the body capped at ``limit`` bytes.

    ``receive`` counts the bytes as they arrive. The moment the running total passes the
    cap it sends the 413 (``refuse``) and raises ``BodyTooLarge`` to whoever was reading:
    spectree, a form parser, the CSRF check. Whatever the app sends after that is
    dropped. The rest of the body never reaches the app: once the response is complete,
    uvicorn throws away what the client still sends (closing the connection instead
    would reset it under a client still writing, and the client would lose the 413).
    """

    def __init__(
        self,
        scope: Scope,
        limit: int,
        receive: Receive,
        send: Send,
        refusal: Callable[[], Awaitable[Response]],
    ) -> None:
        self.scope = scope
        self.limit = limit
        self.received = 0
        self.refused = False
        self.started = False
        self._receive = receive
        self._send = send
        self._refusal = refusal

    async def receive(self) -> Message:
        if self.refused:
            raise BodyTooLarge()
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                await self.refuse()
                raise BodyTooLarge()
        return message

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)

    async def refuse(self) -> None:
        """Answer 413 (unless the app had started answering) and stop the app's reading."""
        if self.refused:
            return
        self.refused = True
        if self.started:
            return
        response = await self._refusal()
        await response(self.scope, _no_more, self._send)


class CsrfMiddleware:
    """Checks the CSRF token on unsafe requests and caps request bodies.

    Every body is capped at ``max_body_bytes`` while it streams (``CappedBody``); a page
    form's body is read here, within the cap, so the token can be taken from the form,
    then replayed to the app unchanged.
    """

    def __init__(self, app: ASGIApp, settings: Settings, render_error: ErrorRenderer) -> None:
        self.app = app
        self.secret = settings.secret_key
        self.secure = settings.https
        self.max_body = settings.max_body_bytes
        base = urlsplit(settings.base_url)
        self.origin = f"{base.scheme}://{base.netloc}"
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:
            cookie = SimpleCookie()
        existing = cookie[CSRF_COOKIE].value if CSRF_COOKIE in cookie else ""
        token = CsrfToken(existing if 20 <= len(existing) <= 100 else "", self.secret)
        state(scope)["csrf_token"] = token

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and token.send:
                MutableHeaders(scope=message).append(
                    "Set-Cookie", _cookie_header(CSRF_COOKIE, token.cookie, self.secure)
                )
            await send(message)

        is_api = scope["path"].startswith(API_PREFIX)

        async def too_large() -> Response:
            if is_api:
                return error_json(413, "too_large", TOO_LARGE)
            return await self.render_error(scope, 413, TOO_LARGE)

        out = send if is_api else send_with_cookie
        body = CappedBody(scope, self.max_body, receive, out, too_large)
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body:
            await body.refuse()
            return
        try:
            await self._checked(scope, headers, existing, is_api, body)
        except BodyTooLarge:
            if not body.refused:
                raise

    async def _checked(
        self, scope: Scope, headers: Headers, cookie: str, is_api: bool, body: CappedBody
    ) -> None:
        """The CSRF check on a page's unsafe request, then the app, all with the body capped."""
        receive = body.receive
        if scope["method"] not in SAFE_METHODS and not is_api:
            content = await _read_body(receive)
            if not await self._token_ok(scope, headers, content, cookie):
                response = await self.render_error(
                    scope,
                    403,
                    "This form has expired or was sent from another site. "
                    "Go back, reload the page and try again.",
                )
                await response(scope, receive, body.send)
                return
            receive = _replay(content, receive)
        await self.app(scope, receive, body.send)

    async def _token_ok(self, scope: Scope, headers: Headers, body: bytes, cookie: str) -> bool:
        origin = headers.get("origin")
        if origin and origin != "null" and origin != self.origin and not _same_host(scope, origin):
            return False
        if not cookie:
            return False
        sent = headers.get("x-csrf-token", "")
        if not sent:
            request = Request(scope, _replay(body, _no_more))
            try:
                form = await request.form()
                sent = str(form.get(CSRF_FIELD, ""))
                await form.close()
            except Exception:
                return False
        expected = csrf_token_for(cookie, self.secret)
        return hmac.compare_digest(sent.encode(), expected.encode())


def _same_host(scope: Scope, origin: str) -> bool:
    """Accept the Origin of the host actually serving the request (tests, proxies)."""
    host = Headers(scope=scope).get("host", "")
    return bool(host) and urlsplit(origin).netloc == host


async def _read_body(receive: Receive) -> bytes:
    """The whole body (``receive`` caps it)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _no_more() -> Message:
    return {"type": "http.disconnect"}


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _cookie_header(name: str, value: str, secure: bool) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def rotate_csrf(request: Request) -> None:
    """Issue a new CSRF cookie with this response (at sign-in and sign-out)."""
    request.state.csrf_token.rotate()
