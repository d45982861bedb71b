"""The events domain's page table (``events.routes``, issue 19): every handler of
``events.routes`` and the ``*_routes`` modules is in it under its public module name, no
path and method is listed twice, and no route, there or earlier in the app, hides a later
one."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from starlette.routing import Route

import events
import events.routes
from convenor.app import create_app
from events import confirm_routes, delegate_routes, desk_routes, public_routes
from events.routes import routes
from tests.route_tables import handlers_of, hidden

# The two list pages keep the names they had before the table (url_for uses them).
NAMED = {"/staff/events": "events", "/events": "public_events"}


def handler_modules() -> list:
    found = [
        importlib.import_module(f"events.{info.name}")
        for info in pkgutil.iter_modules(events.__path__)
        if info.name.endswith("_routes")
    ]
    return [events.routes, *found]


def test_every_endpoint_is_a_public_name_of_a_handler_module():
    modules = {m.__name__ for m in handler_modules()}
    assert len(routes) == 50
    for route in routes:
        endpoint = route.endpoint
        assert endpoint.__module__ in modules, route.path
        assert not endpoint.__qualname__.startswith("_"), route.path
        module = importlib.import_module(endpoint.__module__)
        assert getattr(module, endpoint.__qualname__) is endpoint, route.path
        assert route.name == NAMED.get(route.path, endpoint.__qualname__), route.path
    # Two handlers share a function name in different modules; each path has its own.
    by_path = {(r.path, tuple(sorted(r.methods))): r.endpoint for r in routes}
    assert by_path[("/staff/events", ("GET", "HEAD"))] is events.routes.event_list
    assert by_path[("/events", ("GET", "HEAD"))] is public_routes.event_list
    assert by_path[("/i/{token:str}/cancel", ("POST",))] is delegate_routes.cancel
    assert by_path[("/staff/events/{event_id:int}/cancel", ("POST",))] is events.routes.cancel


def test_every_handler_of_the_modules_is_in_the_table():
    modules = handler_modules()
    assert {m.__name__.removeprefix("events.") for m in modules} == {
        "routes",
        "confirm_routes",
        "delegate_routes",
        "desk_routes",
        "invitee_routes",
        "public_routes",
    }
    # The finder sees handlers and skips helpers with more parameters or none async:
    # confirm_routes is only the "are you sure?" steps the handlers call, not pages.
    assert desk_routes.counts in handlers_of(desk_routes)
    assert events.routes.staff_organiser not in handlers_of(events.routes)
    assert handlers_of(confirm_routes) == set()
    assert inspect.iscoroutinefunction(confirm_routes.cancel_place_page)
    handlers = set().union(*(handlers_of(m) for m in modules))
    assert handlers == {r.endpoint for r in routes}
    # Only events.routes keeps a table, and the old path prefixes are gone with the lists.
    assert [m.__name__ for m in modules if hasattr(m, "routes")] == ["events.routes"]
    assert [m.__name__ for m in modules for c in "ETU" if hasattr(m, c)] == []


def test_no_path_and_method_twice():
    pairs = [(r.path, m) for r in routes for m in r.methods]
    assert len(pairs) == len(set(pairs)) == 50 + sum("GET" in r.methods for r in routes)
    # Control: the same path with another method is not a repeat, the same method is.
    assert ("/i/{token:str}/cancel", "GET") in pairs
    assert ("/i/{token:str}/cancel", "POST") in pairs


def test_no_route_hides_a_later_one():
    assert hidden(routes) == []
    # Control: a catch-all put first hides the routes its pattern covers, and only those.
    catch_all = Route("/i/{token:str}/{page:str}", delegate_routes.registered, methods=["GET"])
    found = hidden([catch_all, *routes])
    assert ("GET", "/i/{token:str}/registered", "/i/{token:str}/{page:str}") in found
    assert ("GET", "/i/{token:str}/my-data.json", "/i/{token:str}/{page:str}") in found
    assert [f for f in found if not f[1].startswith("/i/")] == []
    assert ("POST", "/i/{token:str}/register", "/i/{token:str}/{page:str}") not in found
    assert ("GET", "/i/{token:str}", "/i/{token:str}/{page:str}") not in found


def test_the_app_serves_the_table_in_order_and_nothing_earlier_hides_it(settings):
    app_routes = create_app(settings, run_worker=False).page_table
    start = app_routes.index(routes[0])
    assert app_routes[start : start + len(routes)] == routes
    ours = {r.path for r in routes}
    assert [h for h in hidden(app_routes) if h[1] in ours] == []
