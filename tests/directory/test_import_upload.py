"""Importing a spreadsheet from the browser (issue 17): "Check the file" is the dry run
(its report, nothing saved); "Import it" is the real import as a batch recorded as the
moderator's, nothing saved while rows have errors unless they are left out; unreadable
files and a missing file get one sentence next to the field; moderators only, CSRF."""

from __future__ import annotations

import pytest

from convenor.models import Role
from directory.models import BatchStatus, Entry, ImportBatch, Status
from tests.conftest import csrf_token, make_staff, sign_in
from tests.tables_corpus import UNREADABLE

GOOD = "Woolston Warriors,Community group,Football for teenagers,Woolston\n"
BAD = "Nameless Kind,club,,Atlantis\n"
HEADER = "name,kind,description,areas\n"
PAGE = "/staff/directory/imports/new"


@pytest.fixture
async def moderator(client):
    user = await make_staff(Role.MODERATOR)
    await sign_in(client, user)
    return user


async def send(client, content: bytes, action: str, skip: bool = False, name="groups.csv"):
    token = await csrf_token(client, PAGE)
    data = {"csrf_token": token, "action": action, **({"skip_bad_rows": "yes"} if skip else {})}
    return await client.post(PAGE, data=data, files={"file": (name, content, "text/csv")})


def said(response) -> str:
    return " ".join(response.text.split())


async def test_checking_a_file_reports_and_saves_nothing(taxonomy, client, moderator):
    response = await send(client, (HEADER + GOOD + BAD).encode(), "check")

    assert response.status_code == 400
    assert "What the check found in groups.csv" in said(response)
    assert "<li>line 3 (Nameless Kind): kind: Unknown kind &#39;club&#39;;" in said(response)
    assert "<li>2 rows: 1 good, 1 with errors; 0 imported.</li>" in said(response)
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (0, 0)
    control = await send(client, (HEADER + GOOD).encode(), "check")  # without the bad row
    assert control.status_code == 200
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (0, 0)


async def test_checking_a_clean_file_is_200(taxonomy, client, moderator):
    response = await send(client, (HEADER + GOOD).encode(), "check")

    assert response.status_code == 200
    assert "<li>1 rows: 1 good, 0 with errors; 0 imported.</li>" in said(response)
    assert await Entry.all().count() == 0


async def test_importing_with_a_bad_row_imports_nothing(taxonomy, client, moderator):
    response = await send(client, (HEADER + GOOD + BAD).encode(), "import")

    assert response.status_code == 400
    assert "Nothing was imported: 1 rows have errors." in said(response)
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (0, 0)
    control = await send(client, (HEADER + GOOD).encode(), "import")  # without the bad row
    assert control.status_code == 303
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (1, 1)


async def test_importing_leaving_out_bad_rows_makes_the_moderators_batch(
    taxonomy, client, moderator
):
    response = await send(client, (HEADER + GOOD + BAD).encode(), "import", skip=True)

    batch = await ImportBatch.get()
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/directory/imports/{batch.id}?done=imported"
    assert (batch.source, batch.rows, batch.created, batch.skipped, batch.status) == (
        "groups.csv",
        2,
        1,
        1,
        BatchStatus.COMPLETE,
    )
    assert batch.created_by_id == moderator.id
    entry = await Entry.get()
    assert (entry.name, entry.status, entry.import_batch_id) == (
        "Woolston Warriors",
        Status.PENDING,
        batch.id,
    )
    page = await client.get(response.headers["location"])
    assert "The file has been imported." in page.text
    assert f"By</dt><dd>{moderator.name}</dd>" in page.text


async def test_no_file_is_an_error_next_to_the_field(taxonomy, client, moderator):
    token = await csrf_token(client, PAGE)

    response = await client.post(PAGE, data={"csrf_token": token, "action": "import"})

    assert response.status_code == 400
    assert 'id="file-error"><span class="visually-hidden">Error:</span> Choose a spreadsheet' in (
        response.text
    )
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (0, 0)
    control = await send(client, (HEADER + GOOD).encode(), "import")  # with a file
    assert control.status_code == 303
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (1, 1)


async def test_a_picture_is_refused_with_one_sentence(taxonomy, client, moderator):
    response = await send(client, UNREADABLE["png"][0], "import", name="groups.png")

    assert response.status_code == 400
    assert "This looks like a PNG image, not a spreadsheet." in response.text
    assert await ImportBatch.all().count() == 0
    assert await Entry.all().count() == 0
    control = await send(client, (HEADER + GOOD).encode(), "import")  # a spreadsheet
    assert control.status_code == 303
    assert await ImportBatch.all().count() == 1


async def test_organisers_cannot_import(taxonomy, staff_client):
    token = await csrf_token(staff_client, "/staff")
    get = await staff_client.get(PAGE)
    post = await staff_client.post(
        PAGE,
        data={"csrf_token": token, "action": "import"},
        files={"file": ("g.csv", (HEADER + GOOD).encode(), "text/csv")},
    )

    assert (get.status_code, post.status_code) == (404, 404)
    assert await Entry.all().count() == 0
    await sign_in(staff_client, await make_staff(Role.MODERATOR))  # control: a moderator
    assert (await staff_client.get(PAGE)).status_code == 200
    assert (await send(staff_client, (HEADER + GOOD).encode(), "import")).status_code == 303
    assert await Entry.all().count() == 1


async def test_importing_without_the_csrf_token_is_refused(taxonomy, client, moderator):
    response = await client.post(
        PAGE, data={"action": "import"}, files={"file": ("g.csv", (HEADER + GOOD).encode())}
    )

    assert response.status_code == 403
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (0, 0)
    control = await send(client, (HEADER + GOOD).encode(), "import")  # with the token
    assert control.status_code == 303
    assert await Entry.all().count() == 1
