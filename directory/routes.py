"""Every page of the directory domain: one table of every URL, its methods and handler.

Order matters: Starlette tries the routes in this order and takes the first whose path
and method match (``tests/directory/test_directory_route_table.py`` checks that no route
hides a later one and that every handler below is a public name of its module).
Handlers live in modules by audience:

- this module: the public pages (search, an entry, its download, list your group,
  confirming a listing, a named contact's answer, editing by emailed link);
- ``taxonomy_routes``: the moderators' themes and areas;
- ``staff_routes``: the moderation queue, bulk decisions, entries (adding one too),
  proposed changes and the entries due for review;
- ``batch_routes``: spreadsheet imports as batches (upload, check, undo);
- ``hsds``: the Open Referral HSDS export, which lives outside /api/v1.

The JSON API of the domain (under ``/api/v1``) has its own table in ``directory.api``.
Both tables are found by convention (``convenor.domains``): ``routes`` here and
``routes`` in ``directory.api``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from convenor.app import DashboardPanel
from convenor.domains import domain_offers
from convenor.errors import Invalid, NotFound, RateLimited
from convenor.spreadsheet import FORMATS, threaded_download
from convenor.templating import TEMPLATES
from convenor.web import client_address, redirect, render, settings_of
from directory import batch_routes, export, hsds, moderation, service, staff_routes, taxonomy_routes
from directory.forms import EntryData, entry_from_mapping
from directory.models import Status
from directory.present import public_view
from directory.search import search
from directory.web import form_context, message_context, query_from, results_links

STYLESHEET = TEMPLATES / "directory" / "directory.css"


async def search_page(request: Request) -> Response:
    query = query_from(request, (Status.PUBLISHED.value,))
    page = await search(query)
    context = {
        "query": query,
        "page": page,
        **results_links("/directory", query, page),
        "action": "/directory",
        "entry_url": "/directory/",
        "staff": False,
    }
    response = render(request, "directory/search.html", context)
    return response


async def entry_page(request: Request) -> Response:
    entry_id = request.path_params["entry_id"]
    entry = await service.public_entry(entry_id)
    if entry.id != entry_id:
        return redirect(f"/directory/{entry.id}")
    # Later domains' parts of the page, found by convention (convenor.domains)
    domains = settings_of(request).domains
    sections = await domain_offers(domains, "entry_sections", "sections", entry.id)
    context = {"entry": public_view(entry), "sections": sections}
    return render(request, "directory/entry.html", context)


async def download(request: Request) -> Response:
    """The published directory as ``.csv`` or ``.xlsx``; any other ending is 404."""
    fmt = request.path_params["fmt"]
    if fmt not in FORMATS:
        raise NotFound()
    return await threaded_download(await export.published_sheet(), fmt, "community-directory")


async def stylesheet(request: Request) -> Response:
    return FileResponse(STYLESHEET, headers={"Cache-Control": "public, max-age=3600"})


LIST_FORM = {
    "title": "List your group",
    "action": "/directory/list-your-group",
    "submit": "Send for checking",
    "intro": "Tell us about your organisation, group or network. We will email you a link "
    "to confirm, then a moderator checks the listing before it is published.",
}


async def list_form(request: Request) -> Response:
    return render(request, "directory/list.html", await form_context(EntryData(), {}, **LIST_FORM))


async def list_submit(request: Request) -> Response:
    form = await request.form()
    data, errors = entry_from_mapping(form, require_contact=True)
    if errors:
        return render(
            request, "directory/list.html", await form_context(data, errors, **LIST_FORM), 400
        )
    if not form.get("different_group"):
        try:
            published = await moderation.public_duplicates(data, client_address(request))
        except RateLimited:
            # The look-alike hint is a courtesy: past its own limit (a summit's shared
            # Wi-Fi) the listing goes on without it, under the listing's own limits.
            published = []
        if published:
            context = await form_context(data, {}, **LIST_FORM, duplicates=published)
            return render(request, "directory/list.html", context)
    try:
        await service.list_your_group(
            data, settings_of(request), client_address(request), str(form.get("nickname", ""))
        )
    except RateLimited as exc:
        context = await form_context(data, {"name": exc.message}, **LIST_FORM)
        return render(request, "directory/list.html", context, 429)
    except Invalid as exc:
        context = await form_context(data, exc.fields, **LIST_FORM)
        return render(request, "directory/list.html", context, 400)
    return redirect("/directory/list-your-group/sent")


async def list_sent(request: Request) -> Response:
    context = message_context(
        "Check your email",
        "We have emailed a link to the contact address you gave. Open it to confirm the "
        "listing; a moderator then checks it before it is published.",
        next_url="/directory",
        next_label="Back to the directory",
    )
    return render(request, "directory/message.html", context)


async def confirm_page(request: Request) -> Response:
    token = request.path_params["token"]
    entry = await service.entry_for_link(token, service.CONFIRM)
    context = message_context(
        f"Confirm the listing for {entry.name}",
        "Confirm that you sent this listing and that it is correct.",
        form_action=f"/directory/confirm/{token}",
        form_button="Confirm the listing",
    )
    return render(request, "directory/message.html", context)


async def confirm_submit(request: Request) -> Response:
    entry = await service.confirm_listing(request.path_params["token"])
    context = message_context(
        "Thank you: your listing is confirmed",
        f"A moderator will now check {entry.name}. We will email you when it is published.",
        next_url="/directory",
        next_label="Back to the directory",
    )
    return render(request, "directory/message.html", context)


async def contact_page(request: Request) -> Response:
    """The contact a delegate named is asked: may we list the group? (GET changes
    nothing: mail scanners open links.)"""
    token = request.path_params["token"]
    entry, areas = await service.asked_entry(token)
    context = {"entry": entry, "areas": areas, "token": token}
    return render(request, "directory/contact.html", context)


async def contact_submit(request: Request) -> Response:
    form = await request.form()
    happy = form.get("answer") == "yes"
    if not happy and form.get("answer") != "no":
        return redirect(f"/directory/contact/{request.path_params['token']}")
    entry = await service.contact_answer(request.path_params["token"], happy)
    if happy:
        context = message_context(
            f"Thank you: you are happy for {entry.name} to be listed",
            "A moderator will check the listing before it is published. We will email "
            "you when it is.",
            next_url="/directory",
            next_label="Back to the directory",
        )
    else:
        context = message_context(
            f"We will not list {entry.name}",
            "We have removed your name and email address from it and will not email you "
            "about it again.",
            next_url="/directory",
            next_label="Back to the directory",
        )
    return render(request, "directory/message.html", context)


async def edit_link_request(request: Request) -> Response:
    form = await request.form()
    entry_id = request.path_params["entry_id"]
    try:
        await service.request_edit_link(
            entry_id,
            str(form.get("edit_email", ""))[:254],
            settings_of(request),
            client_address(request),
        )
    except RateLimited as exc:
        context = message_context("Too many requests", exc.message)
        return render(request, "directory/message.html", context, 429)
    context = message_context(
        "Check your email",
        "If that is the contact address we hold for this listing, we have emailed it a "
        "link to edit the listing.",
        next_url=f"/directory/{entry_id}",
        next_label="Back to the listing",
    )
    return render(request, "directory/message.html", context)


def edit_form_extra(token: str) -> dict:
    return {
        "title": "Edit your listing",
        "action": f"/directory/edit/{token}",
        "submit": "Send the changes",
        "intro": "Changes to a published listing are checked by a moderator first; the "
        "current listing stays visible until then.",
    }


async def edit_form(request: Request) -> Response:
    token = request.path_params["token"]
    entry = await service.entry_for_link(token, service.EDIT)
    data = await service.entry_data(entry)
    return render(
        request, "directory/list.html", await form_context(data, {}, **edit_form_extra(token))
    )


async def edit_submit(request: Request) -> Response:
    token = request.path_params["token"]
    await service.entry_for_link(token, service.EDIT)
    data, errors = entry_from_mapping(await request.form(), require_contact=True)
    if errors:
        context = await form_context(data, errors, **edit_form_extra(token))
        return render(request, "directory/list.html", context, 400)
    try:
        outcome = await service.submit_edit(token, data)
    except Invalid as exc:
        context = await form_context(data, exc.fields, **edit_form_extra(token))
        return render(request, "directory/list.html", context, 400)
    paragraph = (
        "A moderator will check your changes. Until then the current listing stays as it is."
        if outcome == "proposed"
        else "Your listing has been updated. A moderator will check it before it is published."
    )
    return render(request, "directory/message.html", message_context("Thank you", paragraph))


routes = [
    # The public pages.
    Route("/directory", search_page, methods=["GET"], name="directory"),
    Route("/directory/directory.css", stylesheet, methods=["GET"]),
    Route("/directory/export.{fmt:str}", download, methods=["GET"]),
    Route("/directory/list-your-group", list_form, methods=["GET"]),
    Route("/directory/list-your-group", list_submit, methods=["POST"]),
    Route("/directory/list-your-group/sent", list_sent, methods=["GET"]),
    Route("/directory/confirm/{token}", confirm_page, methods=["GET"]),
    Route("/directory/confirm/{token}", confirm_submit, methods=["POST"]),
    Route("/directory/contact/{token}", contact_page, methods=["GET"]),
    Route("/directory/contact/{token}", contact_submit, methods=["POST"]),
    Route("/directory/edit/{token}", edit_form, methods=["GET"]),
    Route("/directory/edit/{token}", edit_submit, methods=["POST"]),
    Route("/directory/{entry_id:int}", entry_page, methods=["GET"], name="directory_entry"),
    Route("/directory/{entry_id:int}/edit-link", edit_link_request, methods=["POST"]),
    # The moderators' taxonomy: themes, kinds and areas.
    Route("/staff/directory/taxonomy", taxonomy_routes.taxonomy_page, methods=["GET"]),
    Route("/staff/directory/taxonomy/{kind:str}", taxonomy_routes.add_term, methods=["POST"]),
    Route(
        "/staff/directory/taxonomy/{kind:str}/{term_id:int}",
        taxonomy_routes.rename_term,
        methods=["POST"],
    ),
    Route(
        "/staff/directory/taxonomy/{kind:str}/{term_id:int}/remove",
        taxonomy_routes.remove_term,
        methods=["POST"],
    ),
    # Moderation: the queue, bulk decisions, entries and proposed changes.
    Route("/staff/directory", staff_routes.queue_page, methods=["GET"]),
    Route("/staff/directory/bulk", staff_routes.bulk_form, methods=["POST"]),
    Route("/staff/directory/bulk/confirm", staff_routes.bulk_confirm, methods=["POST"]),
    Route("/staff/directory/changes", staff_routes.changes_page, methods=["GET"]),
    Route("/staff/directory/reviews", staff_routes.reviews_page, methods=["GET"]),
    Route("/staff/directory/new", staff_routes.new_form, methods=["GET"]),
    Route("/staff/directory/new", staff_routes.new_submit, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}", staff_routes.entry_page, methods=["GET"]),
    Route("/staff/directory/{entry_id:int}/edit", staff_routes.edit_form, methods=["GET"]),
    Route("/staff/directory/{entry_id:int}/edit", staff_routes.edit_submit, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/approve", staff_routes.approve, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/reject", staff_routes.reject, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/reviewed", staff_routes.reviewed, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/status", staff_routes.change_status, methods=["POST"]),
    Route("/staff/directory/{entry_id:int}/merge", staff_routes.merge, methods=["POST"]),
    Route("/staff/directory/changes/{change_id:int}", staff_routes.change_page, methods=["GET"]),
    Route("/staff/directory/changes/{change_id:int}", staff_routes.decide_change, methods=["POST"]),
    # Spreadsheet imports as batches.
    Route("/staff/directory/imports", batch_routes.batches_page, methods=["GET"]),
    Route("/staff/directory/imports/new", batch_routes.upload_form, methods=["GET"]),
    Route("/staff/directory/imports/new", batch_routes.upload_submit, methods=["POST"]),
    Route("/staff/directory/imports/{batch_id:int}", batch_routes.batch_page, methods=["GET"]),
    Route("/staff/directory/imports/{batch_id:int}/undo", batch_routes.undo_form, methods=["GET"]),
    Route(
        "/staff/directory/imports/{batch_id:int}/undo",
        batch_routes.undo_submit,
        methods=["POST"],
    ),
    # The Open Referral HSDS export (outside /api/v1).
    Route("/api/hsds/", hsds.root, methods=["GET"]),
    Route("/api/hsds/organizations", hsds.organisations, methods=["GET"]),
    Route("/api/hsds/organizations/{id}", hsds.organisation_detail, methods=["GET"]),
    Route("/api/hsds/services", hsds.services, methods=["GET"]),
    Route("/api/hsds/services/{id}", hsds.service_detail, methods=["GET"]),
]

dashboard_panels = [
    DashboardPanel(
        title="Community directory",
        url="/staff/directory",
        summary="Approve new listings, merge duplicates and mark entries reviewed.",
        roles=frozenset({"admin", "moderator"}),
    )
]
