"""Importing a draft plan from a spreadsheet: the upload, the preview with each row's
problems, and the confirmation that imports every row or nothing (``plans.plan_import``).
The previewed table is carried back in the confirming form, so nothing is kept between
the two requests.
"""

from __future__ import annotations

import json

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Invalid
from convenor.tables import Table, TableError, read_table
from convenor.web import redirect, render
from plans import draft_views, plan_import
from plans.staff_routes import organiser, path_id, plan_url

MAX_UPLOAD = 5_000_000
CHOOSE_A_FILE = "Choose a spreadsheet (.xlsx or .csv) to import"
TOO_BIG = "The file is larger than 5 MB; split it into smaller files."
READ_AGAIN = "The draft could not be read back; choose the file again."


async def import_page(request: Request, *, errors=None, status=200, preview=None, table=""):
    plan = await draft_views.plan_for(organiser(request), path_id(request))
    context = {"plan": plan, "errors": errors or {}, "preview": preview, "table": table}
    return render(request, "plans/staff_plan_import.html", context, status)


async def import_form(request: Request) -> Response:
    return await import_page(request)


async def import_preview(request: Request) -> Response:
    """Every row with its problems; nothing is saved until the organiser confirms."""
    user = organiser(request)
    async with request.form(max_part_size=MAX_UPLOAD) as form:
        upload = form.get("file")
        raw, filename = b"", ""
        if isinstance(upload, UploadFile) and upload.filename:
            raw, filename = await upload.read(MAX_UPLOAD + 1), upload.filename
    if not filename:
        return await import_page(request, errors={"file": CHOOSE_A_FILE}, status=400)
    if len(raw) > MAX_UPLOAD:
        return await import_page(request, errors={"file": TOO_BIG}, status=400)
    try:
        table = read_table(raw, filename)
    except TableError as exc:
        return await import_page(request, errors={"file": exc.message}, status=400)
    preview = await plan_import.preview_draft(user, path_id(request), table)
    carried = json.dumps(table.as_data(), ensure_ascii=False) if preview.ok else ""
    status = 200 if preview.ok else 400
    return await import_page(request, preview=preview, table=carried, status=status)


async def import_confirm(request: Request) -> Response:
    """Import the previewed draft: every row, or nothing (one transaction)."""
    user = organiser(request)
    plan_id = path_id(request)
    form = await request.form()
    try:
        table = Table.from_data(json.loads(str(form.get("table", ""))))
    except (TableError, ValueError):
        return await import_page(request, errors={"file": READ_AGAIN}, status=400)
    try:
        result = await plan_import.import_draft(
            user, plan_id, table, add_missing=bool(form.get("add_missing"))
        )
    except Invalid as exc:
        preview = await plan_import.preview_draft(user, plan_id, table)
        carried = json.dumps(table.as_data(), ensure_ascii=False) if preview.ok else ""
        errors = exc.fields or {"file": exc.message}
        return await import_page(request, errors=errors, preview=preview, table=carried, status=400)
    done = f"imported&actions={result.actions}&priorities={result.priorities}"
    return redirect(plan_url(plan_id, done=done, anchor="#priorities"))
