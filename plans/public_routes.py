"""A plan's public pages: the latest published version, any earlier version, and what
changed between two. Only published versions are read (a plan with none is 404): edits
to the draft never show here. Handlers call one function of ``plans.version_views``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import NotFound
from convenor.web import render
from plans import version_views


def _number(text: str | None) -> int:
    text = (text or "").strip()
    if not text.isdigit() or len(text) > 8:
        raise NotFound("Choose two versions of the plan to compare.")
    return int(text)


async def plan_page(request: Request) -> Response:
    """The plan as last published, with "have your say" while the consultation is open."""
    view = await version_views.public_page(request.path_params["plan_uuid"])
    return render(request, "plans/plan.html", {"view": view, "plan": view.page.plan})


async def version_page(request: Request) -> Response:
    view = await version_views.public_page(
        request.path_params["plan_uuid"], request.path_params["n"]
    )
    return render(request, "plans/plan.html", {"view": view, "plan": view.page.plan})


async def compare_page(request: Request) -> Response:
    """What changed between two published versions: ?from=1&to=2."""
    old = _number(request.query_params.get("from"))
    new = _number(request.query_params.get("to"))
    plan, title, comparison = await version_views.public_compare(
        request.path_params["plan_uuid"], old, new
    )
    context = {"plan": plan, "title": title, "comparison": comparison}
    context |= {"from_number": old, "to_number": new}
    return render(request, "plans/plan_compare.html", context)
