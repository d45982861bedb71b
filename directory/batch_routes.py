"""Staff pages for import batches: the list of imports, one import (with a link to the
moderation queue filtered to its entries), and undoing an import after one confirmation
page that says exactly what will happen.

Moderators (and admins) only; other staff get a 404, as on the other directory pages.
Forms carry the CSRF token (checked by the core's middleware).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from convenor.errors import Conflict
from convenor.models import Role
from convenor.web import redirect, render, require_staff
from directory import importer
from directory.models import BatchStatus

DONE = {
    "undone": "The import has been undone.",
    "already": "This import had already been undone; nothing more was changed.",
}

STATES = {
    BatchStatus.IMPORTING: "Not finished",
    BatchStatus.COMPLETE: "Imported",
    BatchStatus.FAILED: "Failed, nothing imported",
    BatchStatus.UNDONE: "Undone",
}


def _moderator(request: Request):
    return require_staff(request, roles=[Role.MODERATOR])


async def batches_page(request: Request) -> Response:
    _moderator(request)
    context = {"summaries": await importer.list_batches(), "states": STATES}
    return render(request, "directory/staff_batches.html", context)


async def batch_page(request: Request) -> Response:
    _moderator(request)
    summary = await importer.batch_summary(request.path_params["batch_id"])
    done = request.query_params.get("done", "")
    context = {
        "summary": summary,
        "batch": summary.batch,
        "message": DONE.get(done, ""),
        "undone_by": await _undone_by(summary.batch),
        "can_undo": summary.batch.status == BatchStatus.COMPLETE,
    }
    return render(request, "directory/staff_batch.html", context)


async def _undone_by(batch) -> str:
    if batch.undone_by_id is None:
        return ""
    await batch.fetch_related("undone_by")
    return batch.undone_by.name or batch.undone_by.email


async def undo_form(request: Request) -> Response:
    """The one confirmation: what undoing will do to the batch's entries, now."""
    _moderator(request)
    summary = await importer.batch_summary(request.path_params["batch_id"])
    if summary.batch.status != BatchStatus.COMPLETE:
        return redirect(f"/staff/directory/imports/{summary.batch.id}")
    plan = await importer.undo_plan(summary.batch.id)
    context = {"summary": summary, "batch": summary.batch, "plan": plan}
    return render(request, "directory/staff_batch_undo.html", context)


async def undo_submit(request: Request) -> Response:
    user = _moderator(request)
    batch_id = request.path_params["batch_id"]
    try:
        result = await importer.undo_batch(batch_id, user)
    except Conflict:
        return redirect(f"/staff/directory/imports/{batch_id}")
    done = "already" if result.already else "undone"
    return redirect(f"/staff/directory/imports/{batch_id}?done={done}")


routes = [
    Route("/staff/directory/imports", batches_page, methods=["GET"]),
    Route("/staff/directory/imports/{batch_id:int}", batch_page, methods=["GET"]),
    Route("/staff/directory/imports/{batch_id:int}/undo", undo_form, methods=["GET"]),
    Route("/staff/directory/imports/{batch_id:int}/undo", undo_submit, methods=["POST"]),
]
