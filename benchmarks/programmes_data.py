"""Shared data for the programme benchmarks: a 40-session, 60-speaker programme.

``snapshot()`` builds a published snapshot directly (for pure PDF and feed timings);
``seed(settings)`` builds the same programme through the services in a database.
Names include accents and Cyrillic (and, with ``cjk``, Chinese) so the fonts are
exercised as in real use.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SESSIONS = 40
SPEAKERS = 60
START = datetime(2027, 6, 9, 8, 30, tzinfo=UTC)  # 9:30am in London
ROOMS = ["Itchen Suite", "Solent Room", "Northam Room", "Test Room"]
BIO = (
    "Has worked in community safety for twenty years, leading partnerships across the "
    "city with the police, the council, health services and community groups."
)


def speaker_names(cjk: bool = False) -> list[str]:
    special = ["Zoë Ł. Dąbrowska", "Ахмед Петров", "李伟" if cjk else "Li Wei"]
    return special + [f"Speaker {number:02d} Example" for number in range(SPEAKERS - 3)]


def session_times(number: int) -> tuple[datetime, datetime]:
    """Ten slots of 30 minutes, four rooms in parallel."""
    start = START + timedelta(minutes=30 * (number // len(ROOMS)))
    return start, start + timedelta(minutes=25)


def snapshot(cjk: bool = False) -> dict:
    speakers = [
        {
            "id": index + 1,
            "honorific": "Dr" if index % 3 == 0 else "",
            "name": name,
            "display_name": ("Dr " if index % 3 == 0 else "") + name,
            "job_title": "Director",
            "organisation": "Southampton City Council",
            "bio": BIO,
            "photo_path": "",
        }
        for index, name in enumerate(speaker_names(cjk))
    ]
    sessions = []
    for number in range(SESSIONS):
        start, end = session_times(number)
        sessions.append(
            {
                "id": number + 1,
                "uid": f"session-{number}@convenor",
                "sequence": 0,
                "stamp": START.isoformat(),
                "title": f"Session {number + 1}: working together on serious violence",
                "description": "Partners share what works, **and what does not**.",
                "kind": "workshop" if number % 4 == 3 else "plenary",
                "start": start.isoformat(),
                "end": end.isoformat(),
                "room_id": number % len(ROOMS) + 1,
                "room": ROOMS[number % len(ROOMS)],
                "track": "Plan" if number % 2 else "",
                "not_for_publication": number == 5,
                "places": 20 if number % 4 == 3 else None,
                "speakers": [[(number * 3 + k) % SPEAKERS + 1, "speaker"] for k in range(3)],
            }
        )
    event = {
        "id": 1,
        "uuid": "00000000-0000-4000-8000-000000000001",
        "title": "Serious Violence Delivery Plan Conference",
        "summary": "Partners consult on the draft Serious Violence delivery plan.",
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=7)).isoformat(),
        "time_zone": "Europe/London",
        "venue_name": "St Mary's Stadium",
        "location": "St Mary's Stadium, Britannia Road, Southampton, SO14 5FP",
        "venue_access": "",
        "organising_body": "Safer Southampton Partnership",
        "contact_email": "events@example.org",
        "visibility": "public",
    }
    rooms = [
        {"id": i + 1, "name": name, "capacity": 50, "access_notes": ""}
        for i, name in enumerate(ROOMS)
    ]
    return {
        "event": event,
        "rooms": rooms,
        "sessions": sessions,
        "cancelled": [],
        "speakers": speakers,
    }
