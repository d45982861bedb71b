"""Check-in codes: drawn at random, not looked up first, never given twice at an event."""

from __future__ import annotations

import pytest
from tortoise.exceptions import IntegrityError

from events import registration
from events.models import Event, Registration
from events.registration import CODE_ALPHABET, CODE_LENGTH, register

from .factories import answers, invite, link_for, outbox


def test_new_check_in_code_uses_the_unambiguous_alphabet():
    codes = {registration.new_check_in_code() for _ in range(200)}

    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert len(codes) == 200


async def test_register_draws_again_when_the_check_in_code_is_taken(
    organiser, event, settings, monkeypatch
):
    first = await link_for(await invite(organiser, event, 1))
    second = await link_for(await invite(organiser, event, 2))
    codes = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(registration, "new_check_in_code", lambda: next(codes))
    await register(first, answers(), settings)

    result = await register(second, answers("Bo Lee"), settings)

    assert result.outcome == "registered"
    assert result.registration.check_in_code == "BBBBBB"
    assert await Registration.filter(event=event).count() == 2
    assert (await Event.get(id=event.id)).seats_taken == 2
    assert len(await outbox("event-registration-confirmed")) == 2


async def test_register_gives_up_after_three_taken_codes_and_saves_nothing(
    organiser, event, settings, monkeypatch
):
    first = await link_for(await invite(organiser, event, 1))
    second = await link_for(await invite(organiser, event, 2))
    monkeypatch.setattr(registration, "new_check_in_code", lambda: "AAAAAA")
    await register(first, answers(), settings)

    with pytest.raises(IntegrityError):
        await register(second, answers("Bo Lee"), settings)

    assert await Registration.filter(event=event).count() == 1
    assert (await Event.get(id=event.id)).seats_taken == 1
    assert len(await outbox()) == 1
    monkeypatch.setattr(registration, "new_check_in_code", lambda: "BBBBBB")
    assert (await register(second, answers("Bo Lee"), settings)).outcome == "registered"
