"""Issue 20's pages in Chromium, each checked by axe-core: a registered delegate stars a
session on their programme page (no JavaScript needed: a form button), sees it "In
your agenda" and takes it out again; follows a speaker to their page; reads the
changelog after the organiser moves a session."""

from __future__ import annotations

from events.models import Event
from programmes.agenda import programme_with_agenda
from programmes.publishing import publish_programme
from tests.browser import assert_accessible

from .factories import at, change, registered


async def test_delegate_stars_a_session_follows_a_speaker_and_reads_the_changes(
    page, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await change(organiser, event, keynote, starts_at=at(1), ends_at=at(2))
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)

    # Star the keynote from the programme page, and come back to it.
    await page.goto(f"/i/{token}/programme")
    await assert_accessible(page)
    card = page.locator(f"#session-{keynote.id}")
    await card.get_by_role("button", name="Add to my agenda").click()
    await page.wait_for_url(f"**/i/{token}/programme#session-{keynote.id}")
    await card.get_by_text("In your agenda").wait_for()
    assert (await programme_with_agenda(token)).picked == frozenset({keynote.id})
    await assert_accessible(page)

    # And take it out again.
    await card.get_by_role("button", name="Remove from my agenda").click()
    await card.get_by_role("button", name="Add to my agenda").wait_for()
    assert (await programme_with_agenda(token)).picked == frozenset()

    # Follow a speaker from a session card to their page.
    vru = programme["speakers"][2]
    await card.get_by_role("link", name=vru.display_name).click()
    await page.wait_for_url(f"**/i/{token}/programme/speakers/{vru.id}")
    assert await page.get_by_role("heading", level=1).inner_text() == vru.display_name
    await assert_accessible(page)

    # The changelog says what moved.
    await page.goto(f"/i/{token}/programme/changes")
    item = page.locator("#version-2 li")
    assert (await item.inner_text()).startswith("Retimed What serious violence means here")
    await assert_accessible(page)


async def test_public_changes_and_speaker_pages_are_accessible(
    page, event, programme, organiser, settings
):
    await Event.filter(id=event.id).update(visibility="public")
    await publish_programme(organiser, event.id, settings)
    chief = programme["speakers"][0]

    await page.goto(f"/events/{event.uuid}/programme/changes")
    await page.get_by_role("heading", name="Version 1").wait_for()
    await assert_accessible(page)
    await page.goto(f"/events/{event.uuid}/programme/speakers/{chief.id}")
    await page.get_by_role("link", name="Welcome").wait_for()
    await assert_accessible(page)
