"""The demo summit: invite-only, at St Mary's Stadium, with invitees in every state."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from convenor.demo import load_demo as load_all_demo
from convenor.models import User
from events.demo import TITLE, load_demo
from events.models import Event, EventStatus, Invitation, Registration, Visibility
from events.overview import dashboard


async def test_demo_summit_has_invitees_in_every_state(app, settings):
    await load_all_demo(settings)

    event = await Event.get(title=TITLE)
    organiser = await User.get(email="organiser@example.org")
    board = await dashboard(organiser, event.id)

    assert (event.visibility, event.status) == (Visibility.INVITE_ONLY, EventStatus.PUBLISHED)
    assert (event.venue_name, event.venue_postcode) == ("St Mary's Stadium", "SO14 5FP")
    assert [o.email for o in await event.organisers.all()] == ["organiser@example.org"]
    assert (board.invited, board.registered, board.waitlisted) == (19, 12, 2)
    assert (board.declined, board.cancelled, board.awaiting_reply, board.attended) == (2, 1, 2, 2)
    assert board.capacity_left == 0


async def test_demo_summit_waitlisted_delegate_was_promoted_after_cancellation(app, settings):
    await load_all_demo(settings)

    promoted = await Registration.get(name="Femi Bakare")

    assert promoted.status == "registered"
    assert promoted.waitlisted_at is not None


async def test_demo_summit_loads_once(app, settings):
    await load_all_demo(settings)
    await load_demo(settings)

    assert await Event.filter(title=TITLE).count() == 1
    assert await Invitation.all().count() == 19


async def test_demo_summit_starts_at_half_past_nine_in_london(app, settings):
    await load_all_demo(settings)

    event = await Event.get(title=TITLE)

    assert event.starts_at.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M") == "09:30"


async def test_demo_summit_is_on_a_tuesday(app, settings):
    await load_all_demo(settings)

    event = await Event.get(title=TITLE)

    assert event.starts_at.astimezone(ZoneInfo("Europe/London")).strftime("%A") == "Tuesday"
