"""Calendar feeds and downloads: public feed, session .ics, agenda feed, DST, vobject."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
import vobject
from icalendar import Calendar

from convenor.mail.models import OutboxMessage
from events.service import create_event, publish_event
from programmes.agenda import add_to_agenda, agenda_feed_link, agenda_for_feed
from programmes.data import RoomData
from programmes.drafts import add_room, add_session, update_session
from programmes.feeds import agenda_feed, not_modified, programme_feed, session_ics
from programmes.models import ProgrammeVersion
from programmes.publishing import publish_programme
from programmes.view import published_programme, view_from_snapshot
from tests.events.factories import event_data
from tests.programmes.factories import registered, session_data

BASE = "https://convenor.example.org"


def vevent_blocks(body: bytes) -> dict[str, str]:
    """Each VEVENT's text, by UID."""
    text = body.decode()
    blocks = {}
    for chunk in text.split("BEGIN:VEVENT")[1:]:
        block = chunk.split("END:VEVENT")[0]
        uid = next(line for line in block.splitlines() if line.startswith("UID:"))[4:]
        blocks[uid] = block
    return blocks


@pytest.fixture
async def view(programme, event, organiser, settings):
    return await publish_programme(organiser, event.id, settings)


async def test_programme_feed_leaves_out_not_for_publication_sessions(view):
    feed = programme_feed(view, BASE)

    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.body).walk("VEVENT")]
    assert summaries == [
        "Welcome",
        "What serious violence means here",
        "Workshop: the draft plan",
    ]


async def test_programme_feed_has_no_method_organizer_or_attendee(view):
    body = programme_feed(view, BASE).body.decode()

    for name in ("METHOD", "ORGANIZER", "ATTENDEE"):
        assert f"\r\n{name}" not in body
    assert "\r\nBEGIN:VEVENT\r\n" in body and "\r\nSUMMARY:Welcome\r\n" in body  # control


async def test_programme_feed_same_version_gives_same_bytes(view, event):
    version = await ProgrammeVersion.get(event_id=event.id, number=1)
    fresh = view_from_snapshot(
        version.id, version.number, version.published_at, version.snapshot, version.changelog
    )

    assert programme_feed(fresh, BASE) == programme_feed(view, BASE)


async def test_programme_feed_parses_in_vobject_with_local_times(view):
    parsed = vobject.readOne(programme_feed(view, BASE).body.decode())

    starts = [(e.summary.value, e.dtstart.value.strftime("%H:%M %Z")) for e in parsed.vevent_list]
    assert starts == [
        ("Welcome", "09:30 BST"),
        ("What serious violence means here", "10:00 BST"),
        ("Workshop: the draft plan", "11:30 BST"),
    ]


async def test_programme_feed_describes_speakers_room_and_url(view, programme):
    # The feed's entries link to the session's public page, which a public or unlisted
    # event has (an invite-only one's entries have no URL: its public page is not found).
    shown = dataclasses.replace(view, event={**view.event, "visibility": "unlisted"}, outputs={})
    welcome = Calendar.from_ical(programme_feed(shown, BASE).body).walk("VEVENT")[0]
    hidden = Calendar.from_ical(programme_feed(view, BASE).body).walk("VEVENT")[0]

    assert view.event["visibility"] == "invite_only"
    assert "URL" not in hidden
    assert str(hidden["DESCRIPTION"]) == str(welcome["DESCRIPTION"])

    assert str(welcome["DESCRIPTION"]) == (
        "Speaker: Chief Constable Zoë Ł. Dąbrowska, Chief Constable, "
        "Hampshire & Isle of Wight Constabulary\n"
        "Speaker: Cllr Ахмед Петров, Leader, Southampton City Council"
    )
    assert str(welcome["LOCATION"]).startswith("Main Hall, St Mary's Stadium")
    assert str(welcome["URL"]) == (
        f"{BASE}/events/{view.event['uuid']}/programme/sessions/{programme['sessions'][0].id}"
    )


async def test_republish_with_one_moved_session_changes_only_that_session(
    view, programme, event, organiser, settings
):
    before = programme_feed(view, BASE)
    keynote = programme["sessions"][1]
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data("What serious violence means here", 1, 2, kind="keynote"),
    )

    after = programme_feed(await publish_programme(organiser, event.id, settings), BASE)

    old, new = vevent_blocks(before.body), vevent_blocks(after.body)
    assert {uid for uid in old if old[uid] != new[uid]} == {keynote.calendar_uid}
    assert "SEQUENCE:0" in old[keynote.calendar_uid]
    assert "SEQUENCE:1" in new[keynote.calendar_uid]
    assert before.etag != after.etag


async def test_not_modified_matches_the_feed_etag(view):
    feed = programme_feed(view, BASE)

    assert not_modified(feed, feed.etag)
    assert not_modified(feed, f'"other", W/{feed.etag}')
    assert not not_modified(feed, '"other"')
    assert not not_modified(feed, None)


async def test_session_ics_of_not_for_publication_session_is_none_publicly(view, programme):
    briefing = programme["sessions"][3]

    assert session_ics(view, briefing.id, BASE) is None
    assert session_ics(view, briefing.id, BASE, public=False) is not None


async def test_session_ics_is_a_publish_with_the_stable_uid(view, programme):
    welcome = programme["sessions"][0]

    calendar = Calendar.from_ical(session_ics(view, welcome.id, BASE))

    (vevent,) = calendar.walk("VEVENT")
    assert (str(calendar["METHOD"]), str(vevent["UID"])) == ("PUBLISH", welcome.calendar_uid)


async def test_agenda_feed_includes_the_delegates_not_for_publication_session(
    view, programme, event, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    await add_to_agenda(token, programme["sessions"][3].id)
    url = await agenda_feed_link(token, settings)
    agenda = await agenda_for_feed(url.rsplit("/", 1)[1].removesuffix(".ics"))

    feed = agenda_feed(agenda.view, agenda.sessions, BASE)

    parsed = vobject.readOne(feed.body.decode())
    assert [e.summary.value for e in parsed.vevent_list] == ["Closed briefing"]
    assert "Delegate 1" not in feed.body.decode()


async def test_published_programme_reads_the_latest_version(view, event):
    published = await published_programme(event.id)

    assert (published.view is view, published.visibility) == (True, "invite_only")


async def test_change_email_invite_parses_in_vobject(view, programme, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    keynote = programme["sessions"][1]
    await add_to_agenda(token, keynote.id)
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data("What serious violence means here", 1, 2, kind="keynote"),
    )
    await publish_programme(organiser, event.id, settings)

    (message,) = await OutboxMessage.filter(category="programme-changed")
    parsed = vobject.readOne(message.calendar_ics)
    vevent = parsed.vevent
    assert (parsed.method.value, vevent.uid.value, vevent.sequence.value) == (
        "REQUEST",
        keynote.calendar_uid,
        "1",
    )
    assert vevent.dtstart.value.astimezone(UTC) == datetime(2027, 6, 9, 9, 30, tzinfo=UTC)


async def test_feed_times_are_right_across_the_clocks_going_back(app, organiser, settings):
    # Saturday 24 to Sunday 25 October 2026: British Summer Time ends at 2am on the 25th.
    event = await create_event(
        organiser,
        event_data(
            starts_at=datetime(2026, 10, 24, 8, 0, tzinfo=UTC),  # 9am BST
            ends_at=datetime(2026, 10, 25, 17, 0, tzinfo=UTC),  # 5pm GMT
        ),
    )
    await publish_event(organiser, event.id)
    room = await add_room(organiser, event.id, RoomData(name="Hall"))
    saturday = session_data("Saturday talk", 0, 1, room_id=room.id)
    saturday.starts_at = datetime(2026, 10, 24, 9, 0, tzinfo=UTC)  # 10am BST
    saturday.ends_at = datetime(2026, 10, 24, 10, 0, tzinfo=UTC)
    sunday = session_data("Sunday talk", 0, 1, room_id=room.id)
    sunday.starts_at = datetime(2026, 10, 25, 10, 0, tzinfo=UTC)  # 10am GMT
    sunday.ends_at = datetime(2026, 10, 25, 11, 0, tzinfo=UTC)
    await add_session(organiser, event.id, saturday)
    await add_session(organiser, event.id, sunday)

    view = await publish_programme(organiser, event.id, settings)

    body = programme_feed(view, BASE).body.decode()
    parsed = vobject.readOne(body)
    local = [e.dtstart.value.strftime("%d %H:%M %Z") for e in parsed.vevent_list]
    utc = [e.dtstart.value.astimezone(UTC).strftime("%d %H:%M") for e in parsed.vevent_list]
    assert local == ["24 10:00 BST", "25 10:00 GMT"]
    assert utc == ["24 09:00", "25 10:00"]
    assert "DTSTART;TZID=Europe/London:20261024T100000" in body
    assert "DTSTART;TZID=Europe/London:20261025T100000" in body
