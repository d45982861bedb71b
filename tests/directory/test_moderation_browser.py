"""The bulk approve of an import batch in a real browser (issue 17): a moderator signs in,
filters the queue by the batch, chooses every entry of it, confirms, and sees what
happened; the entries are then published and found by search; axe-core on each page."""

from __future__ import annotations

from convenor.models import Role
from directory.models import Entry, Status
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD, make_staff
from tests.directory.factories import make_entry, make_import_batch


async def test_bulk_approve_of_an_import_batch_in_browser(page, taxonomy):
    moderator = await make_staff(Role.MODERATOR)
    batch, other = (
        await make_import_batch("lantern-groups.csv"),
        await make_import_batch("other.csv"),
    )
    names = [f"Lordshill Lantern Walkers {n}" for n in ("North", "South", "East")]
    made = [await make_entry(name, Status.PENDING, batch=batch) for name in names]
    kindless = await make_entry("Lordshill Lantern Makers", Status.PENDING, batch=batch)
    await Entry.filter(id=kindless.id).update(kind=None)
    elsewhere = await make_entry("Coxford Chess Circle", Status.PENDING, batch=other)

    await page.goto("/login")
    await page.fill("#email", moderator.email)
    await page.fill("#password", STAFF_PASSWORD)
    await page.click("button[type=submit]")
    await page.goto("/staff/directory")
    await page.select_option("#batch", str(batch.id))
    await page.click("form.queue-filters button[type=submit]")
    await page.wait_for_selector(f"text=Every waiting entry of import batch {batch.id} (4)")
    await assert_accessible(page)
    assert await page.locator("input[name=entry]").count() == 4
    await page.check("#scope-batch")
    await page.click("button:has-text('Approve selected')")
    await page.wait_for_selector("h1:has-text('Approve 4 entries?')")
    await assert_accessible(page)
    assert "1 cannot be published: 1 no kind." in await page.inner_text("main")
    await page.click("main form button:has-text('Approve 3 entries')")
    await page.wait_for_selector("h1:has-text('3 entries approved')")
    await assert_accessible(page)
    assert "1 left waiting because they cannot be published: 1 no kind." in await page.inner_text(
        "#outcome"
    )

    statuses = dict(await Entry.all().values_list("id", "status"))
    assert statuses == {
        **{e.id: Status.PUBLISHED for e in made},
        kindless.id: Status.PENDING,
        elsewhere.id: Status.PENDING,
    }
    await page.goto("/directory?q=lantern+walkers")
    results = page.locator(".results a", has_text="Lordshill Lantern Walkers")
    await results.first.wait_for()
    assert sorted(await results.all_inner_texts()) == sorted(names)
    await assert_accessible(page)
