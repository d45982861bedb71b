"""The report block of the plans' page table: every handler of ``plans.report_routes`` is
in it under its public name, and no route of the app before it hides one of its routes."""

from __future__ import annotations

from starlette.routing import Route

from convenor.app import create_app
from plans import report_routes
from plans.routes import report
from tests.route_tables import handlers_of, hidden


def test_report_block_lists_every_handler_by_its_public_name():
    assert {route.endpoint for route in report} == handlers_of(report_routes)
    for route in report:
        assert getattr(report_routes, route.endpoint.__qualname__) is route.endpoint
    assert len(report) == 11


def test_no_route_of_the_app_hides_a_report_route(settings):
    table = [r for r in create_app(settings, run_worker=False).page_table if isinstance(r, Route)]
    ours = {r.path for r in report}
    assert ours <= {r.path for r in table}
    assert [h for h in hidden(table) if h[1] in ours] == []
    first = report[0]  # control: a route put before ours that answers its paths is found
    shadow = Route(first.path, first.endpoint, methods=sorted(first.methods))
    found = [h for h in hidden([shadow, *table]) if h[1] in ours]
    assert found == [(m, first.path, first.path) for m in sorted(first.methods)]
