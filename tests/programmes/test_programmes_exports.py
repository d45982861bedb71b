"""frab/c3voc schedule exports: JSON against the schema, XML against the XSD."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from programmes.drafts import add_session
from programmes.exports import acronym, frab_json, frab_xml
from programmes.publishing import publish_programme
from tests.programmes.factories import session_data

STANDARDS = Path(__file__).resolve().parents[1] / "standards"  # copies of ../shared/standards
JSON_SCHEMA = STANDARDS / "c3voc-schedule.schema.json"
XSD = STANDARDS / "c3voc-schedule.xsd"
BASE = "https://convenor.example.org"


@pytest.fixture
async def view(programme, event, organiser, settings):
    return await publish_programme(organiser, event.id, settings)


async def test_frab_json_validates_against_the_c3voc_schema(view):
    document = json.loads(frab_json(view, BASE))

    jsonschema.validate(document, json.loads(JSON_SCHEMA.read_text()))


async def test_frab_json_lists_public_sessions_by_day_and_room(view):
    conference = json.loads(frab_json(view, BASE))["schedule"]["conference"]

    (day,) = conference["days"]
    rooms = {name: [e["title"] for e in events] for name, events in day["rooms"].items()}
    assert (day["index"], day["date"]) == (1, "2027-06-09")
    assert rooms == {
        "Main Hall": ["Welcome", "What serious violence means here"],
        "Itchen Suite": ["Workshop: the draft plan"],
    }


async def test_frab_json_times_are_local_with_offsets(view):
    conference = json.loads(frab_json(view, BASE))["schedule"]["conference"]

    welcome = conference["days"][0]["rooms"]["Main Hall"][0]
    assert (welcome["date"], welcome["start"], welcome["duration"]) == (
        "2027-06-09T09:30:00+01:00",
        "09:30",
        "00:30",
    )


async def test_frab_json_persons_have_names_and_no_emails(view):
    body = frab_json(view, BASE).decode()
    welcome = json.loads(body)["schedule"]["conference"]["days"][0]["rooms"]["Main Hall"][0]

    assert [p["name"] for p in welcome["persons"]] == [
        "Chief Constable Zoë Ł. Dąbrowska",
        "Cllr Ахмед Петров",
    ]
    assert "example.org" not in body.replace(BASE, "")


async def test_frab_json_guids_are_stable_across_versions(
    view, programme, event, organiser, settings
):
    first = json.loads(frab_json(view, BASE))
    await add_session(organiser, event.id, session_data("Close", 6, 7))
    second = json.loads(frab_json(await publish_programme(organiser, event.id, settings), BASE))

    def guids(document):
        rooms = document["schedule"]["conference"]["days"][0]["rooms"]
        return {e["title"]: e["guid"] for events in rooms.values() for e in events}

    assert {k: v for k, v in guids(second).items() if k != "Close"} == guids(first)


async def test_frab_xml_validates_against_the_c3voc_xsd(view):
    schema = etree.XMLSchema(etree.parse(str(XSD)))

    document = etree.fromstring(frab_xml(view, BASE))

    assert schema.validate(document), schema.error_log


async def test_frab_xml_has_day_room_event_structure(view):
    root = etree.fromstring(frab_xml(view, BASE))

    structure = [
        (day.get("date"), room.get("name"), [e.findtext("title") for e in room.findall("event")])
        for day in root.findall("day")
        for room in day.findall("room")
    ]
    assert structure == [
        ("2027-06-09", "Main Hall", ["Welcome", "What serious violence means here"]),
        ("2027-06-09", "Itchen Suite", ["Workshop: the draft plan"]),
    ]
    assert "Closed briefing" not in frab_xml(view, BASE).decode()


async def test_acronym_is_initials_and_year(view):
    assert acronym(view) == "svdpc2027"
