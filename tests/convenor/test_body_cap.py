"""Request bodies are capped while they stream: pages and API, declared or chunked.

These go over real HTTP (uvicorn on a free port) because only a real server sends a
chunked body in pieces. The server in front of the app counts the body bytes the app
asks it for, so each test can show that the rest of an oversized body was never read.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from convenor import auth
from convenor.app import create_app
from events.models import Event
from tests.browser import served
from tests.conftest import STAFF_PASSWORD, form_token
from tests.mailserver import free_port

CAP = 1024 * 1024
CHUNK = 16 * 1024
OVER = 16 * CAP  # what an oversized request tries to send
# uvicorn hands over what it has buffered in one message (it pauses reading past
# 64 KiB, but one socket read may bring up to 256 KiB): the app may see that much
# past the cap, never the rest.
SLACK = 512 * 1024

NEW_EVENT = {
    "title": "Serious Violence Delivery Plan Conference",
    "contact_email": "events@safercity.example.org",
    "starts_at": "2027-06-09T09:30:00+01:00",
    "ends_at": "2027-06-09T16:30:00+01:00",
    "capacity": 100,
}


JSON = {"Content-Type": "application/json"}


class CountingServer:
    """Between uvicorn and the app: counts the body bytes the app receives."""

    def __init__(self, app) -> None:
        self.app = app
        self.received = 0

    async def __call__(self, scope, receive, send) -> None:
        async def counted():
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
            return message

        await self.app(scope, counted if scope["type"] == "http" else receive, send)


@pytest.fixture(scope="module")
async def capped_server(app, settings) -> AsyncIterator[tuple[str, CountingServer]]:
    """The app with a 1 MiB body cap, served by uvicorn (Tortoise started by ``app``)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    counting = CountingServer(
        create_app(replace(settings, base_url=url, max_body_bytes=CAP), run_worker=False)
    )
    async with served(counting, port):
        yield url, counting


@pytest.fixture
async def http(capped_server) -> AsyncIterator[httpx.AsyncClient]:
    url, counting = capped_server
    counting.received = 0
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        yield client


def counted(capped_server) -> int:
    return capped_server[1].received


async def chunks(body: bytes) -> AsyncIterator[bytes]:
    """``body`` sent in pieces (Transfer-Encoding: chunked, no Content-Length)."""
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]


def padded_json(data: dict, size: int) -> bytes:
    """``data`` as JSON followed by whitespace (still valid JSON) to ``size`` bytes."""
    text = json.dumps(data).encode()
    return text + b" " * (size - len(text))


async def test_chunked_anonymous_api_post_over_the_cap_is_never_read_past_it(http, capped_server):
    """Whether the API refuses the stranger first (401, nothing read) or reads the body
    (413 as the cap is passed), the app is never handed more than the cap."""
    response = await http.post(
        "/api/v1/events", content=chunks(padded_json(NEW_EVENT, OVER)), headers=JSON
    )

    code = {401: "unauthorised", 413: "too_large"}.get(response.status_code)
    assert response.json()["error"]["code"] == code
    assert counted(capped_server) <= CAP + SLACK
    assert await Event.all().count() == 0


async def test_chunked_api_post_over_the_cap_is_413_json_and_the_rest_is_never_read(
    http, capped_server, organiser
):
    token = await auth.create_api_token(organiser.email)

    response = await http.post(
        "/api/v1/events",
        content=chunks(padded_json(NEW_EVENT, OVER)),
        headers={**JSON, "Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 413
    assert response.json() == {
        "error": {"code": "too_large", "message": "That upload is too large.", "fields": {}}
    }
    assert CAP < counted(capped_server) <= CAP + SLACK
    assert await Event.all().count() == 0


async def test_chunked_api_post_just_under_the_cap_creates_the_event(
    http, capped_server, organiser
):
    token = await auth.create_api_token(organiser.email)

    response = await http.post(
        "/api/v1/events",
        content=chunks(padded_json(NEW_EVENT, CAP - 10)),
        headers={**JSON, "Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 201, response.text
    assert counted(capped_server) == CAP - 10
    assert [event.title for event in await Event.all()] == [NEW_EVENT["title"]]


async def test_declared_api_body_over_the_cap_is_413_json_unread(http, capped_server):
    response = await http.post(
        "/api/v1/events",
        content=padded_json(NEW_EVENT, CAP + 1),
        headers=JSON,
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert counted(capped_server) == 0
    assert await Event.all().count() == 0


async def _login_form(http: httpx.AsyncClient, organiser, size: int) -> bytes:
    """A valid sign-in form for ``organiser``, padded with an extra field to ``size``."""
    token = form_token(await http.get("/login"))
    fields = httpx.QueryParams(
        {"email": organiser.email, "password": STAFF_PASSWORD, "csrf_token": token, "pad": ""}
    )
    body = str(fields).encode()
    return body + b"x" * (size - len(body))


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def test_chunked_page_post_over_the_cap_is_the_413_page(http, capped_server, organiser):
    body = await _login_form(http, organiser, OVER)

    response = await http.post("/login", content=chunks(body), headers=FORM)

    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Too large</h1>" in response.text
    assert "That upload is too large." in response.text
    assert CAP < counted(capped_server) <= CAP + SLACK
    assert "convenor_session" not in response.cookies


async def test_declared_page_post_over_the_cap_is_the_413_page_unread(
    http, capped_server, organiser
):
    body = await _login_form(http, organiser, CAP + 1)

    response = await http.post("/login", content=body, headers=FORM)

    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.text
    assert counted(capped_server) == 0


async def test_chunked_page_post_just_under_the_cap_signs_in(http, capped_server, organiser):
    body = await _login_form(http, organiser, CAP)

    response = await http.post("/login", content=chunks(body), headers=FORM)

    assert response.status_code == 303, response.text
    assert counted(capped_server) == CAP
