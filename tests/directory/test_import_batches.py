"""An import is a batch (issue 17): its entries carry it; undoing it removes the entries
still pending that only it knew of and archives the rest that were seen (or known some
other way), in one transaction, touching nothing of another batch or of other ways in;
search stops finding them; a second undo says it was already undone. Staff pages list
batches, show one with a link to the queue filtered by it, and undo after one
confirmation that says exactly what will happen; moderators only, with CSRF."""

from __future__ import annotations

import pytest

from convenor.auth import now
from convenor.errors import Conflict
from convenor.models import Role
from directory import importer, moderation
from directory.models import BatchStatus, Entry, How, ImportBatch, Provenance, Service, Status
from directory.search import SearchQuery, search
from tests.conftest import csrf_token, make_staff, sign_in
from tests.directory.factories import add_provenance, make_entry, make_import_batch

HEADER = "name,kind,description,services\n"


def rows(*names: str) -> str:
    return HEADER + "".join(f"{n},community,Zephyrine club for {n},Meetings\n" for n in names)


ALPHA = ("Alpha Pending", "Alpha Published", "Alpha Registered", "Alpha Rejected", "Alpha Two")
BETA = ("Beta Pending", "Beta Published")


async def imported(names: tuple[str, ...], file_name: str) -> ImportBatch:
    report = await importer.import_csv(rows(*names), source="t", file_name=file_name)
    assert (report.imported, report.failed) == (len(names), False)
    return await ImportBatch.get(id=report.batch_id)


async def by_name(name: str) -> Entry | None:
    return await Entry.get_or_none(name=name)


async def found(text: str, statuses: tuple[str, ...] = ("published",)) -> list[str]:
    page = await search(SearchQuery(text=text, statuses=statuses, per_page=50))
    return sorted(hit.entry.name for hit in page.hits)


@pytest.fixture
async def world(taxonomy):
    """Batch A (5 entries in every state), batch B (2), a self-listed and a staff entry."""
    alpha = await imported(ALPHA, "alpha.csv")
    beta = await imported(BETA, "beta.csv")
    for name in ("Alpha Published", "Beta Published"):
        await moderation.set_status((await by_name(name)).id, Status.PUBLISHED)
    await moderation.set_status((await by_name("Alpha Rejected")).id, Status.ARCHIVED)
    await add_provenance(
        await by_name("Alpha Registered"), How.REGISTERED, "Registered for the summit"
    )
    await make_entry("Zephyrine Self Listed", status=Status.PUBLISHED, how=How.SELF_LISTED)
    await make_entry("Zephyrine Staff Pending", status=Status.PENDING)
    return alpha, beta


async def test_a_batch_entries_carry_its_id(world):
    alpha, beta = world

    assert sorted(await Entry.filter(import_batch_id=alpha.id).values_list("name", flat=True)) == (
        sorted(ALPHA)
    )
    assert sorted(await Entry.filter(import_batch_id=beta.id).values_list("name", flat=True)) == (
        sorted(BETA)
    )
    assert await Entry.filter(import_batch_id=None).count() == 2
    assert (alpha.source, alpha.rows, alpha.created, alpha.status) == (
        "alpha.csv",
        5,
        5,
        BatchStatus.COMPLETE,
    )


async def test_the_plan_says_exactly_what_undo_will_do(world):
    alpha, _ = world

    plan = await importer.undo_plan(alpha.id)

    ids = {n: (await by_name(n)).id for n in ALPHA}
    assert sorted(plan.remove) == sorted([ids["Alpha Pending"], ids["Alpha Two"]])
    assert sorted(plan.archive) == sorted([ids["Alpha Published"], ids["Alpha Registered"]])
    assert (plan.untouched, plan.kept_pending) == (1, 1)
    assert plan.sentence == (
        "removes 2 entries still pending; 1 already published or hidden is archived; "
        "1 pending entry that also came from elsewhere (a registration, a nomination or a "
        "merge) is archived, not removed; 1 already archived is left as it is."
    )


async def test_undo_removes_and_archives_exactly_the_batch(world):
    alpha, _ = world
    moderator = await make_staff(Role.MODERATOR)
    before = {
        e.name: (e.status, e.updated_at)
        for e in await Entry.all()
        if e.import_batch_id != alpha.id or e.name == "Alpha Rejected"
    }
    assert await found("zephyrine") == [
        "Alpha Published",
        "Beta Published",
        "Zephyrine Self Listed",
    ]
    everyone = ("pending", "published", "hidden", "archived")
    assert "Alpha Pending" in await found("zephyrine", everyone)

    result = await importer.undo_batch(alpha.id, moderator)

    assert result.already is False
    assert await by_name("Alpha Pending") is None
    assert await by_name("Alpha Two") is None
    assert (await by_name("Alpha Published")).status == Status.ARCHIVED
    registered = await by_name("Alpha Registered")
    assert registered.status == Status.ARCHIVED
    assert sorted(await Provenance.filter(entry=registered).values_list("how", flat=True)) == [
        "imported",
        "registered",
    ]
    # Everything else, the already-archived entry of the batch included, as it was.
    after = {
        e.name: (e.status, e.updated_at)
        for e in await Entry.all()
        if e.import_batch_id != alpha.id or e.name == "Alpha Rejected"
    }
    assert after == before
    # The removed entries' services and provenance went with them; the others' stayed.
    assert await Service.filter(entry__name__startswith="Alpha").count() == 3
    assert await found("zephyrine") == ["Beta Published", "Zephyrine Self Listed"]
    assert await found("zephyrine", everyone) == sorted(
        [
            "Alpha Published",
            "Alpha Registered",
            "Alpha Rejected",
            "Beta Pending",
            "Beta Published",
            "Zephyrine Self Listed",
            "Zephyrine Staff Pending",
        ]
    )
    batch = await ImportBatch.get(id=alpha.id)
    assert (batch.status, batch.undone_by_id) == (BatchStatus.UNDONE, moderator.id)
    assert batch.undone_at is not None
    assert batch.message.endswith(
        "Undone: removes 2 entries still pending; 1 already published or hidden is "
        "archived; 1 pending entry that also came from elsewhere (a registration, a "
        "nomination or a merge) is archived, not removed; 1 already archived is left as it is."
    )


async def test_a_second_undo_says_it_was_already_undone_and_changes_nothing(world):
    alpha, _ = world
    await importer.undo_batch(alpha.id, None)
    first = sorted((e.id, e.status, e.updated_at) for e in await Entry.all())
    undone_at = (await ImportBatch.get(id=alpha.id)).undone_at

    again = await importer.undo_batch(alpha.id, None)

    assert again.already is True
    assert sorted((e.id, e.status, e.updated_at) for e in await Entry.all()) == first
    assert (await ImportBatch.get(id=alpha.id)).undone_at == undone_at


async def test_a_failed_batch_has_nothing_to_undo(taxonomy):
    batch = await make_import_batch("x.csv", BatchStatus.FAILED, created_at=now())
    await make_entry("Unrelated Group")

    with pytest.raises(Conflict):
        await importer.undo_batch(batch.id, None)
    assert await Entry.all().count() == 1
    assert (await ImportBatch.get(id=batch.id)).undone_at is None
    done = await imported(("Unrelated Import",), "done.csv")  # control: a complete batch
    assert (await importer.undo_batch(done.id, None)).already is False
    assert await Entry.all().count() == 1


# The staff pages


@pytest.fixture
async def moderator_client(client):
    await sign_in(client, await make_staff(Role.MODERATOR))
    return client


async def test_the_imports_page_lists_batches_with_their_entries_now(world, moderator_client):
    alpha, beta = world

    response = await moderator_client.get("/staff/directory/imports")

    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert (
        f'<td><a href="/staff/directory/imports/{alpha.id}">Import {alpha.id}</a></td> '
        "<td>alpha.csv</td>"
    ) in text
    # rows, created, pending, published, archived
    assert "<td>5</td> <td>5</td> <td>3</td> <td>1</td> <td>1</td> <td>Imported</td>" in text
    assert "<td>2</td> <td>2</td> <td>1</td> <td>1</td> <td>0</td> <td>Imported</td>" in text
    assert text.index(f"Import {beta.id}<") < text.index(f"Import {alpha.id}<")  # newest first


async def test_undo_through_the_pages_with_one_confirmation(world, moderator_client):
    alpha, _ = world
    page = await moderator_client.get(f"/staff/directory/imports/{alpha.id}")
    assert page.status_code == 200
    assert f'href="/staff/directory?batch={alpha.id}"' in page.text
    assert "3 pending, 1 published, 0 hidden, 1 archived" in page.text

    confirm = await moderator_client.get(f"/staff/directory/imports/{alpha.id}/undo")
    assert confirm.status_code == 200
    assert (
        "Undoing this import removes 2 entries still pending; 1 already published or hidden "
        "is archived;" in " ".join(confirm.text.split())
    )
    assert await Entry.filter(import_batch_id=alpha.id).count() == 5  # GET changes nothing

    token = await csrf_token(moderator_client, f"/staff/directory/imports/{alpha.id}/undo")
    done = await moderator_client.post(
        f"/staff/directory/imports/{alpha.id}/undo", data={"csrf_token": token}
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/staff/directory/imports/{alpha.id}?done=undone"
    assert await Entry.filter(import_batch_id=alpha.id).count() == 3
    shown = await moderator_client.get(done.headers["location"])
    assert "The import has been undone." in shown.text
    assert "Undo this import" not in shown.text

    again = await moderator_client.post(
        f"/staff/directory/imports/{alpha.id}/undo", data={"csrf_token": token}
    )
    assert again.headers["location"] == f"/staff/directory/imports/{alpha.id}?done=already"
    assert await Entry.filter(import_batch_id=alpha.id).count() == 3


async def test_undo_without_the_csrf_token_is_refused(world, moderator_client):
    alpha, _ = world

    response = await moderator_client.post(f"/staff/directory/imports/{alpha.id}/undo")

    assert response.status_code == 403
    assert await Entry.filter(import_batch_id=alpha.id).count() == 5
    assert (await ImportBatch.get(id=alpha.id)).undone_at is None
    token = await csrf_token(moderator_client, f"/staff/directory/imports/{alpha.id}/undo")
    control = await moderator_client.post(
        f"/staff/directory/imports/{alpha.id}/undo", data={"csrf_token": token}
    )
    assert control.status_code == 303
    assert await Entry.filter(import_batch_id=alpha.id).count() == 3


@pytest.mark.parametrize(
    "path",
    [
        "/staff/directory/imports",
        "/staff/directory/imports/{id}",
        "/staff/directory/imports/{id}/undo",
    ],
)
async def test_batch_pages_are_hidden_from_organisers(world, staff_client, path):
    alpha, _ = world

    response = await staff_client.get(path.format(id=alpha.id))
    await sign_in(staff_client, await make_staff(Role.MODERATOR))
    control = await staff_client.get(path.format(id=alpha.id))

    assert response.status_code == 404
    assert control.status_code == 200


async def test_an_organiser_cannot_undo(world, staff_client):
    alpha, _ = world
    token = await csrf_token(staff_client, "/staff")

    response = await staff_client.post(
        f"/staff/directory/imports/{alpha.id}/undo", data={"csrf_token": token}
    )

    assert response.status_code == 404
    assert await Entry.filter(import_batch_id=alpha.id).count() == 5
    assert (await ImportBatch.get(id=alpha.id)).undone_at is None
    await sign_in(staff_client, await make_staff(Role.MODERATOR))  # control: a moderator
    token = await csrf_token(staff_client, f"/staff/directory/imports/{alpha.id}/undo")
    control = await staff_client.post(
        f"/staff/directory/imports/{alpha.id}/undo", data={"csrf_token": token}
    )
    assert control.status_code == 303
    assert await Entry.filter(import_batch_id=alpha.id).count() == 3


async def test_an_unknown_batch_is_404(world, moderator_client):
    alpha, _ = world

    response = await moderator_client.get("/staff/directory/imports/999")
    control = await moderator_client.get(f"/staff/directory/imports/{alpha.id}")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_the_batch_page_links_to_the_queue_showing_only_its_waiting_entries(
    world, moderator_client
):
    alpha, _ = world
    page = await moderator_client.get(f"/staff/directory/imports/{alpha.id}")
    assert f'href="/staff/directory?batch={alpha.id}"' in page.text

    queue = await moderator_client.get(f"/staff/directory?batch={alpha.id}")

    assert queue.status_code == 200
    for name in ("Alpha Pending", "Alpha Registered", "Alpha Two"):
        assert name in queue.text
    for name in ("Beta Pending", "Zephyrine Staff Pending", "Alpha Rejected"):
        assert name not in queue.text


async def test_an_entry_others_were_merged_into_is_archived_not_removed(taxonomy):
    batch = await imported(("Gamma Keep", "Gamma Plain"), "gamma.csv")
    keep, plain = await by_name("Gamma Keep"), await by_name("Gamma Plain")
    duplicate = await make_entry("Gamma Keep Duplicate", status=Status.PENDING)
    moderator = await make_staff(Role.MODERATOR)
    await moderation.merge_entries(keep.id, duplicate.id, moderator)

    plan = await importer.undo_plan(batch.id)
    await importer.undo_batch(batch.id, moderator)

    assert (plan.remove, plan.archive) == ([plain.id], [keep.id])
    assert (await Entry.get(id=keep.id)).status == Status.ARCHIVED
    assert (await Entry.get(id=duplicate.id)).merged_into_id == keep.id
    assert await by_name("Gamma Plain") is None
