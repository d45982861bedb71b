"""The delegate's pages, reached only through their personal link (/i/<token>): their
home (the invitation, or once registered the manage page, each with the sections of
``events.home``), registering, declining or naming a substitute, the confirmation with a
check-in QR code, changing answers, cancelling (after ``confirm_routes``' page), their
data, the calendar file, the shared delegate list and nominations.

A dead, revoked or unknown link is 404, like a page that does not exist.
"""

from __future__ import annotations

import io
import json

import segno
from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Invalid, NotFound
from convenor.web import redirect, render, settings_of
from directory.models import KIND_LABELS
from directory.search import SearchQuery, search
from directory.service import taxonomy
from events import confirm_routes, delegates, emails, invitations, registration
from events.delegates import DelegateView
from events.forms import nomination_from_form, registration_from_form, substitute_from_form
from events.home import delegate_status, home_sections
from events.models import EventStatus, RegistrationStatus

DONE = {
    "updated": "Your answers have been saved.",
    "cancelled": "Your registration is cancelled. Thank you for letting us know.",
    "nominated": "Thank you: we will add the group to the community directory once it is checked.",
}


def token_of(request: Request) -> str:
    return request.path_params["token"][:200]


def _values_from(view: DelegateView) -> dict[str, str]:
    r, invitation = view.registration, view.invitation
    active = r is not None and r.status != RegistrationStatus.CANCELLED
    values = {
        "name": r.name if active else invitation.name,
        "job_title": r.job_title if active else invitation.job_title,
        "organisation": r.organisation if active else invitation.organisation,
        "organisation_entry_id": "",
        "organisation_kind": "",
        "dietary": r.dietary if active else "",
        "access_needs": r.access_needs if active else "",
        "consent_to_list": "yes" if active and r.consent_to_list else "",
    }
    for question in view.questions:
        values[f"question_{question.id}"] = r.answers.get(str(question.id), "") if active else ""
    return values


async def _organisation_choices(text: str) -> list:
    """Directory entries matching what the delegate typed, for the organisation picker."""
    if len(text.strip()) < 2:
        return []
    page = await search(SearchQuery(text=text[:200], per_page=8))
    return page.hits


def _is_active(view: DelegateView) -> bool:
    mine = view.registration
    return mine is not None and mine.status != RegistrationStatus.CANCELLED


async def invitation_page(request: Request) -> Response:
    """The invitation (register or decline), or the manage page once registered."""
    token = token_of(request)
    view = await delegates.delegate_view(token)
    message = DONE.get(request.query_params.get("done", ""), "")
    if _is_active(view):
        return await _manage(request, token, view, _values_from(view), {}, message=message)
    return await _invitation(request, token, view, _values_from(view), {}, message=message)


async def _home_context(request: Request, token: str, view: DelegateView) -> dict:
    """What every form of the delegate's home shows: their status and the parts that
    later domains add (the programme and their agenda)."""
    return {
        "status": delegate_status(view),
        "sections": await home_sections(view, token, settings_of(request)),
    }


KINDS = [(kind.value, label) for kind, label in KIND_LABELS.items()]


async def _invitation(
    request, token, view, values, errors, *, status=200, choices=None, message=""
):
    context = {
        **await _home_context(request, token, view),
        "kinds": KINDS,
        "view": view,
        "event": view.event,
        "token": token,
        "values": values,
        "errors": errors,
        "choices": choices,
        "message": message,
    }
    return render(request, "events/invitation.html", context, status)


async def _manage(request, token, view, values, errors, *, status=200, choices=None, message=""):
    context = {
        **await _home_context(request, token, view),
        "kinds": KINDS,
        "view": view,
        "event": view.event,
        "registration": view.registration,
        "token": token,
        "values": values,
        "errors": errors,
        "choices": choices,
        "message": message,
    }
    return render(request, "events/manage.html", context, status)


async def register(request: Request) -> Response:
    """Register from the invitation page. The happy path makes one service call and no
    other query (this is the endpoint that takes the load when invitations go out)."""
    token = token_of(request)
    form = await request.form()
    typed = registration_from_form(form)
    if form.get("find"):
        return await _with_organisation_choices(request, token, typed)
    try:
        await registration.register(token, typed.data, settings_of(request))
    except Invalid as exc:
        view = await delegates.delegate_view(token)
        page = _manage if _is_active(view) else _invitation
        return await page(request, token, view, typed.values, exc.fields, status=400)
    return redirect(f"/i/{token}/registered")


async def change_answers(request: Request) -> Response:
    token = token_of(request)
    form = await request.form()
    typed = registration_from_form(form)
    if form.get("find"):
        return await _with_organisation_choices(request, token, typed)
    try:
        await delegates.update_registration(token, typed.data)
    except Invalid as exc:
        view = await delegates.delegate_view(token)
        return await _manage(request, token, view, typed.values, exc.fields, status=400)
    return redirect(f"/i/{token}?done=updated")


async def _with_organisation_choices(request: Request, token: str, typed) -> Response:
    """The organisation search button: show matches from the directory, save nothing."""
    view = await delegates.delegate_view(token)
    values = {**_values_from(view), **typed.values}
    choices = await _organisation_choices(typed.values["organisation"])
    page = _manage if _is_active(view) else _invitation
    return await page(request, token, view, values, {}, choices=choices)


async def registered(request: Request) -> Response:
    token = token_of(request)
    view = await delegates.delegate_view(token)
    if view.registration is None:
        return redirect(f"/i/{token}")
    context = {"view": view, "event": view.event, "registration": view.registration}
    return render(request, "events/registered.html", {**context, "token": token})


async def decline(request: Request) -> Response:
    token = token_of(request)
    form = await request.form()
    await invitations.decline(token, str(form.get("reason", ""))[:2000])
    return redirect(f"/i/{token}/declined")


async def declined(request: Request) -> Response:
    view = await delegates.delegate_view(token_of(request))
    return render(
        request,
        "events/declined.html",
        {"view": view, "event": view.event, "token": token_of(request)},
    )


async def substitute(request: Request) -> Response:
    """The invitee names someone from their organisation to come instead."""
    token = token_of(request)
    view = await delegates.delegate_view(token)
    form = await request.form()
    data = substitute_from_form(form)
    try:
        named = await invitations.name_substitute(token, data, settings_of(request))
    except Invalid as exc:
        values = {**_values_from(view), **{f"substitute_{k}": v for k, v in vars(data).items()}}
        errors = {f"substitute_{k}": v for k, v in exc.fields.items()}
        return await _invitation(request, token, view, values, errors, status=400)
    context = {"event": view.event, "named": named}
    return render(request, "events/substitute_named.html", context)


async def cancel(request: Request) -> Response:
    """Asks first (events.confirm_routes): a page, then a POST with confirm=yes."""
    return await confirm_routes.cancel_place_step(request, token_of(request))


async def cancel_form(request: Request) -> Response:
    return await confirm_routes.cancel_place_page(request, token_of(request))


async def my_data(request: Request) -> Response:
    data = await delegates.my_data(token_of(request))
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-registration.json"'},
    )


def _ics(body: bytes) -> Response:
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="event.ics"'},
    )


async def delegate_calendar(request: Request) -> Response:
    token = token_of(request)
    view = await delegates.delegate_view(token)
    link = emails.manage_link(settings_of(request), token)
    return _ics(emails.calendar_download(view.event, link=link))


async def qr_code(request: Request) -> Response:
    view = await delegates.delegate_view(token_of(request))
    if not _is_active(view) or view.event.status == EventStatus.CANCELLED:
        raise NotFound()
    out = io.BytesIO()
    # A standard QR code: segno would pick a Micro QR for six characters, which many
    # phone scanners cannot read.
    code = view.registration.check_in_code  # type: ignore[union-attr]
    segno.make(code, error="m", micro=False).save(
        out, kind="svg", scale=8, border=2, xmldecl=False, svgns=True
    )
    return Response(out.getvalue(), media_type="image/svg+xml")


NOMINATION_FIELDS = (
    "name", "kind", "what_they_do", "area", "website", "contact_name", "contact_email",
)  # fmt: skip


async def _nomination_page(request, token, view, values, errors, status=200) -> Response:
    _, areas = await taxonomy()
    context = {
        "view": view,
        "event": view.event,
        "token": token,
        "values": values,
        "errors": errors,
        "kinds": KINDS,
        "areas": [(area.slug, area.name) for area in areas],
    }
    return render(request, "events/nominate.html", context, status)


async def nominate_form(request: Request) -> Response:
    token = token_of(request)
    view = await delegates.delegate_view(token)
    if view.registration is None:
        return redirect(f"/i/{token}")
    return await _nomination_page(request, token, view, dict.fromkeys(NOMINATION_FIELDS, ""), {})


async def nominate(request: Request) -> Response:
    token = token_of(request)
    view = await delegates.delegate_view(token)
    data = nomination_from_form(await request.form())
    try:
        await delegates.nominate(token, data, settings_of(request))
    except Invalid as exc:
        return await _nomination_page(request, token, view, vars(data), exc.fields, 400)
    return redirect(f"/i/{token}?done=nominated")


async def delegate_list(request: Request) -> Response:
    token = token_of(request)
    view = await delegates.delegate_view(token)
    listed = await delegates.shared_delegate_list(token)
    context = {"view": view, "event": view.event, "token": token, "listed": listed}
    return render(request, "events/shared_list.html", context)
