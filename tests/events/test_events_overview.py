"""The organiser's dashboard, delegate list and needs summary."""

from __future__ import annotations

import pytest

from convenor.errors import NotFound
from convenor.models import Role
from events.checkin import check_in
from events.data import NominationData
from events.delegates import nominate
from events.invitations import decline
from events.overview import (
    dashboard,
    delegate_list,
    entries_found_at,
    invitation_list,
    needs_summary,
)
from events.registration import register
from tests.conftest import make_staff

from .factories import answers, invite, link_for


async def test_dashboard_counts_by_status_and_organisation(organiser, event, settings):
    ann = await invite(organiser, event, 1, organisation="Hampshire Constabulary")
    await invite(organiser, event, 2, organisation="Hampshire Constabulary")
    bob = await invite(organiser, event, 3, organisation="Southampton City Council")
    result = await register(await link_for(ann), answers(), settings)
    await check_in(organiser, event.id, result.registration.id)
    await decline(await link_for(bob), "Away")

    board = await dashboard(organiser, event.id)

    assert (board.invited, board.awaiting_reply, board.registered, board.declined) == (3, 1, 1, 1)
    assert (board.attended, board.capacity_left) == (1, 49)
    assert [
        (o.organisation, o.invited, o.registered, o.attended) for o in board.by_organisation
    ] == [
        ("Hampshire Constabulary", 2, 1, 1),
        ("Southampton City Council", 1, 0, 0),
    ]


async def test_delegate_list_searches_names(organiser, event, settings):
    await register(await link_for(await invite(organiser, event, 1)), answers("Ann Lee"), settings)
    await register(
        await link_for(await invite(organiser, event, 2)), answers("Bob Jones"), settings
    )

    found = await delegate_list(organiser, event.id, search="jones")

    assert [r.name for r in found] == ["Bob Jones"]


async def test_invitation_list_shows_decline_reasons(organiser, event):
    invitation = await invite(organiser, event)
    await decline(await link_for(invitation), "Court date")

    [row] = await invitation_list(organiser, event.id, status="declined")

    assert row.decline_reason == "Court date"


async def test_needs_summary_lists_registered_delegates_answers(organiser, event, settings):
    await register(
        await link_for(await invite(organiser, event)),
        answers("Ann Lee", dietary="Vegan", access_needs="Step-free"),
        settings,
    )

    summary = await needs_summary(organiser, event.id)

    assert summary.dietary == [("Ann Lee", "Vegan")]
    assert summary.access_needs == [("Ann Lee", "Step-free")]


@pytest.mark.parametrize(
    "view", [dashboard, delegate_list, invitation_list, needs_summary, entries_found_at]
)
async def test_another_organiser_gets_not_found(organiser, event, view):
    stranger = await make_staff(Role.ORGANISER)

    with pytest.raises(NotFound):
        await view(stranger, event.id)
    assert await view(organiser, event.id) is not None  # control: the event's own organiser


async def test_entries_found_at_the_event_include_organisations_and_nominations(
    organiser, event, settings
):
    token = await link_for(await invite(organiser, event))
    await register(token, answers(organisation="Bitterne Boxing"), settings)
    await nominate(token, NominationData(name="Weston Mums Network"))

    found = await entries_found_at(organiser, event.id)

    assert [e.name for e in found] == ["Bitterne Boxing", "Weston Mums Network"]


async def test_delegate_list_search_longer_than_a_code_finds_names(organiser, event, settings):
    for number in (1, 2):
        invitation = await invite(organiser, event, number)
        await register(await link_for(invitation), answers(f"Delegate {number}"), settings)

    found = await delegate_list(organiser, event.id, search="Delegate 2")

    assert [r.name for r in found] == ["Delegate 2"]


async def test_delegate_list_search_by_code_ignores_case_and_spaces(organiser, event, settings):
    invitation = await invite(organiser, event)
    result = await register(await link_for(invitation), answers(), settings)
    code = result.registration.check_in_code

    found = await delegate_list(organiser, event.id, search=f" {code[:3].lower()} {code[3:]}")

    assert [r.id for r in found] == [result.registration.id]
