"""Demo programme for the founding example: the Serious Violence Delivery Plan Conference.

Runs after the events demo (which creates the event); does nothing when that event is
missing or already has a programme. Everything goes through the services: rooms,
speakers from the partner agencies, sessions, a few workshop sign-ups, then version 1
is published, so delegates' "programme published" emails sit in the outbox. People
are invented; their addresses use example.org.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from convenor.auth import issue_link
from convenor.errors import Conflict
from convenor.models import User
from convenor.settings import Settings
from events.access import INVITATION_LINK
from events.models import Event, Registration, RegistrationStatus
from programmes.agenda import add_to_agenda, sign_up
from programmes.data import RoomData, SessionData, SessionSpeakerData, SpeakerData
from programmes.drafts import add_room, add_session, set_session_speakers
from programmes.models import Session
from programmes.publishing import publish_programme
from programmes.speakers import SPEAKER_LINK, add_speaker, confirm_speaker

TITLE = "Serious Violence Delivery Plan Conference"
ORGANISER = "organiser@example.org"

ROOMS = [
    ("Itchen Suite", 150, "Level 2, step-free by lift from the Itchen Stand; hearing loop."),
    ("Solent Room", 30, "Level 2, next to the Itchen Suite; step-free."),
    ("Northam Room", 25, "Level 1, step-free; quiet room next door."),
]

# key, honorific, name, job title, organisation, bio, status
SPEAKERS = [
    ("chief", "Chief Constable", "Rachel Whitmore", "Chief Constable",
     "Hampshire & Isle of Wight Constabulary",
     "Rachel has led the force since 2024 and chairs the county's serious violence board.",
     "confirmed"),
    ("leader", "Cllr", "Daniel Fitzgerald", "Leader of the Council", "Southampton City Council",
     "Daniel has represented Bevois ward since 2016 and became Leader in 2025.", "confirmed"),
    ("vru", "Dr", "Amara Osei", "Director",
     "Hampshire and Isle of Wight Violence Reduction Unit",
     "Amara is a public health consultant who has led the Violence Reduction Unit since it "
     "began, bringing data from hospitals, schools and police together.", "confirmed"),
    ("supt", "Superintendent", "Mark Tan", "District Commander, Southampton",
     "Hampshire & Isle of Wight Constabulary",
     "Mark leads neighbourhood policing in the city.", "confirmed"),
    ("health", "", "Claire Dobson", "Director of Public Health", "Southampton City Council",
     "Claire leads the city's public health team.", "confirmed"),
    ("fire", "Group Manager", "Liam Hart", "Head of Prevention",
     "Hampshire & Isle of Wight Fire and Rescue Service",
     "Liam runs the service's youth engagement and prevention work.", "invited"),
    ("probation", "", "Siobhan Kelly", "Head of Probation Delivery Unit",
     "Probation Service, Southampton",
     "Siobhan has twenty years' experience of working with young adults on probation.",
     "confirmed"),
    ("boxing", "", "Amina Hassan", "Head Coach", "Bevois Valley Boxing Academy",
     "Amina runs free evening sessions for young people in Bevois Valley and St Mary's.",
     "confirmed"),
    ("pastors", "Rev.", "John Adeyemi", "Team Leader", "Portswood Street Pastors",
     "John coordinates the volunteers who are out in Portswood every Friday and Saturday.",
     "confirmed"),
    ("safety", "", "Tom Hughes", "Community Safety Manager", "Southampton City Council",
     "Tom coordinates the community safety partnership and wrote the draft plan.", "confirmed"),
]  # fmt: skip

# title, kind, start minutes after 9:30, length, room, track, speakers, extra
SESSIONS = [
    ("Arrival, coffee and networking", "networking", 0, 30, 0, "", [], {}),
    ("Welcome from the Chief Constable and the Leader of the Council", "plenary", 30, 20, 0, "",
     [("chief", "speaker"), ("leader", "speaker")], {}),
    ("Keynote: what serious violence means in Southampton", "keynote", 50, 40, 0, "",
     [("vru", "speaker")],
     {"description": "What the data from hospitals, schools and police tell us about where "
      "and when serious violence happens in the city, and who it affects.\n\n"
      "**The draft delivery plan** responds to these findings."}),
    ("Break", "break", 90, 15, None, "", [], {}),
    ("Panel: prevention is everyone's business", "panel", 105, 60, 0, "Partnership",
     [("supt", "chair"), ("health", "panellist"), ("fire", "panellist"),
      ("probation", "panellist"), ("boxing", "panellist")], {}),
    ("Lunch and networking", "networking", 165, 45, None, "", [], {}),
    ("Workshop: the draft delivery plan - have your say", "workshop", 210, 75, 1, "The plan",
     [("safety", "facilitator"), ("vru", "facilitator")],
     {"places": 25, "description": "Work through the plan's priorities in small groups. "
      "What is missing? What would make the biggest difference in your area?"}),
    ("Workshop: identifying unknown community activity and networks", "workshop", 210, 75, 2,
     "Community networks", [("pastors", "facilitator"), ("boxing", "facilitator")],
     {"places": 20, "description": "Which groups, clubs, faith communities and informal "
      "networks are already working with young people? Help us map them; what you tell us "
      "goes into the community directory, with the groups' agreement."}),
    ("Break", "break", 285, 15, None, "", [], {}),
    ("Operational briefing: the current picture", "other", 300, 45, 0, "",
     [("supt", "speaker")],
     {"not_for_publication": True,
      "description": "Held under the Chatham House rule for registered delegates only."}),
    ("Close and next steps", "plenary", 345, 25, 0, "",
     [("leader", "speaker"), ("vru", "speaker")], {}),
]  # fmt: skip


async def load_demo(settings: Settings) -> None:
    """Build and publish the demo programme once. Side effects: rows, outbox, links."""
    organiser = await User.get_or_none(email=ORGANISER)
    event = await Event.filter(title=TITLE).first()
    if organiser is None or event is None or await Session.filter(event_id=event.id).exists():
        return
    rooms = [
        await add_room(
            organiser, event.id, RoomData(name=name, capacity=capacity, access_notes=notes)
        )
        for name, capacity, notes in ROOMS
    ]
    speakers = {}
    for key, honorific, name, job, organisation, bio, status in SPEAKERS:
        email = f"{name.split()[0].lower()}.{name.split()[-1].lower()}@speakers.example.org"
        speaker = await add_speaker(
            organiser,
            event.id,
            SpeakerData(
                honorific=honorific,
                name=name,
                job_title=job,
                organisation=organisation,
                bio=bio,
                email=email,
            ),
        )
        if status == "confirmed":
            await confirm_speaker(await issue_link(SPEAKER_LINK, speaker.link_subject))
        speakers[key] = speaker
    start = event.starts_at
    workshops = []
    for title, kind, offset, length, room, track, people, extra in SESSIONS:
        session = await add_session(
            organiser,
            event.id,
            SessionData(
                title=title,
                kind=kind,
                starts_at=_at(start, offset),
                ends_at=_at(start, offset + length),
                room_id=rooms[room].id if room is not None else None,
                track=track,
                **extra,
            ),
        )
        if people:
            await set_session_speakers(
                organiser,
                event.id,
                session.id,
                [SessionSpeakerData(speakers[key].id, role) for key, role in people],
            )
        if kind == "workshop":
            workshops.append(session)
    await publish_programme(organiser, event.id, settings)
    await _sign_up_some(event, workshops)


def _at(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


async def _sign_up_some(event: Event, workshops: list[Session]) -> None:
    registrations = await Registration.filter(
        event_id=event.id, status=RegistrationStatus.REGISTERED
    ).order_by("id")
    for number, registration in enumerate(registrations):
        token = await issue_link(
            INVITATION_LINK,
            f"invitation:{registration.invitation_id}",  # type: ignore[attr-defined]
        )
        try:
            await sign_up(token, workshops[number % len(workshops)].id)
        except Conflict:
            continue
        if number % 2 == 0:
            keynote = await Session.filter(event_id=event.id, kind="keynote").first()
            if keynote is not None:
                await add_to_agenda(token, keynote.id)
