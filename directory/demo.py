"""Demo directory: the partnership's statutory partners and clearly illustrative
community groups across Southampton's wards and the community-safety themes.

The community groups are invented for the demo: their descriptions say so and their
web and email addresses use example.org.
"""

from __future__ import annotations

from datetime import timedelta

from convenor.auth import now
from convenor.settings import Settings
from directory.forms import EntryData, ServiceData
from directory.models import Entry, How, Status
from directory.service import create_entry
from directory.taxonomy import ensure_taxonomy

ILLUSTRATIVE = "Illustrative example for the demo. "

STATUTORY = [
    ("Hampshire & Isle of Wight Constabulary", "https://www.hampshire.police.uk",
     "The police force for Hampshire, the Isle of Wight, Portsmouth and Southampton.",
     ["serious-violence", "knife-crime", "anti-social-behaviour", "hate-crime"]),
    ("Southampton City Council", "https://www.southampton.gov.uk",
     "The unitary local authority for the city, leading the community safety partnership.",
     ["serious-violence", "anti-social-behaviour", "rough-sleeping", "domestic-abuse"]),
    ("Hampshire & Isle of Wight Fire and Rescue Service", "https://www.hiwfrs.org.uk",
     "Fire and rescue service; safe and well visits and youth engagement programmes.",
     ["youth-diversion", "anti-social-behaviour"]),
    ("NHS Hampshire and Isle of Wight", "https://www.hantsiow.icb.nhs.uk",
     "The NHS integrated care board that plans and pays for health services locally.",
     ["mental-health", "drugs-and-alcohol", "domestic-abuse"]),
    ("Probation Service, Southampton", "https://www.gov.uk/government/organisations/probation-service",
     "Supervises people on community sentences and on licence after prison.",
     ["serious-violence", "exploitation", "victim-support"]),
    ("Hampshire and Isle of Wight Violence Reduction Unit", "",
     "Brings partners together to prevent serious violence using a public health approach.",
     ["serious-violence", "knife-crime", "youth-diversion", "exploitation"]),
]  # fmt: skip

# name, kind, ward, themes, description, service
COMMUNITY = [
    ("Bevois Valley Boxing Academy", "community", "bevois", ["youth-diversion", "knife-crime"],
     "Free evening boxing and mentoring for young people aged 11 to 18.", "Evening sessions"),
    ("Shirley Mothers' Network", "network", "shirley", ["violence-against-women-and-girls"],
     "Informal network of mothers sharing advice on keeping teenagers safe online and out.",
     "Monthly meet-ups"),
    ("Portswood Street Pastors", "faith", "portswood", ["anti-social-behaviour"],
     "Church volunteers on the streets on Friday and Saturday nights.", "Night patrols"),
    ("Millbrook Tenants Together", "community", "millbrook", ["anti-social-behaviour"],
     "Residents' association working with housing officers on estate safety.",
     "Residents' surgery"),
    ("Sholing Youth Football Club", "voluntary", "sholing", ["youth-diversion"],
     "Football training and matches for under-12s to under-18s.", "Saturday training"),
    ("Harbour Women's Refuge", "voluntary", "bargate", ["domestic-abuse", "victim-support"],
     "Safe accommodation and support for women and children escaping domestic abuse.",
     "Emergency accommodation"),
    ("Woolston Recovery Café", "community", "woolston", ["drugs-and-alcohol", "mental-health"],
     "A weekly café run by people in recovery from drug and alcohol problems.",
     "Peer support café"),
    ("Bitterne Park Hate Crime Reporting Centre", "voluntary", "bitterne-park", ["hate-crime"],
     "A third-party reporting centre for hate crime in a community library.", "Report in person"),
    ("Redbridge Mosque Youth Circle", "faith", "redbridge", ["youth-diversion", "exploitation"],
     "Youth circle offering homework help and talks on staying safe from exploitation.",
     "Homework club"),
    ("Thornhill Night Shelter", "voluntary", "thornhill", ["rough-sleeping"],
     "Winter night shelter with hot meals and help finding housing.", "Winter shelter"),
    ("Swaythling Parents Against Knife Crime", "network", "swaythling", ["knife-crime"],
     "Parents who lost children to knife crime, giving talks in schools.", "School talks"),
    ("Coxford Community Gardeners", "community", "coxford", ["anti-social-behaviour"],
     "Turning neglected corners into gardens, with local young people.", "Gardening days"),
    ("Freemantle Survivors' Voices", "network", "freemantle", ["victim-support", "domestic-abuse"],
     "Peer support network for survivors of violence, shaping local services.", "Peer support"),
    ("Harefield Detached Youth Work Project", "voluntary", "harefield",
     ["youth-diversion", "serious-violence"],
     "Youth workers who meet young people where they are, in parks and streets.",
     "Detached youth work"),
    ("Peartree Polish Community Association", "community", "peartree", ["hate-crime"],
     "Advice and social events for Polish families; interpreting at appointments.",
     "Advice sessions"),
    ("Bassett Students' Safety Network", "network", "bassett", ["violence-against-women-and-girls"],
     "Student-led network campaigning for safer nights out.", "Walk-home buddies"),
]  # fmt: skip


async def load_demo(settings: Settings) -> None:
    """Load the demo directory if it has no entries. Side effects: taxonomy and entries."""
    await ensure_taxonomy()
    if await Entry.all().exists():
        return
    for name, website, description, themes in STATUTORY:
        data = EntryData(
            kind="statutory",
            name=name,
            description=description,
            website=website,
            themes=themes,
            areas=["city-wide"],
        )
        await create_entry(data, status=Status.PUBLISHED, how=How.STAFF, source="Demo data")
    for i, (name, kind, ward, themes, description, service) in enumerate(COMMUNITY):
        slug = name.lower().replace("'", "").replace("é", "e").split()[0]
        data = EntryData(
            kind=kind,
            name=name,
            description=ILLUSTRATIVE + description,
            website=f"https://{slug}.example.org",
            email=f"hello@{slug}.example.org",
            town="Southampton",
            address=f"{10 + i} Example Road",
            postcode="SO14 0AA" if i % 2 else "SO15 0BB",
            hide_address="Refuge" in name,
            themes=themes,
            areas=[ward],
            languages="English, Polish" if "Polish" in name else "English",
            contact_name="Demo Contact",
            contact_email=f"contact@{slug}.example.org",
            services=[ServiceData(name=service, description=description)],
        )
        await create_entry(
            data,
            status=Status.PUBLISHED,
            how=How.NOMINATED,
            source="Registered for the Safer Southampton Summit (demo)",
        )
    pending = EntryData(
        kind="community",
        name="Woolston Walking Bus",
        description=ILLUSTRATIVE + "Parents walking children to school together.",
        areas=["woolston"],
        themes=["youth-diversion"],
        contact_name="Demo Contact",
        contact_email="contact@walkingbus.example.org",
    )
    await create_entry(pending, status=Status.PENDING, how=How.SELF_LISTED, source="Demo data")
    # One entry overdue for review, so the moderators' flag shows in the demo.
    await Entry.filter(name="Coxford Community Gardeners").update(
        reviewed_at=now() - timedelta(days=400)
    )
