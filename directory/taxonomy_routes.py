"""The taxonomy page for moderators: themes and areas served, with how many entries use
each; add, rename and remove (only when unused).

Moderators (and admins) only; other staff get a 404, as on the other directory pages.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid
from convenor.models import Role
from convenor.web import redirect, render, require_staff
from directory import taxonomy

DONE = {
    "added": "The {kind} has been added.",
    "renamed": "The {kind} has been renamed.",
    "removed": "The {kind} has been removed.",
}


def _moderator(request: Request) -> None:
    require_staff(request, roles=[Role.MODERATOR])


async def _page(
    request: Request,
    *,
    errors: dict | None = None,
    typed: dict | None = None,
    problem: str = "",
    status: int = 200,
) -> Response:
    """The page; ``errors`` and ``typed`` are keyed ``<kind>-<field>`` so the add and
    rename forms of both lists keep what was typed and show errors beside their field."""
    done = request.query_params.get("done", "")
    kind = request.query_params.get("kind", "")
    message = DONE[done].format(kind=kind) if done in DONE and kind in taxonomy.TERMS else ""
    context = {
        "themes": await taxonomy.terms_in_use("theme"),
        "areas": await taxonomy.terms_in_use("area"),
        "errors": errors or {},
        "typed": typed or {},
        "problem": problem,
        "message": message,
    }
    return render(request, "directory/staff_taxonomy.html", context, status)


async def taxonomy_page(request: Request) -> Response:
    _moderator(request)
    return await _page(request)


def _prefixed(kind: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{kind}-{key}": value for key, value in values.items()}


async def add_term(request: Request) -> Response:
    _moderator(request)
    kind = request.path_params["kind"]
    form = await request.form()
    name, description = str(form.get("name", "")), str(form.get("description", ""))
    try:
        await taxonomy.add_term(kind, name, description)
    except Invalid as exc:
        typed = _prefixed(kind, {"name": name, "description": description})
        return await _page(request, errors=_prefixed(kind, exc.fields), typed=typed, status=400)
    return redirect(f"/staff/directory/taxonomy?done=added&kind={kind}")


async def rename_term(request: Request) -> Response:
    _moderator(request)
    kind, term_id = request.path_params["kind"], request.path_params["term_id"]
    form = await request.form()
    name, description = str(form.get("name", "")), str(form.get("description", ""))
    try:
        await taxonomy.rename_term(kind, term_id, name, description)
    except Invalid as exc:
        typed = _prefixed(kind, {f"name-{term_id}": name, f"description-{term_id}": description})
        return await _page(request, errors=_prefixed(kind, exc.fields), typed=typed, status=400)
    return redirect(f"/staff/directory/taxonomy?done=renamed&kind={kind}")


async def remove_term(request: Request) -> Response:
    _moderator(request)
    kind, term_id = request.path_params["kind"], request.path_params["term_id"]
    try:
        await taxonomy.remove_term(kind, term_id)
    except Conflict as exc:
        return await _page(request, problem=exc.message, status=409)
    return redirect(f"/staff/directory/taxonomy?done=removed&kind={kind}")
