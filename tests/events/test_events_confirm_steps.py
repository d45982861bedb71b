"""Issue 16: irreversible actions ask first, on a second page that needs no JavaScript.

An unconfirmed POST answers with the confirmation page and changes nothing (no
status, no email); the same POST with confirm=yes acts (the positive control).
"""

from __future__ import annotations

from convenor.mail.models import OutboxMessage
from events.invitations import send_invitations
from events.models import (
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationStatus,
)
from events.service import cancel_event
from tests.conftest import csrf_token

from .factories import invite, published_event, registered


async def staff_post(client, path: str, data: dict):
    token = await csrf_token(client, "/staff/events")
    return await client.post(path, data={**data, "csrf_token": token})


async def delegate_post(client, token: str, path: str, data: dict):
    form_token = await csrf_token(client, f"/i/{token}")
    return await client.post(f"/i/{token}{path}", data={**data, "csrf_token": form_token})


async def three_to_tell(organiser, event, settings):
    """Two registered delegates and one invitee who was sent an invitation; one invitee
    never emailed (not told)."""
    await registered(organiser, event, settings, 1)
    await registered(organiser, event, settings, 2)
    sent = await invite(organiser, event, 3)
    await send_invitations(organiser, event.id, settings, [sent.id])
    await invite(organiser, event, 4)


async def test_cancel_event_unconfirmed_shows_the_real_count_and_changes_nothing(
    staff_client, organiser, event, settings
):
    await three_to_tell(organiser, event, settings)
    before = await OutboxMessage.all().count()

    response = await staff_post(
        staff_client, f"/staff/events/{event.id}/cancel", {"message": "Sorry"}
    )

    assert response.status_code == 200
    assert "This emails 3 people." in response.text
    assert "Yes, cancel the event and email 3 people" in response.text
    assert ">Sorry</textarea>" in response.text
    assert (await Event.get(id=event.id)).status == EventStatus.PUBLISHED
    assert await OutboxMessage.all().count() == before


async def test_cancel_event_confirmed_emails_as_many_people_as_the_page_said(
    staff_client, organiser, event, settings
):
    await three_to_tell(organiser, event, settings)

    response = await staff_post(
        staff_client, f"/staff/events/{event.id}/cancel", {"message": "Sorry", "confirm": "yes"}
    )

    assert response.status_code == 303
    assert (await Event.get(id=event.id)).status == EventStatus.CANCELLED
    told = await OutboxMessage.filter(category="event-event-cancelled").values_list(
        "to_address", flat=True
    )
    assert sorted(told) == [
        "delegate1@partner.example.org",
        "delegate2@partner.example.org",
        "delegate3@partner.example.org",
    ]


async def test_dashboard_cancel_button_leads_to_the_confirmation(staff_client, event):
    page = await staff_client.get(f"/staff/events/{event.id}")

    assert f'action="/staff/events/{event.id}/cancel"' in page.text
    assert 'name="confirm"' not in page.text


async def test_revoke_unconfirmed_lists_the_ticked_and_changes_nothing(
    staff_client, organiser, event, settings
):
    first = (await registered(organiser, event, settings, 1)).registration.invitation_id
    second = await invite(organiser, event, 2)
    before = await OutboxMessage.all().count()

    response = await staff_post(
        staff_client,
        f"/staff/events/{event.id}/invitees/action",
        {"action": "revoke", "invitation": [str(first), str(second.id)]},
    )

    assert response.status_code == 200
    assert "Revoke 2 invitations?" in response.text
    assert "This emails 1 person." in response.text
    assert "<td>Delegate 1</td>" in response.text and "<td>Delegate 2</td>" in response.text
    assert f'<input type="hidden" name="invitation" value="{second.id}">' in response.text
    assert (await Invitation.get(id=first)).status == InvitationStatus.REGISTERED
    assert (await Invitation.get(id=second.id)).status == InvitationStatus.INVITED
    assert await OutboxMessage.all().count() == before


async def test_revoke_confirmed_revokes_the_ticked(staff_client, organiser, event, settings):
    first = (await registered(organiser, event, settings, 1)).registration.invitation_id
    second = await invite(organiser, event, 2)

    response = await staff_post(
        staff_client,
        f"/staff/events/{event.id}/invitees/action",
        {"action": "revoke", "invitation": [str(first), str(second.id)], "confirm": "yes"},
    )

    assert response.status_code == 303
    assert response.headers["location"].endswith("invitees?done=revoked&count=2")
    assert (await Invitation.get(id=first)).status == InvitationStatus.REVOKED
    assert (await Invitation.get(id=second.id)).status == InvitationStatus.REVOKED
    assert await OutboxMessage.filter(category="event-place-withdrawn").count() == 1


async def test_delegate_cancel_unconfirmed_asks_and_changes_nothing(
    client, organiser, event, settings
):
    registration, token = await registered(organiser, event, settings, 1)
    before = await OutboxMessage.all().count()

    response = await delegate_post(client, token, "/cancel", {})

    assert response.status_code == 200
    assert "<h1>Cancel your place?</h1>" in response.text
    assert "Yes, cancel my place" in response.text
    registration = await Registration.get(id=registration.id)
    assert registration.status == RegistrationStatus.REGISTERED
    assert (await Event.get(id=event.id)).seats_taken == 1
    assert await OutboxMessage.all().count() == before


async def test_delegate_cancel_page_is_reachable_by_get(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings, 1)

    response = await client.get(f"/i/{token}/cancel")

    assert response.status_code == 200
    assert f'<form method="post" action="/i/{token}/cancel">' in response.text
    assert '<input type="hidden" name="confirm" value="yes">' in response.text


async def test_delegate_cancel_confirmed_cancels(client, organiser, event, settings):
    registration, token = await registered(organiser, event, settings, 1)

    response = await delegate_post(client, token, "/cancel", {"confirm": "yes"})

    assert response.status_code == 303
    registration = await Registration.get(id=registration.id)
    assert registration.status == RegistrationStatus.CANCELLED


async def test_waitlisted_home_of_a_cancelled_event_says_so(app, client, organiser, settings):
    event = await published_event(organiser, capacity=1)
    await registered(organiser, event, settings, 1)
    registration, token = await registered(organiser, event, settings, 2)
    assert (await Registration.get(id=registration.id)).status == "waitlisted"
    waiting = await client.get(f"/i/{token}")
    assert "You are on the waitlist" in waiting.text  # positive control

    await cancel_event(organiser, event.id, settings)

    page = await client.get(f"/i/{token}")
    assert "This event has been cancelled." in page.text
    assert "You are on the waitlist" not in page.text
    assert "check-in-code.svg" not in page.text
