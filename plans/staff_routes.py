"""The organiser's plans under /staff/plans: the list, the draft editor and its sub-forms
(plan, priorities, evidence, key actions and partners, linked events), and publishing
and comparing versions. Importing a draft from a spreadsheet is in
``plans.plan_import_routes``.

Each handler reads the request, calls one service function (``plans.drafts``,
``plans.draft_views``, ``plans.versions``, ``plans.version_views``) and renders or
redirects (303). A refused
form is the same page again with the message next to the field and everything typed.
Pages holding more than one form prefix the lower forms' fields (``priority_``,
``evidence_``) so ids stay unique. Moderators get 404, as for a page that does not exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from convenor.convertors import DATABASE_INT_MAX
from convenor.errors import Conflict, Invalid
from convenor.models import Role, User
from convenor.web import redirect, render, require_staff
from plans import draft_views, drafts, version_views, versions
from plans.draft_forms import (
    Form,
    action_form,
    evidence_form,
    moved_direction,
    plan_form,
    priority_form,
)
from plans.draft_partners import UnknownPartners

MESSAGES = {
    "created": "The plan has been created. Add its priorities and key actions.",
    "saved": "The plan's details have been saved.",
    "priority": "The priority has been added.",
    "priority-saved": "The priority has been saved.",
    "priority-removed": "The priority has been removed.",
    "moved": "The order has been changed.",
    "evidence": "The figure has been added.",
    "evidence-saved": "The figure has been saved.",
    "evidence-removed": "The figure has been removed.",
    "action": "The key action has been added.",
    "action-saved": "The key action has been saved.",
    "action-removed": "The key action has been removed.",
    "linked": "The event is linked: its delegates can respond to the consultation.",
    "unlinked": "The event is no longer linked.",
    "imported": "The draft has been imported.",
    "published": "The version has been published.",
}
Work = Callable[[User], Awaitable[object]]


def organiser(request: Request) -> User:
    return require_staff(request, roles=[Role.ORGANISER])


def path_id(request: Request, name: str = "plan_id") -> int:
    return request.path_params[name]


def plan_url(plan_id: int, tail: str = "", done: str = "", anchor: str = "") -> str:
    return f"/staff/plans/{plan_id}{tail}" + (f"?done={done}" if done else "") + anchor


def message(request: Request) -> str:
    return MESSAGES.get(request.query_params.get("done", ""), "")


def prefixed(fields: dict[str, str], prefix: str) -> dict[str, str]:
    return {f"{prefix}{name}": value for name, value in fields.items()}


def unprefixed(form, prefix: str) -> dict[str, str]:
    return {k.removeprefix(prefix): v for k, v in form.items() if k.startswith(prefix)}


async def save_form(
    request: Request,
    read: Callable[..., Form],
    save: Callable[[User, object], Awaitable[object]],
    page: Callable[..., Awaitable[Response]],
    done: str,
    prefix: str = "",
) -> Response:
    """Read a (prefixed) form and save it; on any error ``page`` again (400) with what
    was typed, else ``done`` (the address to go to)."""
    user = organiser(request)
    form = read(unprefixed(await request.form(), prefix))
    errors = dict(form.errors)
    if not errors:
        try:
            await save(user, form.data)
        except Invalid as exc:
            errors = exc.fields or {"form": exc.message}
            if isinstance(exc, UnknownPartners):
                errors["add_missing"] = "Tick this to add them, or correct the names above"
    if errors:
        values, errors = prefixed(form.values, prefix), prefixed(errors, prefix)
        return await page(request, values=values, errors=errors, status=400)
    return redirect(done)


async def button(request: Request, work: Work, done: str) -> Response:
    """A button's POST (remove, move, link): do it, then on; a refusal shows the editor."""
    user = organiser(request)
    await request.form()
    try:
        await work(user)
    except (Invalid, Conflict) as exc:
        return await editor_page(request, errors={"form": exc.message}, status=400)
    return redirect(done)


# -- The list of plans -----------------------------------------------------------


async def plan_list_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    plans = await drafts.plans_for(organiser(request))
    context = {"plans": plans, "values": values or {}, "errors": errors or {}}
    return render(request, "plans/staff_plans.html", context, status)


async def plan_list(request: Request) -> Response:
    return await plan_list_page(request)


async def create_plan(request: Request) -> Response:
    user = organiser(request)
    form = plan_form(await request.form())
    try:
        plan = await drafts.create_plan(user, form.data)  # type: ignore[arg-type]
    except Invalid as exc:
        return await plan_list_page(request, values=form.values, errors=exc.fields, status=400)
    return redirect(plan_url(plan.id, done="created"))


# -- The editor: the plan, its priorities, linked events ---------------------------


async def editor_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    view = await draft_views.editor_view(organiser(request), path_id(request))
    plan = view.plan
    shown = {
        "title": plan.title,
        "partnership": plan.partnership,
        "period": plan.period,
        "summary": plan.summary,
        "contact_email": plan.contact_email,
        **(values or {}),
    }
    context = {"view": view, "plan": plan, "tree": view.tree, "values": shown}
    context |= {"errors": errors or {}, "message": message(request)}
    return render(request, "plans/staff_plan.html", context, status)


async def editor(request: Request) -> Response:
    return await editor_page(request)


async def save_plan(request: Request) -> Response:
    plan_id = path_id(request)

    async def save(user, data):
        await drafts.update_plan(user, plan_id, data)

    return await save_form(request, plan_form, save, editor_page, plan_url(plan_id, done="saved"))


async def add_priority(request: Request) -> Response:
    plan_id = path_id(request)

    async def save(user, data):
        await drafts.add_priority(user, plan_id, data)

    done = plan_url(plan_id, done="priority", anchor="#priorities")
    return await save_form(request, priority_form, save, editor_page, done, "priority_")


async def remove_priority(request: Request) -> Response:
    """Remove a priority; one with key actions is removed only once confirmed."""
    plan_id, priority_id = path_id(request), path_id(request, "priority_id")
    if (await request.form()).get("confirm") != "yes":
        view = await draft_views.priority_view(organiser(request), plan_id, priority_id)
        if view.priority.actions:
            context = {"plan": view.plan, "priority": view.priority, "kept": view.kept}
            return render(request, "plans/staff_plan_remove.html", context)
    return await button(
        request,
        lambda user: drafts.remove_priority(user, plan_id, priority_id),
        plan_url(plan_id, done="priority-removed", anchor="#priorities"),
    )


async def move_priority(request: Request) -> Response:
    plan_id, priority_id = path_id(request), path_id(request, "priority_id")
    direction = moved_direction(await request.form())
    return await button(
        request,
        lambda user: drafts.move_priority(user, plan_id, priority_id, direction),
        plan_url(plan_id, done="moved", anchor=f"#priority-{priority_id}"),
    )


async def link_event(request: Request) -> Response:
    plan_id = path_id(request)
    form = await request.form()
    text = str(form.get("event_id", ""))[:12]
    if not text.isdigit() or int(text) > DATABASE_INT_MAX:
        return await editor_page(
            request, errors={"event_id": "Choose an event from the list"}, status=400
        )
    return await button(
        request,
        lambda user: drafts.link_event(user, plan_id, int(text)),
        plan_url(plan_id, done="linked", anchor="#events"),
    )


async def unlink_event(request: Request) -> Response:
    plan_id, event_id = path_id(request), path_id(request, "event_id")
    return await button(
        request,
        lambda user: drafts.unlink_event(user, plan_id, event_id),
        plan_url(plan_id, done="unlinked", anchor="#events"),
    )


# -- A priority: its details, evidence and actions -------------------------------------


async def priority_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    view = await draft_views.priority_view(
        organiser(request), path_id(request), path_id(request, "priority_id")
    )
    priority = view.priority
    shown = {"title": priority.title, "why": priority.why, **(values or {})}
    context = {"view": view, "plan": view.plan, "priority": priority, "values": shown}
    context["evidence_rows"] = view.evidence
    context |= {"errors": errors or {}, "message": message(request)}
    return render(request, "plans/staff_plan_priority.html", context, status)


async def priority(request: Request) -> Response:
    return await priority_page(request)


def priority_url(request: Request, done: str, anchor: str = "") -> str:
    tail = f"/priorities/{path_id(request, 'priority_id')}"
    return plan_url(path_id(request), tail, done, anchor)


async def save_priority(request: Request) -> Response:
    plan_id, priority_id = path_id(request), path_id(request, "priority_id")

    async def save(user, data):
        await drafts.update_priority(user, plan_id, priority_id, data)

    done = priority_url(request, "priority-saved")
    return await save_form(request, priority_form, save, priority_page, done)


async def add_evidence(request: Request) -> Response:
    plan_id, priority_id = path_id(request), path_id(request, "priority_id")

    async def save(user, data):
        await drafts.add_evidence(user, plan_id, priority_id, data)

    done = priority_url(request, "evidence", "#evidence")
    return await save_form(request, evidence_form, save, priority_page, done, "evidence_")


async def evidence_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    view = await draft_views.evidence_view(
        organiser(request),
        path_id(request),
        path_id(request, "priority_id"),
        path_id(request, "evidence_id"),
    )
    item = view.evidence
    shown = {"value": item.value, "label": item.label, "period": item.period}
    shown |= {"source": item.source, **(values or {})}
    context = {"view": view, "plan": view.plan, "values": shown, "errors": errors or {}}
    return render(request, "plans/staff_plan_evidence.html", context, status)


async def evidence(request: Request) -> Response:
    return await evidence_page(request)


async def save_evidence(request: Request) -> Response:
    plan_id, evidence_id = path_id(request), path_id(request, "evidence_id")
    priority_id = path_id(request, "priority_id")

    async def save(user, data):
        await drafts.update_evidence(user, plan_id, priority_id, evidence_id, data)

    done = priority_url(request, "evidence-saved", "#evidence")
    return await save_form(request, evidence_form, save, evidence_page, done)


async def remove_evidence(request: Request) -> Response:
    plan_id, evidence_id = path_id(request), path_id(request, "evidence_id")
    priority_id = path_id(request, "priority_id")
    return await button(
        request,
        lambda user: drafts.remove_evidence(user, plan_id, priority_id, evidence_id),
        priority_url(request, "evidence-removed", "#evidence"),
    )


async def move_evidence(request: Request) -> Response:
    plan_id, evidence_id = path_id(request), path_id(request, "evidence_id")
    priority_id = path_id(request, "priority_id")
    direction = moved_direction(await request.form())
    return await button(
        request,
        lambda user: drafts.move_evidence(user, plan_id, priority_id, evidence_id, direction),
        priority_url(request, "moved", "#evidence"),
    )


# -- Key actions -----------------------------------------------------------------------


async def action_page(request: Request, *, values=None, errors=None, status=200) -> Response:
    """Adding an action (under /priorities/{id}/actions/new) or editing one."""
    user = organiser(request)
    action_id = request.path_params.get("action_id")
    view = await draft_views.action_view(
        user, path_id(request), action_id, request.path_params.get("priority_id")
    )
    shown = {**view.values, **(values or {})}
    context = {"view": view, "plan": view.plan, "values": shown, "errors": errors or {}}
    return render(request, "plans/staff_plan_action.html", context, status)


async def new_action(request: Request) -> Response:
    return await action_page(request)


async def action(request: Request) -> Response:
    return await action_page(request)


async def add_action(request: Request) -> Response:
    plan_id, priority_id = path_id(request), path_id(request, "priority_id")

    async def save(user, data):
        await drafts.add_action(user, plan_id, priority_id, data)

    done = plan_url(plan_id, done="action", anchor=f"#priority-{priority_id}")
    return await save_form(request, action_form, save, action_page, done)


async def save_action(request: Request) -> Response:
    plan_id, action_id = path_id(request), path_id(request, "action_id")

    async def save(user, data):
        await drafts.update_action(user, plan_id, action_id, data)

    done = plan_url(plan_id, done="action-saved", anchor=f"#action-{action_id}")
    return await save_form(request, action_form, save, action_page, done)


async def remove_action(request: Request) -> Response:
    plan_id, action_id = path_id(request), path_id(request, "action_id")
    return await button(
        request,
        lambda user: drafts.remove_action(user, plan_id, action_id),
        plan_url(plan_id, done="action-removed", anchor="#priorities"),
    )


async def move_action(request: Request) -> Response:
    plan_id, action_id = path_id(request), path_id(request, "action_id")
    direction = moved_direction(await request.form())
    return await button(
        request,
        lambda user: drafts.move_action(user, plan_id, action_id, direction),
        plan_url(plan_id, done="moved", anchor=f"#action-{action_id}"),
    )


# -- Versions ------------------------------------------------------------------------------


async def versions_page(request: Request, *, errors=None, values=None, status=200) -> Response:
    """Every version, publishing the next, and comparing two (?from=&to=)."""
    user = organiser(request)
    view = await version_views.versions_view(
        user, path_id(request), request.query_params.get("from"), request.query_params.get("to")
    )
    context = {"view": view, "plan": view.plan, "errors": errors or {}}
    context |= {"values": values or {}, "message": message(request)}
    return render(request, "plans/staff_plan_versions.html", context, status)


async def versions_list(request: Request) -> Response:
    return await versions_page(request)


async def publish(request: Request) -> Response:
    user = organiser(request)
    plan_id = path_id(request)
    form = await request.form()
    note = str(form.get("note", ""))[:20_000]
    try:
        await versions.publish_revision(user, plan_id, note)
    except (Invalid, Conflict) as exc:
        errors = {"note": exc.fields.get("note") or exc.message}
        return await versions_page(request, errors=errors, values={"note": note}, status=400)
    return redirect(plan_url(plan_id, "/versions", "published"))


async def staff_version(request: Request) -> Response:
    """One version as it was published (organisers see any version of any plan)."""
    user = organiser(request)
    view = await version_views.staff_version(user, path_id(request), path_id(request, "number"))
    return render(request, "plans/staff_plan_version.html", {"view": view, "plan": view.plan})
