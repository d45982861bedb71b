"""The drafts and public blocks of the plans' page table: every handler of
``plans.staff_routes``, ``plans.plan_import_routes`` and ``plans.public_routes`` is in
them under its public name, and no route of the app before it hides one of them."""

from __future__ import annotations

from starlette.routing import Route

from convenor.app import create_app
from plans import plan_import_routes, public_routes, staff_routes
from plans.routes import drafts, public
from tests.route_tables import handlers_of, hidden


def test_drafts_and_public_blocks_list_every_handler_by_its_public_name():
    modules = (staff_routes, plan_import_routes)
    assert {r.endpoint for r in drafts} == handlers_of(staff_routes) | handlers_of(
        plan_import_routes
    )
    assert {r.endpoint for r in public} == handlers_of(public_routes)
    for route in drafts:
        module = next(m for m in modules if route.endpoint.__module__ == m.__name__)
        assert getattr(module, route.endpoint.__qualname__) is route.endpoint
    assert (len(drafts), len(public)) == (28, 3)


def test_no_route_of_the_app_hides_a_drafts_or_public_route(settings):
    table = [r for r in create_app(settings, run_worker=False).page_table if isinstance(r, Route)]
    ours = {r.path for r in (*drafts, *public)}
    assert ours <= {r.path for r in table}
    assert [h for h in hidden(table) if h[1] in ours] == []
    first = drafts[0]  # control: a route put before ours that answers its paths is found
    shadow = Route(first.path, first.endpoint, methods=sorted(first.methods))
    found = [h for h in hidden([shadow, *table]) if h[1] in ours]
    assert found == [(m, first.path, first.path) for m in sorted(first.methods)]
