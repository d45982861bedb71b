"""Invitee pages: the invite list, adding one, CSV import (preview, then confirm), and
sending, reminding, resending, revoking and approving substitutes.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from convenor.errors import Invalid
from convenor.web import redirect, render, settings_of
from events import invitations, overview, service
from events.desk_routes import organiser
from events.forms import invitee_from_form, selected_ids
from events.invitee_csv import parse_csv
from events.models import InvitationStatus

MAX_UPLOAD = 2_000_000
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
    elif action in ("resend", "revoke") and ids:
        act = invitations.resend_invitation if action == "resend" else invitations.revoke_invitation
        for invitation_id in ids:
            await act(user, event_id, invitation_id, settings)
        count, done = len(ids), f"{action}d" if action == "revoke" else "resent"
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


async def import_preview(request: Request) -> Response:
    """Show every row with its problems; nothing is saved until the organiser confirms."""
    user = organiser(request)
    event = await service.get_event_for(user, request.path_params["event_id"])
    async with request.form(max_part_size=MAX_UPLOAD) as form:
        upload = form.get("file")
        text = str(form.get("text", ""))[:MAX_UPLOAD]
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read(MAX_UPLOAD + 1)
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        errors = {"file": "Choose a CSV file, or paste the list"}
        return render(
            request, "events/import.html", {"event": event, "errors": errors, "text": ""}, 400
        )
    preview = await invitations.preview_invitee_csv(user, event.id, text)
    context = {"event": event, "preview": preview, "errors": {}, "text": text}
    return render(request, "events/import_preview.html", context)


async def import_confirm(request: Request) -> Response:
    """Save the previewed list (carried back as the same CSV text), all or nothing."""
    user = organiser(request)
    event_id = request.path_params["event_id"]
    text = str((await request.form()).get("text", ""))[:MAX_UPLOAD]
    rows, _ = parse_csv(text)
    try:
        await invitations.import_invitees(user, event_id, [invitee for _, invitee in rows])
    except Invalid as exc:
        event = await service.get_event_for(user, event_id)
        errors = {"file": f"{exc.message} Check the file and preview it again."}
        context = {"event": event, "errors": errors, "text": text}
        return render(request, "events/import.html", context, 400)
    return redirect(f"/staff/events/{event_id}/invitees?done=imported")


E = "/staff/events/{event_id:int}"

routes = [
    Route(f"{E}/invitees", invitee_list, methods=["GET"]),
    Route(f"{E}/invitees", add_invitee, methods=["POST"]),
    Route(f"{E}/invitees/action", bulk_action, methods=["POST"]),
    Route(f"{E}/invitees/{{invitation_id:int}}/approve", approve, methods=["POST"]),
    Route(f"{E}/import", import_form, methods=["GET"]),
    Route(f"{E}/import", import_preview, methods=["POST"]),
    Route(f"{E}/import/confirm", import_confirm, methods=["POST"]),
]
