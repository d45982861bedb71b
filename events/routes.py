"""Every page of the events domain: one table of every URL, its methods and handler.

Order matters: Starlette tries the routes in this order and takes the first whose path
and method match (``tests/events/test_events_route_table.py`` checks that no route hides
a later one and that every handler below is a public name of its module). Handlers live
in modules by audience; each one parses the request, calls the domain's services and
renders:

- this module: the organiser's events (list, create, edit, dashboard, publish, cancel,
  co-organisers and registration questions);
- ``invitee_routes``: the organiser's invite list and its spreadsheet import;
- ``desk_routes``: the delegate list, its exports, the needs summary and check-in;
- ``delegate_routes``: the delegate's own pages, from their personal link (/i/<token>);
- ``public_routes``: the pages for anyone (public events, asking for a place).

``confirm_routes`` holds no page of its own: it is the "are you sure?" step that the
cancel and revoke handlers above call before acting.

The JSON API of the domain (under ``/api/v1``) has its own table in ``events.api``. Both
tables are found by convention (``convenor.domains``): ``routes`` here and ``routes`` in
``events.api``.
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


routes = [
    # The organiser's events (handlers in this module).
    Route("/staff/events", event_list, methods=["GET"], name="events"),
    Route("/staff/events/new", new_event_form, methods=["GET"]),
    Route("/staff/events/new", create_event, methods=["POST"]),
    Route("/staff/events/{event_id:int}", dashboard, methods=["GET"]),
    Route("/staff/events/{event_id:int}/edit", edit_event_form, methods=["GET"]),
    Route("/staff/events/{event_id:int}/edit", update_event, methods=["POST"]),
    Route("/staff/events/{event_id:int}/publish", publish, methods=["POST"]),
    Route("/staff/events/{event_id:int}/organisers", add_organiser, methods=["POST"]),
    Route(
        "/staff/events/{event_id:int}/organisers/{user_id:int}/remove",
        remove_organiser,
        methods=["POST"],
    ),
    Route("/staff/events/{event_id:int}/questions", question_list, methods=["GET"]),
    Route("/staff/events/{event_id:int}/questions", add_question, methods=["POST"]),
    Route(
        "/staff/events/{event_id:int}/questions/{question_id:int}/remove",
        remove_question,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/questions/{question_id:int}/sensitive",
        mark_question_sensitive,
        methods=["POST"],
    ),
    Route("/staff/events/{event_id:int}/cancel", cancel, methods=["POST"]),
    # The organiser's invite list and its import (events.invitee_routes).
    Route("/staff/events/{event_id:int}/invitees", invitee_routes.invitee_list, methods=["GET"]),
    Route("/staff/events/{event_id:int}/invitees", invitee_routes.add_invitee, methods=["POST"]),
    Route(
        "/staff/events/{event_id:int}/invitees/action", invitee_routes.bulk_action, methods=["POST"]
    ),
    Route(
        "/staff/events/{event_id:int}/invitees/{invitation_id:int}/approve",
        invitee_routes.approve,
        methods=["POST"],
    ),
    Route("/staff/events/{event_id:int}/import", invitee_routes.import_form, methods=["GET"]),
    Route("/staff/events/{event_id:int}/import", invitee_routes.import_preview, methods=["POST"]),
    Route(
        "/staff/events/{event_id:int}/import/confirm",
        invitee_routes.import_confirm,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/import/problems.csv",
        invitee_routes.import_problems,
        methods=["POST"],
    ),
    # The delegate list, its exports, needs and the check-in desk (events.desk_routes).
    Route("/staff/events/{event_id:int}/delegates", desk_routes.delegates, methods=["GET"]),
    Route(
        "/staff/events/{event_id:int}/delegates.{fmt:str}",
        desk_routes.delegates_export,
        methods=["GET"],
    ),
    Route(
        "/staff/events/{event_id:int}/delegates.{fmt:str}",
        desk_routes.delegates_export_with_needs,
        methods=["POST"],
    ),
    Route(
        "/staff/events/{event_id:int}/invitees.{fmt:str}",
        desk_routes.invitees_export,
        methods=["GET"],
    ),
    Route("/staff/events/{event_id:int}/needs", desk_routes.needs, methods=["GET"]),
    Route("/staff/events/{event_id:int}/check-in", desk_routes.check_in_page, methods=["GET"]),
    Route("/staff/events/{event_id:int}/check-in", desk_routes.check_in, methods=["POST"]),
    Route("/staff/events/{event_id:int}/counts.json", desk_routes.counts, methods=["GET"]),
    # The delegate's own pages through their personal link (events.delegate_routes).
    Route("/i/{token:str}", delegate_routes.invitation_page, methods=["GET"]),
    Route("/i/{token:str}/register", delegate_routes.register, methods=["POST"]),
    Route("/i/{token:str}/answers", delegate_routes.change_answers, methods=["POST"]),
    Route("/i/{token:str}/registered", delegate_routes.registered, methods=["GET"]),
    Route("/i/{token:str}/decline", delegate_routes.decline, methods=["POST"]),
    Route("/i/{token:str}/substitute", delegate_routes.substitute, methods=["POST"]),
    Route("/i/{token:str}/declined", delegate_routes.declined, methods=["GET"]),
    Route("/i/{token:str}/cancel", delegate_routes.cancel_form, methods=["GET"]),
    Route("/i/{token:str}/cancel", delegate_routes.cancel, methods=["POST"]),
    Route("/i/{token:str}/my-data.json", delegate_routes.my_data, methods=["GET"]),
    Route("/i/{token:str}/event.ics", delegate_routes.delegate_calendar, methods=["GET"]),
    Route("/i/{token:str}/check-in-code.svg", delegate_routes.qr_code, methods=["GET"]),
    Route("/i/{token:str}/nominate", delegate_routes.nominate_form, methods=["GET"]),
    Route("/i/{token:str}/nominate", delegate_routes.nominate, methods=["POST"]),
    Route("/i/{token:str}/delegates", delegate_routes.delegate_list, methods=["GET"]),
    # Pages for anyone: public events and asking for a place (events.public_routes).
    Route("/events", public_routes.event_list, methods=["GET"], name="public_events"),
    Route("/events/{uuid:str}", public_routes.event_page, methods=["GET"]),
    Route("/events/{uuid:str}/event.ics", public_routes.event_calendar, methods=["GET"]),
    Route("/events/{uuid:str}/ask", public_routes.ask_for_a_place, methods=["POST"]),
    Route("/events/{uuid:str}/asked", public_routes.asked, methods=["GET"]),
]

dashboard_panels = [
    DashboardPanel(
        "Events",
        "/staff/events",
        "Your invite-only events: invitations, registrations and check-in.",
        roles=frozenset({"admin", "organiser"}),
    )
]
