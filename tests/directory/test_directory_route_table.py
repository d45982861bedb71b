"""The directory domain's page table (``directory.routes``, issue 19): every handler of
the page modules is in it under its public module name, no path and method is listed
twice, and no route, there or earlier in the app, hides a later one."""

from __future__ import annotations

import importlib

from starlette.routing import Route

from convenor.app import create_app
from directory import batch_routes, hsds, staff_routes, taxonomy_routes
from directory import routes as public_routes
from directory.routes import routes
from tests.route_tables import handlers_of, hidden

MODULES = [public_routes, taxonomy_routes, staff_routes, batch_routes, hsds]
NAMED = {"/directory": "directory", "/directory/{entry_id:int}": "directory_entry"}


def test_every_endpoint_is_a_public_name_of_a_handler_module():
    modules = {m.__name__ for m in MODULES}
    assert len(routes) == 46
    assert all(isinstance(r, Route) for r in routes)
    for route in routes:
        endpoint = route.endpoint
        assert endpoint.__module__ in modules, route.path
        assert not endpoint.__qualname__.startswith("_"), route.path
        module = importlib.import_module(endpoint.__module__)
        assert getattr(module, endpoint.__qualname__) is endpoint, route.path
        assert route.name == NAMED.get(route.path, endpoint.__qualname__), route.path
    by_path = {(r.path, m): r.endpoint for r in routes for m in r.methods}
    assert by_path[("/staff/directory/{entry_id:int}", "GET")] is staff_routes.entry_page
    assert by_path[("/directory/{entry_id:int}", "GET")] is public_routes.entry_page
    assert by_path[("/api/hsds/services/{id}", "GET")] is hsds.service_detail


def test_every_handler_of_the_modules_is_in_the_table():
    # The finder takes pages with optional extras and skips helpers needing more.
    assert staff_routes.entry_page in handlers_of(staff_routes, optional_extras=True)
    assert staff_routes.change_page in handlers_of(staff_routes, optional_extras=True)
    assert public_routes.search_page in handlers_of(public_routes, optional_extras=True)
    assert public_routes.edit_form_extra not in handlers_of(public_routes, optional_extras=True)
    assert hsds.organisation not in handlers_of(hsds, optional_extras=True)
    handlers = set().union(*(handlers_of(m, optional_extras=True) for m in MODULES))
    assert handlers == {r.endpoint for r in routes}
    # No handler module keeps a table of its own any more.
    assert [m.__name__ for m in MODULES[1:] if hasattr(m, "routes")] == []


def test_no_path_and_method_twice():
    pairs = [(r.path, m) for r in routes for m in r.methods]
    assert len(pairs) == len(set(pairs)) == 46 + sum("GET" in r.methods for r in routes)
    # Control: the same path with another method is not a repeat.
    assert ("/staff/directory/new", "GET") in pairs
    assert ("/staff/directory/new", "POST") in pairs
    twice = [*routes, Route("/staff/directory/new", staff_routes.new_form, methods=["GET"])]
    pairs = [(r.path, m) for r in twice for m in r.methods]
    assert len(pairs) != len(set(pairs))


def test_no_route_hides_a_later_one():
    assert hidden(routes) == []
    # Control: a catch-all put first hides the routes its pattern covers, and only those.
    catch_all = Route("/staff/directory/{page:str}", staff_routes.queue_page, methods=["GET"])
    found = hidden([catch_all, *routes])
    assert ("GET", "/staff/directory/changes", "/staff/directory/{page:str}") in found
    assert ("GET", "/staff/directory/{entry_id:int}", "/staff/directory/{page:str}") in found
    assert ("POST", "/staff/directory/new", "/staff/directory/{page:str}") not in found
    assert [f for f in found if not f[1].startswith("/staff/directory/")] == []


def test_the_app_serves_the_table_in_order_and_nothing_earlier_hides_it(settings):
    app_routes = create_app(settings, run_worker=False).page_table
    start = app_routes.index(routes[0])
    assert app_routes[start : start + len(routes)] == routes
    ours = {r.path for r in routes}
    assert [h for h in hidden(app_routes) if h[1] in ours] == []
