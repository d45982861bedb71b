"""Capacity under load: many delegates registering at once, and the waitlist order."""

from __future__ import annotations

import asyncio

from events.invitations import remind_invitees, send_invitations
from events.models import Event, InvitationStatus, Registration, RegistrationStatus
from events.registration import cancel_registration, register
from events.service import update_event

from .factories import answers, event_data, invited, outbox, published_event


async def full_event(organiser, settings, seats: int, delegates: int):
    event = await published_event(organiser, capacity=seats)
    tokens = {}  # invitation id -> the token in that delegate's email
    for number in range(delegates):
        invitation, token = await invited(organiser, event, number)
        tokens[invitation.id] = token
    return event, tokens


async def test_200_concurrent_registrations_for_50_seats(organiser, settings):
    event, tokens = await full_event(organiser, settings, seats=50, delegates=200)

    results = await asyncio.gather(
        *(register(token, answers(f"Delegate {i}"), settings) for i, token in tokens.items()),
        return_exceptions=True,
    )

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    outcomes = [r.outcome for r in results]
    assert (outcomes.count("registered"), outcomes.count("waitlisted")) == (50, 150)
    assert (await Event.get(id=event.id)).seats_taken == 50
    by_status = Registration.filter(event=event)
    assert await by_status.filter(status=RegistrationStatus.REGISTERED).count() == 50
    assert await by_status.filter(status=RegistrationStatus.WAITLISTED).count() == 150
    assert len(await outbox("event-registration-confirmed")) == 50
    assert len(await outbox("event-waitlisted")) == 150


async def test_one_cancellation_promotes_exactly_the_first_waitlisted(organiser, settings):
    event, tokens = await full_event(organiser, settings, seats=50, delegates=200)
    await asyncio.gather(*(register(t, answers(), settings) for t in tokens.values()))
    waitlist = await Registration.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).order_by("waitlisted_at", "id")
    seated = await Registration.filter(event=event, status=RegistrationStatus.REGISTERED).first()

    await cancel_registration(tokens[seated.invitation_id], settings)

    first = await Registration.get(id=waitlist[0].id).select_related("invitation")
    assert first.status == RegistrationStatus.REGISTERED
    assert first.invitation.status == InvitationStatus.REGISTERED
    still_waiting = await Registration.filter(
        event=event, status=RegistrationStatus.WAITLISTED
    ).values_list("id", flat=True)
    assert sorted(still_waiting) == sorted(r.id for r in waitlist[1:])
    assert (await Event.get(id=event.id)).seats_taken == 50
    [promoted] = await outbox("event-promoted")
    assert promoted.to_address == first.invitation.email
    assert promoted.calendar_method == "REQUEST"


async def test_registrations_cancellations_and_reminders_at_once_keep_seats_true(
    organiser, settings
):
    event, tokens = await full_event(organiser, settings, seats=20, delegates=80)
    await send_invitations(organiser, event.id, settings)
    early = list(tokens.items())[:40]
    for _, token in early:
        await register(token, answers(), settings)
    registered = await Registration.filter(status=RegistrationStatus.REGISTERED).values_list(
        "invitation_id", flat=True
    )
    waitlisted = await Registration.filter(status=RegistrationStatus.WAITLISTED).values_list(
        "invitation_id", flat=True
    )
    newcomers = list(tokens.values())[40:]

    results = await asyncio.gather(
        *(cancel_registration(tokens[i], settings) for i in registered[:10]),
        *(cancel_registration(tokens[i], settings) for i in waitlisted[10:]),
        *(register(token, answers(), settings) for token in newcomers),
        remind_invitees(organiser, event.id, settings),
        update_event(organiser, event.id, event_data(capacity=25), settings),
        return_exceptions=True,
    )

    assert [r for r in results if isinstance(r, BaseException)] == []
    seats = (await Event.get(id=event.id)).seats_taken
    assert seats == await Registration.filter(status=RegistrationStatus.REGISTERED).count()
    assert seats == 25
    assert await Registration.filter(status=RegistrationStatus.WAITLISTED).count() > 0
