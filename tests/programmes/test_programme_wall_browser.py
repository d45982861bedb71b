"""The programme's views in Chromium: the timetable grid at 1920 px (sessions in their
room's column and their time's rows, the parallel workshops side by side, heights
proportional to length, lunch across both rooms), the list it becomes at 375 px, the
venue's now-and-next screen at a frozen time on a 1920x1080 display, and the embed
framed by another site (while the programme page itself is refused a frame). axe-core
checks each page."""

from __future__ import annotations

import itertools

import pytest

from programmes import grid
from tests.browser import assert_accessible, served
from tests.mailserver import free_port

from .factories import at, public_wall


@pytest.fixture
async def wall(event, programme, organiser, settings) -> dict:
    return await public_wall(event, programme, organiser, settings)


TOLERANCE = 1.5  # px: layout rounding


async def box(page, session_id: int) -> dict:
    found = await page.locator(f'[data-session="{session_id}"]').bounding_box()
    assert found is not None, session_id
    return found


async def test_grid_wide_screen_places_sessions_by_room_and_time(page, event, wall):
    welcome, keynote, workshop, _ = wall["sessions"]
    await page.set_viewport_size({"width": 1920, "height": 1080})

    await page.goto(f"/events/{event.uuid}/programme")

    main = await page.locator(".grid-room", has_text="Main Hall").bounding_box()
    itchen = await page.locator(".grid-room", has_text="Itchen Suite").bounding_box()
    first, second = await box(page, welcome.id), await box(page, keynote.id)
    ours, theirs = await box(page, wall["parallel"].id), await box(page, workshop.id)
    lunch = await box(page, wall["lunch"].id)
    # Columns: Main Hall's sessions under Main Hall, the Itchen Suite's under it.
    for cell in (first, second, ours):
        assert abs(cell["x"] - main["x"]) < TOLERANCE
        assert abs(cell["width"] - main["width"]) < TOLERANCE
    assert abs(theirs["x"] - itchen["x"]) < TOLERANCE
    # The parallel workshops: the same row band, side by side, not overlapping.
    assert abs(ours["y"] - theirs["y"]) < TOLERANCE
    assert abs(ours["height"] - theirs["height"]) < TOLERANCE
    assert ours["x"] + ours["width"] <= theirs["x"]
    # Rows: the keynote follows the welcome directly; an hour is twice half an hour.
    assert abs(second["y"] - (first["y"] + first["height"])) < TOLERANCE
    assert abs(second["height"] - 2 * first["height"]) < 2 * TOLERANCE
    assert abs(ours["height"] - second["height"]) < TOLERANCE
    # The half hour between the keynote and the workshops is an empty band of its length.
    assert abs(ours["y"] - (second["y"] + second["height"]) - first["height"]) < 2 * TOLERANCE
    # Lunch (no room) spans both rooms' columns.
    assert abs(lunch["x"] - main["x"]) < TOLERANCE
    assert abs(lunch["x"] + lunch["width"] - (itchen["x"] + itchen["width"])) < TOLERANCE
    assert await page.locator(".grid-slot-time").first.is_hidden()
    await assert_accessible(page)


async def test_grid_phone_is_a_list_in_time_order(page, event, wall):
    welcome, keynote, workshop, _ = wall["sessions"]
    await page.set_viewport_size({"width": 375, "height": 812})

    # From the event's page, as a visitor finds it.
    await page.goto(f"/events/{event.uuid}")
    await page.get_by_role("link", name="Programme", exact=True).click()
    await page.wait_for_url(f"**/events/{event.uuid}/programme")

    assert await page.locator(".grid-room").first.is_hidden()
    assert await page.locator(".grid-time").first.is_hidden()
    assert await page.locator(".grid-slot-time").first.is_visible()
    order = [welcome.id, keynote.id, wall["parallel"].id, workshop.id, wall["lunch"].id]
    boxes = [await box(page, sid) for sid in order]
    for above, below in itertools.pairwise(boxes):
        assert above["y"] + above["height"] <= below["y"]  # one under another
        assert abs(above["x"] - below["x"]) < TOLERANCE
    assert all(b["width"] > 300 for b in boxes)
    # Nothing wider than the phone: no sideways scrolling.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    await assert_accessible(page)


async def test_now_screen_at_a_frozen_time_on_a_venue_display(
    page,
    event,
    wall,
    monkeypatch,
):
    monkeypatch.setattr(grid, "clock", lambda: at(2.25))  # 11:45am: the workshops are on
    await page.set_viewport_size({"width": 1920, "height": 1080})

    await page.goto(f"/events/{event.uuid}/programme/now")

    assert await page.locator("#now-clock time").inner_text() == "11:45am"
    main = page.get_by_role("row", name="Main Hall")
    assert await main.get_by_role("cell").nth(0).inner_text() == (
        "Workshop: partners' data\nUntil 12:30pm"
    )
    itchen = page.get_by_role("row", name="Itchen Suite")
    assert "Workshop: the draft plan" in await itchen.get_by_role("cell").nth(0).inner_text()
    assert "Lunch\n1:30pm" in await page.get_by_role("row", name="Elsewhere").inner_text()
    # Large type, the whole screen without scrolling.
    size = await page.locator(".now-title").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 36
    height = await page.evaluate("document.documentElement.scrollHeight")
    assert height <= 1080
    await assert_accessible(page)


async def test_now_screen_refreshes_itself(page, event, wall, monkeypatch):
    monkeypatch.setattr(grid, "clock", lambda: at(2.25))
    await page.clock.install()  # the page's timers run when the test says
    await page.goto(f"/events/{event.uuid}/programme/now")
    row = page.get_by_role("row", name="Main Hall")
    assert "Workshop: partners' data" in await row.inner_text()

    monkeypatch.setattr(grid, "clock", lambda: at(3.5))  # 1pm: the workshops are over
    await page.clock.run_for("00:29")
    unchanged = await page.locator("#now-clock time").inner_text()
    await page.clock.run_for("00:02")  # past 30 seconds: the script fetches the screen

    await page.locator("#now-clock time", has_text="1:00pm").wait_for()
    assert unchanged == "11:45am"
    assert await page.get_by_role("row", name="Main Hall").count() == 0
    assert "Lunch\n1:30pm" in await page.get_by_role("row", name="Elsewhere").inner_text()


async def test_embed_framed_by_another_site_and_the_page_itself_refused(
    page,
    event,
    wall,
    live_server,
):
    programme = f"{live_server}/events/{event.uuid}/programme"
    html = (
        "<!doctype html><html lang='en'><title>Partner</title><h1>Partner site</h1>"
        f"<iframe title='Programme' src='{programme}/embed'></iframe>"
        f"<iframe title='Not allowed' src='{programme}'></iframe>"
    ).encode()

    async def partner_site(scope, receive, send):
        headers = [(b"content-type", b"text/html; charset=utf-8")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": html})

    # Another origin on this machine: Chromium refuses public pages framing local ones.
    port = free_port()
    async with served(partner_site, port):
        await page.goto(f"http://localhost:{port}/")
        await page.wait_for_load_state("load")  # the frames' documents, error pages too

        embedded = page.frame_locator("iframe[title='Programme']")
        heading = embedded.get_by_role("heading", level=1)
        await heading.wait_for()
        assert (await heading.inner_text()).startswith("Programme: Serious Violence")
        assert await embedded.get_by_role("link", name="Lunch").count() == 1
        # The programme page itself says X-Frame-Options DENY: Chromium shows an error.
        refused = page.frame(url=lambda url: url.startswith("chrome-error:"))
        assert refused is not None
        assert [f.url for f in page.frames if "/programme" in f.url] == [
            f"{live_server}/events/{event.uuid}/programme/embed"
        ]

    await page.goto(f"/events/{event.uuid}/programme/embed")
    assert await page.get_by_role("link", name="Welcome").count() == 1
    await assert_accessible(page)
