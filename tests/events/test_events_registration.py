"""Registering from a personal link, the waitlist, cancelling."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from convenor.errors import Conflict, Invalid, NotFound
from events.data import QuestionData
from events.invitations import revoke_invitation
from events.models import Event, Invitation, InvitationStatus, Registration, RegistrationStatus
from events.questions import add_question
from events.registration import cancel_registration, register
from events.service import cancel_event, create_event, publish_event, update_event

from .factories import answers, event_data, invite, link_for, outbox, published_event


async def test_register_takes_a_seat_and_queues_one_confirmation(organiser, event, settings):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)

    result = await register(token, answers(), settings)

    assert result.outcome == "registered"
    assert result.registration.status == RegistrationStatus.REGISTERED
    assert (await Event.get(id=event.id)).seats_taken == 1
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.REGISTERED
    [mail] = await outbox()
    assert mail.category == "event-registration-confirmed"
    assert mail.to_address == "delegate1@partner.example.org"
    assert mail.reply_to == "events@safercity.example.org"
    assert mail.calendar_method == "REQUEST"
    assert result.registration.check_in_code in mail.text_body


async def test_register_with_a_dead_link_is_not_found(organiser, event, settings):
    with pytest.raises(NotFound):
        await register("not-a-real-token", answers(), settings)
    assert await Registration.all().count() == 0
    live = await link_for(await invite(organiser, event))
    assert (await register(live, answers(), settings)).outcome == "registered"


async def test_register_after_revocation_is_not_found(organiser, event, settings):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)
    await revoke_invitation(organiser, event.id, invitation.id, settings)

    with pytest.raises(NotFound):
        await register(token, answers(), settings)
    assert await Registration.all().count() == 0
    kept = await link_for(await invite(organiser, event, 2))  # an invitation not revoked
    assert (await register(kept, answers(), settings)).outcome == "registered"


async def test_register_on_a_draft_event_is_refused(organiser, settings):
    draft = await create_event(organiser, event_data())
    token = await link_for(await invite(organiser, draft))

    with pytest.raises(Conflict):
        await register(token, answers(), settings)
    assert await Registration.all().count() == 0
    await publish_event(organiser, draft.id)
    assert (await register(token, answers(), settings)).outcome == "registered"


async def test_register_without_a_name_is_invalid_and_saves_nothing(organiser, event, settings):
    token = await link_for(await invite(organiser, event))

    with pytest.raises(Invalid) as caught:
        await register(token, answers(name="  "), settings)

    assert caught.value.fields == {"name": "Enter your name"}
    assert await Registration.all().count() == 0
    assert (await Event.get(id=event.id)).seats_taken == 0
    assert await outbox() == []
    assert (await register(token, answers(), settings)).outcome == "registered"


async def test_register_twice_gives_one_registration_and_one_email(organiser, event, settings):
    token = await link_for(await invite(organiser, event))

    first = await register(token, answers(), settings)
    second = await register(token, answers(name="Someone Else"), settings)

    assert second.outcome == "unchanged"
    assert second.registration.id == first.registration.id
    assert second.registration.name == "Ann Lee"
    assert await Registration.all().count() == 1
    assert len(await outbox()) == 1


async def test_five_concurrent_submissions_give_one_registration_and_one_email(
    organiser, event, settings
):
    token = await link_for(await invite(organiser, event))

    results = await asyncio.gather(*(register(token, answers(), settings) for _ in range(5)))

    assert sorted(r.outcome for r in results) == ["registered"] + ["unchanged"] * 4
    assert len({r.registration.id for r in results}) == 1
    assert await Registration.all().count() == 1
    assert len(await outbox("event-registration-confirmed")) == 1
    assert (await Event.get(id=event.id)).seats_taken == 1


async def test_register_when_full_joins_the_waitlist(organiser, settings):

    small = await publish_event(
        organiser, (await create_event(organiser, event_data(capacity=1))).id
    )
    await register(await link_for(await invite(organiser, small, 1)), answers(), settings)

    result = await register(await link_for(await invite(organiser, small, 2)), answers(), settings)

    assert result.outcome == "waitlisted"
    assert result.registration.waitlisted_at is not None
    assert (await Event.get(id=small.id)).seats_taken == 1
    [mail] = await outbox("event-waitlisted")
    assert mail.calendar_method is None


async def test_cancel_frees_the_seat_and_sends_method_cancel(organiser, event, settings):
    token = await link_for(await invite(organiser, event))
    await register(token, answers(), settings)

    registration = await cancel_registration(token, settings)

    assert registration.status == RegistrationStatus.CANCELLED
    assert (await Event.get(id=event.id)).seats_taken == 0
    [mail] = await outbox("event-registration-cancelled")
    assert mail.calendar_method == "CANCEL"
    assert "STATUS:CANCELLED" in mail.calendar_ics


async def test_register_again_after_cancelling_reuses_the_registration(organiser, event, settings):
    token = await link_for(await invite(organiser, event))
    first = await register(token, answers(), settings)
    await cancel_registration(token, settings)

    again = await register(token, answers(), settings)

    assert again.outcome == "registered"
    assert again.registration.id == first.registration.id
    assert again.registration.check_in_code == first.registration.check_in_code
    assert (await Event.get(id=event.id)).seats_taken == 1


async def test_required_question_must_be_answered(organiser, event, settings):
    question = await add_question(
        organiser,
        event.id,
        QuestionData(kind="yes_no", label="Will you stay for lunch?", required=True),
    )
    token = await link_for(await invite(organiser, event))

    with pytest.raises(Invalid) as caught:
        await register(token, answers(), settings)

    assert caught.value.fields == {f"question_{question.id}": "Answer this question"}
    assert await Registration.all().count() == 0
    answered = answers(answers={str(question.id): "yes"})
    assert (await register(token, answered, settings)).outcome == "registered"


async def test_answers_are_kept_by_question_id(organiser, event, settings):
    lunch = await add_question(
        organiser, event.id, QuestionData(kind="yes_no", label="Lunch?", required=True)
    )
    workshop = await add_question(
        organiser,
        event.id,
        QuestionData(kind="choice", label="Workshop", choices="Youth work\nPolicing\n"),
    )
    token = await link_for(await invite(organiser, event))

    result = await register(
        token, answers(answers={str(lunch.id): "Yes", str(workshop.id): "Policing"}), settings
    )

    assert result.registration.answers == {str(lunch.id): "yes", str(workshop.id): "Policing"}


async def test_choice_answer_outside_the_options_is_invalid(organiser, event, settings):
    workshop = await add_question(
        organiser, event.id, QuestionData(kind="choice", label="Workshop", choices="A\nB")
    )
    token = await link_for(await invite(organiser, event))

    with pytest.raises(Invalid) as caught:
        await register(token, replace(answers(), answers={str(workshop.id): "C"}), settings)

    assert caught.value.fields == {f"question_{workshop.id}": "Choose one of the options"}
    assert await Registration.all().count() == 0
    chosen = replace(answers(), answers={str(workshop.id): "B"})
    assert (await register(token, chosen, settings)).outcome == "registered"


async def test_register_after_registration_closes_is_refused(organiser, settings):
    closed = await create_event(
        organiser,
        event_data(registration_closes_at=datetime.now(UTC) - timedelta(minutes=1)),
    )
    await publish_event(organiser, closed.id)
    token = await link_for(await invite(organiser, closed))

    with pytest.raises(Conflict):
        await register(token, answers(), settings)
    assert await Registration.all().count() == 0
    reopened = datetime.now(UTC) + timedelta(days=1)
    await Event.filter(id=closed.id).update(registration_closes_at=reopened)
    assert (await register(token, answers(), settings)).outcome == "registered"


async def test_raising_capacity_promotes_the_waitlist_in_order(organiser, settings):
    event = await published_event(organiser, capacity=1)
    for number in range(3):
        await register(await link_for(await invite(organiser, event, number)), answers(), settings)

    await update_event(organiser, event.id, event_data(capacity=2), settings)

    statuses = (
        await Registration.filter(event=event).order_by("id").values_list("status", flat=True)
    )
    assert statuses == ["registered", "registered", "waitlisted"]
    assert (await Event.get(id=event.id)).seats_taken == 2
    assert len(await outbox("event-promoted")) == 1


async def test_lowering_capacity_below_registrations_is_invalid(organiser, event, settings):
    for number in range(2):
        await register(await link_for(await invite(organiser, event, number)), answers(), settings)

    with pytest.raises(Invalid) as caught:
        await update_event(organiser, event.id, event_data(capacity=1), settings)

    assert caught.value.fields == {
        "capacity": "2 delegates are registered already; the capacity cannot be lower"
    }
    assert (await Event.get(id=event.id)).capacity == 50
    await update_event(organiser, event.id, event_data(capacity=2), settings)
    assert (await Event.get(id=event.id)).capacity == 2


async def test_waitlisted_delegate_cancelling_frees_no_seat(organiser, settings):
    event = await published_event(organiser, capacity=1)
    await register(await link_for(await invite(organiser, event, 1)), answers(), settings)
    token = await link_for(await invite(organiser, event, 2))
    await register(token, answers(), settings)

    await cancel_registration(token, settings)

    assert (await Event.get(id=event.id)).seats_taken == 1
    [mail] = await outbox("event-registration-cancelled")
    assert mail.calendar_method is None
    assert "place on the waiting list" in mail.text_body


async def test_waitlisted_delegate_gets_a_plain_email_when_the_event_is_cancelled(
    organiser, settings
):
    event = await published_event(organiser, capacity=1)
    await register(await link_for(await invite(organiser, event, 1)), answers(), settings)
    await register(await link_for(await invite(organiser, event, 2)), answers(), settings)

    await cancel_event(organiser, event.id, settings)

    mails = {m.to_address: m.calendar_method for m in await outbox("event-event-cancelled")}
    assert mails == {
        "delegate1@partner.example.org": "CANCEL",
        "delegate2@partner.example.org": None,
    }


async def test_script_in_a_name_is_inert_in_the_html_email(organiser, event, settings):
    token = await link_for(await invite(organiser, event))

    await register(token, answers("<script>alert(1)</script>"), settings)

    [mail] = await outbox("event-registration-confirmed")
    assert "<script>" not in mail.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html_body
