"""Tests for convenor.calendar, read back with an independent parser (vobject)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from convenor.calendar import build_invite

from .calendar_samples import LONDON, STAMP, event, lines, parse, utc_start


def test_invite_winter_time_is_gmt():
    ics = build_invite([event()], "REQUEST")

    assert utc_start(ics) == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)


def test_invite_after_clocks_change_is_bst():
    ics = build_invite(
        [
            event(
                start=datetime(2026, 3, 30, 9, 30, tzinfo=LONDON),
                end=datetime(2026, 3, 30, 11, 0, tzinfo=LONDON),
            )
        ],
        "REQUEST",
    )

    assert utc_start(ics) == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)


def test_invite_times_are_local_with_tzid():
    summer = event(
        start=datetime(2026, 7, 1, 8, 0, tzinfo=UTC), end=datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
    )

    ics_lines = lines(build_invite([summer], "REQUEST"))

    assert "DTSTART;TZID=Europe/London:20260701T090000" in ics_lines
    assert "DTEND;TZID=Europe/London:20260701T100000" in ics_lines


def test_vobject_reads_our_vtimezone_not_its_own_database():
    start = datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
    ics = build_invite([event(start=start, end=start + timedelta(hours=1))], "REQUEST")
    tampered = ics.replace(b"TZOFFSETTO:+0100", b"TZOFFSETTO:+0500").replace(
        b"TZOFFSETFROM:+0100", b"TZOFFSETFROM:+0500"
    )

    start = parse(tampered).vevent.dtstart.value

    # dateutil's VTIMEZONE reader, fed from the file, not a zone database.
    assert type(start.tzinfo).__name__ == "_tzicalvtz"
    assert start.astimezone(UTC) == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)


def test_invite_vtimezone_has_one_rrule_per_part():
    vtimezone = parse(build_invite([event()], "REQUEST")).vtimezone

    parts = [child for child in vtimezone.getChildren() if child.name in {"STANDARD", "DAYLIGHT"}]
    summary = [
        (
            part.name,
            [line.value for line in part.contents["rrule"]],
            part.dtstart.value.strftime("%Y%m%dT%H%M%S"),
            part.tzoffsetfrom.value,
            part.tzoffsetto.value,
            part.tzname.value,
        )
        for part in parts
    ]
    assert vtimezone.tzid.value == "Europe/London"
    assert summary == [
        (
            "DAYLIGHT",
            ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"],
            "19700329T010000",
            "+0000",
            "+0100",
            "BST",
        ),
        (
            "STANDARD",
            ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"],
            "19701025T020000",
            "+0100",
            "+0000",
            "GMT",
        ),
    ]


def test_invite_has_exactly_one_vtimezone():
    ics = build_invite(
        [
            event(),
            event(
                sequence=3,
                start=datetime(2026, 11, 1, 9, 0, tzinfo=LONDON),
                end=datetime(2026, 11, 1, 10, 0, tzinfo=LONDON),
            ),
        ],
        "REQUEST",
    )

    assert lines(ics).count("BEGIN:VTIMEZONE") == 1


def test_invite_new_york_rules_are_second_and_first_sunday():
    new_york = ZoneInfo("America/New_York")
    july = event(
        start=datetime(2026, 7, 4, 10, 0, tzinfo=new_york),
        end=datetime(2026, 7, 4, 11, 0, tzinfo=new_york),
    )

    ics = build_invite([july], "REQUEST", tz="America/New_York")

    rrules = [line for line in lines(ics) if line.startswith("RRULE:")]
    assert rrules == [
        "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3",
        "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11",
    ]
    assert utc_start(ics) == datetime(2026, 7, 4, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("local", "expected_utc"),
    [
        (datetime(2026, 4, 4, 12, 0), datetime(2026, 4, 4, 1, 0, tzinfo=UTC)),  # AEDT, +11
        (datetime(2026, 4, 6, 12, 0), datetime(2026, 4, 6, 2, 0, tzinfo=UTC)),  # AEST, +10
        (datetime(2026, 10, 5, 12, 0), datetime(2026, 10, 5, 1, 0, tzinfo=UTC)),  # AEDT again
    ],
)
def test_invite_southern_hemisphere_times(local, expected_utc):
    sydney = ZoneInfo("Australia/Sydney")
    start = local.replace(tzinfo=sydney)

    ics = build_invite(
        [event(start=start, end=start + timedelta(hours=1))], "REQUEST", tz="Australia/Sydney"
    )

    assert utc_start(ics) == expected_utc


def test_invite_zone_without_dst_has_one_standard_and_no_rrule():
    kolkata = ZoneInfo("Asia/Kolkata")
    start = datetime(2026, 3, 28, 9, 0, tzinfo=kolkata)

    ics = build_invite(
        [event(start=start, end=start + timedelta(hours=1))], "REQUEST", tz="Asia/Kolkata"
    )

    parts = [child.name for child in parse(ics).vtimezone.getChildren() if child.name != "TZID"]
    assert parts == ["STANDARD"]
    assert not any(line.startswith("RRULE") for line in lines(ics))
    assert utc_start(ics) == datetime(2026, 3, 28, 3, 30, tzinfo=UTC)


@pytest.mark.parametrize(("tz", "year"), [("America/Sao_Paulo", 2019), ("Europe/Moscow", 2014)])
def test_invite_zone_changing_its_rules_falls_back_to_utc(tz, year):
    start = datetime(year, 12, 1, 9, 0, tzinfo=ZoneInfo(tz))

    ics = build_invite([event(start=start, end=start + timedelta(hours=1))], "REQUEST", tz=tz)

    assert "BEGIN:VTIMEZONE" not in lines(ics)
    expected = start.astimezone(UTC)
    assert f"DTSTART:{expected:%Y%m%dT%H%M%S}Z" in lines(ics)
    assert utc_start(ics) == expected


def test_invite_request_properties_exact():
    cal = parse(build_invite([event()], "REQUEST"))
    vevent = cal.vevent

    assert cal.method.value == "REQUEST"
    assert cal.prodid.value == "-//Convenor//Convenor//EN"
    assert vevent.uid.value == "summit-2026@convenor.example.org"
    assert vevent.sequence.value == "3"
    assert vevent.status.value == "CONFIRMED"
    assert vevent.dtstamp.value == STAMP
    assert vevent.summary.value == "Serious Violence delivery plan: partners' summit"
    assert vevent.location.value == "Council House, Committee Room 1"
    assert vevent.description.value == "Agenda:\n1. Welcome\n2. Workshops"
    assert vevent.url.value == "https://convenor.example.org/e/summit-2026"
    [organizer] = vevent.contents["organizer"]
    [attendee] = vevent.contents["attendee"]
    assert (organizer.value, organizer.params) == (
        "mailto:events@example.org",
        {"CN": ["Community Safety Partnership"]},
    )
    assert (attendee.value, attendee.params) == (
        "mailto:ann@example.com",
        {
            "CN": ["Ann Lee"],
            "ROLE": ["REQ-PARTICIPANT"],
            "PARTSTAT": ["NEEDS-ACTION"],
            "RSVP": ["FALSE"],
        },
    )


def test_invite_cancel_is_cancelled_with_organizer_and_attendee():
    cal = parse(build_invite([event(sequence=4)], "CANCEL"))

    assert cal.method.value == "CANCEL"
    assert cal.vevent.status.value == "CANCELLED"
    assert cal.vevent.sequence.value == "4"
    assert len(cal.vevent.contents["organizer"]) == 1
    assert len(cal.vevent.contents["attendee"]) == 1


def test_invite_publish_has_organizer_but_no_attendee():
    cal = parse(build_invite([event(), event(uid="other@convenor.example.org")], "PUBLISH"))

    assert cal.method.value == "PUBLISH"
    assert [e.uid.value for e in cal.vevent_list] == [
        "summit-2026@convenor.example.org",
        "other@convenor.example.org",
    ]
    assert all("attendee" not in e.contents for e in cal.vevent_list)
    assert all(len(e.contents["organizer"]) == 1 for e in cal.vevent_list)


def test_invite_without_dtstamp_uses_now():
    before = datetime.now(UTC).replace(microsecond=0)

    cal = parse(build_invite([event(dtstamp=None)], "REQUEST"))

    assert before <= cal.vevent.dtstamp.value <= datetime.now(UTC)


def test_invite_injection_in_text_values_adds_no_property():
    hostile = event(
        summary="Summit\r\nATTENDEE:evil@example.com",
        location="Room 1\nORGANIZER:evil@example.com",
        attendee_name='Eve "Boss"\r\nATTENDEE:evil@example.com',
        organizer_name="Org\r\nX-INJECTED:1",
        description="Line 1\r\nATTENDEE:evil@example.com\rLine 3",
    )

    ics = build_invite([hostile], "REQUEST")

    cal = parse(ics)
    vevent = cal.vevent
    assert len(vevent.contents["attendee"]) == 1
    assert len(vevent.contents["organizer"]) == 1
    assert "x-injected" not in vevent.contents
    assert vevent.summary.value == "Summit ATTENDEE:evil@example.com"
    assert vevent.location.value == "Room 1 ORGANIZER:evil@example.com"
    assert vevent.attendee.params["CN"] == ["Eve 'Boss' ATTENDEE:evil@example.com"]
    assert vevent.organizer.params["CN"] == ["Org X-INJECTED:1"]
    assert vevent.description.value == "Line 1\nATTENDEE:evil@example.com\nLine 3"
    assert not [line for line in lines(ics) if re.match(r"(ATTENDEE|ORGANIZER):evil", line)]


def test_invite_lines_are_crlf_and_folded_at_75_octets():
    long_text = "Caf\u00e9 \u2014 " * 40

    ics = build_invite([event(summary=long_text, description=long_text)], "REQUEST")

    assert ics.endswith(b"\r\n")
    raw_lines = ics.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in raw_lines)
    assert max(len(line) for line in raw_lines) <= 75
    assert all(line.decode("utf-8") for line in raw_lines)  # no split UTF-8 sequence
    assert parse(ics).vevent.summary.value == long_text.strip()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"attendee_email": None}, "needs an organizer and an attendee"),
        ({"organizer_email": None}, "needs an organizer and an attendee"),
        ({"attendee_email": "ann@example.com\r\nATTENDEE:x@example.com"}, "control characters"),
        ({"url": "javascript:alert(1)"}, "http"),
    ],
)
def test_invite_rejects_bad_events(overrides, message):
    with pytest.raises(ValueError, match=message):
        build_invite([event(**overrides)], "REQUEST")
    assert parse(build_invite([event()], "REQUEST")).method.value == "REQUEST"  # control


def test_invite_request_rejects_several_uids():
    with pytest.raises(ValueError, match="share one UID"):
        build_invite([event(), event(uid="other@convenor.example.org")], "REQUEST")
    assert parse(build_invite([event()], "REQUEST")).method.value == "REQUEST"  # control


@pytest.mark.parametrize("method", ["REPLY", "request", ""])
def test_invite_rejects_unknown_method(method):
    with pytest.raises(ValueError, match="method must be one of"):
        build_invite([event()], method)
    assert parse(build_invite([event()], "REQUEST")).method.value == "REQUEST"  # control


def test_invite_rejects_unknown_time_zone():
    with pytest.raises(ValueError, match="unknown time zone"):
        build_invite([event()], "REQUEST", tz="Europe/Atlantis")
    control = build_invite([event()], "REQUEST", tz="Europe/London")
    assert parse(control).method.value == "REQUEST"


def test_invite_rejects_no_events():
    with pytest.raises(ValueError, match="at least one event"):
        build_invite([], "REQUEST")
    assert parse(build_invite([event()], "REQUEST")).method.value == "REQUEST"  # control


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": datetime(2026, 3, 28, 9, 0)}, "timezone-aware"),
        ({"dtstamp": datetime(2026, 3, 28, 9, 0)}, "timezone-aware"),
        ({"end": datetime(2026, 3, 28, 8, 0, tzinfo=LONDON)}, "ends before it starts"),
        ({"sequence": -1}, "negative"),
        ({"status": "MAYBE"}, "status"),
        ({"uid": "a b"}, "uid"),
        ({"uid": "a\r\nATTENDEE:x"}, "uid"),
    ],
)
def test_calendar_event_rejects_bad_values(overrides, message):
    with pytest.raises(ValueError, match=message):
        event(**overrides)
    assert event().uid  # control: the sample's own values are accepted
