"""Second pages that ask before an action that cannot be undone, without JavaScript.

Cancelling the event, revoking ticked invitations and a delegate cancelling their
place each POST first without ``confirm=yes``: the answer is a page that says what
will happen and to how many people ("This emails 15 people"), and nothing changes.
Its button POSTs again with ``confirm=yes`` (and what was typed or ticked), which acts.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from convenor.models import User
from convenor.web import redirect, render, settings_of
from events import delegates, invitations, registration, service
from events.models import InvitationStatus, RegistrationStatus

__all__ = ["cancel_event_step", "cancel_place_page", "cancel_place_step", "revoke_step"]

MAX_MESSAGE = 2000


def confirmed(form: FormData) -> bool:
    return form.get("confirm") == "yes"


def people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


async def cancel_event_step(request: Request, user: User, event_id: int) -> Response:
    """POST .../cancel: the confirmation page, or (confirmed) the cancellation."""
    form = await request.form()
    message = str(form.get("message", ""))[:MAX_MESSAGE]
    if confirmed(form):
        event = await service.cancel_event(user, event_id, settings_of(request), message)
        return redirect(f"/staff/events/{event.id}?done=cancelled")
    event = await service.get_event_for(user, event_id)
    if event.status == "cancelled":
        return redirect(f"/staff/events/{event.id}")
    reach = await service.cancel_event_reach(user, event_id, settings_of(request).domains)
    context = {
        "event": event,
        "kind": "event",
        "title": f"Cancel {event.title}?",
        "reach": f"This emails {people(reach)}.",
        "action": f"/staff/events/{event.id}/cancel",
        "message": message,
        "hidden": [],
        "button": f"Yes, cancel the event and email {people(reach)}",
        "back": f"/staff/events/{event.id}",
        "back_label": "No, keep the event",
    }
    return render(request, "events/confirm.html", context)


async def revoke_step(
    request: Request, user: User, event_id: int, form: FormData, ids: list[int]
) -> Response:
    """The "revoke the ticked" button: the confirmation page, or (confirmed) the revoking."""
    if confirmed(form):
        for invitation_id in ids:
            await invitations.revoke_invitation(user, event_id, invitation_id, settings_of(request))
        return redirect(f"/staff/events/{event_id}/invitees?done=revoked&count={len(ids)}")
    event = await service.get_event_for(user, event_id)
    chosen = await invitations.invitations_for(user, event_id, ids)
    emailed = sum(1 for i in chosen if i.status == InvitationStatus.REGISTERED)
    count = "1 invitation" if len(chosen) == 1 else f"{len(chosen)} invitations"
    context = {
        "event": event,
        "kind": "revoke",
        "title": f"Revoke {count}?",
        "reach": f"This emails {people(emailed)}.",
        "invitations": chosen,
        "action": f"/staff/events/{event_id}/invitees/action",
        "hidden": [("action", "revoke")] + [("invitation", str(i.id)) for i in chosen],
        "button": f"Yes, revoke {count}",
        "back": f"/staff/events/{event_id}/invitees",
        "back_label": "No, go back to the invitees",
    }
    return render(request, "events/confirm.html", context)


async def cancel_place_page(request: Request, token: str) -> Response:
    """GET /i/<token>/cancel, and an unconfirmed POST: what cancelling will do."""
    view = await delegates.delegate_view(token)
    place = view.registration
    if place is None or place.status == RegistrationStatus.CANCELLED:
        return redirect(f"/i/{token}")
    if view.event.status == "cancelled":
        return redirect(f"/i/{token}")
    waitlisted = place.status == RegistrationStatus.WAITLISTED
    context = {
        "event": view.event,
        "kind": "place",
        "title": "Cancel your place?" if not waitlisted else "Leave the waitlist?",
        "reach": (
            "You will leave the waitlist for this event."
            if waitlisted
            else "Your place will go to the next person on the waitlist. We will email you "
            "a calendar cancellation for the event and for each session you were sent."
        ),
        "action": f"/i/{token}/cancel",
        "hidden": [],
        "button": "Yes, leave the waitlist" if waitlisted else "Yes, cancel my place",
        "back": f"/i/{token}",
        "back_label": "No, keep my place",
    }
    return render(request, "events/confirm.html", context)


async def cancel_place_step(request: Request, token: str) -> Response:
    """POST /i/<token>/cancel: the confirmation page, or (confirmed) the cancellation."""
    if not confirmed(await request.form()):
        return await cancel_place_page(request, token)
    await registration.cancel_registration(token, settings_of(request))
    return redirect(f"/i/{token}?done=cancelled")
