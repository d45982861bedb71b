"""The first-segment router chooses the route Starlette's router would choose."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Match, Mount, Route

from convenor.app import create_app
from convenor.routing import FirstSegmentRouter, first_segment

SAMPLES = {"int": "7", "str": "x", "path": "a/b.txt", "float": "1.5"}
UUID = "0b9e2f52-4c1a-4c3e-9a53-3c8d2f1d5e61"


def sample_path(template: str) -> str:
    """'/events/{event_id:int}/programme' -> '/events/7/programme'."""

    def value(match: re.Match) -> str:
        kind = match.group(2) or "str"
        return UUID if kind == "uuid" else SAMPLES[kind]

    return re.sub(r"{(\w+)(?::(\w+))?}", value, template)


def scope_for(path: str, method: str = "GET") -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def chosen(routes, scope) -> BaseRoute | None:
    """Starlette's rule: the first full match, else the first partial one."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial


def test_first_segment_of_paths():
    assert [first_segment(p) for p in ("/", "/events", "/events/3/programme", "/i/ab/")] == [
        "",
        "events",
        "events",
        "i",
    ]


def test_first_segment_router_chooses_starlettes_route_for_every_app_path(settings):
    router = create_app(settings, run_worker=False).router
    assert isinstance(router, FirstSegmentRouter)
    paths = {"/", "/nowhere", "/events/", "/static", "/api/v1/nowhere"}
    for route in router.routes:
        path = sample_path(getattr(route, "path", "/"))
        paths.update({path, path + "/", path + ".ics", path + "/x", path.rstrip("/") or "/"})
        if isinstance(route, Mount):
            paths.add(path + "/a/b")

    checked = 0
    for path in sorted(paths):
        for method in ("GET", "POST", "DELETE"):
            scope = scope_for(path, method)
            assert chosen(router.candidates(path), scope) is chosen(router.routes, scope), path
            checked += 1

    assert checked == 3 * len(paths)
    assert len(paths) > 300


def ok(text: str):
    async def endpoint(request):
        return PlainTextResponse(text)

    return endpoint


@pytest.fixture
def router() -> FirstSegmentRouter:
    return FirstSegmentRouter(
        [
            Route("/events/new", ok("new event"), methods=["POST"]),
            Route("/{page}", ok("any page")),
            Route("/events", ok("events")),
            Route("/events/{event_id:int}", ok("one event"), methods=["GET"]),
            Route("/events/{event_id:int}/programme/", ok("programme")),
            Mount("/static", routes=[Route("/{path:path}", ok("static file"))]),
        ]
    )


async def get(router, path: str, method: str = "GET") -> httpx.Response:
    transport = httpx.ASGITransport(app=router)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.request(method, path)


async def test_first_segment_router_earlier_parameter_route_wins(router):
    response = await get(router, "/events")

    assert (response.status_code, response.text) == (200, "any page")


async def test_first_segment_router_answers_the_fixed_route(router):
    response = await get(router, "/events/12")

    assert (response.status_code, response.text) == (200, "one event")


async def test_first_segment_router_wrong_method_is_405(router):
    response = await get(router, "/events/12", "POST")

    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}


async def test_first_segment_router_mount_answers_below_it(router):
    response = await get(router, "/static/a/b.css")

    assert (response.status_code, response.text) == (200, "static file")


async def test_first_segment_router_redirects_to_the_trailing_slash(router):
    response = await get(router, "/events/12/programme")

    assert response.status_code == 307
    assert response.headers["location"] == "http://testserver/events/12/programme/"


async def test_first_segment_router_unknown_path_is_404(router):
    response = await get(router, "/events/12/nothing")

    assert (response.status_code, response.text) == (404, "Not Found")


async def test_first_segment_router_sees_routes_added_later(router):
    router.routes.append(Route("/desk/{code}", ok("desk")))

    response = await get(router, "/desk/ab12")

    assert (response.status_code, response.text) == (200, "desk")
