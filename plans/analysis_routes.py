"""Organiser pages for a plan's analysis: figures per action with charts, the comment
list with filters, search and themes, the exports for analysts (with personal details:
admins, who also see the log of such exports), and the moderation queue of public
comments (organisers and moderators)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Invalid, NotFound
from convenor.models import Role, User
from convenor.spreadsheet import FORMATS, threaded_download
from convenor.web import redirect, render, require_staff
from plans import analysis_export, comments
from plans.analysis import CAPACITY_LABELS, SOURCES, SUPPORT_SCALE, parse_filters
from plans.analysis_comments import analysis_page
from plans.charts import support_chart
from plans.models import SUPPORT_LABELS

ORGANISERS = [Role.ORGANISER]  # and admins
MODERATORS = [Role.ORGANISER, Role.MODERATOR]


def _plan_id(request: Request) -> int:
    return request.path_params["plan_id"]


def _back(plan_id: int, query: str, anchor: str = "") -> str:
    """The analysis page again, with the filters it was sent from (only its own query)."""
    safe = urlencode(parse_filters(dict(_pairs(query))).query())
    return f"/staff/plans/{plan_id}/analysis" + (f"?{safe}" if safe else "") + anchor


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query[:2000])


async def _analysis(request: Request, user: User, errors=None, values=None, status=200):
    plan_id = _plan_id(request)
    filters = parse_filters(request.query_params)
    page = await analysis_page(plan_id, filters)
    context = {
        "plan": page.analysis.plan,
        "page": page,
        "analysis": page.analysis,
        "filters": filters,
        "query": urlencode(filters.query()),
        "page_query": lambda n: urlencode(filters.query(page=n)),
        "chart": support_chart,
        "scale": SUPPORT_SCALE,
        "support_labels": SUPPORT_LABELS,
        "capacity_labels": CAPACITY_LABELS,
        "capacities": [c for c in CAPACITY_LABELS if c],  # "" (not given) comes last
        "sources": SOURCES,
        "may_export_personal": analysis_export.may_export_personal(user),
        "export_log": await analysis_export.export_log(user, plan_id)
        if analysis_export.may_export_personal(user)
        else [],
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "plans/staff_analysis.html", context, status_code=status)


async def analysis(request: Request) -> Response:
    """The analysis page (GET; filters in the query string)."""
    user = require_staff(request, roles=ORGANISERS)
    return await _analysis(request, user)


async def theme_create(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    form = await request.form()
    name = str(form.get("theme_name", ""))[:1000]
    try:
        await comments.create_theme(user, _plan_id(request), name)
    except Invalid as exc:
        return await _analysis(request, user, exc.fields, {"theme_name": name}, status=400)
    return redirect(_back(_plan_id(request), str(form.get("back", "")), "#themes"))


async def theme_delete(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    form = await request.form()
    await comments.delete_theme(user, _plan_id(request), request.path_params["theme_id"])
    return redirect(_back(_plan_id(request), str(form.get("back", "")), "#themes"))


def _int(value: object) -> int:
    text = str(value or "")
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise NotFound()
    return int(text)


async def tag(request: Request) -> Response:
    """Add or take off a theme on a comment (``change``: add or remove)."""
    user = require_staff(request, roles=ORGANISERS)
    form = await request.form()
    plan_id = _plan_id(request)
    source = str(form.get("source", ""))
    comment_id = _int(form.get("comment"))
    theme_id = _int(form.get("theme"))
    change = comments.untag if form.get("change") == "remove" else comments.tag
    await change(user, plan_id, theme_id, source, comment_id)
    return redirect(_back(plan_id, str(form.get("back", "")), f"#{source}-{comment_id}"))


def _format(request: Request) -> str:
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise NotFound()
    return fmt


async def responses_export(request: Request) -> Response:
    """Every answer without personal details (a plain download; nothing logged)."""
    user = require_staff(request, roles=ORGANISERS)
    fmt = _format(request)
    sheet = await analysis_export.responses_sheet(user, _plan_id(request), fmt=fmt)
    return await threaded_download(sheet, fmt, f"plan-{_plan_id(request)}-responses")


async def responses_export_personal(request: Request) -> Response:
    """Every answer with names, emails and original words (admins; logged): a POST."""
    user = require_staff(request, roles=ORGANISERS)
    fmt = _format(request)
    sheet = await analysis_export.responses_sheet(user, _plan_id(request), fmt=fmt, personal=True)
    return await threaded_download(
        sheet, fmt, f"plan-{_plan_id(request)}-responses-with-personal-details"
    )


async def workshop_export(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    fmt = _format(request)
    sheet = await analysis_export.workshop_sheet(user, _plan_id(request), fmt=fmt)
    return await threaded_download(sheet, fmt, f"plan-{_plan_id(request)}-workshop-notes")


async def workshop_export_personal(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    fmt = _format(request)
    sheet = await analysis_export.workshop_sheet(user, _plan_id(request), fmt=fmt, personal=True)
    return await threaded_download(
        sheet, fmt, f"plan-{_plan_id(request)}-workshop-notes-with-personal-details"
    )


# Moderation ---------------------------------------------------------------------------


async def moderation_queue(request: Request) -> Response:
    """Public comments waiting (or approved, or hidden: ``?status=``), oldest first."""
    user = require_staff(request, roles=MODERATORS)
    status = str(request.query_params.get("status", "waiting"))
    page_number = str(request.query_params.get("page", "1"))
    number = int(page_number) if page_number.isascii() and page_number.isdigit() else 1
    queue = await comments.queue(user, _plan_id(request), status, min(number, 100_000))
    context = {"plan": queue.plan, "queue": queue, "done": request.query_params.get("done", "")}
    return render(request, "plans/staff_comments.html", context)


async def _comment_page(request: Request, user: User, errors=None, values=None, status=200):
    found = await comments.review(user, _plan_id(request), request.path_params["answer_id"])
    context = {
        "plan": found.plan,
        "answer": found.answer,
        "action": found.action,
        "priority": found.priority,
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "plans/staff_comments_answer.html", context, status_code=status)


async def comment(request: Request) -> Response:
    """One answer: its words (original and redacted), approve, hide with a reason, redact."""
    user = require_staff(request, roles=MODERATORS)
    return await _comment_page(request, user)


def _queue_url(request: Request, done: str) -> str:
    return f"/staff/plans/{_plan_id(request)}/comments?done={done}"


async def approve(request: Request) -> Response:
    user = require_staff(request, roles=MODERATORS)
    await comments.approve(user, _plan_id(request), request.path_params["answer_id"])
    return redirect(_queue_url(request, "approved"))


async def hide(request: Request) -> Response:
    user = require_staff(request, roles=MODERATORS)
    form = await request.form()
    reason = str(form.get("reason", ""))[:2000]
    try:
        await comments.hide(user, _plan_id(request), request.path_params["answer_id"], reason)
    except Invalid as exc:
        return await _comment_page(request, user, exc.fields, {"reason": reason}, status=400)
    return redirect(_queue_url(request, "hidden"))


async def redact(request: Request) -> Response:
    user = require_staff(request, roles=MODERATORS)
    form = await request.form()
    values = {
        "comment": str(form.get("comment", ""))[:20_000],
        "missing": str(form.get("missing", ""))[:20_000],
    }
    try:
        await comments.redact(
            user,
            _plan_id(request),
            request.path_params["answer_id"],
            values["comment"],
            values["missing"],
        )
    except Invalid as exc:
        return await _comment_page(request, user, exc.fields, values, status=400)
    return redirect(_queue_url(request, "redacted"))
