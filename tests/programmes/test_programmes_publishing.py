"""Publishing versions: snapshots, changelogs, SEQUENCE, and delegates' change emails."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from convenor.auth import issue_link
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.models import OutboxMessage
from convenor.models import Role
from programmes.agenda import add_to_agenda
from programmes.data import RoomData, SessionSpeakerData
from programmes.drafts import (
    add_session,
    cancel_session,
    set_session_speakers,
    update_room,
    update_session,
)
from programmes.models import ProgrammeVersion, Session
from programmes.publishing import publish_programme, versions_for
from programmes.speakers import update_speaker_profile
from tests.conftest import make_staff
from tests.programmes.factories import registered, session_data


def vevents(message: OutboxMessage) -> list:
    return [c for c in Calendar.from_ical(message.calendar_ics).walk("VEVENT")]


async def test_publish_first_version_numbers_sessions_from_zero(
    programme, event, organiser, settings
):
    view = await publish_programme(organiser, event.id, settings)

    assert view.number == 1
    assert [(s.title, s.sequence) for s in view.sessions] == [
        ("Welcome", 0),
        ("What serious violence means here", 0),
        ("Workshop: the draft plan", 0),
        ("Closed briefing", 0),
    ]
    assert view.changelog == []


async def test_publish_snapshot_has_no_speaker_emails(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)

    version = await ProgrammeVersion.get(event_id=event.id, number=1)
    assert "chief@police.example.org" not in repr(version.snapshot)
    assert "li@vru.example.org" not in repr(version.snapshot)
    assert "Zoë Ł. Dąbrowska" in repr(version.snapshot)  # control: the speakers are there


async def test_publish_without_sessions_is_invalid(event, organiser, settings):
    with pytest.raises(Invalid) as caught:
        await publish_programme(organiser, event.id, settings)

    assert caught.value.fields == {"sessions": "Add at least one session before publishing"}
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    await add_session(organiser, event.id, session_data("Welcome", 0, 0.5))
    assert (await publish_programme(organiser, event.id, settings)).number == 1  # control


async def test_publish_unchanged_draft_is_a_conflict(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)

    with pytest.raises(Conflict):
        await publish_programme(organiser, event.id, settings)

    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1
    await cancel_session(organiser, event.id, programme["sessions"][0].id)
    assert (await publish_programme(organiser, event.id, settings)).number == 2  # control


async def test_publish_by_another_organiser_is_not_found(programme, event, organiser, settings):
    other = await make_staff(Role.ORGANISER)

    with pytest.raises(NotFound):
        await publish_programme(other, event.id, settings)

    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    assert await OutboxMessage.all().count() == 0
    assert (await publish_programme(organiser, event.id, settings)).number == 1  # control


async def test_publish_moved_session_raises_only_its_sequence(
    programme, event, organiser, settings
):
    first = await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data(
            "What serious violence means here",
            1,
            2,
            kind="keynote",
            room_id=programme["rooms"][0].id,
        ),
    )

    second = await publish_programme(organiser, event.id, settings)

    assert {s.title: s.sequence for s in second.sessions} == {
        "Welcome": 0,
        "What serious violence means here": 1,
        "Workshop: the draft plan": 0,
        "Closed briefing": 0,
    }
    unchanged = [s for s in second.sessions if s.id != keynote.id]
    assert [s.stamp for s in unchanged] == [s.stamp for s in first.sessions if s.id != keynote.id]
    assert (await Session.get(id=keynote.id)).calendar_sequence == 1


async def test_publish_changelog_names_retimed_and_moved(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data(
            "What serious violence means here",
            1,
            2,
            kind="keynote",
            room_id=programme["rooms"][1].id,
        ),
    )

    view = await publish_programme(organiser, event.id, settings)

    assert view.changelog == [
        {
            "session_id": keynote.id,
            "uid": keynote.calendar_uid,
            "title": "What serious violence means here",
            "kinds": ["retimed", "moved"],
            "lines": [
                "What serious violence means here is now Wednesday 9 June 2027, 10:30am to "
                "11:30am (was Wednesday 9 June 2027, 10:00am to 11:00am).",
                "What serious violence means here has moved to Itchen Suite (was Main Hall).",
            ],
            "not_for_publication": False,
        }
    ]


async def test_publish_after_renaming_a_room_changes_its_sessions_only(
    programme, event, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    hall = programme["rooms"][0]
    in_hall = await Session.filter(room_id=hall.id, cancelled_at__isnull=True).order_by("starts_at")
    assert [s.title for s in in_hall] == ["Welcome", "What serious violence means here"]

    await update_room(organiser, event.id, hall.id, RoomData(name="Mayflower Hall"))
    view = await publish_programme(organiser, event.id, settings)

    assert [(item["title"], item["kinds"], item["lines"]) for item in view.changelog] == [
        (
            session.title,
            ["moved"],
            [f"{session.title}: the room is now called Mayflower Hall (was Main Hall)."],
        )
        for session in in_hall
    ]
    assert {s.title: s.sequence for s in view.sessions} == {
        s.title: (1 if s.id in {x.id for x in in_hall} else 0) for s in view.sessions
    }


async def test_publish_changelog_names_new_cancelled_and_speakers(
    programme, event, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    welcome, _, workshop, _ = programme["sessions"]
    leader = programme["speakers"][1]
    await cancel_session(organiser, event.id, workshop.id)
    await add_session(organiser, event.id, session_data("Close", 6, 7))
    await set_session_speakers(organiser, event.id, welcome.id, [SessionSpeakerData(leader.id)])

    view = await publish_programme(organiser, event.id, settings)

    assert [(item["title"], item["kinds"]) for item in view.changelog] == [
        ("Welcome", ["speakers"]),
        ("Close", ["new"]),
        ("Workshop: the draft plan", ["cancelled"]),
    ]
    assert view.changelog[0]["lines"] == [
        "Welcome: speakers are now Cllr Ахмед Петров "
        "(were Chief Constable Zoë Ł. Dąbrowska, Cllr Ахмед Петров)."
    ]
    assert [(s.title, s.sequence) for s in view.cancelled] == [("Workshop: the draft plan", 1)]


async def test_publish_first_version_emails_every_registered_delegate_once(
    programme, event, organiser, settings
):
    await registered(organiser, event, 1, settings)
    await registered(organiser, event, 2, settings)

    await publish_programme(organiser, event.id, settings)

    sent = await OutboxMessage.filter(category="programme-published").order_by("to_address")
    assert [(m.to_address, m.calendar_method) for m in sent] == [
        ("delegate1@partner.example.org", None),
        ("delegate2@partner.example.org", None),
    ]


async def test_publish_moved_session_sends_request_to_delegate_with_it_in_agenda(
    programme, event, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    await registered(organiser, event, 2, settings)
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await add_to_agenda(token, keynote.id)
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data("What serious violence means here", 1, 2, kind="keynote"),
    )

    await publish_programme(organiser, event.id, settings)

    # delegate2's agenda holds nothing that changed: they are not emailed (issue 16).
    sent = await OutboxMessage.filter(category="programme-changed").order_by("to_address")
    assert [(m.to_address, m.calendar_method) for m in sent] == [
        ("delegate1@partner.example.org", "REQUEST"),
    ]
    (vevent,) = vevents(sent[0])
    assert (str(vevent["UID"]), int(vevent["SEQUENCE"])) == (keynote.calendar_uid, 1)
    assert str(vevent["ATTENDEE"]) == "mailto:delegate1@partner.example.org"
    assert sent[0].subject == f"Programme update for {event.title}: your agenda has changed"
    assert "is now Wednesday 9 June 2027, 10:30am to 11:30am" in sent[0].text_body


async def test_publish_cancelled_session_sends_cancel_to_delegate_with_it_in_agenda(
    programme, event, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await add_to_agenda(token, keynote.id)
    await cancel_session(organiser, event.id, keynote.id)

    await publish_programme(organiser, event.id, settings)

    (message,) = await OutboxMessage.filter(category="programme-changed")
    calendar = Calendar.from_ical(message.calendar_ics)
    (vevent,) = calendar.walk("VEVENT")
    assert (message.calendar_method, str(calendar["METHOD"])) == ("CANCEL", "CANCEL")
    assert (str(vevent["STATUS"]), int(vevent["SEQUENCE"])) == ("CANCELLED", 1)


async def test_publish_two_changes_in_agenda_send_one_publish_calendar(
    programme, event, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    await publish_programme(organiser, event.id, settings)
    welcome, keynote = programme["sessions"][:2]
    await add_to_agenda(token, welcome.id)
    await add_to_agenda(token, keynote.id)
    await cancel_session(organiser, event.id, welcome.id)
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data("What serious violence means here", 1, 2, kind="keynote"),
    )

    await publish_programme(organiser, event.id, settings)

    (message,) = await OutboxMessage.filter(category="programme-changed")
    assert message.calendar_method == "PUBLISH"
    assert sorted(
        (str(v["UID"]), str(v["STATUS"]), int(v["SEQUENCE"])) for v in vevents(message)
    ) == sorted([(welcome.calendar_uid, "CANCELLED", 1), (keynote.calendar_uid, "CONFIRMED", 1)])


async def test_publish_only_bio_change_sends_no_email(programme, event, organiser, settings):
    await registered(organiser, event, 1, settings)
    await publish_programme(organiser, event.id, settings)
    token = await issue_link("speaker", programme["speakers"][0].link_subject)
    await update_speaker_profile(token, "Chief Constable", "A new biography.")

    view = await publish_programme(organiser, event.id, settings)

    assert view.number == 2
    assert await OutboxMessage.filter(category="programme-changed").count() == 0


async def test_versions_for_lists_newest_first(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    await add_session(organiser, event.id, session_data("Close", 6, 7))
    await publish_programme(organiser, event.id, settings)

    versions = await versions_for(organiser, event.id)

    assert [v.number for v in versions] == [2, 1]


async def test_publish_change_email_escapes_titles_in_html(programme, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    await publish_programme(organiser, event.id, settings)
    welcome = programme["sessions"][0]
    await add_to_agenda(token, welcome.id)
    await update_session(
        organiser, event.id, welcome.id, session_data("<script>alert(1)</script>", 0, 0.5)
    )

    await publish_programme(organiser, event.id, settings)

    (message,) = await OutboxMessage.filter(category="programme-changed")
    assert "<script>" not in message.html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html_body
