"""Every email to a delegate links to their home (/i/<token>), read from the outbox and
followed (issue 16)."""

from __future__ import annotations

import re

from convenor.mail.models import OutboxMessage
from events.invitations import send_invitations
from events.models import Registration
from events.registration import cancel_registration
from events.reminders import send_due_reminders
from events.service import cancel_event, update_event

from .factories import event_data, invite, outbox, published_event, registered

LINK = re.compile(r"http://testserver/i/[A-Za-z0-9_-]+(?:#[a-z-]+)?")


def links(message: OutboxMessage) -> set[str]:
    """The personal links in the text body, checked to be in the HTML body too."""
    found = set(LINK.findall(message.text_body))
    for link in found:
        assert f'href="{link}"' in message.html_body, (message.category, link)
    return found


async def home_at(client, link: str):
    page = await client.get(link.removeprefix("http://testserver").split("#")[0])
    assert page.status_code == 200, link
    return page


async def one(category: str) -> OutboxMessage:
    [message] = await outbox(category)
    return message


async def test_invitation_email_links_to_home(client, organiser, event, settings):
    await invite(organiser, event)
    await send_invitations(organiser, event.id, settings)

    [link] = links(await one("event-invitation"))
    page = await home_at(client, link)

    assert 'id="status">Your status: <strong>Invited</strong>' in page.text


async def test_confirmation_links_to_home_and_its_programme_part(
    client, organiser, event, settings
):
    await registered(organiser, event, settings)

    found = links(await one("event-registration-confirmed"))
    [home] = [link for link in found if "#" not in link]
    page = await home_at(client, home)

    assert found == {home, f"{home}#programme"}
    assert 'id="status">Your status: <strong>Registered</strong>' in page.text
    assert '<section aria-labelledby="programme-title" id="programme">' in page.text


async def test_waitlisted_and_promoted_emails_link_to_home(client, organiser, settings):
    event = await published_event(organiser, capacity=1)
    _, first = await registered(organiser, event, settings, 1)
    await registered(organiser, event, settings, 2)
    [waitlisted] = links(await one("event-waitlisted"))
    before = await home_at(client, waitlisted)
    await cancel_registration(first, settings)

    promoted = links(await one("event-promoted"))
    [home] = [link for link in promoted if "#" not in link]
    after = await home_at(client, home)

    assert "Your status: <strong>On the waitlist</strong>" in before.text
    assert promoted == {home, f"{home}#programme"}
    assert "Your status: <strong>Registered</strong>" in after.text


async def test_event_update_email_links_to_home(client, organiser, event, settings):
    await registered(organiser, event, settings)
    moved = event_data(venue_name="Guildhall")

    await update_event(organiser, event.id, moved, settings)

    [link] = links(await one("event-event-updated"))
    page = await home_at(client, link)
    assert "Guildhall" in page.text


async def test_reminder_email_links_to_home(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings)
    code = (await Registration.get(event_id=event.id)).check_in_code

    await send_due_reminders(settings, event.starts_at.replace(hour=0))

    [link] = links(await one("event-delegate-reminder"))
    page = await home_at(client, link)
    assert link != f"http://testserver/i/{token}"  # a fresh link, as every email has
    assert code in page.text


async def test_event_cancelled_email_links_to_home_that_says_so(client, organiser, event, settings):
    await registered(organiser, event, settings)

    await cancel_event(organiser, event.id, settings)

    [link] = links(await one("event-event-cancelled"))
    page = await home_at(client, link)
    assert "This event has been cancelled." in page.text
