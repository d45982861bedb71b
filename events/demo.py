"""Demo summit: the Serious Violence Delivery Plan Conference at St Mary's Stadium,
invite-only, organised by the community safety partnership and assigned to the demo
organiser, with invitees from partner agencies and community groups in every state.

Everything goes through the services, so the demo's invitations and confirmations
sit in the outbox (and the local mailbox) like real ones. People are invented; their
addresses use example.org.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from convenor.auth import issue_link, now
from convenor.models import User
from convenor.settings import Settings
from events.access import INVITATION_LINK
from events.checkin import check_in
from events.data import EventData, InviteeData, QuestionData, RegistrationData
from events.invitations import decline, import_invitees, send_invitations
from events.models import DEFAULT_TIME_ZONE, Event
from events.questions import add_question
from events.registration import cancel_registration, register
from events.service import create_event, publish_event

TITLE = "Serious Violence Delivery Plan Conference"
ORGANISER = "organiser@example.org"
DESCRIPTION = """\
Southampton's community safety partnership invites partners to consult on the draft
**Serious Violence delivery plan**.

- Opening: the Chief Constable and the Leader of the Council
- The Violence Reduction Unit on what the data tell us
- Workshops: youth diversion, exploitation, violence against women and girls
- *Identifying community activity and networks* we do not yet know about

This event is not open to the public.
"""

# name, email, organisation, job title, what they do in the demo
INVITEES = [
    ("Priya Shah", "priya.shah@police.example.org", "Hampshire & Isle of Wight Constabulary",
     "Chief Inspector", "register"),
    ("Tom Hughes", "tom.hughes@council.example.org", "Southampton City Council",
     "Community Safety Manager", "register"),
    ("Grace Okafor", "grace.okafor@nhs.example.org", "NHS Hampshire and Isle of Wight",
     "Public Health Lead", "register"),
    ("Mark Ellis", "mark.ellis@fire.example.org",
     "Hampshire & Isle of Wight Fire and Rescue Service", "Station Manager", "checked_in"),
    ("Sarah Patel", "sarah.patel@probation.example.org", "Probation Service, Southampton",
     "Senior Probation Officer", "checked_in"),
    ("Daniel Reid", "daniel.reid@vru.example.org",
     "Hampshire and Isle of Wight Violence Reduction Unit", "VRU Lead", "register"),
    ("Amina Hassan", "amina@bevoisboxing.example.org", "Bevois Valley Boxing Academy",
     "Head Coach", "register"),
    ("Claire Morgan", "claire@shirleymums.example.org", "Shirley Mothers' Network",
     "Coordinator", "register"),
    ("Rev. John Adeyemi", "john@streetpastors.example.org", "Portswood Street Pastors",
     "Team Leader", "register"),
    ("Kelly Price", "kelly@millbrooktenants.example.org", "Millbrook Tenants Together",
     "Chair", "cancel"),
    ("Jordan Lee", "jordan@sholingyfc.example.org", "Sholing Youth Football Club",
     "Welfare Officer", "register"),
    ("Helen Brooks", "helen@harbourrefuge.example.org", "Harbour Women's Refuge",
     "Service Manager", "register"),
    ("Femi Bakare", "femi@woolstoncafe.example.org", "Woolston Recovery Café",
     "Volunteer Lead", "register"),
    ("Laura Kent", "laura.kent@council.example.org", "Southampton City Council",
     "Youth Services Manager", "waitlist"),
    ("Omar Farouk", "omar@youthproject.example.org", "Northam Youth Project", "Youth Worker",
     "waitlist"),
    ("Chris Dunn", "chris.dunn@police.example.org", "Hampshire & Isle of Wight Constabulary",
     "Sergeant", "decline"),
    ("Nadia Rahman", "nadia@saferstreets.example.org", "Safer Streets Southampton",
     "Project Officer", "decline"),
    ("Peter Walsh", "peter.walsh@nhs.example.org", "NHS Hampshire and Isle of Wight",
     "Consultant in A&E", "invited"),
    ("Zoe Clarke", "zoe@bitternepark.example.org", "Bitterne Park Residents", "Secretary",
     "invited"),
]  # fmt: skip
CAPACITY = 12
DIETARY = {"Grace Okafor": "Vegetarian", "Amina Hassan": "Halal", "Femi Bakare": "No nuts"}
ACCESS = {"Helen Brooks": "Step-free access, please", "Daniel Reid": "Hearing loop"}


def _demo_day() -> tuple[datetime, datetime]:
    """The first Tuesday at least six weeks from today, 9:30am to 4:30pm London time."""
    zone = ZoneInfo(DEFAULT_TIME_ZONE)
    day = (now().astimezone(zone) + timedelta(days=42)).date()
    day += timedelta(days=(1 - day.weekday()) % 7)
    start = datetime.combine(day, time(9, 30), zone)
    return start, datetime.combine(day, time(16, 30), zone)


async def load_demo(settings: Settings) -> None:
    """Create the demo summit once, with invitees in every state. Side effects: rows, outbox."""
    organiser = await User.get_or_none(email=ORGANISER)
    if organiser is None or await Event.filter(title=TITLE).exists():
        return
    starts, ends = _demo_day()
    event = await create_event(
        organiser,
        EventData(
            title=TITLE,
            summary="Partners and community groups consult on the draft Serious Violence "
            "delivery plan for Southampton.",
            description=DESCRIPTION,
            organising_body="Safer Southampton Partnership",
            contact_email="safer.southampton@example.org",
            venue_name="St Mary's Stadium",
            venue_address="Britannia Road\nSouthampton",
            venue_postcode="SO14 5FP",
            venue_access="Step-free entrance at the Itchen Stand; lifts to the conference suite.",
            starts_at=starts,
            ends_at=ends,
            capacity=CAPACITY,
        ),
    )
    await add_question(
        organiser,
        event.id,
        QuestionData(
            kind="choice",
            label="Which afternoon workshop would you like to join?",
            choices="Youth diversion\nExploitation\nViolence against women and girls",
            required=True,
        ),
    )
    await publish_event(organiser, event.id)
    invitations = await import_invitees(
        organiser, event.id, [InviteeData(*row[:4]) for row in INVITEES]
    )
    await send_invitations(organiser, event.id, settings)
    question = str((await event.questions.all())[0].id)
    workshops = ["Youth diversion", "Exploitation", "Violence against women and girls"]
    plans = {row[1]: row[4] for row in INVITEES}
    tokens = {}
    for number, invitation in enumerate(invitations):
        token = await issue_link(INVITATION_LINK, invitation.link_subject)
        tokens[invitation.email] = token
        plan = plans[invitation.email]
        if plan == "decline":
            await decline(token, "Already committed that day; please send the slides.")
        elif plan in ("register", "checked_in", "cancel", "waitlist"):
            data = RegistrationData(
                name=invitation.name,
                job_title=invitation.job_title,
                organisation=invitation.organisation,
                dietary=DIETARY.get(invitation.name, ""),
                access_needs=ACCESS.get(invitation.name, ""),
                consent_to_list=number % 3 != 0,
                answers={question: workshops[number % 3]},
            )
            result = await register(token, data, settings)
            if plan == "checked_in":
                await check_in(organiser, event.id, result.registration.id)
    for invitation in invitations:
        if plans[invitation.email] == "cancel":
            # Frees a seat: the first on the waitlist is promoted, as in real life.
            await cancel_registration(tokens[invitation.email], settings)
