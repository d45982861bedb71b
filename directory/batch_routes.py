"""Staff pages for import batches: the list of imports, one import (with a link to the
moderation queue filtered to its entries), undoing an import after one confirmation
page that says exactly what will happen, and importing a file from the browser.

The upload page runs the importer as the command does: "Check the file" is the dry run
(its report, nothing saved); "Import it" is the real import (pending moderation, as a
batch recorded as the moderator's), optionally leaving out rows with errors. A file
input cannot be filled in again by the page, so after a check the file is chosen again
to import it; the same check runs then, so what the check said is what the import does.

Moderators (and admins) only; other staff get a 404, as on the other directory pages.
Forms carry the CSRF token (checked by the core's middleware).
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from convenor.cleaning import clean_name
from convenor.errors import Conflict
from convenor.models import Role
from convenor.tables import TableError, read_table
from convenor.web import redirect, render, require_staff
from directory import importer
from directory.models import BatchStatus

MAX_UPLOAD = 9_000_000  # under the app's request body cap (10 MB)
CHOOSE_A_FILE = "Choose a spreadsheet (.xlsx or .csv) to check or import"
TOO_BIG = "The file is larger than 9 MB; split it into smaller files, or use the command line."
SHOWN_LINES = 500  # report lines shown on the page (every error counts in the summary)

DONE = {
    "imported": "The file has been imported. Its entries wait in the moderation queue.",
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


def _upload_page(
    request: Request,
    *,
    errors: dict | None = None,
    report: importer.ImportReport | None = None,
    file_name: str = "",
    checked: bool = False,
    status: int = 200,
) -> Response:
    lines = report.lines(max_duplicates=100) if report else []
    context = {
        "errors": errors or {},
        "report": report,
        "lines": lines[:SHOWN_LINES],
        "more_lines": max(len(lines) - SHOWN_LINES, 0),
        "file_name": file_name,
        "checked": checked,
    }
    return render(request, "directory/staff_batch_new.html", context, status)


async def upload_form(request: Request) -> Response:
    _moderator(request)
    return _upload_page(request)


async def upload_submit(request: Request) -> Response:
    """Check (a dry run) or import the chosen file; the report is shown either way, and a
    successful import goes to its batch's page."""
    user = _moderator(request)
    async with request.form(max_part_size=MAX_UPLOAD + 1) as form:
        upload = form.get("file")
        action = str(form.get("action", "check"))
        skip_bad_rows = form.get("skip_bad_rows") == "yes"
        raw, file_name = b"", ""
        if isinstance(upload, UploadFile) and upload.filename:
            raw, file_name = await upload.read(MAX_UPLOAD + 1), clean_name(upload.filename)
    if not raw:
        return _upload_page(request, errors={"file": CHOOSE_A_FILE}, status=400)
    if len(raw) > MAX_UPLOAD:
        return _upload_page(request, errors={"file": TOO_BIG}, status=400)
    try:
        table = read_table(raw, file_name)
    except TableError as exc:
        return _upload_page(request, errors={"file": exc.message}, status=400)
    dry_run = action != "import"
    report = await importer.import_csv(
        table,
        source=f"Imported from {file_name}",
        file_name=file_name,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
        created_by=user,
    )
    if report.batch_id is not None and not report.failed:
        return redirect(f"/staff/directory/imports/{report.batch_id}?done=imported")
    bad = report.failed or bool(report.problem and not report.rows) or bool(report.bad_rows)
    return _upload_page(
        request,
        report=report,
        file_name=file_name,
        checked=dry_run,
        status=400 if bad else 200,
    )
