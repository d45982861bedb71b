"""Issue 16's programme pages in Chromium, each checked by axe-core: a speaker declines
and the organiser is told by real SMTP; the organiser sees the clash and the declined
speaker in the editor, adds a speaker row, publishes anyway, and reads who holds each
workshop place."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace

from convenor.auth import issue_link
from convenor.mail.worker import deliver_due
from programmes.agenda import sign_up
from programmes.drafts import add_session
from programmes.models import ProgrammeVersion
from programmes.publishing import publish_programme
from tests.browser import assert_accessible
from tests.journeys import sign_in

from .factories import registered, session_data


async def test_decline_clash_publish_anyway_and_workshop_places(
    page, event, programme, organiser, settings, smtp_server
):
    await publish_programme(organiser, event.id, settings)
    _, delegate = await registered(organiser, event, 1, settings)
    workshop = programme["sessions"][2]
    await sign_up(delegate, workshop.id)
    leader = programme["speakers"][1]

    # The speaker declines through their link; the organiser gets an email.
    token = await issue_link("speaker", leader.link_subject)
    await page.goto(f"/speaker/{token}")
    await page.get_by_label("Reason (optional)").fill("Council meeting that day")
    await page.get_by_role("button", name="Decline").click()
    await page.wait_for_url("**?done=declined")
    await deliver_due(replace(settings, smtp_url=smtp_server.url))
    (told,) = [
        email.message_from_bytes(m.data, policy=email.policy.default)
        for m in smtp_server.messages
        if organiser.email in m.rcpt_tos
    ]
    assert told["Subject"] == f"Cllr Ахмед Петров has declined to speak at {event.title}"

    # A session in the Main Hall during the welcome: a room clash.
    main = programme["rooms"][0]
    await add_session(organiser, event.id, session_data("Overlap", 0.25, 0.5, room_id=main.id))

    await sign_in(page, organiser)
    editor = f"/staff/events/{event.id}/programme"
    await page.goto(editor)
    assert "are both in Main Hall." in await page.locator("#clashes + ul").inner_text()
    assert "Delegate 1" in await page.locator("main").inner_text()  # holds a workshop place
    await assert_accessible(page)

    # Publishing is refused until "Publish anyway" is ticked.
    await page.get_by_role("button", name="Publish version 2").click()
    assert "resolve them, or publish anyway" in await page.locator("#publish-error").inner_text()
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1
    await assert_accessible(page)
    await page.get_by_label("Publish anyway").check()
    await page.get_by_role("button", name="Publish version 2").click()
    await page.wait_for_url("**?done=published#publish")
    await page.goto(f"{editor}/versions/2")
    assert "Published with a clash" in await page.locator("main").inner_text()
    await assert_accessible(page)

    # The session page: one more speaker row on request.
    await page.goto(f"{editor}/sessions/{programme['sessions'][0].id}")
    assert await page.locator(".speaker-row").count() == 6
    await page.get_by_role("button", name="Add another speaker").click()
    assert await page.locator(".speaker-row").count() == 7
    await assert_accessible(page)

    # Who holds each workshop place, from the delegates page.
    await page.goto(f"/staff/events/{event.id}/delegates")
    await page.get_by_role("link", name="Who holds each workshop place").click()
    await page.wait_for_url(f"**{editor}/workshops")
    assert "Delegate 1" in await page.locator(f"#workshop-{workshop.id} + p + div").inner_text()
    await assert_accessible(page)
