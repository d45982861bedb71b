"""Programme fixtures: a published event with rooms, speakers, sessions and delegates.

The plain helpers (times on the day, session data, delegates, speakers) are in
tests/programmes/factories.py."""

from __future__ import annotations

import pytest

from events.models import Event
from events.service import create_event, publish_event
from programmes.data import RoomData, SessionSpeakerData, SpeakerData
from programmes.drafts import add_room, add_session, set_session_speakers
from programmes.speakers import add_speaker
from tests.events.factories import event_data
from tests.programmes.factories import session_data


@pytest.fixture
async def event(app, organiser) -> Event:
    made = await create_event(organiser, event_data())
    return await publish_event(organiser, made.id)


@pytest.fixture
async def programme(event, organiser):
    """Two rooms, three speakers and four sessions (one not for publication)."""
    main = await add_room(organiser, event.id, RoomData(name="Main Hall", capacity=200))
    side = await add_room(organiser, event.id, RoomData(name="Itchen Suite", capacity=30))
    chief = await add_speaker(
        organiser,
        event.id,
        SpeakerData(
            honorific="Chief Constable",
            name="Zoë Ł. Dąbrowska",
            job_title="Chief Constable",
            organisation="Hampshire & Isle of Wight Constabulary",
            bio="Leads the force.",
            email="chief@police.example.org",
        ),
    )
    leader = await add_speaker(
        organiser,
        event.id,
        SpeakerData(
            honorific="Cllr",
            name="Ахмед Петров",
            job_title="Leader",
            organisation="Southampton City Council",
            email="leader@council.example.org",
        ),
    )
    vru = await add_speaker(
        organiser,
        event.id,
        SpeakerData(honorific="Dr", name="李伟", job_title="VRU Lead", email="li@vru.example.org"),
    )
    welcome = await add_session(
        organiser, event.id, session_data("Welcome", 0, 0.5, room_id=main.id)
    )
    keynote = await add_session(
        organiser,
        event.id,
        session_data("What serious violence means here", 0.5, 1.5, kind="keynote", room_id=main.id),
    )
    workshop = await add_session(
        organiser,
        event.id,
        session_data(
            "Workshop: the draft plan",
            2,
            3,
            kind="workshop",
            room_id=side.id,
            places=3,
            track="Plan",
        ),
    )
    briefing = await add_session(
        organiser,
        event.id,
        session_data("Closed briefing", 3, 4, room_id=side.id, not_for_publication=True),
    )
    await set_session_speakers(
        organiser,
        event.id,
        welcome.id,
        [SessionSpeakerData(chief.id, "speaker"), SessionSpeakerData(leader.id, "speaker")],
    )
    await set_session_speakers(
        organiser, event.id, keynote.id, [SessionSpeakerData(vru.id, "speaker")]
    )
    await set_session_speakers(
        organiser, event.id, briefing.id, [SessionSpeakerData(chief.id, "chair")]
    )
    return {
        "rooms": (main, side),
        "speakers": (chief, leader, vru),
        "sessions": (welcome, keynote, workshop, briefing),
    }
