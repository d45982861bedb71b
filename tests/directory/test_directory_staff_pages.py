"""Staff moderation pages over HTTP: access, approve, reject, merge, review, changes."""

from __future__ import annotations

import pytest

from convenor.mail.models import OutboxMessage
from convenor.models import Role
from directory import service
from directory.models import ChangeStatus, Entry, EntryChange, Status
from tests.conftest import csrf_token, make_staff, sign_in
from tests.directory.factories import entry_data, make_entry


@pytest.fixture
async def moderator_client(client):
    await sign_in(client, await make_staff(Role.MODERATOR))
    return client


async def post(client, path: str, data: dict | None = None):
    token = await csrf_token(client, "/staff/directory")
    return await client.post(path, data={**(data or {}), "csrf_token": token})


async def test_moderation_queue_requires_sign_in(client, taxonomy):
    response = await client.get("/staff/directory")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/staff/directory"


async def test_moderation_queue_hidden_from_organisers(staff_client, taxonomy):
    response = await staff_client.get("/staff/directory")
    await sign_in(staff_client, await make_staff(Role.MODERATOR))
    control = await staff_client.get("/staff/directory")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_moderation_queue_shows_submission_with_duplicate(moderator_client, taxonomy):
    await make_entry("Swaythling Scouts", charity_number="1100100")
    await make_entry("Swaythling Scout Group", status=Status.PENDING, charity_number="1100100")

    response = await moderator_client.get("/staff/directory")

    assert response.status_code == 200
    assert "Waiting for approval (1)" in response.text
    assert "(same charity number)" in response.text


async def test_approve_publishes_entry(moderator_client, taxonomy):
    entry = await make_entry("Swaythling Scouts", status=Status.PENDING)

    response = await post(moderator_client, f"/staff/directory/{entry.id}/approve")

    assert response.status_code == 303
    assert (await Entry.get(id=entry.id)).status == Status.PUBLISHED
    assert (await moderator_client.get(f"/directory/{entry.id}")).status_code == 200


async def test_reject_without_reason_shows_error(moderator_client, taxonomy):
    entry = await make_entry("Swaythling Scouts", status=Status.PENDING)

    response = await post(moderator_client, f"/staff/directory/{entry.id}/reject", {"reason": ""})

    assert response.status_code == 400
    assert "Enter the reason, which is emailed to the group" in response.text
    assert (await Entry.get(id=entry.id)).status == Status.PENDING
    assert await OutboxMessage.all().count() == 0
    control = await post(
        moderator_client, f"/staff/directory/{entry.id}/reject", {"reason": "Outside our area."}
    )
    assert control.status_code == 303
    assert (await Entry.get(id=entry.id)).status == Status.ARCHIVED


async def test_reject_with_reason_emails_group(moderator_client, taxonomy):
    entry = await make_entry("Swaythling Scouts", status=Status.PENDING)
    await Entry.filter(id=entry.id).update(contact_confirmed_at=service.now())

    response = await post(
        moderator_client, f"/staff/directory/{entry.id}/reject", {"reason": "Outside our area."}
    )

    assert response.status_code == 303
    assert "Outside our area." in (await OutboxMessage.get()).text_body


async def test_merge_form_archives_duplicate(moderator_client, taxonomy):
    keep = await make_entry("Swaythling Scouts")
    duplicate = await make_entry("1st Swaythling Scouts")

    response = await post(
        moderator_client, f"/staff/directory/{keep.id}/merge", {"duplicate": str(duplicate.id)}
    )
    old_link = await moderator_client.get(f"/directory/{duplicate.id}")

    assert response.status_code == 303
    assert (await Entry.get(id=duplicate.id)).merged_into_id == keep.id
    assert old_link.status_code == 303
    assert old_link.headers["location"] == f"/directory/{keep.id}"


async def test_mark_reviewed_records_moderator(moderator_client, taxonomy):
    entry = await make_entry("Swaythling Scouts")

    await post(moderator_client, f"/staff/directory/{entry.id}/reviewed")

    assert (await Entry.get(id=entry.id)).reviewed_by_id is not None


async def test_staff_edit_bad_input_keeps_values(moderator_client, taxonomy):
    entry = await make_entry("Swaythling Scouts")

    response = await post(
        moderator_client,
        f"/staff/directory/{entry.id}/edit",
        {"kind": "community", "name": "Renamed Scouts", "description": "", "website": "not a url"},
    )

    assert response.status_code == 400
    assert 'value="Renamed Scouts"' in response.text
    assert (await Entry.get(id=entry.id)).name == "Swaythling Scouts"
    control = await post(
        moderator_client,
        f"/staff/directory/{entry.id}/edit",
        {
            "kind": "community",
            "name": "Renamed Scouts",
            "description": "Scouting for ages 6 to 18.",
            "website": "https://scouts.example.org",
        },
    )
    assert control.status_code == 303
    assert (await Entry.get(id=entry.id)).name == "Renamed Scouts"


async def test_staff_search_finds_hidden_entries(moderator_client, taxonomy):
    await make_entry("Quiet Refuge", status=Status.HIDDEN)

    response = await moderator_client.get(
        "/staff/directory", params={"q": "refuge", "status": "hidden"}
    )

    assert "<mark>Refuge</mark>" in response.text


async def test_approve_proposed_change_from_page(moderator_client, taxonomy):
    entry = await make_entry("Swaythling Scouts", description="Old.")
    token = await service.issue_link(service.EDIT, str(entry.id))
    await service.submit_edit(token, entry_data("Swaythling Scouts", description="New."))
    change = await EntryChange.get()

    shown = await moderator_client.get(f"/staff/directory/changes/{change.id}")
    response = await post(
        moderator_client, f"/staff/directory/changes/{change.id}", {"decision": "approve"}
    )

    assert shown.status_code == 200
    assert response.status_code == 303
    assert (await EntryChange.get()).status == ChangeStatus.APPROVED
    assert (await Entry.get(id=entry.id)).description == "New."


async def test_dashboard_shows_directory_panel_to_moderators(moderator_client):
    response = await moderator_client.get("/staff")

    assert 'href="/staff/directory"' in response.text
