"""Pages are served grouped by path segment (``convenor.route_groups``), and every
request still reaches the handler the flat table in the domains' order gives it."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.routing import Match, Mount, Route

from convenor.app import create_app
from convenor.route_groups import RouteGroup, group_routes
from tests.route_tables import sample_path


async def page(request):  # a stand-in handler; only its identity matters here
    return None


async def other(request):
    return None


def flat_answer(table, path: str, method: str):
    """The handler Starlette's router picks from the flat table (first full match)."""
    scope = {"type": "http", "path": path, "method": method, "root_path": ""}
    for route in table:
        if isinstance(route, Route) and route.matches(scope)[0] == Match.FULL:
            return route.endpoint
    return None


def grouped_answer(routes, scope: dict):
    """The handler the grouped routes pick: a matching Mount takes the request whole."""
    for route in routes:
        match, child = route.matches(scope)
        if match != Match.FULL:
            continue
        if isinstance(route, RouteGroup):
            return grouped_answer(route.routes, {**scope, **child})
        if isinstance(route, Mount):
            return route
        return route.endpoint
    return None


def requests_of(table):
    for route in table:
        if isinstance(route, Route):
            for method in sorted(route.methods):
                yield sample_path(route.path), method


def scope_of(path: str, method: str) -> dict:
    return {"type": "http", "path": path, "method": method, "root_path": "", "path_params": {}}


def test_every_page_of_the_app_reaches_the_same_handler_grouped(settings):
    app = create_app(settings, run_worker=False)
    table = app.page_table
    checked = 0

    for path, method in requests_of(table):
        assert grouped_answer(app.routes, scope_of(path, method)) is flat_answer(
            table, path, method
        ), (method, path)
        checked += 1

    assert len(table) > 250 and checked > 300
    assert len(app.routes) < 40  # grouped: a handful of prefixes at the top


def test_a_parameter_segment_keeps_later_routes_behind_it():
    table = [
        Route("/a/x/one", page, methods=["GET"]),
        Route("/a/x/two", page, methods=["GET"]),
        Route("/a/{name:str}/one", other, methods=["GET"]),
        Route("/a/x/three", page, methods=["GET"]),
        Route("/a/x/four", page, methods=["GET"]),
        Route("/a/x/five", page, methods=["GET"]),
        Route("/a/y/one", page, methods=["GET"]),
        Route("/a/y/two", page, methods=["GET"]),
        Route("/a/y/three", page, methods=["GET"]),
    ]

    grouped = group_routes(table)

    for path, method in requests_of(table):
        assert grouped_answer(grouped, scope_of(path, method)) is flat_answer(
            table, path, method
        ), path
    # The parameter route still answers what it answered (x's routes after it do not move
    # in front of it), and x's later routes still answer their own paths.
    assert grouped_answer(grouped, scope_of("/a/x/one", "GET")) is page
    assert grouped_answer(grouped, scope_of("/a/z/one", "GET")) is other
    assert [type(r).__name__ for r in grouped] == ["RouteGroup"]


def test_the_check_sees_a_route_moved_past_one_that_hid_it():
    # Control: had grouping moved "/a/x/one" (page) in front of the catch-all (other),
    # the comparison above would catch it.
    flat = [Route("/a/{name:str}/one", other), Route("/a/x/one", page)]
    wrong = [Route("/a/x/one", page), Route("/a/{name:str}/one", other)]

    assert flat_answer(flat, "/a/x/one", "GET") is other
    assert grouped_answer(wrong, scope_of("/a/x/one", "GET")) is page


async def test_a_trailing_slash_is_redirected_as_the_flat_table_does(settings):
    app = create_app(settings, run_worker=False)
    flat = Starlette(routes=app.page_table)
    paths = sorted(
        {r.path + "/" for r in app.page_table if isinstance(r, Route) and "{" not in r.path}
        - {"//"}
    )
    answers = {}
    for label, asgi in (("grouped", app), ("flat", flat)):
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            for path in paths:
                response = await client.get(path)
                answers.setdefault(path, {})[label] = (
                    response.status_code,
                    response.headers.get("location"),
                )

    assert len(paths) > 20
    assert answers["/staff/"]["flat"] == (307, "http://t/staff")
    assert {p: a for p, a in answers.items() if a["grouped"] != a["flat"]} == {}


async def test_a_method_no_route_takes_is_refused_alike(settings):
    app = create_app(settings, run_worker=False)
    statuses = {}
    for label, routes in (("grouped", app.routes), ("flat", app.page_table)):
        transport = httpx.ASGITransport(app=Starlette(routes=routes))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            for path, _ in requests_of(app.page_table):
                response = await client.request("DELETE", path)
                statuses.setdefault(path, {})[label] = response.status_code

    assert statuses["/staff/events"] == {"grouped": 405, "flat": 405}
    assert {p: s for p, s in statuses.items() if s["grouped"] != s["flat"]} == {}
