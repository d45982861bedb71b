"""Workshop pages: the organiser's ``/staff/plans/<id>/workshops`` (sessions linked to
priorities, facilitators, the points each table made) and a facilitator's phone page
``/facilitate/<token>`` (record, edit and delete their table's points). A dead,
revoked or removed facilitator's link, and another facilitator's point, are 404.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid
from convenor.models import Role
from convenor.web import redirect, render, require_staff, settings_of
from plans import workshops
from plans.workshops import FacilitatorData

ORGANISERS = [Role.ADMIN, Role.ORGANISER]
STAFF_DONE = {
    "linked": "The workshop's priorities have been saved.",
    "added": "The facilitator has been added and emailed their link.",
    "resent": "A new link has been emailed; the old one no longer works.",
    "removed": "The facilitator has been removed; their table's points are kept.",
}
POINT_DONE = {
    "saved": "Point recorded.",
    "changed": "Point changed.",
    "deleted": "Point deleted.",
}


def _plan_id(request: Request) -> int:
    return request.path_params["plan_id"]


def _token(request: Request) -> str:
    return request.path_params["token"][:200]


async def _staff_page(request: Request, *, form_session=None, values=None, errors=None, status=200):
    user = require_staff(request, roles=ORGANISERS)
    page = await workshops.workshops_page(user, _plan_id(request))
    context = {
        "page": page,
        "plan": page.plan,
        "message": STAFF_DONE.get(request.query_params.get("done", ""), ""),
        "form_session": form_session,
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "plans/staff_workshops.html", context, status)


async def staff_workshops(request: Request) -> Response:
    return await _staff_page(request)


def _ids(values: list) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()][:200]


async def staff_session_priorities(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    form = await request.form()
    session_id = request.path_params["session_id"]
    try:
        await workshops.set_session_priorities(
            user, _plan_id(request), session_id, _ids(form.getlist("priority"))
        )
    except Invalid as exc:
        return await _staff_page(request, form_session=session_id, errors=exc.fields, status=400)
    return redirect(f"/staff/plans/{_plan_id(request)}/workshops?done=linked#session-{session_id}")


async def staff_add_facilitator(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    form = await request.form()
    session_id = request.path_params["session_id"]
    values = {k: str(form.get(k, ""))[:500] for k in ("name", "email", "table_label")}
    try:
        await workshops.add_facilitator(
            user, _plan_id(request), session_id, FacilitatorData(**values), settings_of(request)
        )
    except Invalid as exc:
        return await _staff_page(
            request, form_session=session_id, values=values, errors=exc.fields, status=400
        )
    return redirect(f"/staff/plans/{_plan_id(request)}/workshops?done=added#session-{session_id}")


async def staff_resend_facilitator(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    person = await workshops.resend_facilitator_link(
        user, _plan_id(request), request.path_params["facilitator_id"], settings_of(request)
    )
    anchor = f"session-{person.session_id}"  # type: ignore[attr-defined]
    return redirect(f"/staff/plans/{_plan_id(request)}/workshops?done=resent#{anchor}")


async def staff_remove_facilitator(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    person = await workshops.remove_facilitator(
        user, _plan_id(request), request.path_params["facilitator_id"]
    )
    anchor = f"session-{person.session_id}"  # type: ignore[attr-defined]
    return redirect(f"/staff/plans/{_plan_id(request)}/workshops?done=removed#{anchor}")


# The facilitator's phone page


async def _facilitate_page(request: Request, *, values=None, errors=None, status=200):
    token = _token(request)
    page = await workshops.facilitator_page(token)
    against = request.query_params.get("against", "")[:20]
    context = {
        "token": token,
        "page": page,
        "time_zone": page.event.time_zone,
        "message": POINT_DONE.get(request.query_params.get("done", ""), ""),
        "values": values or {"against": against, "text": ""},
        "errors": errors or {},
    }
    return render(request, "plans/facilitate.html", context, status)


async def facilitate(request: Request) -> Response:
    return await _facilitate_page(request)


def _point_form(form) -> dict:
    return {
        "against": str(form.get("against", ""))[:20],
        "text": str(form.get("text", ""))[: workshops.MAX_POINT * 2],
    }


async def facilitate_record(request: Request) -> Response:
    token = _token(request)
    values = _point_form(await request.form())
    try:
        await workshops.record_point(token, values["against"], values["text"])
    except Invalid as exc:
        return await _facilitate_page(request, values=values, errors=exc.fields, status=400)
    except Conflict as exc:
        errors = {"text": exc.message}
        return await _facilitate_page(request, values=values, errors=errors, status=409)
    return redirect(f"/facilitate/{token}?done=saved&against={values['against']}#points")


async def _edit_page(request: Request, *, values=None, errors=None, status=200):
    token = _token(request)
    page, point = await workshops.own_point(token, request.path_params["point_id"])
    context = {
        "token": token,
        "page": page,
        "point": point,
        "time_zone": page.event.time_zone,
        "values": values or {"against": point.against, "text": point.text},
        "errors": errors or {},
    }
    return render(request, "plans/facilitate_point.html", context, status)


async def facilitate_point(request: Request) -> Response:
    return await _edit_page(request)


async def facilitate_update(request: Request) -> Response:
    token = _token(request)
    values = _point_form(await request.form())
    point_id = request.path_params["point_id"]
    try:
        await workshops.update_point(token, point_id, values["against"], values["text"])
    except Invalid as exc:
        return await _edit_page(request, values=values, errors=exc.fields, status=400)
    except Conflict as exc:
        return await _edit_page(request, values=values, errors={"text": exc.message}, status=409)
    return redirect(f"/facilitate/{token}?done=changed#point-{point_id}")


async def facilitate_delete(request: Request) -> Response:
    token = _token(request)
    point_id = request.path_params["point_id"]
    try:
        await workshops.delete_point(token, point_id)
    except Conflict as exc:
        return await _edit_page(request, errors={"text": exc.message}, status=409)
    return redirect(f"/facilitate/{token}?done=deleted#points")
