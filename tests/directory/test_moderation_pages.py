"""The moderation queue over HTTP (issue 17): exact paging, filters, bulk decisions with
one confirmation, CSRF, moderators only, and the publish rule's refusals."""

from __future__ import annotations

import re

import pytest

from convenor.mail.models import OutboxMessage
from convenor.models import Role
from directory.models import Entry, Status
from tests.conftest import csrf_token, make_staff, sign_in
from tests.directory.factories import asked_to_be_listed, make_entry, make_import_batch

ENTRY_BOX = re.compile(r'name="entry" value="(\d+)"')


@pytest.fixture
async def moderator_client(client):
    await sign_in(client, await make_staff(Role.MODERATOR))
    return client


async def post(client, path: str, data: dict | None = None):
    token = await csrf_token(client, "/staff/directory")
    return await client.post(path, data={**(data or {}), "csrf_token": token})


async def test_queue_pages_show_every_waiting_entry_once(moderator_client, taxonomy):
    made = [await make_entry(f"Waiting {i:03}", status=Status.PENDING) for i in range(53)]
    await make_entry("Published Already")

    first = await moderator_client.get("/staff/directory")
    second = await moderator_client.get("/staff/directory?page=2")
    past = await moderator_client.get("/staff/directory?page=9")

    assert "Waiting for approval (53)" in first.text
    assert "Page 1 of 2, entries 1 to 50 of 53" in first.text
    assert "Page 2 of 2, entries 51 to 53 of 53" in second.text
    assert 'href="/staff/directory?page=2" rel="next"' in first.text
    shown = [int(i) for page in (first, second) for i in ENTRY_BOX.findall(page.text)]
    assert shown == [e.id for e in made]
    assert ENTRY_BOX.findall(past.text) == ENTRY_BOX.findall(second.text)


async def test_queue_filters_by_batch_arrival_and_name(moderator_client, taxonomy):
    batch, other = await make_import_batch("spring.csv"), await make_import_batch("autumn.csv")
    ours = await make_entry("Bitterne Boxing Club", Status.PENDING, batch=batch)
    theirs = await make_entry("Bitterne Chess Club", Status.PENDING, batch=other)
    listed = await make_entry("Bitterne Book Club", status=Status.PENDING)

    def ids(response):
        return sorted(int(i) for i in ENTRY_BOX.findall(response.text))

    by_batch = await moderator_client.get(f"/staff/directory?batch={batch.id}")
    by_how = await moderator_client.get("/staff/directory?how=imported")
    by_name = await moderator_client.get("/staff/directory", params={"name": "book"})
    hostile = await moderator_client.get(
        "/staff/directory", params={"batch": "1 OR 1=1", "how": "\x00", "name": "x" * 10_000}
    )

    assert ids(by_batch) == [ours.id]
    assert f"Every waiting entry of import batch {batch.id} (1)" in by_batch.text
    assert ids(by_how) == sorted([ours.id, theirs.id])
    assert ids(by_name) == [listed.id]
    assert hostile.status_code == 200
    assert "No waiting entries match these filters." in hostile.text


async def test_bulk_approve_of_a_batch_confirms_then_says_what_happened(moderator_client, taxonomy):
    batch = await make_import_batch("spring.csv")
    ready = [await make_entry(f"Peartree Group {i}", Status.PENDING, batch=batch) for i in range(3)]
    kindless = await make_entry("Peartree Kindless", Status.PENDING, batch=batch)
    await Entry.filter(id=kindless.id).update(kind=None)
    await asked_to_be_listed(ready[0])

    confirm = await post(
        moderator_client,
        "/staff/directory/bulk",
        {"action": "approve", "scope": "batch", "batch": str(batch.id)},
    )
    unchanged = await Entry.filter(status=Status.PENDING).count()
    done = await post(
        moderator_client,
        "/staff/directory/bulk/confirm",
        {"action": "approve", "scope": "batch", "batch": str(batch.id)},
    )

    assert confirm.status_code == 200
    assert "Approve 4 entries?" in confirm.text
    assert "1 cannot be published: 1 no kind. They stay waiting" in confirm.text
    assert "1 contact who asked to be listed will be emailed" in confirm.text
    assert f'href="/staff/directory/{kindless.id}/edit#kind"' in confirm.text
    assert unchanged == 4
    assert done.status_code == 200
    assert "3 entries approved" in done.text
    assert "1 left waiting because they cannot be published: 1 no kind." in done.text
    assert f'href="/staff/directory/{kindless.id}/edit#kind"' in done.text
    statuses = dict(await Entry.all().values_list("id", "status"))
    assert statuses == {**{e.id: Status.PUBLISHED for e in ready}, kindless.id: Status.PENDING}
    assert await OutboxMessage.all().count() == 1


async def test_bulk_approve_of_selected_entries(moderator_client, taxonomy):
    chosen = await make_entry("Chosen Group", status=Status.PENDING)
    other = await make_entry("Other Group", status=Status.PENDING)
    form = {"action": "approve", "entry": [str(chosen.id)]}

    confirm = await post(moderator_client, "/staff/directory/bulk", form)
    done = await post(
        moderator_client, "/staff/directory/bulk/confirm", {**form, "scope": "selected"}
    )

    assert "Approve 1 entry?" in confirm.text
    assert f'name="entry" value="{chosen.id}"' in confirm.text
    assert "1 entry approved" in done.text
    assert (await Entry.get(id=chosen.id)).status == Status.PUBLISHED
    assert (await Entry.get(id=other.id)).status == Status.PENDING


async def test_bulk_form_with_nothing_selected_says_so(moderator_client, taxonomy):
    entry = await make_entry("Waiting Group", status=Status.PENDING)

    response = await post(moderator_client, "/staff/directory/bulk", {"action": "approve"})
    control = await post(
        moderator_client, "/staff/directory/bulk", {"action": "approve", "entry": str(entry.id)}
    )

    assert response.status_code == 400
    assert "Select at least one entry" in response.text
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    assert control.status_code == 200
    assert "Approve 1 entry?" in control.text


async def test_bulk_reject_without_a_reason_keeps_everything(moderator_client, taxonomy):
    entry = await make_entry("Waiting Group", status=Status.PENDING)
    form = {"action": "reject", "scope": "selected", "entry": [str(entry.id)]}

    refused = await post(
        moderator_client, "/staff/directory/bulk/confirm", {**form, "reason": "\x00"}
    )
    empty = await post(moderator_client, "/staff/directory/bulk/confirm", {**form, "reason": ""})
    kept = (await Entry.get(id=entry.id)).status
    done = await post(
        moderator_client, "/staff/directory/bulk/confirm", {**form, "reason": "Not local."}
    )

    assert (refused.status_code, empty.status_code) == (400, 400)
    assert kept == Status.PENDING  # nothing changed by the refused two
    assert "Enter the reason, which is emailed to the group" in empty.text
    assert 'id="reason"' in empty.text
    assert "1 entry rejected" in done.text
    saved = await Entry.get(id=entry.id)
    assert (saved.status, saved.moderation_note) == (Status.ARCHIVED, "Not local.")


async def test_bulk_confirm_without_csrf_token_is_refused(moderator_client, taxonomy):
    entry = await make_entry("Waiting Group", status=Status.PENDING)

    form = {"action": "approve", "scope": "selected", "entry": str(entry.id)}

    response = await moderator_client.post("/staff/directory/bulk/confirm", data=form)

    assert response.status_code == 403
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    control = await post(moderator_client, "/staff/directory/bulk/confirm", form)  # the token
    assert "1 entry approved" in control.text
    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED


async def test_bulk_pages_are_for_moderators_only(staff_client, taxonomy):
    entry = await make_entry("Waiting Group", status=Status.PENDING)
    form = {"action": "approve", "scope": "selected", "entry": str(entry.id)}

    queue = await staff_client.get("/staff/directory")
    response = await post(staff_client, "/staff/directory/bulk/confirm", form)

    assert (queue.status_code, response.status_code) == (404, 404)
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    await sign_in(staff_client, await make_staff(Role.MODERATOR))  # control: a moderator
    assert (await staff_client.get("/staff/directory")).status_code == 200
    assert (
        "1 entry approved" in (await post(staff_client, "/staff/directory/bulk/confirm", form)).text
    )
    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED


async def test_bulk_pages_need_sign_in(client, taxonomy):
    token = await csrf_token(client)

    response = await client.post(
        "/staff/directory/bulk", data={"action": "approve", "csrf_token": token}
    )

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_entry_without_a_kind_says_so_and_approve_names_the_field(moderator_client, taxonomy):
    entry = await make_entry("Kindless Group", status=Status.PENDING)
    await Entry.filter(id=entry.id).update(kind=None)

    page = await moderator_client.get(f"/staff/directory/{entry.id}")
    refused = await post(moderator_client, f"/staff/directory/{entry.id}/approve")
    status = await post(
        moderator_client, f"/staff/directory/{entry.id}/status", {"status": "published"}
    )

    assert "Kind not known" in page.text
    assert refused.status_code == 400
    assert "Kindless Group cannot be published without a kind." in refused.text
    assert f'href="/staff/directory/{entry.id}/edit#kind"' in refused.text
    assert status.status_code == 400
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    await Entry.filter(id=entry.id).update(kind="community")
    control = await post(moderator_client, f"/staff/directory/{entry.id}/approve")
    assert control.status_code == 303  # once it has a kind
    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED


async def test_changes_and_reviews_have_their_own_pages(moderator_client, taxonomy):
    changes = await moderator_client.get("/staff/directory/changes?page=3")
    reviews = await moderator_client.get("/staff/directory/reviews")

    assert "Changes proposed by groups (0)" in changes.text
    assert "Not reviewed for 12 months (0)" in reviews.text


async def test_queue_and_search_keep_their_own_page_links(moderator_client, taxonomy):
    for i in range(53):
        await make_entry(f"Waiting {i:03}", status=Status.PENDING)

    both = await moderator_client.get("/staff/directory", params={"q": "waiting"})

    # The queue's next page is the queue's; the search's next page is the search's.
    assert 'href="/staff/directory?page=2" rel="next">Next</a>' in both.text
    assert re.search(
        r'href="/staff/directory\?q=waiting[^"]*page=2" rel="next">Next page</a>', both.text
    )
