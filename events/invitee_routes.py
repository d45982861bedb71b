"""Invitee pages: the invite list, adding one, importing a spreadsheet (preview, then
import all or the good rows, or download the rows with problems to fix), and
sending, reminding, resending, revoking and approving substitutes.
"""

from __future__ import annotations

import json

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Invalid
from convenor.spreadsheet import download_response
from convenor.tables import Table, TableError, read_table
from convenor.web import redirect, render, settings_of
from events import confirm_routes, invitations, invitee_import, overview, service
from events.desk_routes import organiser
from events.forms import invitee_from_form, selected_ids
from events.models import InvitationStatus

MAX_UPLOAD = 5_000_000
CHOOSE_A_FILE = "Choose a spreadsheet (.xlsx or .csv), or paste the list"
TOO_BIG = "The file is larger than 5 MB; split it into smaller files."
DONE = {
    "added": "The invitee has been added. Send the invitation when you are ready.",
    "imported": "The invitees have been imported. Send the invitations when you are ready.",
    "approved": "The substitute has been approved.",
}
STATUS_FILTERS = [(s.value, s.value.capitalize()) for s in InvitationStatus]


def _count_message(action: str, count: int) -> str:
    people = "1 invitee" if count == 1 else f"{count} invitees"
    return {
        "sent": f"Invitations sent to {people}.",
        "reminded": f"Reminders sent to {people}.",
        "resent": f"Invitations sent again to {people}, with fresh links.",
        "revoked": f"Invitations withdrawn from {people}.",
    }[action]


def _imported_message(added: int, updated: int) -> str:
    people = "1 invitee" if added == 1 else f"{added} invitees"
    return (
        f"{people} added, {updated} updated. Nobody's invitation status was changed; "
        "send the invitations when you are ready."
    )


async def _list_page(request, user, event_id, *, values=None, errors=None, status=200, message=""):
    event = await service.get_event_for(user, event_id)
    search = request.query_params.get("q", "")[:200]
    chosen = request.query_params.get("status", "")
    chosen = chosen if chosen in dict(STATUS_FILTERS) else ""
    context = {
        "event": event,
        "invitations": await overview.invitation_list(user, event.id, search, chosen or None),
        "search": search,
        "chosen": chosen,
        "statuses": STATUS_FILTERS,
        "values": values or {"name": "", "email": "", "organisation": "", "job_title": ""},
        "errors": errors or {},
        "message": message,
    }
    return render(request, "events/invitees.html", context, status)


async def invitee_list(request: Request) -> Response:
    user = organiser(request)
    done = request.query_params.get("done", "")
    message = DONE.get(done, "")
    count = request.query_params.get("count", "")
    if done in ("sent", "reminded", "resent", "revoked") and count.isdigit():
        message = _count_message(done, int(count))
    added, updated = request.query_params.get("added", ""), request.query_params.get("updated", "")
    if done == "imported" and added.isdigit() and updated.isdigit():
        message = _imported_message(int(added), int(updated))
    return await _list_page(request, user, request.path_params["event_id"], message=message)


async def add_invitee(request: Request) -> Response:
    user = organiser(request)
    event_id = request.path_params["event_id"]
    data = invitee_from_form(await request.form())
    try:
        await invitations.add_invitee(user, event_id, data)
    except Invalid as exc:
        return await _list_page(
            request, user, event_id, values=vars(data), errors=exc.fields, status=400
        )
    return redirect(f"/staff/events/{event_id}/invitees?done=added")


async def bulk_action(request: Request) -> Response:
    """One form, several buttons: send, remind, resend or revoke (the ticked, or all)."""
    user = organiser(request)
    event_id = request.path_params["event_id"]
    form = await request.form()
    action = str(form.get("action", ""))
    ids = selected_ids(form)
    settings = settings_of(request)
    if action == "send":
        count = await invitations.send_invitations(user, event_id, settings, ids or None)
        done = "sent"
    elif action == "remind":
        count = await invitations.remind_invitees(user, event_id, settings, ids or None)
        done = "reminded"
    elif action == "revoke" and ids:
        # Asks first (events.confirm_routes): revoking cannot be undone.
        return await confirm_routes.revoke_step(request, user, event_id, form, ids)
    elif action == "resend" and ids:
        for invitation_id in ids:
            await invitations.resend_invitation(user, event_id, invitation_id, settings)
        count, done = len(ids), "resent"
    else:
        await service.get_event_for(user, event_id)
        return await _list_page(
            request,
            user,
            event_id,
            errors={"invitation": "Tick the invitees to resend to or revoke"},
            status=400,
        )
    return redirect(f"/staff/events/{event_id}/invitees?done={done}&count={count}")


async def approve(request: Request) -> Response:
    user = organiser(request)
    event_id = request.path_params["event_id"]
    await invitations.approve_substitute(
        user, event_id, request.path_params["invitation_id"], settings_of(request)
    )
    return redirect(f"/staff/events/{event_id}/invitees?done=approved")


async def import_form(request: Request) -> Response:
    user = organiser(request)
    event = await service.get_event_for(user, request.path_params["event_id"])
    return render(request, "events/import.html", {"event": event, "errors": {}, "text": ""})


def _import_page(request: Request, event, message: str, text: str = "") -> Response:
    context = {"event": event, "errors": {"file": message}, "text": text}
    return render(request, "events/import.html", context, 400)


async def import_preview(request: Request) -> Response:
    """Show every row with its problems; nothing is saved until the organiser confirms."""
    user = organiser(request)
    event = await service.get_event_for(user, request.path_params["event_id"])
    async with request.form(max_part_size=MAX_UPLOAD) as form:
        upload = form.get("file")
        text = str(form.get("text", ""))[:MAX_UPLOAD]
        raw, filename = text.encode("utf-8"), ""
        if isinstance(upload, UploadFile) and upload.filename:
            raw, filename, text = await upload.read(MAX_UPLOAD + 1), upload.filename, ""
    if not filename and not raw.strip():
        return _import_page(request, event, CHOOSE_A_FILE)
    if len(raw) > MAX_UPLOAD:
        return _import_page(request, event, TOO_BIG)
    try:
        table = read_table(raw, filename)
    except TableError as exc:
        return _import_page(request, event, exc.message, text)
    preview = await invitee_import.preview_invitee_table(user, event.id, table)
    context = {
        "event": event,
        "preview": preview,
        "errors": {},
        "table": json.dumps(table.as_data(), ensure_ascii=False),
    }
    return render(request, "events/import_preview.html", context)


def _carried_table(form) -> Table:
    """The previewed list, carried back as the table (or, from older pages, CSV text)."""
    carried = str(form.get("table", ""))
    if carried:
        try:
            return Table.from_data(json.loads(carried))
        except ValueError:
            raise TableError("The list could not be read back; choose the file again.") from None
    return read_table(str(form.get("text", "")).encode("utf-8"))


async def import_confirm(request: Request) -> Response:
    """Save the previewed list: every row, or only the good ones when asked; one transaction."""
    user = organiser(request)
    event_id = request.path_params["event_id"]
    form = await request.form()
    good_rows_only = form.get("rows") == "good"
    try:
        table = _carried_table(form)
        result = await invitee_import.import_invitee_table(
            user, event_id, table, good_rows_only=good_rows_only
        )
    except (Invalid, TableError) as exc:
        event = await service.get_event_for(user, event_id)
        return _import_page(request, event, f"{exc.message} Check the file and preview it again.")
    if not good_rows_only and not result.updated and not result.unchanged:
        return redirect(f"/staff/events/{event_id}/invitees?done=imported")
    return redirect(
        f"/staff/events/{event_id}/invitees?done=imported&added={result.added}"
        f"&updated={result.updated}"
    )


async def import_problems(request: Request) -> Response:
    """The previewed rows with problems as a CSV file to fix (a download; nothing saved)."""
    user = organiser(request)
    event_id = request.path_params["event_id"]
    try:
        table = _carried_table(await request.form())
    except TableError as exc:
        event = await service.get_event_for(user, event_id)
        return _import_page(request, event, exc.message)
    sheet = await invitee_import.problem_rows(user, event_id, table)
    return download_response(sheet, "csv", "invitees-to-fix")
