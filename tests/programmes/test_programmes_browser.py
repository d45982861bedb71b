"""The programme journey in Chromium: a speaker confirms through their link and edits
their bio; the organiser moves one session and publishes version 2; the registered
delegate with that session in their agenda receives one change email whose calendar
update keeps the UID and raises the SEQUENCE. axe-core checks the programme, session
and my-agenda pages. A second journey: the organiser uploads a speaker's photo (a bad
file first), renames a room and reads a past version, each page checked by axe-core.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace

import vobject

from convenor.auth import issue_link
from convenor.mail.worker import deliver_due
from programmes.agenda import add_to_agenda
from programmes.models import Speaker, SpeakerStatus
from programmes.publishing import publish_programme
from tests.browser import assert_accessible
from tests.journeys import sign_in

from .factories import image_bytes, registered

DELEGATE = "delegate1@partner.example.org"


async def delivered(settings, smtp_server, to: str) -> list[email.message.EmailMessage]:
    await deliver_due(replace(settings, smtp_url=smtp_server.url))
    return [
        email.message_from_bytes(m.data, policy=email.policy.default)
        for m in smtp_server.messages
        if to in m.rcpt_tos
    ]


def calendar_part(message) -> str:
    for piece in message.walk():
        if piece.get_content_type() == "text/calendar":
            return piece.get_content()
    raise AssertionError("no text/calendar part")


async def test_programme_journey_speaker_organiser_delegate(
    page, event, programme, organiser, settings, smtp_server
):
    await publish_programme(organiser, event.id, settings)
    _, delegate_token = await registered(organiser, event, 1, settings)
    keynote = programme["sessions"][1]
    await add_to_agenda(delegate_token, keynote.id)
    before = await delivered(settings, smtp_server, DELEGATE)
    vru = programme["speakers"][2]
    speaker_token = await issue_link("speaker", vru.link_subject)

    # The speaker confirms and edits their bio.
    await page.goto(f"/speaker/{speaker_token}")
    await page.get_by_role("button", name="Confirm I will speak").click()
    await page.wait_for_url("**?done=confirmed")
    await page.get_by_label("Short biography").fill("Leads the city's Violence Reduction Unit.")
    await page.get_by_role("button", name="Save my details").click()
    await page.wait_for_url("**?done=saved")
    assert await page.locator("#speaker-status").inner_text() == "Confirmed"
    await assert_accessible(page)  # the speaker's page, with its photo form
    saved = await Speaker.get(id=vru.id)
    assert (saved.status, saved.bio) == (
        SpeakerStatus.CONFIRMED,
        "Leads the city's Violence Reduction Unit.",
    )

    # The organiser moves the keynote to the other room and publishes version 2.
    await sign_in(page, organiser)
    await page.goto(f"/staff/events/{event.id}/programme/sessions/{keynote.id}")
    await page.get_by_label("Room").select_option(label="Itchen Suite")
    await page.get_by_role("button", name="Save the session").click()
    await page.wait_for_url("**?done=saved#sessions")
    preview = page.locator(".changelog")
    assert await preview.inner_text() == (
        "What serious violence means here has moved to Itchen Suite (was Main Hall)."
    )
    await page.get_by_role("button", name="Publish version 2").click()
    await page.wait_for_url("**?done=published#publish")

    # The delegate's pages pass axe-core.
    await page.goto(f"/i/{delegate_token}/programme")
    assert await page.get_by_role("heading", name="Programme: Serious Violence").count() == 1
    await assert_accessible(page)
    await page.goto(f"/i/{delegate_token}/programme/sessions/{keynote.id}")
    assert "Itchen Suite" in await page.locator("main").inner_text()
    await assert_accessible(page)
    await page.goto(f"/i/{delegate_token}/agenda")
    await assert_accessible(page)

    # One change email with the calendar update: same UID, higher SEQUENCE.
    after = await delivered(settings, smtp_server, DELEGATE)
    new = after[len(before) :]
    assert len(new) == 1
    assert new[0]["Subject"] == (
        "Programme update for Serious Violence Delivery Plan Conference: your agenda has changed"
    )
    calendar = vobject.readOne(calendar_part(new[0]))
    assert calendar.method.value == "REQUEST"
    assert calendar.vevent.uid.value == keynote.calendar_uid
    assert int(calendar.vevent.sequence.value) == 1
    assert "Itchen Suite" in calendar.vevent.location.value


async def test_organiser_uploads_a_speaker_photo_edits_a_room_and_reads_a_version(
    page, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    vru = programme["speakers"][2]
    main = programme["rooms"][0]
    editor = f"/staff/events/{event.id}/programme"
    await sign_in(page, organiser)

    # A wrong file is refused next to the field; a PNG is saved and shown.
    await page.goto(f"{editor}/speakers/{vru.id}")
    photo = page.get_by_label("Photo", exact=True)
    await photo.set_input_files(
        {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"}
    )
    await page.get_by_role("button", name="Upload the photo").click()
    assert await page.locator("#photo-error").text_content() == (
        "Error: Upload a JPEG, PNG or WebP photo under 5 MB"
    )
    await assert_accessible(page)
    await photo.set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": image_bytes("PNG")}
    )
    await page.get_by_role("button", name="Upload the photo").click()
    await page.wait_for_url("**?done=photo#photo-section")
    shown = page.locator("#current-photo")
    assert await shown.evaluate("img => img.complete && img.naturalWidth") == 600
    await assert_accessible(page)

    # The room is renamed on its own page.
    await page.goto(f"{editor}/rooms/{main.id}")
    await assert_accessible(page)
    await page.get_by_label("Room name").fill("Mountbatten Hall")
    await page.get_by_role("button", name="Save the room").click()
    await page.wait_for_url("**?done=room-saved#rooms")
    assert await page.get_by_role("link", name="Mountbatten Hall").count() == 1
    await assert_accessible(page)

    await page.goto(f"{editor}/versions/1")
    assert await page.get_by_role("heading", level=1).inner_text() == (
        "Programme version 1: Serious Violence Delivery Plan Conference"
    )
    await assert_accessible(page)
