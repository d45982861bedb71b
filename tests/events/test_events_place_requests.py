"""Asking for a place at a public or unlisted event: the service rules and the pages."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest

from convenor.errors import Conflict, Invalid, NotFound, RateLimited
from directory.models import PublicAttempt
from events.data import InviteeData
from events.invitations import revoke_invitation, send_invitations
from events.models import Event, Invitation, InvitationStatus, Registration, Visibility
from events.place_requests import ask_for_a_place, public_events
from events.registration import register
from events.service import create_event, publish_event
from tests.conftest import csrf_token

from .factories import answers, event_data, invite, outbox, published_event

ASKER = InviteeData(
    name="Priya Shah",
    email="Priya.Shah@youthclub.example.org",
    organisation="Portswood Youth Club",
    job_title="Youth worker",
)
LINK = re.compile(r"http://testserver/i/(\S+)")


async def ask(event: Event, settings, data: InviteeData = ASKER, address="192.0.2.1", **kw):
    return await ask_for_a_place(str(event.uuid), data, settings, address, **kw)


# The service


async def test_asking_for_a_place_makes_a_requested_invitation(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    await ask(event, settings)

    invitation = await Invitation.get(event=event)
    assert (invitation.name, invitation.email, invitation.organisation, invitation.status) == (
        "Priya Shah",
        "priya.shah@youthclub.example.org",
        "Portswood Youth Club",
        InvitationStatus.INVITED,
    )
    assert invitation.requested_at is not None
    assert invitation.sent_at == invitation.requested_at


async def test_asking_for_a_place_emails_a_link_that_registers(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.UNLISTED.value)

    await ask(event, settings)
    [message] = await outbox("event-place-link")
    token = LINK.search(message.text_body).group(1)
    result = await register(token, answers("Priya Shah"), settings)

    assert (message.to_address, message.subject) == (
        "priya.shah@youthclub.example.org",
        "Your link to register: Serious Violence Delivery Plan Conference",
    )
    assert result.outcome == "registered"
    assert await Registration.filter(event=event).count() == 1


async def test_asking_for_a_place_at_an_invite_only_event_is_not_found(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.INVITE_ONLY.value)

    with pytest.raises(NotFound):
        await ask(event, settings)

    assert await Invitation.all().count() == 0
    public = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    await ask(public, settings)  # control: the same request at a public event
    assert await Invitation.filter(event_id=public.id).count() == 1


async def test_asking_for_a_place_at_a_draft_event_is_not_found(organiser, settings):
    draft = await create_event(organiser, event_data(visibility=Visibility.PUBLIC.value))

    with pytest.raises(NotFound):
        await ask(draft, settings)
    assert await Invitation.all().count() == 0
    await publish_event(organiser, draft.id)
    await ask(draft, settings)
    assert await Invitation.filter(event_id=draft.id).count() == 1


async def test_asking_for_a_place_after_registration_closed_saves_nothing(organiser, settings):
    closed = datetime.now(UTC) - timedelta(hours=1)
    event = await published_event(
        organiser, visibility=Visibility.PUBLIC.value, registration_closes_at=closed
    )

    with pytest.raises(Conflict):
        await ask(event, settings)

    assert (await Invitation.all().count(), await outbox()) == (0, [])
    await Event.filter(id=event.id).update(registration_closes_at=None)
    await ask(event, settings)  # control: open again, the same request is taken
    assert await Invitation.all().count() == 1


async def test_asking_for_a_place_with_bad_fields_says_which_and_saves_nothing(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    with pytest.raises(Invalid) as raised:
        await ask(event, settings, InviteeData(name=" ", email="priya@", organisation="X"))

    assert raised.value.fields == {
        "name": "Enter your name",
        "email": "Enter an email address in the form name@example.org",
    }
    assert (await Invitation.all().count(), await outbox()) == (0, [])
    await ask(event, settings, InviteeData(name="Priya", email="priya@example.org"))
    assert await Invitation.all().count() == 1


async def test_asking_for_a_place_already_invited_sends_the_link_without_a_second_invitation(
    organiser, settings
):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    invited = await invite(organiser, event, email="priya.shah@youthclub.example.org")

    await ask(event, settings)

    [invitation] = await Invitation.filter(event=event)
    [message] = await outbox("event-place-link")
    assert invitation.id == invited.id
    assert invitation.name == "Delegate 1"  # the organiser's record is kept
    assert invitation.requested_at is None
    assert invitation.sent_at is not None
    assert message.to_address == "priya.shah@youthclub.example.org"


async def test_asking_for_a_place_when_revoked_sends_nothing(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    invited = await invite(organiser, event, email="priya.shah@youthclub.example.org")
    await revoke_invitation(organiser, event.id, invited.id, settings)
    emails_before = len(await outbox())

    await ask(event, settings)

    assert (await Invitation.get(id=invited.id)).status == InvitationStatus.REVOKED
    assert len(await outbox()) == emails_before
    assert await outbox("event-place-link") == []


async def test_asking_twice_within_a_minute_sends_one_email(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    await ask(event, settings)
    await ask(event, settings)

    assert len(await outbox("event-place-link")) == 1


async def test_asking_again_later_sends_a_fresh_link(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    await ask(event, settings)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    await Invitation.filter(event=event).update(sent_at=an_hour_ago)

    await ask(event, settings)

    first, second = await outbox("event-place-link")
    assert LINK.search(first.text_body).group(1) != LINK.search(second.text_body).group(1)
    assert await Invitation.filter(event=event).count() == 1


async def test_five_requests_at_once_make_one_invitation_and_one_email(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    results = await asyncio.gather(
        *(ask(event, settings, address=f"192.0.2.{n}") for n in range(5)),
        return_exceptions=True,
    )

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert await Invitation.filter(event=event).count() == 1
    assert len(await outbox("event-place-link")) == 1


async def test_filled_honeypot_saves_nothing_and_sends_nothing(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    await ask(event, settings, honeypot="Bot McBotface")

    assert (await Invitation.all().count(), await outbox()) == (0, [])


async def test_sixth_request_in_an_hour_from_one_address_is_refused(organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    for n in range(5):
        await ask(event, settings, InviteeData(name=f"P {n}", email=f"p{n}@example.org"))

    with pytest.raises(RateLimited):
        await ask(event, settings, InviteeData(name="P 6", email="p6@example.org"))

    assert await Invitation.filter(event=event).count() == 5
    assert await PublicAttempt.filter(action="place").count() == 5


async def test_public_events_lists_only_published_public_events_to_come(organiser):
    later = await published_event(organiser, visibility=Visibility.PUBLIC.value, title="Later")
    sooner_start = event_data().starts_at - timedelta(days=30)
    sooner = await published_event(
        organiser,
        visibility=Visibility.PUBLIC.value,
        title="Sooner",
        starts_at=sooner_start,
        ends_at=sooner_start + timedelta(hours=6),
    )
    await published_event(organiser, visibility=Visibility.UNLISTED.value, title="Unlisted")
    await published_event(organiser, visibility=Visibility.INVITE_ONLY.value, title="Invite-only")
    await create_event(organiser, event_data(title="Draft", visibility=Visibility.PUBLIC.value))
    past = await published_event(organiser, visibility=Visibility.PUBLIC.value, title="Past")
    await Event.filter(id=past.id).update(
        starts_at=datetime(2020, 1, 1, 9, tzinfo=UTC), ends_at=datetime(2020, 1, 1, 17, tzinfo=UTC)
    )

    listed = await public_events()

    assert [e.id for e in listed] == [sooner.id, later.id]


# The pages


async def post_ask(client, event: Event, data: dict):
    token = await csrf_token(client, f"/events/{event.uuid}")
    return await client.post(f"/events/{event.uuid}/ask", data={**data, "csrf_token": token})


FORM = {"name": "Priya Shah", "email": "priya@youthclub.example.org", "organisation": "PYC"}


async def test_public_event_page_offers_a_place(client, organiser):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    page = await client.get(f"/events/{event.uuid}")

    assert page.status_code == 200
    assert f'action="/events/{event.uuid}/ask"' in page.text
    assert "Email me a link to register" in page.text


async def test_event_page_with_registration_closed_says_so_without_a_form(client, organiser):
    closed = datetime.now(UTC) - timedelta(hours=1)
    event = await published_event(
        organiser, visibility=Visibility.PUBLIC.value, registration_closes_at=closed
    )

    page = await client.get(f"/events/{event.uuid}")

    assert "Registration for this event is not open." in page.text
    assert f'action="/events/{event.uuid}/ask"' not in page.text


async def test_invite_only_event_page_offers_no_place_even_to_its_organiser(
    staff_client, organiser
):
    event = await published_event(organiser, visibility=Visibility.INVITE_ONLY.value)

    page = await staff_client.get(f"/events/{event.uuid}")

    assert page.status_code == 200
    assert "Ask for a place" not in page.text


async def test_asking_from_the_page_redirects_to_check_your_email(client, organiser):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    response = await post_ask(client, event, FORM)
    shown = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert response.headers["location"] == f"/events/{event.uuid}/asked"
    assert "<h1>Check your email</h1>" in shown.text
    assert (await Invitation.get(event=event)).email == "priya@youthclub.example.org"


async def test_asking_from_the_page_with_a_bad_email_keeps_what_was_typed(client, organiser):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    response = await post_ask(client, event, {**FORM, "email": "priya@@example"})

    assert response.status_code == 400
    assert 'id="email-error"' in response.text
    assert "Enter an email address in the form name@example.org" in response.text
    assert 'value="priya@@example"' in response.text
    assert 'value="Priya Shah"' in response.text
    assert await Invitation.all().count() == 0
    control = await post_ask(client, event, FORM)
    assert control.status_code == 303
    assert await Invitation.all().count() == 1


async def test_asking_at_an_invite_only_event_page_is_404(client, organiser):
    event = await published_event(organiser, visibility=Visibility.INVITE_ONLY.value)
    token = await csrf_token(client)

    response = await client.post(f"/events/{event.uuid}/ask", data={**FORM, "csrf_token": token})

    assert response.status_code == 404
    assert await Invitation.all().count() == 0
    public = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    assert (await post_ask(client, public, FORM)).status_code == 303  # control
    assert await Invitation.all().count() == 1


async def test_asking_after_registration_closed_shows_the_page_with_409(client, organiser):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    token = await csrf_token(client, f"/events/{event.uuid}")
    closed = datetime.now(UTC) - timedelta(minutes=5)
    await Event.filter(id=event.id).update(registration_closes_at=closed)

    response = await client.post(f"/events/{event.uuid}/ask", data={**FORM, "csrf_token": token})

    assert response.status_code == 409
    assert "Registration for this event is not open." in response.text
    assert await Invitation.all().count() == 0
    await Event.filter(id=event.id).update(registration_closes_at=None)
    assert (await post_ask(client, event, FORM)).status_code == 303  # control: open again
    assert await Invitation.all().count() == 1


async def test_public_event_list_page_links_public_events(client, organiser):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    await published_event(
        organiser, visibility=Visibility.UNLISTED.value, title="Quiet unlisted meeting"
    )

    page = await client.get("/events")

    assert page.status_code == 200
    assert f'href="/events/{event.uuid}"' in page.text
    assert "Quiet unlisted meeting" not in page.text


async def test_invitation_page_after_asking_thanks_instead_of_inviting(client, organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    await ask(event, settings)
    [message] = await outbox("event-place-link")

    page = await client.get(f"/i/{LINK.search(message.text_body).group(1)}")

    assert "thank you for asking for a place" in page.text
    assert "not open to the public" not in page.text


async def test_invitation_email_says_not_open_to_the_public_only_when_invite_only(
    organiser, settings
):
    closed_event = await published_event(organiser, visibility=Visibility.INVITE_ONLY.value)
    public_event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    await invite(organiser, closed_event, 1)
    await invite(organiser, public_event, 2)

    await send_invitations(organiser, closed_event.id, settings)
    await send_invitations(organiser, public_event.id, settings)

    closed_mail, public_mail = await outbox("event-invitation")
    assert "the event is not open to the public" in closed_mail.text_body
    assert "not open to the public" not in public_mail.text_body


async def test_organiser_sees_who_asked_for_a_place(staff_client, organiser, settings):
    event = await published_event(organiser, visibility=Visibility.PUBLIC.value)
    await ask(event, settings)
    await invite(organiser, event, 1)

    page = await staff_client.get(f"/staff/events/{event.id}/invitees")

    assert page.text.count("Asked for a place") == 1
