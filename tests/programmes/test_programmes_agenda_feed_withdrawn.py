"""Issue 16: a delegate's agenda feed once their place is cancelled or revoked, and the
downloads a delegate can still take once the event is cancelled.

The secret agenda feed keeps answering (until the event's links expire: 410) with every
session of the agenda STATUS:CANCELLED and a SEQUENCE above the one it served before,
no METHOD and no ATTENDEE, so a subscribed calendar strikes the sessions out. Another
delegate's feed is untouched. Everything is read back with vobject.
"""

from __future__ import annotations

import pytest

from events.invitations import revoke_invitation
from events.registration import cancel_registration
from events.service import cancel_event
from programmes.agenda import add_to_agenda, agenda_feed_link
from programmes.publishing import publish_programme
from tests.convenor.calendar_samples import parse
from tests.events.factories import ended_days_ago

from .factories import registered


@pytest.fixture
async def published(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


async def delegate_with_agenda(organiser, event, published, settings, number: int = 1):
    """A registered delegate with the welcome and the keynote in their agenda and a feed;
    returns (invitation, token, feed path)."""
    invitation, token = await registered(organiser, event, number, settings)
    for session in published["sessions"][:2]:
        await add_to_agenda(token, session.id)
    url = await agenda_feed_link(token, settings)
    return invitation, token, url.removeprefix(settings.base_url)


def statuses(body: bytes) -> list[tuple[str, str, str]]:
    calendar = parse(body)
    return [(v.summary.value, v.status.value, v.sequence.value) for v in calendar.vevent_list]


CONFIRMED = [
    ("Welcome", "CONFIRMED", "0"),
    ("What serious violence means here", "CONFIRMED", "0"),
]
CANCELLED = [
    ("Welcome", "CANCELLED", "1"),
    ("What serious violence means here", "CANCELLED", "1"),
]


async def test_agenda_feed_after_the_delegate_cancels_marks_every_session_cancelled(
    client, event, published, organiser, settings
):
    _, token, path = await delegate_with_agenda(organiser, event, published, settings)
    before = await client.get(path)

    await cancel_registration(token, settings)

    after = await client.get(path)
    assert (before.status_code, after.status_code) == (200, 200)
    assert statuses(before.content) == CONFIRMED
    assert statuses(after.content) == CANCELLED
    assert after.headers["etag"] != before.headers["etag"]
    calendar = parse(after.content)
    assert "method" not in calendar.contents
    assert all("attendee" not in v.contents for v in calendar.vevent_list)


async def test_agenda_feed_after_the_invitation_is_revoked_marks_every_session_cancelled(
    client, event, published, organiser, settings
):
    invitation, _, path = await delegate_with_agenda(organiser, event, published, settings)
    before = await client.get(path)

    await revoke_invitation(organiser, event.id, invitation.id, settings)

    after = await client.get(path)
    assert (before.status_code, after.status_code) == (200, 200)
    assert statuses(before.content) == CONFIRMED
    assert statuses(after.content) == CANCELLED
    assert "method" not in parse(after.content).contents


async def test_another_delegates_feed_is_unchanged_when_one_cancels(
    client, event, published, organiser, settings
):
    _, token, _ = await delegate_with_agenda(organiser, event, published, settings, 1)
    _, _, other = await delegate_with_agenda(organiser, event, published, settings, 2)
    before = await client.get(other)

    await cancel_registration(token, settings)

    after = await client.get(other)
    assert after.status_code == 200
    assert after.content == before.content
    assert statuses(after.content) == CONFIRMED


async def test_withdrawn_agenda_feed_answers_until_the_links_expire(
    client, event, published, organiser, settings
):
    _, token, path = await delegate_with_agenda(organiser, event, published, settings)
    await cancel_registration(token, settings)

    await ended_days_ago(event, 29)
    still = await client.get(path)
    await ended_days_ago(event, 31)
    gone = await client.get(path)

    assert still.status_code == 200
    assert statuses(still.content) == CANCELLED
    assert gone.status_code == 410
    assert "BEGIN:VCALENDAR" not in gone.text


async def test_agenda_download_after_the_event_is_cancelled_says_cancelled(
    client, event, published, organiser, settings
):
    _, token, _ = await delegate_with_agenda(organiser, event, published, settings)
    before = await client.get(f"/i/{token}/agenda.ics")

    await cancel_event(organiser, event.id, settings)

    after = await client.get(f"/i/{token}/agenda.ics")
    assert (before.status_code, after.status_code) == (200, 200)
    assert statuses(before.content) == CONFIRMED
    assert statuses(after.content) == CANCELLED
    assert parse(after.content).method.value == "PUBLISH"


async def test_session_download_after_the_event_is_cancelled_says_cancelled(
    client, event, published, organiser, settings
):
    _, token, _ = await delegate_with_agenda(organiser, event, published, settings)
    keynote = published["sessions"][1]
    path = f"/i/{token}/programme/sessions/{keynote.id}.ics"
    before = await client.get(path)

    await cancel_event(organiser, event.id, settings)

    after = await client.get(path)
    assert (before.status_code, after.status_code) == (200, 200)
    assert statuses(before.content) == [CONFIRMED[1]]
    assert statuses(after.content) == [CANCELLED[1]]


async def test_event_download_after_the_event_is_cancelled_says_cancelled(
    client, event, published, organiser, settings
):
    _, token, _ = await delegate_with_agenda(organiser, event, published, settings)
    before = await client.get(f"/i/{token}/event.ics")

    await cancel_event(organiser, event.id, settings)

    after = await client.get(f"/i/{token}/event.ics")
    assert (before.status_code, after.status_code) == (200, 200)
    old, new = parse(before.content).vevent, parse(after.content).vevent
    assert (old.status.value, new.status.value) == ("CONFIRMED", "CANCELLED")
    assert int(new.sequence.value) > int(old.sequence.value)
