"""The whole journey in Chromium: an organiser creates an event and imports three
invitees; the invitation arrives at a real SMTP server; the delegate registers from
the link; the calendar invite reads back in London time; a new start time reaches the
delegate as an update (same UID, higher SEQUENCE); the delegate cancels (METHOD:CANCEL).
axe-core checks the registration, manage and dashboard pages. And a visitor asks for a
place at a public event, gets the link by email and registers.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import vobject

from convenor.mail.worker import deliver_due
from events.models import Event, Visibility
from tests.browser import assert_accessible
from tests.journeys import sign_in

from .factories import published_event

LONDON = ZoneInfo("Europe/London")
INVITEES = (
    "name,email,organisation,job title\n"
    "Ann Lee,ann@police.example.org,Hampshire Constabulary,Inspector\n"
    "Bob Ray,bob@council.example.org,Southampton City Council,Officer\n"
    "Cat Jones,cat@boxing.example.org,Bevois Valley Boxing Academy,Coach\n"
)


async def delivered(settings, smtp_server, to: str) -> list[email.message.EmailMessage]:
    """Deliver the outbox to the SMTP server; the messages it holds for ``to``."""
    await deliver_due(replace(settings, smtp_url=smtp_server.url))
    return [
        email.message_from_bytes(m.data, policy=email.policy.default)
        for m in smtp_server.messages
        if to in m.rcpt_tos
    ]


def part(message, content_type: str) -> str:
    for piece in message.walk():
        if piece.get_content_type() == content_type:
            return piece.get_content()
    raise AssertionError(f"no {content_type} part")


async def create_event(page) -> int:
    await page.goto("/staff/events/new")
    await page.get_by_label("Title", exact=True).fill("Serious Violence Delivery Plan Conference")
    await page.get_by_label("Organising body").fill("Southampton Community Safety Partnership")
    await page.get_by_label("Contact email").fill("events@safercity.example.org")
    await page.get_by_label("Venue name").fill("St Mary's Stadium")
    await page.get_by_label("Address").fill("Britannia Road\nSouthampton")
    await page.get_by_label("Postcode").fill("SO14 5FP")
    await page.get_by_label("Starts", exact=True).fill("2027-06-09T09:30")
    await page.get_by_label("Ends", exact=True).fill("2027-06-09T16:30")
    await page.get_by_label("Capacity (places)").fill("100")
    await page.get_by_role("button", name="Create the event").click()
    await page.wait_for_url(re.compile(r".*/staff/events/\d+\?done=created"))
    event_id = int(re.search(r"/staff/events/(\d+)", page.url).group(1))
    await page.get_by_role("button", name="Publish the event").click()
    await page.wait_for_url("**?done=published")
    return event_id


async def import_and_send(page, event_id: int) -> None:
    await page.goto(f"/staff/events/{event_id}/import")
    await page.get_by_label("Or paste the list").fill(INVITEES)
    await page.get_by_role("button", name="Preview the import").click()
    await page.get_by_role("button", name="Import 3 invitees").click()
    await page.wait_for_url("**/invitees?done=imported")
    await page.get_by_role("button", name="Send invitations").click()
    await page.wait_for_url("**done=sent&count=3")


async def test_invitation_registration_update_and_cancel_journey(
    page, browser, live_server, organiser, settings, smtp_server
):
    await sign_in(page, organiser)
    event_id = await create_event(page)
    await import_and_send(page, event_id)

    [invitation] = await delivered(settings, smtp_server, "ann@police.example.org")
    assert len(smtp_server.messages) == 3
    link = re.search(r"(http://\S+/i/\S+)", part(invitation, "text/plain")).group(1)
    assert link.startswith(live_server)

    delegate_context = await browser.new_context(base_url=live_server)
    delegate = await delegate_context.new_page()
    await delegate.goto(link)
    assert await delegate.get_by_label("Your name").input_value() == "Ann Lee"
    await assert_accessible(delegate)
    await delegate.get_by_label("Dietary requirements (optional)").fill("Vegetarian")
    await delegate.get_by_role("button", name="Register").click()
    await delegate.wait_for_url("**/registered")
    assert await delegate.locator("h1").inner_text() == "You are registered"

    [_, confirmation] = await delivered(settings, smtp_server, "ann@police.example.org")
    invite = vobject.readOne(part(confirmation, "text/calendar"))
    assert invite.method.value == "REQUEST"
    start = invite.vevent.dtstart.value
    assert start.astimezone(LONDON).replace(tzinfo=None) == datetime(2027, 6, 9, 9, 30)
    uid, sequence = invite.vevent.uid.value, int(invite.vevent.sequence.value)

    await page.goto(f"/staff/events/{event_id}/edit")
    await page.get_by_label("Starts", exact=True).fill("2027-06-09T10:00")
    await page.get_by_role("button", name="Save the changes").click()
    await page.wait_for_url("**?done=saved")
    [*_, update] = await delivered(settings, smtp_server, "ann@police.example.org")
    updated = vobject.readOne(part(update, "text/calendar"))
    assert updated.vevent.uid.value == uid
    assert int(updated.vevent.sequence.value) > sequence
    new_start = updated.vevent.dtstart.value.astimezone(LONDON).replace(tzinfo=None)
    assert new_start == datetime(2027, 6, 9, 10, 0)

    manage_link = re.search(r"(http://\S+/i/\S+)", part(update, "text/plain")).group(1)
    await delegate.goto(manage_link)
    assert await delegate.locator("h1").inner_text() == "Your registration"
    await assert_accessible(delegate)
    await delegate.get_by_role("button", name="Cancel my registration").click()
    # A second page asks first (no JavaScript needed); nothing is cancelled yet.
    await delegate.wait_for_url("**/cancel")
    await assert_accessible(delegate)
    await delegate.get_by_role("button", name="Yes, cancel my place").click()
    await delegate.wait_for_url("**?done=cancelled")
    [*_, cancelled] = await delivered(settings, smtp_server, "ann@police.example.org")
    cancel = vobject.readOne(part(cancelled, "text/calendar"))
    assert cancel.method.value == "CANCEL"
    assert cancel.vevent.status.value == "CANCELLED"
    assert cancel.vevent.uid.value == uid
    await delegate_context.close()

    await page.goto(f"/staff/events/{event_id}")
    assert await page.locator("#count-cancelled").inner_text() == "1"
    await assert_accessible(page)
    assert (await Event.get(id=event_id)).seats_taken == 0


async def test_check_in_desk_works_in_a_browser(page, organiser, settings):
    await sign_in(page, organiser)
    event_id = await create_event(page)

    await page.goto(f"/staff/events/{event_id}/check-in")

    assert await page.get_by_label("Check-in code").get_attribute("autofocus") == ""
    await assert_accessible(page)


async def test_asking_for_a_place_at_a_public_event_journey(
    page, live_server, organiser, settings, smtp_server
):
    made = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    await page.goto("/events")
    await assert_accessible(page)
    await page.get_by_role("link", name=made.title).click()
    await page.get_by_label("Your email address").fill("priya@youthclub.example.org")
    await page.get_by_role("button", name="Email me a link to register").click()
    error = await page.locator("#name-error").text_content()
    assert " ".join(error.split()) == "Error: Enter your name"
    assert await page.get_by_label("Your email address").input_value() == (
        "priya@youthclub.example.org"
    )
    await assert_accessible(page)
    await page.get_by_label("Your name").fill("Priya Shah")
    await page.get_by_role("button", name="Email me a link to register").click()
    await page.wait_for_url("**/asked")
    assert await page.locator("h1").inner_text() == "Check your email"

    [message] = await delivered(settings, smtp_server, "priya@youthclub.example.org")
    link = re.search(r"(http://\S+/i/\S+)", part(message, "text/plain")).group(1)
    await page.goto(link)
    assert await page.get_by_label("Your name").input_value() == "Priya Shah"
    await page.get_by_role("button", name="Register").click()
    await page.wait_for_url("**/registered")
    assert await page.locator("h1").inner_text() == "You are registered"
