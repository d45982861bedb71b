"""The consultation's pages: the organiser's settings and invitations, and responding
(a delegate from their invitation link, partner staff and the public from their own
emailed link, the public's start page that asks for an email address).

Each handler parses the request, calls one service function (``plans.consultation``
or ``plans.respondents``) and renders or redirects (303 after a POST). A refused save
(the consultation closed meanwhile) shows the form again with everything typed and
says why; nothing of it was stored.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from convenor.errors import Conflict, Invalid, NotFound, RateLimited
from convenor.models import Role
from convenor.spreadsheet import FORMATS, download_response
from convenor.web import client_address, redirect, render, require_staff, settings_of
from plans import consultation, respondents
from plans.consultation_forms import (
    response_from_form,
    settings_from_form,
    settings_values,
)
from plans.models import Capacity
from plans.respondents import CAPACITY_LABELS, SUPPORT_LABELS, ResponseData, ResponseForm

ORGANISERS = [Role.ADMIN, Role.ORGANISER]
SAVED = {
    "draft": "Your answers are saved as a draft. Come back with the same link to finish.",
    "sent": "Thank you: your response is sent. You can change it until the consultation closes.",
}
STAFF_DONE = {
    "published": "The plan is published for consultation (version 1).",
    "saved": "The consultation settings are saved.",
    "closed": "The consultation is closed.",
}


def _plan_id(request: Request) -> int:
    return request.path_params["plan_id"]


# -- The organiser's page ------------------------------------------------------------


async def _staff_page(
    request, *, values=None, errors=None, invite_errors=None, emails="", status=200
):
    user = require_staff(request, roles=ORGANISERS)
    found = await consultation.overview(user, _plan_id(request))
    done = request.query_params.get("done", "")
    context = {
        "overview": found,
        "plan": found.plan,
        "values": values if values is not None else settings_values(found.plan),
        "errors": errors or {},
        "invite_errors": invite_errors or {},
        "emails": emails,
        "message": STAFF_DONE.get(done, ""),
        "invited": request.query_params.get("invited", "")[:6],
    }
    return render(request, "plans/staff_consultation.html", context, status)


async def consultation_page(request: Request) -> Response:
    return await _staff_page(request)


async def consultation_save(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    form = await request.form()
    data, values, errors = settings_from_form(form)
    if errors:
        return await _staff_page(request, values=values, errors=errors, status=400)
    try:
        plan = await consultation.save_consultation(user, _plan_id(request), data)
    except Invalid as exc:
        problems = exc.fields or {"opens_at": exc.message}
        return await _staff_page(request, values=values, errors=problems, status=400)
    except Conflict as exc:
        return await _staff_page(
            request, values=values, errors={"opens_at": exc.message}, status=409
        )
    done = "published" if form.get("publish") else "saved"
    return redirect(f"/staff/plans/{plan.id}/consultation?done={done}")


async def invite_partners(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    form = await request.form()
    text = str(form.get("emails", ""))[:50_000]
    try:
        count = await consultation.invite_partners(
            user, _plan_id(request), text, settings_of(request)
        )
    except Invalid as exc:
        return await _staff_page(request, invite_errors=exc.fields, emails=text, status=400)
    except Conflict as exc:
        return await _staff_page(
            request, invite_errors={"emails": exc.message}, emails=text, status=409
        )
    return redirect(f"/staff/plans/{_plan_id(request)}/consultation?invited={count}#partners")


async def close_consultation(request: Request) -> Response:
    user = require_staff(request, roles=ORGANISERS)
    try:
        await consultation.close_now(user, _plan_id(request))
    except Conflict as exc:
        return await _staff_page(request, errors={"opens_at": exc.message}, status=409)
    return redirect(f"/staff/plans/{_plan_id(request)}/consultation?done=closed")


# -- Responding ----------------------------------------------------------------------


def _form_context(found: ResponseForm, action: str, download: str, **extra) -> dict:
    return {
        "found": found,
        "plan": found.who.plan,
        "tree": found.tree,
        "data": extra.pop("data", None) or found.data,
        "errors": extra.pop("errors", {}),
        "action": action,
        "download": download,
        "kind": found.who.kind.value,
        "capacities": [(c.value, CAPACITY_LABELS[c]) for c in Capacity],
        "supports": list(SUPPORT_LABELS.items()),
        "refused": extra.pop("refused", ""),
        "message": extra.pop("message", ""),
        **extra,
    }


def _token(request: Request) -> str:
    return request.path_params["token"][:200]


def _uuid(request: Request) -> str:
    return request.path_params["plan_uuid"][:36]


def _delegate_urls(request: Request) -> tuple[str, str]:
    base = f"/i/{_token(request)}/plans/{_uuid(request)}"
    return base, f"{base}/my-response"


def _link_urls(request: Request) -> tuple[str, str]:
    base = f"/plans/respond/{_token(request)}"
    return base, f"{base}/my-response"


async def _respond_page(
    request: Request, found: ResponseForm, urls, status=200, **extra
) -> Response:
    saved = SAVED.get(request.query_params.get("saved", ""), "")
    context = _form_context(found, *urls, message=saved, **extra)
    return render(request, "plans/respond.html", context, status)


async def delegate_form(request: Request) -> Response:
    found = await respondents.delegate_page(_token(request), _uuid(request))
    return await _respond_page(request, found, _delegate_urls(request))


async def link_form(request: Request) -> Response:
    found = await respondents.link_page(_token(request))
    return await _respond_page(request, found, _link_urls(request))


async def _save(request: Request, page, save, urls) -> Response:
    form = await request.form()
    data, errors = response_from_form(form)
    submit = form.get("action") == "submit"
    refused = ""
    if not errors:
        try:
            await save(data, submit=submit)
        except Invalid as exc:
            errors = exc.fields or {"capacity": exc.message}
        except Conflict as exc:
            refused = exc.message
        else:
            return redirect(f"{urls[0]}?saved={'sent' if submit else 'draft'}#top")
    found = await page()
    status = 409 if refused else 400
    return await _respond_page(
        request, found, urls, status, data=data, errors=errors, refused=refused
    )


async def delegate_save(request: Request) -> Response:
    token, uuid = _token(request), _uuid(request)

    async def save(data: ResponseData, *, submit: bool):
        return await respondents.save_as_delegate(token, uuid, data, submit=submit)

    return await _save(
        request, lambda: respondents.delegate_page(token, uuid), save, _delegate_urls(request)
    )


async def link_save(request: Request) -> Response:
    token = _token(request)

    async def save(data: ResponseData, *, submit: bool):
        return await respondents.save_by_link(token, data, submit=submit)

    return await _save(request, lambda: respondents.link_page(token), save, _link_urls(request))


def _format(request: Request) -> str:
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise NotFound()
    return fmt


async def delegate_download(request: Request) -> Response:
    fmt = _format(request)
    sheet = await respondents.delegate_sheet(_token(request), _uuid(request))
    return download_response(sheet, fmt, "my-response")


async def link_download(request: Request) -> Response:
    fmt = _format(request)
    return download_response(await respondents.link_sheet(_token(request)), fmt, "my-response")


# -- The public's start --------------------------------------------------------------


async def _start_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    plan, open_to_public = await consultation.public_plan(_uuid(request))
    context = {
        "plan": plan,
        "open_to_public": open_to_public,
        "values": values or {"email": "", "name": ""},
        "errors": errors or {},
    }
    return render(request, "plans/respond_start.html", context, status)


async def public_start(request: Request) -> Response:
    return await _start_page(request)


async def public_start_submit(request: Request) -> Response:
    form = await request.form()
    values = {"email": str(form.get("email", ""))[:254], "name": str(form.get("name", ""))[:200]}
    try:
        await consultation.start_public_response(
            _uuid(request),
            values["email"],
            values["name"],
            settings_of(request),
            client_address(request),
            str(form.get("nickname", "")),
        )
    except Invalid as exc:
        return await _start_page(request, values=values, errors=exc.fields, status=400)
    except RateLimited as exc:
        return await _start_page(request, values=values, errors={"email": exc.message}, status=429)
    except Conflict as exc:
        return await _start_page(request, values=values, errors={"email": exc.message}, status=409)
    return redirect(f"/plans/{_uuid(request)}/respond/sent")


async def public_start_sent(request: Request) -> Response:
    plan, _ = await consultation.public_plan(_uuid(request))
    return render(request, "plans/respond_sent.html", {"plan": plan})
