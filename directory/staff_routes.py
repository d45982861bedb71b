"""Staff directory pages: the moderation queue, an entry's staff view, editing,
approve / reject / review / status / merge, and proposed changes from groups.

Moderators (and admins) only; other staff get a 404 so the pages are not revealed.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from convenor.errors import Invalid, NotFound
from convenor.models import Role
from convenor.web import redirect, render, require_staff, settings_of
from directory import moderation, service, web
from directory.forms import EntryData, entry_from_mapping, reason_from_mapping
from directory.models import ChangeStatus, Entry, EntryChange, How, Provenance, Status
from directory.search import search

ROLES = [Role.MODERATOR]
STATUSES = [("", "Any status"), *[(s.value, s.value.title()) for s in Status]]


def _moderator(request: Request):
    return require_staff(request, roles=ROLES)


async def queue_page(request: Request) -> Response:
    _moderator(request)
    status = request.query_params.get("status", "")
    statuses = (status,) if status in {s.value for s in Status} else tuple(s.value for s in Status)
    query = web.query_from(request, statuses)
    queue = await moderation.moderation_queue()
    duplicates = {
        e.id: await moderation.possible_duplicates(e, exclude_id=e.id) for e in queue.awaiting
    }
    page = await search(query)
    context = {
        "queue": queue,
        "duplicates": duplicates,
        "query": query,
        "page": page,
        **web.results_links("/staff/directory", query, page, status=status),
        "action": "/staff/directory",
        "entry_url": "/staff/directory/",
        "staff": True,
        "status": status,
        "statuses": STATUSES,
    }
    return render(request, "directory/staff_queue.html", context)


async def _entry(entry_id: int) -> Entry:
    entry = await Entry.get_or_none(id=entry_id).prefetch_related("themes", "areas", "services")
    if entry is None:
        raise NotFound()
    return entry


async def entry_page(request: Request, errors: dict | None = None, status: int = 200) -> Response:
    _moderator(request)
    entry = await _entry(request.path_params["entry_id"])
    context = {
        "entry": entry,
        "provenance": await Provenance.filter(entry=entry),
        "duplicates": await moderation.possible_duplicates(entry, exclude_id=entry.id),
        "changes": await EntryChange.filter(entry=entry, status=ChangeStatus.PENDING),
        "review_due": service.review_due(entry, service.now()),
        "merged_into": await Entry.get_or_none(id=entry.merged_into_id)
        if entry.merged_into_id
        else None,
        "errors": errors or {},
        "statuses": [s.value for s in Status],
    }
    return render(request, "directory/staff_entry.html", context, status)


def _edit_extra(action: str, title: str) -> dict:
    return {"title": title, "action": action, "submit": "Save"}


async def new_form(request: Request) -> Response:
    _moderator(request)
    extra = _edit_extra("/staff/directory/new", "Add an entry")
    return render(request, "directory/list.html", await web.form_context(EntryData(), {}, **extra))


async def new_submit(request: Request) -> Response:
    user = _moderator(request)
    data, errors = entry_from_mapping(await request.form())
    extra = _edit_extra("/staff/directory/new", "Add an entry")
    if not errors:
        try:
            entry = await service.create_entry(
                data,
                status=Status.PUBLISHED,
                how=How.STAFF,
                source=f"Added by {user.name or user.email}",
            )
            return redirect(f"/staff/directory/{entry.id}")
        except Invalid as exc:
            errors = exc.fields
    context = await web.form_context(data, errors, **extra)
    return render(request, "directory/list.html", context, 400)


async def edit_form(request: Request) -> Response:
    _moderator(request)
    entry = await _entry(request.path_params["entry_id"])
    extra = _edit_extra(f"/staff/directory/{entry.id}/edit", f"Edit {entry.name}")
    data = await service.entry_data(entry)
    return render(request, "directory/list.html", await web.form_context(data, {}, **extra))


async def edit_submit(request: Request) -> Response:
    _moderator(request)
    entry_id = request.path_params["entry_id"]
    data, errors = entry_from_mapping(await request.form())
    if not errors:
        try:
            await service.update_entry(entry_id, data)
            return redirect(f"/staff/directory/{entry_id}")
        except Invalid as exc:
            errors = exc.fields
    extra = _edit_extra(f"/staff/directory/{entry_id}/edit", "Edit the entry")
    context = await web.form_context(data, errors, **extra)
    return render(request, "directory/list.html", context, 400)


async def approve(request: Request) -> Response:
    user = _moderator(request)
    entry_id = request.path_params["entry_id"]
    await moderation.approve_entry(entry_id, user, settings_of(request))
    return redirect(f"/staff/directory/{entry_id}")


async def reject(request: Request) -> Response:
    user = _moderator(request)
    decision, errors = reason_from_mapping(await request.form())
    if errors:
        return await entry_page(request, errors, 400)
    entry_id = request.path_params["entry_id"]
    await moderation.reject_entry(entry_id, user, decision.reason, settings_of(request))
    return redirect("/staff/directory")


async def reviewed(request: Request) -> Response:
    user = _moderator(request)
    entry_id = request.path_params["entry_id"]
    await moderation.mark_reviewed(entry_id, user)
    return redirect(f"/staff/directory/{entry_id}")


async def change_status(request: Request) -> Response:
    _moderator(request)
    entry_id = request.path_params["entry_id"]
    value = str((await request.form()).get("status", ""))
    if value not in {s.value for s in Status}:
        return await entry_page(request, {"status": "Choose a status from the list"}, 400)
    await moderation.set_status(entry_id, Status(value))
    return redirect(f"/staff/directory/{entry_id}")


async def merge(request: Request) -> Response:
    user = _moderator(request)
    entry_id = request.path_params["entry_id"]
    raw = str((await request.form()).get("duplicate", "")).strip()
    if not raw.isdigit() or not await Entry.exists(id=int(raw)):
        return await entry_page(request, {"duplicate": "Enter the number of another entry"}, 400)
    try:
        await moderation.merge_entries(entry_id, int(raw), user)
    except Invalid as exc:
        return await entry_page(request, exc.fields, 400)
    return redirect(f"/staff/directory/{entry_id}")


async def change_page(request: Request, errors: dict | None = None, status: int = 200) -> Response:
    _moderator(request)
    change = await EntryChange.get_or_none(id=request.path_params["change_id"])
    if change is None:
        raise NotFound()
    entry = await Entry.get(id=change.entry_id)
    current, proposed = await service.entry_data(entry), service.change_data(change)
    rows = [
        (name.replace("_", " ").capitalize(), getattr(current, name), getattr(proposed, name))
        for name in service.ENTRY_FIELDS
        if getattr(current, name) != getattr(proposed, name)
    ]
    for name in ("themes", "areas", "services"):
        now, then = getattr(current, name), getattr(proposed, name)
        if now != then:
            rows.append((name.capitalize(), _listed(now), _listed(then)))
    context = {"change": change, "entry": entry, "rows": rows, "errors": errors or {}}
    return render(request, "directory/staff_change.html", context, status)


def _listed(values: list) -> str:
    """Slugs, or services as 'name: description', one per line."""
    return "\n".join(
        f"{v.name}: {v.description}" if hasattr(v, "description") else str(v) for v in values
    )


async def decide_change(request: Request) -> Response:
    user = _moderator(request)
    form = await request.form()
    approve_it = form.get("decision") == "approve"
    decision, errors = reason_from_mapping(form)
    if not approve_it and errors:
        return await change_page(request, errors, 400)
    entry = await moderation.decide_change(
        request.path_params["change_id"], user, approve_it, settings_of(request), decision.reason
    )
    return redirect(f"/staff/directory/{entry.id}")


routes = [
    Route("/staff/directory", queue_page, methods=["GET"]),
    Route("/staff/directory/new", new_form, methods=["GET"]),
    Route("/staff/directory/new", new_submit, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}", entry_page, methods=["GET"]),
    Route("/staff/directory/{entry_id:int}/edit", edit_form, methods=["GET"]),
    Route("/staff/directory/{entry_id:int}/edit", edit_submit, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/approve", approve, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/reject", reject, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/reviewed", reviewed, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/status", change_status, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/merge", merge, methods=["POST"]),
    Route("/staff/directory/changes/{change_id:int}", change_page, methods=["GET"]),
    Route("/staff/directory/changes/{change_id:int}", decide_change, methods=["POST"]),
]
