"""The admin "Outbox" pages: every message with its status, one message in full, retry.

Personal-link tokens are shown redacted (``convenor.redact``): an admin reads what
each person was sent without being able to act as them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from convenor.errors import NotFound
from convenor.mail.models import OutboxMessage, OutboxStatus
from convenor.mail.worker import retry_now
from convenor.models import Role
from convenor.redact import redact, redact_calendar
from convenor.web import redirect, render, require_staff

PAGE_SIZE = 50


def _message_id(request: Request) -> int:
    try:
        return int(request.path_params["message_id"])
    except ValueError:
        raise NotFound() from None


async def _get(request: Request) -> OutboxMessage:
    message = await OutboxMessage.get_or_none(id=_message_id(request))
    if message is None:
        raise NotFound()
    return message


async def outbox(request: Request) -> Response:
    require_staff(request, roles=[Role.ADMIN])
    status = request.query_params.get("status", "")
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    query = OutboxMessage.all()
    if status in {s.value for s in OutboxStatus}:
        query = query.filter(status=status)
    else:
        status = ""
    total = await query.count()
    messages = await query.order_by("-id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    counts = {s.value: await OutboxMessage.filter(status=s).count() for s in OutboxStatus}
    return render(
        request,
        "convenor/outbox.html",
        {
            "messages": messages,
            "status": status,
            "counts": counts,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "statuses": [s.value for s in OutboxStatus],
        },
    )


async def outbox_message(request: Request) -> Response:
    require_staff(request, roles=[Role.ADMIN])
    message = await _get(request)
    return render(
        request,
        "convenor/outbox_message.html",
        {"message": message, "text_body": redact(message.text_body)},
    )


async def outbox_html(request: Request) -> Response:
    """The HTML part on its own, sandboxed so nothing in it can run or load."""
    require_staff(request, roles=[Role.ADMIN])
    message = await _get(request)
    if not message.html_body:
        raise NotFound()
    return Response(
        redact(message.html_body),
        media_type="text/html",
        headers={"Content-Security-Policy": "sandbox; default-src 'none'"},
    )


async def outbox_calendar(request: Request) -> Response:
    require_staff(request, roles=[Role.ADMIN])
    message = await _get(request)
    if not message.calendar_ics:
        raise NotFound()
    return Response(
        redact_calendar(message.calendar_ics).encode(),
        media_type=f"text/calendar; charset=utf-8; method={message.calendar_method}",
        headers={"Content-Disposition": 'attachment; filename="invite.ics"'},
    )


async def outbox_retry(request: Request) -> Response:
    require_staff(request, roles=[Role.ADMIN])
    message_id = _message_id(request)
    if not await retry_now(message_id):
        raise NotFound("Only a failed message can be retried.")
    return redirect(f"/staff/outbox/{message_id}?retried=1")


routes = [
    Route("/staff/outbox", outbox, name="outbox"),
    Route("/staff/outbox/{message_id}", outbox_message, name="outbox_message"),
    Route("/staff/outbox/{message_id}/html", outbox_html, name="outbox_html"),
    Route("/staff/outbox/{message_id}/invite.ics", outbox_calendar, name="outbox_calendar"),
    Route("/staff/outbox/{message_id}/retry", outbox_retry, methods=["POST"]),
]
