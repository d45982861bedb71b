"""Pages of the response: the organiser's "you said, we did" replies, adopting the plan,
publishing the report and previewing it (under /staff/plans/<id>/response), and the
public response report (/plans/<uuid>/report and its PDF).

Each handler reads the request, calls one service (``plans.replies``, ``plans.adoption``,
``plans.report``) and renders or redirects; a refused change shows the page again with
what was typed and why.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid
from convenor.models import Role, User
from convenor.web import redirect, render, require_staff
from plans import adoption, replies
from plans.charts import support_chart
from plans.report import published_report, report_preview
from plans.report_pdf import report_pdf

MESSAGES = {
    "added": "The reply has been added.",
    "saved": "The reply has been saved.",
    "deleted": "The reply has been deleted.",
    "moved": "The replies are in their new order.",
    "adopted": "The plan is adopted. Read the preview, then publish the response report.",
    "published": "The response report is published.",
}


def _organiser(request: Request) -> tuple[User, int]:
    return require_staff(request, roles=[Role.ORGANISER]), request.path_params["plan_id"]


def _url(plan_id: int, done: str = "", anchor: str = "") -> str:
    return f"/staff/plans/{plan_id}/response" + (f"?done={done}" if done else "") + anchor


def _fields(form) -> dict[str, str]:
    return {k: str(v)[:20_000] for k, v in form.items() if isinstance(v, str)}


async def _page(request: Request, *, status: int = 200, **context) -> Response:
    user, plan_id = _organiser(request)
    page = await adoption.response_page(user, plan_id)
    return render(
        request,
        "plans/staff_response.html",
        {
            "plan": page.plan,
            "page": page,
            "replies": page.replies,
            "outcomes": replies.OUTCOMES,
            "message": MESSAGES.get(request.query_params.get("done", "")),
            "errors": {},
            "values": {},
            "problem": None,
            "adopt_values": {},
            **context,
        },
        status_code=status,
    )


async def response(request: Request) -> Response:
    """The organiser's response page: replies, adoption and the report."""
    return await _page(request)


async def add_reply(request: Request) -> Response:
    user, plan_id = _organiser(request)
    values = _fields(await request.form())
    try:
        await replies.add_reply(user, plan_id, replies.reply_data(values))
    except Invalid as exc:
        return await _page(request, status=400, errors=exc.fields, values=values)
    except Conflict as exc:
        return await _page(request, status=409, problem=exc.message, values=values)
    return redirect(_url(plan_id, "added", "#replies"))


async def _reply_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    user, plan_id = _organiser(request)
    reply_id = request.path_params["reply_id"]
    page, reply = await replies.reply_for(user, plan_id, reply_id)
    return render(
        request,
        "plans/staff_response_reply.html",
        {
            "plan": page.plan,
            "replies": page,
            "reply_id": reply.id,
            "outcomes": replies.OUTCOMES,
            "values": values if values is not None else replies.reply_values(reply),
            "errors": errors or {},
        },
        status_code=status,
    )


async def reply_page(request: Request) -> Response:
    """One reply's edit form."""
    return await _reply_page(request)


async def update_reply(request: Request) -> Response:
    user, plan_id = _organiser(request)
    values = _fields(await request.form())
    try:
        data = replies.reply_data(values)
        await replies.update_reply(user, plan_id, request.path_params["reply_id"], data)
    except Invalid as exc:
        return await _reply_page(request, values=values, errors=exc.fields, status=400)
    except Conflict as exc:
        return await _page(request, status=409, problem=exc.message)
    return redirect(_url(plan_id, "saved", "#replies"))


async def delete_reply(request: Request) -> Response:
    user, plan_id = _organiser(request)
    try:
        await replies.delete_reply(user, plan_id, request.path_params["reply_id"])
    except Conflict as exc:
        return await _page(request, status=409, problem=exc.message)
    return redirect(_url(plan_id, "deleted", "#replies"))


async def move_reply(request: Request) -> Response:
    user, plan_id = _organiser(request)
    direction = str((await request.form()).get("direction", ""))
    try:
        await replies.move_reply(user, plan_id, request.path_params["reply_id"], direction)
    except (Conflict, Invalid) as exc:
        return await _page(request, status=409, problem=exc.message)
    return redirect(_url(plan_id, "moved", "#replies"))


async def adopt(request: Request) -> Response:
    user, plan_id = _organiser(request)
    note = str((await request.form()).get("note", ""))[:2000]
    try:
        await adoption.adopt(user, plan_id, note)
    except (Conflict, Invalid) as exc:
        return await _page(request, status=409, problem=exc.message, adopt_values={"note": note})
    return redirect(_url(plan_id, "adopted", "#adoption"))


async def publish(request: Request) -> Response:
    user, plan_id = _organiser(request)
    try:
        await adoption.publish_report(user, plan_id)
    except Conflict as exc:
        return await _page(request, status=409, problem=exc.message)
    return redirect(_url(plan_id, "published", "#adoption"))


async def preview(request: Request) -> Response:
    """The report as it will be published, for organisers."""
    user, plan_id = _organiser(request)
    report = await report_preview(user, plan_id)
    return render(
        request,
        "plans/report.html",
        {"plan": report.plan, "report": report, "chart": support_chart},
    )


async def report_page(request: Request) -> Response:
    """The public response report (404 until published)."""
    report = await published_report(request.path_params["plan_uuid"])
    return render(
        request,
        "plans/report.html",
        {"plan": report.plan, "report": report, "chart": support_chart},
    )


async def report_pdf_download(request: Request) -> Response:
    """The public response report as a PDF (404 until published)."""
    report = await published_report(request.path_params["plan_uuid"])
    return Response(
        report_pdf(report),
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="response-report.pdf"'},
    )
