"""Check-in by code or name, once, with a warning on the second time."""

from __future__ import annotations

import asyncio

import pytest

from convenor.errors import Conflict, NotFound
from convenor.models import Role
from events.checkin import check_in, check_in_by_code, find_delegates, undo_check_in
from events.models import Registration
from events.registration import cancel_registration
from tests.conftest import make_staff

from .factories import registered


async def test_check_in_by_code_records_the_time(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)

    result = await check_in_by_code(organiser, event.id, registration.check_in_code)

    assert result.first_time is True
    assert result.registration.checked_in_at is not None


async def test_check_in_code_typed_by_a_scanner_in_lower_case_with_spaces(
    organiser, event, settings
):
    registration, _ = await registered(organiser, event, settings)
    code = registration.check_in_code
    typed = f" {code[:3].lower()} {code[3:].lower()}\n"

    result = await check_in_by_code(organiser, event.id, typed)

    assert result.registration.id == registration.id


async def test_second_check_in_warns_and_keeps_the_first_time(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    first = await check_in(organiser, event.id, registration.id)

    second = await check_in(organiser, event.id, registration.id)

    assert second.first_time is False
    assert second.registration.checked_in_at == first.registration.checked_in_at


async def test_two_desks_checking_in_at_once_see_one_first_time(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)

    results = await asyncio.gather(
        *(check_in(organiser, event.id, registration.id) for _ in range(2))
    )

    assert sorted(r.first_time for r in results) == [False, True]


async def test_unknown_code_is_not_found(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    with pytest.raises(NotFound):
        await check_in_by_code(organiser, event.id, "ZZZZZZ")
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    control = await check_in_by_code(organiser, event.id, registration.check_in_code)
    assert control.registration.id == registration.id


async def test_cancelled_delegate_cannot_check_in(organiser, event, settings):
    registration, token = await registered(organiser, event, settings)
    await cancel_registration(token, settings)

    with pytest.raises(Conflict):
        await check_in(organiser, event.id, registration.id)
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    still_coming, _ = await registered(organiser, event, settings, 2)
    assert (await check_in(organiser, event.id, still_coming.id)).first_time is True


async def test_find_delegates_by_part_of_a_name(organiser, event, settings):
    ann, _ = await registered(organiser, event, settings, 1, "Ann Lee")
    await registered(organiser, event, settings, 2, "Bob Jones")

    found = await find_delegates(organiser, event.id, "lee")

    assert [r.id for r in found] == [ann.id]


async def test_find_delegates_by_code(organiser, event, settings):
    await registered(organiser, event, settings, 1, "Ann Lee")
    bob, _ = await registered(organiser, event, settings, 2, "Bob Jones")

    found = await find_delegates(organiser, event.id, bob.check_in_code.lower())

    assert [r.id for r in found] == [bob.id]


async def test_check_in_at_another_organisers_event_is_not_found(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    stranger = await make_staff(Role.ORGANISER)

    with pytest.raises(NotFound):
        await check_in(stranger, event.id, registration.id)
    with pytest.raises(NotFound):
        await find_delegates(stranger, event.id, "Ann")
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    assert (await check_in(organiser, event.id, registration.id)).first_time is True
    assert [r.id for r in await find_delegates(organiser, event.id, "Delegate")] == [
        registration.id
    ]


async def test_undo_check_in_clears_the_time(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    await check_in(organiser, event.id, registration.id)

    undone = await undo_check_in(organiser, event.id, registration.id)

    assert undone.checked_in_at is None
