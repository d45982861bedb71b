"""The richer frab/c3voc exports (issue 20): room capacity and access notes, a stable
colour per track, speakers' biographies, photo and page addresses (absolute), links to
each session's calendar file; still valid against the committed schemas, with hostile
text kept intact in JSON and well-formed in XML."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from programmes.exports import frab_json, frab_xml, slug_of, track_colour, xml_text
from programmes.models import Room, Session, Speaker
from programmes.publishing import publish_programme
from programmes.view import view_from_snapshot

STANDARDS = Path(__file__).resolve().parents[1] / "standards"
JSON_SCHEMA = json.loads((STANDARDS / "c3voc-schedule.schema.json").read_text())
XSD = etree.XMLSchema(etree.parse(str(STANDARDS / "c3voc-schedule.xsd")))
BASE = "https://convenor.example.org"
HOSTILE = "A <b>&amp; \"talk\"\x07\x1b =cmd|' /C calc'!A0 \u202e"


def validate_json(document: dict) -> None:
    jsonschema.validate(
        document, JSON_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def conference(view) -> dict:
    return json.loads(frab_json(view, BASE))["schedule"]["conference"]


def events_of(view) -> dict:
    days = conference(view)["days"]
    return {e["title"]: e for day in days for events in day["rooms"].values() for e in events}


@pytest.fixture
async def view(programme, event, organiser, settings):
    chief = programme["speakers"][0]
    await Speaker.filter(id=chief.id).update(photo_path="chief-0123456789abcdef.jpg")
    await Room.filter(id=programme["rooms"][0].id).update(access_notes="Step-free; hearing loop")
    return await publish_programme(organiser, event.id, settings)


async def test_frab_json_rich_validates_against_the_schema_with_formats(view):
    validate_json(json.loads(frab_json(view, BASE)))


async def test_frab_xml_rich_validates_against_the_xsd(view):
    document = etree.fromstring(frab_xml(view, BASE))

    assert XSD.validate(document), XSD.error_log


async def test_frab_json_rooms_carry_capacity_access_notes_and_slug(view):
    rooms = {room["name"]: room for room in conference(view)["rooms"]}

    assert {name: (r["capacity"], r["description"], r["slug"]) for name, r in rooms.items()} == {
        "Itchen Suite": (30, None, "itchen-suite"),
        "Main Hall": (200, "Step-free; hearing loop", "main-hall"),
    }


async def test_frab_json_tracks_have_a_stable_colour(view):
    (track,) = conference(view)["tracks"]

    assert track == {"name": "Plan", "slug": "plan", "color": track_colour("Plan")}
    assert track_colour("Plan") == track_colour(" plan ")
    assert track["color"].startswith("#") and len(track["color"]) == 7


async def test_frab_xml_track_has_colour_and_slug(view):
    root = etree.fromstring(frab_xml(view, BASE))

    (track,) = root.find("conference").findall("track")
    assert dict(track.attrib) == {"name": "Plan", "slug": "plan", "color": track_colour("Plan")}


async def test_frab_json_persons_have_bio_photo_and_page_addresses(view, event, programme):
    chief, leader, _ = programme["speakers"]

    welcome = events_of(view)["Welcome"]

    assert welcome["persons"][0]["biography"] == "Leads the force."
    assert welcome["persons"][0]["avatar"] == (
        f"{BASE}/events/{event.uuid}/programme/photos/chief-0123456789abcdef.jpg"
    )
    assert welcome["persons"][0]["url"] == (
        f"{BASE}/events/{event.uuid}/programme/speakers/{chief.id}"
    )
    assert welcome["persons"][1]["avatar"] is None
    assert welcome["persons"][1]["url"] == (
        f"{BASE}/events/{event.uuid}/programme/speakers/{leader.id}"
    )


async def test_frab_json_events_link_their_calendar_file(view, event, programme):
    welcome_id = programme["sessions"][0].id

    links = events_of(view)["Welcome"]["links"]

    assert links == [
        {
            "type": "related",
            "url": f"{BASE}/events/{event.uuid}/programme/sessions/{welcome_id}.ics",
            "title": "Add to calendar (.ics)",
        }
    ]


async def test_frab_xml_events_link_their_calendar_file(view, event, programme):
    root = etree.fromstring(frab_xml(view, BASE))

    welcome = root.find("day/room/event")
    (link,) = welcome.findall("links/link")
    assert (link.get("href"), link.text) == (
        f"{BASE}/events/{event.uuid}/programme/sessions/{programme['sessions'][0].id}.ics",
        "Add to calendar (.ics)",
    )


async def test_frab_exports_leave_out_the_not_for_publication_speakers_page(view, programme):
    body = frab_json(view, BASE).decode() + frab_xml(view, BASE).decode()

    assert "Closed briefing" not in body
    assert "example.org/" not in body.replace(BASE, "")
    assert "What serious violence means here" in body  # control: a public session is there


async def test_frab_with_hostile_titles_is_valid_json_and_well_formed_xml(
    programme, event, organiser, settings
):
    await Speaker.filter(id=programme["speakers"][0].id).update(bio=HOSTILE)
    welcome = programme["sessions"][0]
    # Straight into the row: the forms refuse control characters, older rows may have them.
    await Session.filter(id=welcome.id).update(title=HOSTILE, track="<Plan & \x01co>")
    view = await publish_programme(organiser, event.id, settings)

    document = json.loads(frab_json(view, BASE))
    root = etree.fromstring(frab_xml(view, BASE))

    validate_json(document)
    assert XSD.validate(root), XSD.error_log
    titles = [e.findtext("title") for e in root.iter("event")]
    assert xml_text(HOSTILE) in titles
    assert xml_text(HOSTILE) == "A <b>&amp; \"talk\" =cmd|' /C calc'!A0 \u202e"
    assert HOSTILE in [e["title"] for e in events_of(view).values()]
    tracks = [t.get("name") for t in root.find("conference").findall("track")]
    assert "<Plan & co>" in tracks
    assert b"&lt;Plan &amp; co&gt;" in frab_xml(view, BASE)


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Main Hall", "main-hall"), ("A", "track-a"), ("2027 plan", "track-2027-plan")],
)
def test_slug_of_starts_with_a_letter_and_has_two_characters(name, slug):
    assert slug_of(name, "track") == slug


def test_slug_of_a_name_without_latin_letters_is_a_hash():
    slug = slug_of("计划", "track")

    assert slug.startswith("track-") and len(slug) == len("track-") + 8
    assert slug == slug_of("计划", "track")


def test_frab_of_a_snapshot_with_a_one_letter_track_and_no_room_validates():
    snapshot = {
        "event": {
            "id": 1,
            "uuid": "b9d1b3c4-0000-4000-8000-000000000001",
            "title": "A B",
            "summary": "",
            "starts_at": "2027-06-09T08:30:00+00:00",
            "ends_at": "2027-06-09T15:30:00+00:00",
            "time_zone": "Europe/London",
            "venue_name": "",
            "location": "",
            "venue_access": "",
            "organising_body": "",
            "contact_email": "team@example.org",
            "visibility": "public",
        },
        "rooms": [],
        "sessions": [
            {
                "id": 1,
                "uid": "uid-1@convenor",
                "sequence": 0,
                "stamp": "2027-01-01T00:00:00+00:00",
                "title": "\x00",
                "description": "",
                "kind": "other",
                "start": "2027-06-09T08:30:00+00:00",
                "end": "2027-06-09T09:00:00+00:00",
                "room_id": None,
                "room": "",
                "track": "A",
                "not_for_publication": False,
                "places": None,
                "speakers": [],
            }
        ],
        "speakers": [],
    }
    view = view_from_snapshot(1, 1, datetime(2027, 1, 1, tzinfo=UTC), snapshot, [])

    validate_json(json.loads(frab_json(view, BASE)))
    assert XSD.validate(etree.fromstring(frab_xml(view, BASE))), XSD.error_log
    assert conference(view)["rooms"] == [
        {
            "name": "Venue",
            "guid": conference(view)["rooms"][0]["guid"],
            "slug": "venue",
            "capacity": None,
            "description": None,
        }
    ]
