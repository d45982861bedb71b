"""Staff directory pages: the moderation queue (paged, filtered by how entries arrived,
by import batch and by name), bulk decisions with one confirmation, adding an entry, an
entry's staff view, editing, approve / reject / review / status / merge, the entries due
for review, and proposed changes from groups (with conflicts the moderator settles field
by field).

Moderators (and admins) only; other staff get a 404 so the pages are not revealed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from convenor.cleaning import without_controls
from convenor.errors import Invalid
from convenor.models import Role
from convenor.web import redirect, render, require_staff, settings_of
from directory import entry_review, moderation, service, web
from directory.forms import EntryData, entry_from_mapping, reason_from_mapping
from directory.models import How, Status
from directory.moderation import ARRIVALS, BLOCKED_LABELS, BulkAction, QueueFilter
from directory.search import search

ROLES = [Role.MODERATOR]
STATUSES = [("", "Any status"), *[(s.value, s.value.title()) for s in Status]]
ARRIVAL_CHOICES = [
    ("", "Any way"),
    ("self_listed", "Self-listed"),
    ("imported", "Imported"),
    ("nominated", "Nominated at an event"),
    ("registered", "Registered for an event"),
    ("staff", "Added by staff"),
]
SEARCH_PARAMS = ("q", "status", "kind", "theme", "area")
ACTION_WORDS = {
    BulkAction.APPROVE: ("Approve", "approved"),
    BulkAction.REJECT: ("Reject", "rejected"),
    BulkAction.ARCHIVE: ("Archive", "archived"),
}


def _moderator(request: Request):
    return require_staff(request, roles=ROLES)


def _number(raw: object) -> int | None:
    text = str(raw or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def queue_filter(params) -> QueueFilter:
    """The queue's filters from a query string (or form); anything unknown is ignored."""
    how = str(params.get("how", ""))
    return QueueFilter(
        how=how if how in ARRIVALS else "",
        batch=_number(params.get("batch")),
        name=without_controls(str(params.get("name", ""))[:200]).strip(),
        page=web.page_number(params.get("page")),
    )


def queue_link(chosen: QueueFilter, page: int | None = None) -> str:
    values = {"how": chosen.how, "batch": chosen.batch or "", "name": chosen.name}
    if page and page > 1:
        values["page"] = page
    kept = {key: value for key, value in values.items() if value}
    return "/staff/directory" + (f"?{urlencode(kept)}" if kept else "")


def _page_links(chosen: QueueFilter, page: int, pages: int) -> list[tuple[int, str]]:
    """Numbered links around the page shown, with the first and last."""
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    return [(number, queue_link(chosen, number)) for number in shown]


async def queue_page(request: Request) -> Response:
    _moderator(request)
    chosen = queue_filter(request.query_params)
    queue = await moderation.moderation_queue(chosen)
    context = {
        "queue": queue,
        "chosen": queue.filter,
        "duplicates": queue.duplicates,
        "arrival_choices": ARRIVAL_CHOICES,
        "first_shown": (queue.page - 1) * moderation.PER_PAGE + 1,
        "page_links": _page_links(queue.filter, queue.page, queue.pages),
        "queue_previous": queue_link(queue.filter, queue.page - 1) if queue.page > 1 else "",
        "queue_next": queue_link(queue.filter, queue.page + 1) if queue.page < queue.pages else "",
        "batch_waiting": await moderation.waiting_count(QueueFilter(batch=queue.batch.id))
        if queue.batch
        else 0,
        "action": "/staff/directory",
        "entry_url": "/staff/directory/",
        "staff": True,
        "statuses": STATUSES,
        "searched": False,
        "status": "",
    }
    # Every entry, whatever its status, searched only when asked: the queue page itself
    # stays one page of waiting entries.
    if any(request.query_params.get(name) for name in SEARCH_PARAMS):
        status = request.query_params.get("status", "")
        statuses = (
            (status,) if status in {s.value for s in Status} else tuple(s.value for s in Status)
        )
        query = web.query_from(request, statuses)
        page = await search(query)
        context.update(
            {
                "searched": True,
                "query": query,
                "page": page,
                "status": status,
                **web.results_links("/staff/directory", query, page, status=status),
            }
        )
    return render(request, "directory/staff_queue.html", context)


# -- bulk decisions ------------------------------------------------------------------


def _bulk_choice(form: FormData) -> tuple[BulkAction | None, list[int], int | None, dict]:
    """The action, the entries named and the batch (for "every entry of this batch")."""
    errors: dict[str, str] = {}
    raw_action = str(form.get("action", ""))
    action = BulkAction(raw_action) if raw_action in {a.value for a in BulkAction} else None
    if action is None:
        errors["action"] = "Choose approve, reject or archive"
    batch = _number(form.get("batch")) if form.get("scope") == "batch" else None
    if form.get("scope") == "batch" and batch is None:
        errors["scope"] = "Choose an import batch first"
    ids = []
    for raw in form.getlist("entry"):
        number = _number(raw)
        if number is not None and number not in ids:
            ids.append(number)
    return action, ids, batch, errors


def _bulk_context(action, ids, batch, plan, back: str, errors: dict, reason: str = "") -> dict:
    verb = ACTION_WORDS[action][0] if action else ""
    return {
        "action": action,
        "verb": verb,
        "ids": ids,
        "batch": batch,
        "plan": plan,
        "blocked": [
            (BLOCKED_LABELS[key], count) for key, count in (plan.blocked if plan else {}).items()
        ],
        "back": back,
        "errors": errors,
        "reason": reason,
        "chunk": moderation.CHUNK,
    }


async def bulk_form(request: Request) -> Response:
    """The queue's bulk form: one confirmation page saying exactly what would happen."""
    _moderator(request)
    form = await request.form()
    back = queue_link(queue_filter(form))
    action, ids, batch, errors = _bulk_choice(form)
    plan = None
    if not errors:
        try:
            plan = await moderation.bulk_plan(action, ids, batch)
        except Invalid as exc:
            errors = exc.fields
    context = _bulk_context(action, ids, batch, plan, back, errors)
    return render(request, "directory/staff_bulk_confirm.html", context, 400 if errors else 200)


async def bulk_confirm(request: Request) -> Response:
    """Carry out a confirmed bulk decision and say what happened."""
    user = _moderator(request)
    form = await request.form()
    back = queue_link(queue_filter(form))
    action, ids, batch, errors = _bulk_choice(form)
    reason = str(form.get("reason", ""))
    if not errors and action == BulkAction.REJECT:
        decision, errors = reason_from_mapping(form)
        reason = decision.reason
    if errors:
        plan = None
        if action is not None and (ids or batch is not None):
            plan = await moderation.bulk_plan(action, ids, batch)
        context = _bulk_context(action, ids, batch, plan, back, errors, reason)
        return render(request, "directory/staff_bulk_confirm.html", context, 400)
    try:
        outcome = await moderation.bulk_apply(
            action, user, settings_of(request), entry_ids=ids, batch_id=batch, reason=reason
        )
    except Invalid as exc:
        plan = await moderation.bulk_plan(action, ids, batch) if ids or batch else None
        context = _bulk_context(action, ids, batch, plan, back, exc.fields, reason)
        return render(request, "directory/staff_bulk_confirm.html", context, 400)
    context = {
        "outcome": outcome,
        "done_word": ACTION_WORDS[action][1],
        "blocked": [(BLOCKED_LABELS[key], count) for key, count in outcome.blocked.items()],
        "back": back,
        "batch": batch,
        "chunk": moderation.CHUNK,
    }
    return render(request, "directory/staff_bulk_done.html", context)


# -- changes and reviews, page by page -------------------------------------------------


def _simple_pages(base: str, page: int, total: int) -> dict:
    pages = max(1, -(-total // moderation.PER_PAGE))
    page = min(page, pages)
    return {
        "page_number": page,
        "pages": pages,
        "total": total,
        "previous_page": f"{base}?page={page - 1}" if page > 1 else "",
        "next_page": f"{base}?page={page + 1}" if page < pages else "",
    }


async def changes_page(request: Request) -> Response:
    _moderator(request)
    page = web.page_number(request.query_params.get("page"))
    changes, total = await moderation.pending_changes(page)
    context = {"changes": changes, **_simple_pages("/staff/directory/changes", page, total)}
    return render(request, "directory/staff_changes.html", context)


async def reviews_page(request: Request) -> Response:
    _moderator(request)
    page = web.page_number(request.query_params.get("page"))
    entries, total = await moderation.reviews_due(page)
    context = {"entries": entries, **_simple_pages("/staff/directory/reviews", page, total)}
    return render(request, "directory/staff_reviews.html", context)


# -- one entry ------------------------------------------------------------------------


async def entry_page(
    request: Request,
    errors: dict | None = None,
    status: int = 200,
    refused: str = "",
) -> Response:
    _moderator(request)
    review = await entry_review.entry_review(request.path_params["entry_id"])
    context = {
        "entry": review.entry,
        "provenance": review.provenance,
        "duplicates": review.duplicates,
        "changes": review.changes,
        "review_due": review.review_due,
        "merged_into": review.merged_into,
        "errors": errors or {},
        "refused": refused,
        "publish_problems": review.publish_problems,
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
    entry = await entry_review.entry_for_staff(request.path_params["entry_id"])
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
    try:
        await moderation.approve_entry(entry_id, user, settings_of(request))
    except Invalid as exc:
        return await entry_page(request, status=400, refused=exc.message)
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
    try:
        await moderation.set_status(entry_id, Status(value))
    except Invalid as exc:
        return await entry_page(request, status=400, refused=exc.message)
    return redirect(f"/staff/directory/{entry_id}")


async def merge(request: Request) -> Response:
    user = _moderator(request)
    entry_id = request.path_params["entry_id"]
    raw = str((await request.form()).get("duplicate", "")).strip()
    if not raw.isdigit() or len(raw) > 9 or not await entry_review.entry_exists(int(raw)):
        return await entry_page(request, {"duplicate": "Enter the number of another entry"}, 400)
    try:
        await moderation.merge_entries(entry_id, int(raw), user)
    except Invalid as exc:
        return await entry_page(request, exc.fields, 400)
    return redirect(f"/staff/directory/{entry_id}")


# -- proposed changes ----------------------------------------------------------------


async def change_page(
    request: Request, errors: dict | None = None, status: int = 200, choices: dict | None = None
) -> Response:
    _moderator(request)
    review = await moderation.change_review(request.path_params["change_id"])
    rows = [
        {
            "field": f,
            "current": moderation.describe(f.name, f.current),
            "proposed": moderation.describe(f.name, f.proposed),
            "base": moderation.describe(f.name, f.base) if f.base_known else "",
            "choice": (choices or {}).get(f.name, ""),
        }
        for f in review.fields
    ]
    context = {
        "change": review.change,
        "entry": review.entry,
        "rows": rows,
        "conflicts": len(review.conflicts),
        "old_change": review.change.base is None,
        "errors": errors or {},
    }
    return render(request, "directory/staff_change.html", context, status)


async def decide_change(request: Request) -> Response:
    user = _moderator(request)
    form = await request.form()
    approve_it = form.get("decision") == "approve"
    decision, errors = reason_from_mapping(form)
    choices = {
        key.removeprefix("keep-"): str(value)
        for key, value in form.items()
        if key.startswith("keep-")
    }
    if not approve_it and errors:
        return await change_page(request, errors, 400, choices)
    try:
        entry = await moderation.decide_change(
            request.path_params["change_id"],
            user,
            approve_it,
            settings_of(request),
            decision.reason,
            choices=choices,
        )
    except Invalid as exc:
        return await change_page(request, exc.fields, 400, choices)
    return redirect(f"/staff/directory/{entry.id}")
