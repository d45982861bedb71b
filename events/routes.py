"""Event pages: the organiser's events (list, create, edit, dashboard, publish, cancel).

Invitee pages are in ``events.invitee_routes``, the delegate list, exports and check-in
in ``events.desk_routes``, the delegate's own pages (from the personal link) in
``events.delegate_routes`` and the pages for anyone in ``events.public_routes``; all are
mounted from ``routes`` here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from convenor.app import DashboardPanel
from convenor.errors import Invalid
from convenor.models import Role, User
from convenor.web import redirect, render, require_staff, settings_of
from events import (
    confirm_routes,
    delegate_routes,
    desk_routes,
    invitee_routes,
    overview,
    public_routes,
    questions,
    service,
)
from events.desk_routes import organiser
from events.forms import event_form_values, event_from_form, question_from_form

ORGANISERS = [Role.ORGANISER]
QUESTION_KINDS = [("short_text", "Short text"), ("choice", "A choice"), ("yes_no", "Yes or no")]
MESSAGES = {
    "created": "The event has been created as a draft.",
    "saved": "The changes have been saved.",
    "published": "The event is published: you can now send invitations.",
    "cancelled": "The event is cancelled; delegates and invitees have been told.",
}


def staff_organiser(request: Request) -> User:
    """For pages about no particular event: anonymous visitors are sent to sign in."""
    return require_staff(request, roles=ORGANISERS)


def event_id_of(request: Request) -> int:
    return request.path_params["event_id"]


async def event_list(request: Request) -> Response:
    user = staff_organiser(request)
    return render(request, "events/staff_list.html", {"events": await service.events_for(user)})


async def _form_page(
    request, *, values, errors, event=None, status=200, organiser_errors=None, typed=""
) -> Response:
    context = {
        "organisers": await service.organisers_of(request.state.user, event.id) if event else [],
        "organiser_errors": organiser_errors or {},
        "organiser_typed": typed,
        "values": values,
        "errors": errors,
        "event": event,
        "heading": "Event details" if event else "Create an event",
        "action": f"/staff/events/{event.id}/edit" if event else "/staff/events/new",
        "submit": "Save the changes" if event else "Create the event",
    }
    return render(request, "events/event_form.html", context, status)


def _raise_with(errors: dict[str, str], data) -> None:
    """Raise Invalid with the form's own errors and every other field's, saving nothing."""
    try:
        service.check_event_data(data)
    except Invalid as exc:
        raise Invalid(fields={**exc.fields, **errors}) from None
    raise Invalid(fields=errors)


async def new_event_form(request: Request) -> Response:
    staff_organiser(request)
    return await _form_page(request, values=event_form_values(), errors={})


async def create_event(request: Request) -> Response:
    user = staff_organiser(request)
    form = event_from_form(await request.form())
    try:
        if form.errors:
            _raise_with(form.errors, form.data)
        event = await service.create_event(user, form.data)
    except Invalid as exc:
        return await _form_page(request, values=form.values, errors=exc.fields, status=400)
    return redirect(f"/staff/events/{event.id}?done=created")


async def edit_event_form(request: Request) -> Response:
    user = organiser(request)
    event = await service.get_event_for(user, event_id_of(request))
    return await _form_page(request, values=event_form_values(event), errors={}, event=event)


async def update_event(request: Request) -> Response:
    user = organiser(request)
    event = await service.get_event_for(user, event_id_of(request))
    form = event_from_form(await request.form())
    try:
        if form.errors:
            _raise_with(form.errors, form.data)
        await service.update_event(user, event.id, form.data, settings_of(request))
    except Invalid as exc:
        return await _form_page(
            request, values=form.values, errors=exc.fields, event=event, status=400
        )
    return redirect(f"/staff/events/{event.id}?done=saved")


async def dashboard(request: Request) -> Response:
    user = organiser(request)
    board = await overview.dashboard(user, event_id_of(request))
    message = MESSAGES.get(request.query_params.get("done", ""), "")
    return render(request, "events/dashboard.html", {"board": board, "message": message})


async def publish(request: Request) -> Response:
    user = organiser(request)
    event = await service.publish_event(user, event_id_of(request))
    return redirect(f"/staff/events/{event.id}?done=published")


async def cancel(request: Request) -> Response:
    """Asks first: a confirmation page saying how many people will be emailed."""
    return await confirm_routes.cancel_event_step(request, organiser(request), event_id_of(request))


async def add_organiser(request: Request) -> Response:
    user = organiser(request)
    event = await service.get_event_for(user, event_id_of(request))
    email = str((await request.form()).get("email", ""))[:254]
    try:
        await service.add_organiser(user, event.id, email)
    except Invalid as exc:
        return await _form_page(
            request,
            values=event_form_values(event),
            errors={},
            event=event,
            status=400,
            organiser_errors=exc.fields,
            typed=email,
        )
    return redirect(f"/staff/events/{event.id}/edit#organisers")


async def remove_organiser(request: Request) -> Response:
    user = organiser(request)
    event_id = event_id_of(request)
    await service.remove_organiser(user, event_id, request.path_params["user_id"])
    return redirect(f"/staff/events/{event_id}/edit#organisers")


def _questions_page(request, event, questions, *, values=None, errors=None, status=200):
    context = {
        "event": event,
        "questions": questions,
        "values": values or {"kind": "short_text", "label": "", "help_text": "", "choices": ""},
        "errors": errors or {},
        "kinds": QUESTION_KINDS,
    }
    context["values"].setdefault("required", "")
    context["values"].setdefault("sensitive", "")
    return render(request, "events/questions.html", context, status)


async def question_list(request: Request) -> Response:
    user = organiser(request)
    event = await service.get_event_for(user, event_id_of(request))
    return _questions_page(request, event, await questions.event_questions(user, event.id))


async def add_question(request: Request) -> Response:
    user = organiser(request)
    event = await service.get_event_for(user, event_id_of(request))
    data, values = question_from_form(await request.form())
    try:
        await questions.add_question(user, event.id, data)
    except Invalid as exc:
        found = await questions.event_questions(user, event.id)
        return _questions_page(request, event, found, values=values, errors=exc.fields, status=400)
    return redirect(f"/staff/events/{event.id}/questions")


async def mark_question_sensitive(request: Request) -> Response:
    user = organiser(request)
    event_id = event_id_of(request)
    sensitive = (await request.form()).get("sensitive") == "yes"
    await questions.mark_sensitive(user, event_id, request.path_params["question_id"], sensitive)
    return redirect(f"/staff/events/{event_id}/questions")


async def remove_question(request: Request) -> Response:
    user = organiser(request)
    event_id = event_id_of(request)
    await questions.remove_question(user, event_id, request.path_params["question_id"])
    return redirect(f"/staff/events/{event_id}/questions")


E = "/staff/events/{event_id:int}"

routes = [
    Route("/staff/events", event_list, methods=["GET"], name="events"),
    Route("/staff/events/new", new_event_form, methods=["GET"]),
    Route("/staff/events/new", create_event, methods=["POST"]),
    Route(E, dashboard, methods=["GET"]),
    Route(f"{E}/edit", edit_event_form, methods=["GET"]),
    Route(f"{E}/edit", update_event, methods=["POST"]),
    Route(f"{E}/publish", publish, methods=["POST"]),
    Route(f"{E}/organisers", add_organiser, methods=["POST"]),
    Route(f"{E}/organisers/{{user_id:int}}/remove", remove_organiser, methods=["POST"]),
    Route(f"{E}/questions", question_list, methods=["GET"]),
    Route(f"{E}/questions", add_question, methods=["POST"]),
    Route(f"{E}/questions/{{question_id:int}}/remove", remove_question, methods=["POST"]),
    Route(
        f"{E}/questions/{{question_id:int}}/sensitive", mark_question_sensitive, methods=["POST"]
    ),
    Route(f"{E}/cancel", cancel, methods=["POST"]),
    *invitee_routes.routes,
    *desk_routes.routes,
    *delegate_routes.routes,
    *public_routes.routes,
]

dashboard_panels = [
    DashboardPanel(
        "Events",
        "/staff/events",
        "Your invite-only events: invitations, registrations and check-in.",
        roles=frozenset({"admin", "organiser"}),
    )
]
