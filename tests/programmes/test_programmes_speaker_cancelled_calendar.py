"""A speaker's calendar downloads once the event is cancelled: every session CANCELLED
with a SEQUENCE above the one published, as the delegate's downloads say (issue 16).
Read back with vobject."""

from __future__ import annotations

import vobject

from events.service import cancel_event
from programmes.publishing import publish_programme
from tests.programmes.factories import speaker_token


def only_event(text: str):
    [vevent] = vobject.readOne(text).vevent_list
    return vevent


async def test_speaker_sessions_file_of_a_live_event_is_confirmed(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    token = await speaker_token(programme["speakers"][2])

    vevent = only_event((await client.get(f"/speaker/{token}/sessions.ics")).text)

    assert (vevent.status.value, int(vevent.sequence.value)) == ("CONFIRMED", 0)


async def test_speaker_sessions_file_of_a_cancelled_event_is_cancelled(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    token = await speaker_token(programme["speakers"][2])
    await cancel_event(organiser, event.id, settings)

    response = await client.get(f"/speaker/{token}/sessions.ics")

    assert response.status_code == 200
    vevent = only_event(response.text)
    assert vevent.uid.value == programme["sessions"][1].calendar_uid
    assert (vevent.status.value, int(vevent.sequence.value)) == ("CANCELLED", 1)


async def test_speaker_session_file_of_a_live_event_is_confirmed(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    token = await speaker_token(programme["speakers"][2])
    keynote = programme["sessions"][1]

    url = f"/speaker/{token}/programme/sessions/{keynote.id}.ics"
    vevent = only_event((await client.get(url)).text)

    assert (vevent.status.value, int(vevent.sequence.value)) == ("CONFIRMED", 0)


async def test_speaker_session_file_of_a_cancelled_event_is_cancelled(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    token = await speaker_token(programme["speakers"][2])
    keynote = programme["sessions"][1]
    await cancel_event(organiser, event.id, settings)

    response = await client.get(f"/speaker/{token}/programme/sessions/{keynote.id}.ics")

    assert response.status_code == 200
    vevent = only_event(response.text)
    assert vevent.uid.value == keynote.calendar_uid
    assert (vevent.status.value, int(vevent.sequence.value)) == ("CANCELLED", 1)
