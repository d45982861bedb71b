"""The programmes domain's page table (``programmes.routes``, issue 19): every handler of
the ``*_routes`` modules is in it under its public module name, no path and method is
listed twice, and no route, there or earlier in the app, hides a later one."""

from __future__ import annotations

import importlib
import pkgutil

from starlette.routing import Route

import programmes
from convenor.app import create_app
from programmes import agenda_routes, photo_routes, staff_routes
from programmes.routes import routes
from tests.route_tables import handlers_of, hidden


def handler_modules() -> list:
    return [
        importlib.import_module(f"programmes.{info.name}")
        for info in pkgutil.iter_modules(programmes.__path__)
        if info.name.endswith("_routes")
    ]


def test_every_endpoint_is_a_public_name_of_a_handler_module():
    modules = {m.__name__ for m in handler_modules()}
    assert len(routes) == 72
    for route in routes:
        endpoint = route.endpoint
        assert endpoint.__module__ in modules, route.path
        assert not endpoint.__qualname__.startswith("_"), route.path
        module = importlib.import_module(endpoint.__module__)
        assert getattr(module, endpoint.__qualname__) is endpoint, route.path
        assert route.name == endpoint.__qualname__
    # The agenda's buttons are named handlers made by one factory, each its own.
    by_path = {r.path: r.endpoint for r in routes}
    assert by_path["/i/{token:str}/agenda/add"] is agenda_routes.add_to_agenda
    assert by_path["/i/{token:str}/agenda/give-up"] is agenda_routes.give_up_place
    assert agenda_routes.add_to_agenda is not agenda_routes.remove_from_agenda


def test_every_handler_of_the_modules_is_in_the_table():
    modules = handler_modules()
    assert {m.__name__.removeprefix("programmes.") for m in modules} == {
        "agenda_routes",
        "photo_routes",
        "public_routes",
        "speaker_routes",
        "staff_room_routes",
        "staff_routes",
        "staff_speaker_routes",
        "wall_routes",
        "workshop_routes",
    }
    # The finder sees the factory-made handlers and skips helpers with more parameters.
    assert agenda_routes.sign_up in handlers_of(agenda_routes)
    assert photo_routes.photo_response not in handlers_of(photo_routes)
    assert staff_routes.editor_page not in handlers_of(staff_routes)
    handlers = set().union(*(handlers_of(m) for m in modules))
    assert handlers == {r.endpoint for r in routes}
    # No module keeps a table of its own any more.
    assert [m.__name__ for m in modules if hasattr(m, "routes")] == []


def test_no_path_and_method_twice():
    pairs = [(r.path, m) for r in routes for m in r.methods]
    assert len(pairs) == len(set(pairs)) == 72 + sum("GET" in r.methods for r in routes)
    # Control: the same path with another method is not a repeat, the same method is.
    assert ("/speaker/{token:str}/photo", "GET") in pairs
    assert ("/speaker/{token:str}/photo", "POST") in pairs


def test_no_route_hides_a_later_one():
    assert hidden(routes) == []
    # Control: a catch-all put first hides the routes its pattern covers, and only those.
    catch_all = Route("/i/{token:str}/{page:str}", agenda_routes.agenda_page, methods=["GET"])
    found = hidden([catch_all, *routes])
    assert ("GET", "/i/{token:str}/programme", "/i/{token:str}/{page:str}") in found
    assert ("GET", "/i/{token:str}/agenda", "/i/{token:str}/{page:str}") in found
    assert [f for f in found if not f[1].startswith("/i/")] == []
    assert ("POST", "/i/{token:str}/agenda/add", "/i/{token:str}/{page:str}") not in found


def test_the_app_serves_the_table_in_order_and_nothing_earlier_hides_it(settings):
    app_routes = create_app(settings, run_worker=False).page_table
    start = app_routes.index(routes[0])
    assert app_routes[start : start + len(routes)] == routes
    ours = {r.path for r in routes}
    assert [h for h in hidden(app_routes) if h[1] in ours] == []
