"""Tests for subscribable calendar feeds, read back with vobject."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from convenor.calendar import CalendarEvent, build_feed

from .calendar_samples import LONDON, STAMP, event, lines, parse


def feed_events() -> list[CalendarEvent]:
    first = event(attendee_email=None, attendee_name=None)
    second = dataclasses.replace(
        first,
        uid="workshop-a@convenor.example.org",
        sequence=0,
        start=datetime(2026, 3, 30, 13, 0, tzinfo=LONDON),
        end=datetime(2026, 3, 30, 14, 0, tzinfo=LONDON),
        summary="Workshop A",
        status="CANCELLED",
        dtstamp=None,
        last_modified=datetime(2026, 2, 3, 8, 0, tzinfo=UTC),
    )
    return [first, second]


def test_feed_has_no_method_organizer_or_attendee():
    ics = build_feed(feed_events(), "Summit programme")

    cal = parse(ics)
    assert "method" not in cal.contents
    assert all(
        "organizer" not in e.contents and "attendee" not in e.contents for e in cal.vevent_list
    )
    assert not any(line.startswith(("METHOD", "ORGANIZER", "ATTENDEE")) for line in lines(ics))


def test_feed_properties_exact():
    cal = parse(build_feed(feed_events(), "Summit\r\nprogramme", refresh=timedelta(hours=1)))

    assert cal.x_wr_calname.value == "Summit programme"
    assert cal.x_wr_timezone.value == "Europe/London"
    assert cal.calscale.value == "GREGORIAN"
    assert [e.uid.value for e in cal.vevent_list] == [
        "summit-2026@convenor.example.org",
        "workshop-a@convenor.example.org",
    ]
    assert [e.status.value for e in cal.vevent_list] == ["CONFIRMED", "CANCELLED"]
    assert [e.dtstamp.value for e in cal.vevent_list] == [
        STAMP,
        datetime(2026, 2, 3, 8, 0, tzinfo=UTC),
    ]
    assert [e.dtstart.value.astimezone(UTC) for e in cal.vevent_list] == [
        datetime(2026, 3, 28, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 12, 0, tzinfo=UTC),
    ]


def test_feed_refresh_interval_lines():
    ics_lines = lines(build_feed(feed_events(), "Programme", refresh=timedelta(hours=1)))

    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in ics_lines
    assert "X-PUBLISHED-TTL:PT1H" in ics_lines


def test_feed_same_input_gives_identical_bytes():
    first = build_feed(feed_events(), "Summit programme")
    second = build_feed(feed_events(), "Summit programme")

    assert first == second


def test_feed_requires_a_stable_stamp():
    unstamped = dataclasses.replace(feed_events()[0], dtstamp=None, last_modified=None)

    with pytest.raises(ValueError, match="needs dtstamp or last_modified"):
        build_feed([unstamped], "Programme")
    assert build_feed(feed_events()[:1], "Programme").startswith(b"BEGIN:VCALENDAR")  # control


def test_feed_without_events_is_an_empty_calendar():
    cal = parse(build_feed([], "Programme"))

    assert "vevent" not in cal.contents
    assert "vtimezone" not in cal.contents
    assert cal.x_wr_calname.value == "Programme"
