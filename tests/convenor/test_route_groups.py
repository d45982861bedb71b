"""Pages are served grouped by path segment (``convenor.route_groups``), and every
request still reaches the handler the flat table in the domains' order gives it."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import PlainTextResponse
from starlette.routing import Match, Mount, Route

from convenor.app import create_app
from convenor.errors import NotFound
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


async def named(request, exc):
    """A handler's NotFound (or other HTTP error) as 599 with its name, to compare."""
    return PlainTextResponse(type(exc).__name__, status_code=599)


NAMED = {NotFound: named, HTTPException: named}


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


def test_routes_sharing_one_parameter_segment_share_one_mount():
    table = [
        Route("/i/{token:str}", page, methods=["GET"]),
        Route("/i/{token:str}/agenda", page, methods=["GET"]),
        Route("/i/{token:str}/agenda/add", other, methods=["POST"]),
        Route("/i/{token}/plans/{plan:str}", other, methods=["GET", "POST"]),
        Route("/i/{token:str}.ics", other, methods=["GET"]),
    ]

    grouped = group_routes(table)

    for path, method in requests_of(table):
        assert grouped_answer(grouped, scope_of(path, method)) is flat_answer(
            table, path, method
        ), path
    (outer,) = grouped
    assert [(type(r).__name__, r.path) for r in outer.routes] == [
        ("Route", "/{token:str}"),
        ("RouteGroup", "/{token:str}"),
        ("Route", "/{token:str}.ics"),
    ]
    # The parameter reaches the handler's route through the Mount.
    scope = scope_of("/i/abc/plans/p1", "GET")
    first, child = outer.matches(scope)
    second, child = outer.routes[1].matches({**scope, **child})
    assert (first, second) == (Match.FULL, Match.FULL)
    assert child["path_params"] == {"token": "abc"}


def test_different_parameter_segments_are_not_grouped():
    # "/{name:str}/..." could answer "/{id:int}/..." paths: a Mount for either would
    # take the other's requests, so the level stays as it is.
    table = [
        Route("/a/{name:str}/one", page, methods=["GET"]),
        Route("/a/{id:int}/two", other, methods=["GET"]),
        Route("/a/{name:str}/three", page, methods=["GET"]),
        Route("/a/{name:str}/four", page, methods=["GET"]),
    ]

    grouped = group_routes(table)

    (outer,) = grouped
    assert [r.path for r in outer.routes] == [r.path.removeprefix("/a") for r in table]
    assert grouped_answer(grouped, scope_of("/a/7/two", "GET")) is other
    # Control: the same routes with one parameter are grouped.
    same = [Route(r.path.replace("{id:int}", "{name:str}"), r.endpoint) for r in table]
    assert [type(r).__name__ for r in group_routes(same)[0].routes] == ["RouteGroup"]


async def test_a_trailing_slash_is_redirected_as_the_flat_table_does(app, settings):
    # (``app`` starts the database: a path with a slash added may reach a handler, whose
    # NotFound is named so the two tables' answers can be compared.)
    table = create_app(settings, run_worker=False).page_table
    paths = sorted({sample_path(r.path) + "/" for r in table if isinstance(r, Route)} - {"//"})
    answers = {}
    for label, routes in (("grouped", group_routes(table)), ("flat", table)):
        transport = httpx.ASGITransport(app=Starlette(routes=routes, exception_handlers=NAMED))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            for path in paths:
                response = await client.get(path)
                answers.setdefault(path, {})[label] = (
                    response.status_code,
                    response.headers.get("location"),
                    response.text if response.status_code == 599 else "",
                )

    assert len(paths) > 200
    assert answers["/staff/"]["flat"] == (307, "http://t/staff", "")
    assert answers["/i/x1/"]["flat"] == (307, "http://t/i/x1", "")  # a parameter group's
    assert answers["/events/7/programme/x1/"]["flat"] == (599, None, "NotFound")  # a handler
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
