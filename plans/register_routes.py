"""The actions register's pages: the organiser's register (schedule, lead contacts, one
action's page with its update and reading forms), the public register with its
downloads and feed, annual reviews with their PDF and comparison, and a lead agency
contact's update page.

Each handler reads the request, calls one service (``plans.register``,
``plans.register_staff``, ``plans.lead_contacts``, ``plans.reviews``) and renders or
redirects (303 after POST).
A dead link, another organisation's action or another plan's is 404.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import Role
from convenor.spreadsheet import download_response
from convenor.web import redirect, render, require_staff, settings_of
from plans import lead_contacts, register, register_export, register_staff, reviews
from plans.measure_chart import format_value
from plans.review_pdf import review_pdf

ORGANISERS = [Role.ADMIN, Role.ORGANISER]
LEAD_DONE = {
    "updated": "Thank you: your update is saved and published in the register.",
    "reading": "Thank you: the reading is saved and published in the register.",
}
STAFF_DONE = {
    "schedule": "The update schedule is saved.",
    "contact": "The contact is added. Invite them when you are ready.",
    "invited": "The invitation is on its way.",
    "removed": "The contact is removed; their links no longer work.",
    "review": "The review is taken.",
}


# The organiser's register ------------------------------------------------------------


def _plan_id(request: Request) -> int:
    return request.path_params["plan_id"]


async def _staff_page(request: Request, *, errors=None, values=None, problem="", status=200):
    user = require_staff(request, ORGANISERS)
    page = await lead_contacts.staff_register(user, _plan_id(request))
    message = STAFF_DONE.get(request.query_params.get("done", ""), "") if status == 200 else ""
    context = {
        "page": page,
        "plan": page.plan,
        "errors": errors or {},
        "values": values or {},
        "problem": problem,
        "message": message,
        "labels": register.STATUS_LABELS,
    }
    return render(request, "plans/staff_register.html", context, status)


async def staff_register(request: Request) -> Response:
    return await _staff_page(request)


def _back(request: Request, done: str) -> Response:
    return redirect(f"/staff/plans/{_plan_id(request)}/register?done={done}")


async def save_schedule(request: Request) -> Response:
    user = require_staff(request, ORGANISERS)
    form = await request.form()
    days = str(form.get("update_every_days", ""))[:10]
    try:
        await lead_contacts.set_schedule(user, _plan_id(request), days)
    except Invalid as exc:
        return await _staff_page(
            request, errors=exc.fields, values={"update_every_days": days}, status=400
        )
    return _back(request, "schedule")


async def add_contact(request: Request) -> Response:
    user = require_staff(request, ORGANISERS)
    form = await request.form()
    entry = str(form.get("entry_id", ""))
    if not entry.isdigit() or len(entry) > 9:
        raise NotFound()
    # The fields are named after the organisation: one form per organisation on the page
    name = str(form.get(f"name-{entry}", ""))[:300]
    email = str(form.get(f"email-{entry}", ""))[:300]
    try:
        await lead_contacts.add_contact(user, _plan_id(request), int(entry), name, email)
    except Invalid as exc:
        errors = {f"{key}-{entry}": message for key, message in exc.fields.items()}
        values = {f"name-{entry}": name, f"email-{entry}": email}
        return await _staff_page(request, errors=errors, values=values, status=400)
    return _back(request, "contact")


async def invite_contact(request: Request) -> Response:
    user = require_staff(request, ORGANISERS)
    contact_id = request.path_params["contact_id"]
    try:
        await lead_contacts.invite_contact(
            user, _plan_id(request), contact_id, settings_of(request)
        )
    except Conflict as exc:
        return await _staff_page(request, problem=exc.message, status=409)
    return _back(request, "invited")


async def remove_contact(request: Request) -> Response:
    user = require_staff(request, ORGANISERS)
    await lead_contacts.remove_contact(user, _plan_id(request), request.path_params["contact_id"])
    return _back(request, "removed")


async def take_review(request: Request) -> Response:
    user = require_staff(request, ORGANISERS)
    form = await request.form()
    title, as_of = str(form.get("title", ""))[:300], str(form.get("as_of", ""))[:20]
    try:
        await reviews.take_review(user, _plan_id(request), title, as_of)
    except Invalid as exc:
        values = {"title": title, "as_of": as_of}
        return await _staff_page(request, errors=exc.fields, values=values, status=400)
    return _back(request, "review")


def _update_data(form) -> register.UpdateData:
    return register.UpdateData(
        status=str(form.get("status", ""))[:20],
        status_reason=str(form.get("status_reason", ""))[:5000],
        progress=str(form.get("progress", ""))[:10],
        text=str(form.get("text", ""))[:20000],
        evidence_url=str(form.get("evidence_url", ""))[:2000],
    )


def _reading_data(form) -> register.ReadingData:
    return register.ReadingData(
        value=str(form.get("value", ""))[:40],
        unit=str(form.get("unit", ""))[:100],
        taken_on=str(form.get("taken_on", ""))[:20],
        source=str(form.get("source", ""))[:1000],
    )


async def _staff_action_page(request: Request, *, errors=None, values=None, status=200):
    user = require_staff(request, ORGANISERS)
    action_id = request.path_params["action_id"]
    page = await register_staff.staff_action(user, _plan_id(request), action_id)
    message = LEAD_DONE.get(request.query_params.get("done", ""), "") if status == 200 else ""
    context = {
        "page": page,
        "plan": page.plan,
        "item": page.item,
        "errors": errors or {},
        "values": values or {},
        "error_action": action_id if errors else None,
        "message": message,
        "labels": register.STATUS_LABELS,
        "format_value": format_value,
    }
    return render(request, "plans/staff_register_action.html", context, status)


async def staff_action(request: Request) -> Response:
    return await _staff_action_page(request)


async def staff_action_update(request: Request) -> Response:
    user = require_staff(request, ORGANISERS)
    action_id = request.path_params["action_id"]
    data = _update_data(await request.form())
    try:
        await register_staff.staff_update(user, _plan_id(request), action_id, data)
    except Invalid as exc:
        values = {**data.__dict__, "form": "update"}
        return await _staff_action_page(request, errors=exc.fields, values=values, status=400)
    return redirect(f"/staff/plans/{_plan_id(request)}/register/actions/{action_id}?done=updated")


async def staff_action_reading(request: Request) -> Response:
    user = require_staff(request, ORGANISERS)
    action_id = request.path_params["action_id"]
    data = _reading_data(await request.form())
    try:
        await register_staff.staff_reading(user, _plan_id(request), action_id, data)
    except Invalid as exc:
        values = {**data.__dict__, "form": "reading"}
        return await _staff_action_page(request, errors=exc.fields, values=values, status=400)
    return redirect(f"/staff/plans/{_plan_id(request)}/register/actions/{action_id}?done=reading")


# The public register -----------------------------------------------------------------


def _filters(request: Request) -> register.Filters:
    q = request.query_params
    return register.parse_filters(q.get("priority", ""), q.get("lead", ""), q.get("status", ""))


async def register_page(request: Request) -> Response:
    view = await register.public_register(request.path_params["plan_uuid"], _filters(request))
    context = {
        "view": view,
        "plan": view.plan,
        "labels": register.STATUS_LABELS,
        "reviews": view.reviews,
        "format_value": format_value,
    }
    return render(request, "plans/register.html", context)


async def register_download(request: Request) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "xlsx", "json"):
        raise NotFound()
    view = await register.public_register(request.path_params["plan_uuid"], _filters(request))
    if fmt == "json":
        body = register_export.register_json(view, settings_of(request).base_url)
        return Response(json.dumps(body, indent=2), media_type="application/json")
    return download_response(register_export.register_sheet(view), fmt, "actions-register")


async def register_feed(request: Request) -> Response:
    plan, updates = await register.recent_updates(request.path_params["plan_uuid"])
    body = register_export.updates_feed(plan, updates, settings_of(request).base_url)
    headers = {"Cache-Control": "public, max-age=300"}
    return Response(body, media_type="application/atom+xml", headers=headers)


def _review(request: Request, found: reviews.ReviewPage) -> Response:
    context = {"page": found, "labels": register.STATUS_LABELS, "format_value": format_value}
    return render(request, "plans/review.html", context)


async def review_page(request: Request) -> Response:
    found = await reviews.public_review(
        request.path_params["plan_uuid"], request.path_params["review_id"]
    )
    return _review(request, found)


async def review_compare(request: Request) -> Response:
    q = request.query_params
    found = await reviews.public_comparison(
        request.path_params["plan_uuid"], q.get("from", ""), q.get("to", "")
    )
    return _review(request, found)


async def review_download(request: Request) -> Response:
    found = await reviews.public_review(
        request.path_params["plan_uuid"], request.path_params["review_id"]
    )
    body = review_pdf(found.review, found.previous, found.comparison)
    disposition = f'inline; filename="review-{found.review.id}.pdf"'
    return Response(
        body, media_type="application/pdf", headers={"Content-Disposition": disposition}
    )


# A lead agency contact's page ----------------------------------------------------------


def _token(request: Request) -> str:
    return request.path_params["token"][:200]


async def _lead_page(request: Request, *, errors=None, values=None, action_id=None, status=200):
    token = _token(request)
    page = await lead_contacts.lead_page(token)
    message = LEAD_DONE.get(request.query_params.get("done", ""), "") if status == 200 else ""
    context = {
        "token": token,
        "page": page,
        "plan": page.plan,
        "errors": errors or {},
        "values": values or {},
        "error_action": action_id,
        "message": message,
        "labels": register.STATUS_LABELS,
        "format_value": format_value,
    }
    return render(request, "plans/lead.html", context, status)


async def lead_home(request: Request) -> Response:
    return await _lead_page(request)


async def lead_update(request: Request) -> Response:
    token, action_id = _token(request), request.path_params["action_id"]
    data = _update_data(await request.form())
    try:
        await lead_contacts.lead_update(token, action_id, data)
    except Invalid as exc:
        values = {**data.__dict__, "form": "update"}
        return await _lead_page(
            request, errors=exc.fields, values=values, action_id=action_id, status=400
        )
    return redirect(f"/lead/{token}?done=updated#action-{action_id}")


async def lead_reading(request: Request) -> Response:
    token, action_id = _token(request), request.path_params["action_id"]
    data = _reading_data(await request.form())
    try:
        await lead_contacts.lead_reading(token, action_id, data)
    except Invalid as exc:
        values = {**data.__dict__, "form": "reading"}
        return await _lead_page(
            request, errors=exc.fields, values=values, action_id=action_id, status=400
        )
    return redirect(f"/lead/{token}?done=reading#action-{action_id}")
