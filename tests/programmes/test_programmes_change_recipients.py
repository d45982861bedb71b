"""Who is told when a new version is published (issue 16): only the delegates whose
agenda or workshop places changed, and the speakers of the sessions that changed, each
through their own link with calendar updates (read back with vobject)."""

from __future__ import annotations

from datetime import UTC, datetime

import vobject

from convenor.mail.models import OutboxMessage
from programmes.agenda import add_to_agenda, sign_up
from programmes.data import SessionSpeakerData
from programmes.drafts import cancel_session, set_session_speakers, update_session
from programmes.publishing import publish_programme
from programmes.speakers import SPEAKER_LINK

from .factories import registered, session_data

VRU = "li@vru.example.org"  # Dr 李伟 speaks in the keynote


async def move_keynote(organiser, event, programme) -> None:
    """The keynote moves an hour later (10:30am to 11:30am London), same room."""
    keynote = programme["sessions"][1]
    main = programme["rooms"][0]
    await update_session(
        organiser,
        event.id,
        keynote.id,
        session_data("What serious violence means here", 1, 2, kind="keynote", room_id=main.id),
    )


def calendar(message: OutboxMessage):
    return vobject.readOne(message.calendar_ics)


async def test_unaffected_delegate_gets_no_change_email(event, programme, organiser, settings):
    _, mine = await registered(organiser, event, 1, settings)
    _, other = await registered(organiser, event, 2, settings)
    await publish_programme(organiser, event.id, settings)
    await add_to_agenda(mine, programme["sessions"][1].id)
    await add_to_agenda(other, programme["sessions"][0].id)  # the welcome does not move
    await move_keynote(organiser, event, programme)

    await publish_programme(organiser, event.id, settings)

    sent = await OutboxMessage.filter(category="programme-changed")
    assert [m.to_address for m in sent] == ["delegate1@partner.example.org"]


async def test_delegate_with_an_empty_agenda_gets_no_change_email(
    event, programme, organiser, settings
):
    await registered(organiser, event, 1, settings)
    _, control = await registered(organiser, event, 2, settings)
    await publish_programme(organiser, event.id, settings)
    await add_to_agenda(control, programme["sessions"][1].id)  # the keynote, which moves
    await move_keynote(organiser, event, programme)

    await publish_programme(organiser, event.id, settings)

    sent = await OutboxMessage.filter(category="programme-changed")
    assert [m.to_address for m in sent] == ["delegate2@partner.example.org"]


async def test_first_version_still_reaches_every_registered_delegate(
    event, programme, organiser, settings
):
    await registered(organiser, event, 1, settings)
    await registered(organiser, event, 2, settings)

    await publish_programme(organiser, event.id, settings)

    assert await OutboxMessage.filter(category="programme-published").count() == 2


async def test_delegate_holding_a_place_in_a_cancelled_workshop_is_told(
    event, programme, organiser, settings
):
    _, holder = await registered(organiser, event, 1, settings)
    await registered(organiser, event, 2, settings)
    await publish_programme(organiser, event.id, settings)
    workshop = programme["sessions"][2]
    await sign_up(holder, workshop.id)
    await cancel_session(organiser, event.id, workshop.id)

    await publish_programme(organiser, event.id, settings)

    (message,) = await OutboxMessage.filter(category="programme-changed")
    assert (message.to_address, message.calendar_method) == (
        "delegate1@partner.example.org",
        "CANCEL",
    )


async def test_speaker_of_a_moved_session_gets_one_email_with_the_new_time(
    event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await move_keynote(organiser, event, programme)

    await publish_programme(organiser, event.id, settings)

    (message,) = await OutboxMessage.filter(category="programme-speaker-changed")
    assert message.to_address == VRU
    assert message.subject == f"Your sessions at {event.title} have changed"
    assert f"{settings.base_url}/speaker/" in message.text_body
    assert "is now Wednesday 9 June 2027, 10:30am to 11:30am" in message.text_body
    parsed = calendar(message)
    assert (message.calendar_method, parsed.method.value) == ("REQUEST", "REQUEST")
    assert parsed.vevent.uid.value == keynote.calendar_uid
    assert int(parsed.vevent.sequence.value) == 1
    assert parsed.vevent.dtstart.value.astimezone(UTC) == datetime(2027, 6, 9, 9, 30, tzinfo=UTC)
    assert parsed.vevent.attendee.value == f"mailto:{VRU}"


async def test_speakers_link_in_the_change_email_opens_their_page(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    await move_keynote(organiser, event, programme)
    await publish_programme(organiser, event.id, settings)
    (message,) = await OutboxMessage.filter(category="programme-speaker-changed")
    link = next(w for w in message.text_body.split() if "/speaker/" in w)

    page = await client.get(link.removeprefix(settings.base_url))

    assert page.status_code == 200
    assert message.related == f"speaker:{programme['speakers'][2].id}"
    assert SPEAKER_LINK == "speaker"


async def test_speakers_of_unchanged_sessions_get_nothing(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    await move_keynote(organiser, event, programme)

    await publish_programme(organiser, event.id, settings)

    sent = await OutboxMessage.filter(category="programme-speaker-changed")
    assert [m.to_address for m in sent] == [VRU]  # not the welcome's two speakers


async def test_speaker_of_a_cancelled_session_gets_a_cancel(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    await cancel_session(organiser, event.id, keynote.id)

    await publish_programme(organiser, event.id, settings)

    (message,) = await OutboxMessage.filter(category="programme-speaker-changed")
    parsed = calendar(message)
    assert (message.to_address, parsed.method.value) == (VRU, "CANCEL")
    assert (parsed.vevent.uid.value, parsed.vevent.status.value) == (
        keynote.calendar_uid,
        "CANCELLED",
    )


async def test_speaker_taken_off_a_session_gets_a_cancel_for_it(
    event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    keynote = programme["sessions"][1]
    chief = programme["speakers"][0]
    await set_session_speakers(organiser, event.id, keynote.id, [SessionSpeakerData(chief.id)])

    await publish_programme(organiser, event.id, settings)

    sent = {
        m.to_address: m for m in await OutboxMessage.filter(category="programme-speaker-changed")
    }
    assert sorted(sent) == ["chief@police.example.org", VRU]
    assert calendar(sent[VRU]).method.value == "CANCEL"
    assert calendar(sent["chief@police.example.org"]).method.value == "REQUEST"
