"""Issue 16's rules for every calendar file, read back with vobject (not icalendar).

The repeated October hour (UK clocks go back at 01:00 UTC on Sunday 31 October
2027), TEXT escaping, PARTSTAT, and the ORGANIZER of a METHOD:PUBLISH file.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convenor.calendar import build_feed, build_invite
from tests.convenor.calendar_samples import LONDON, event, lines, parse

# 00:45Z is 01:45 BST (first pass), 01:15Z is 01:15 GMT (second pass): both wall-clock
# times happen twice that night.
REPEATED_START = datetime(2027, 10, 31, 0, 45, tzinfo=UTC)
REPEATED_END = datetime(2027, 10, 31, 1, 15, tzinfo=UTC)


def test_uk_clocks_go_back_on_31_october_2027():
    assert datetime(2027, 10, 31, 0, 59, tzinfo=UTC).astimezone(LONDON).utcoffset().seconds == 3600
    assert datetime(2027, 10, 31, 1, 0, tzinfo=UTC).astimezone(LONDON).utcoffset().seconds == 0


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", "PUBLISH"])
def test_invite_in_repeated_october_hour_reads_back_as_the_utc_times(method):
    ics = build_invite([event(start=REPEATED_START, end=REPEATED_END)], method)

    vevent = parse(ics).vevent
    assert vevent.dtstart.value.astimezone(UTC) == REPEATED_START
    assert vevent.dtend.value.astimezone(UTC) == REPEATED_END
    assert vevent.dtend.value > vevent.dtstart.value


def test_feed_in_repeated_october_hour_is_written_in_utc():
    ics = build_feed([event(start=REPEATED_START, end=REPEATED_END)], name="Programme")

    assert "DTSTART:20271031T004500Z" in lines(ics)
    assert "DTEND:20271031T011500Z" in lines(ics)
    vevent = parse(ics).vevent
    assert vevent.dtend.value > vevent.dtstart.value


def test_session_starting_before_and_ending_in_the_repeated_hour_is_in_utc():
    start = datetime(2027, 10, 30, 23, 30, tzinfo=UTC)  # 00:30 BST, not repeated

    ics = build_feed([event(start=start, end=REPEATED_END)], name="Programme")

    vevent = parse(ics).vevent
    assert vevent.dtstart.value.astimezone(UTC) == start
    assert vevent.dtend.value.astimezone(UTC) == REPEATED_END


def test_session_after_the_repeated_hour_keeps_london_time():
    # Positive control: 02:30 GMT happens once, so it is written as local time.
    start = datetime(2027, 10, 31, 2, 30, tzinfo=UTC)
    end = datetime(2027, 10, 31, 3, 30, tzinfo=UTC)

    ics = build_feed([event(start=start, end=end)], name="Programme")

    assert "DTSTART;TZID=Europe/London:20271031T023000" in lines(ics)
    assert parse(ics).vevent.dtstart.value.astimezone(UTC) == start


def test_summary_with_backslash_n_reads_back_unchanged():
    ics = build_invite([event(summary=r"Files at C:\New folder")], "REQUEST")

    assert parse(ics).vevent.summary.value == r"Files at C:\New folder"


def test_description_keeps_backslash_n_and_real_line_breaks_apart():
    ics = build_invite([event(description="Path C:\\Notes\nSecond line")], "REQUEST")

    assert parse(ics).vevent.description.value == "Path C:\\Notes\nSecond line"


def test_location_with_separators_reads_back_unchanged():
    ics = build_feed([event(location=r"Room 1; Floor 2, Block \N")], name="Programme")

    assert parse(ics).vevent.location.value == r"Room 1; Floor 2, Block \N"


def test_feed_calendar_name_is_escaped_like_other_text():
    name = r"Summit; day one, C:\Notes"

    ics = build_feed([event()], name=name, description=r"Talks, panels; \N more")

    calendar = parse(ics)
    assert calendar.contents["x-wr-calname"][0].value == name
    assert calendar.contents["x-wr-caldesc"][0].value == r"Talks, panels; \N more"
    assert r"X-WR-CALNAME:Summit\; day one\, C:\\Notes" in lines(ics)


def test_attendee_partstat_is_accepted_when_the_event_says_so():
    ics = build_invite([event(attendee_partstat="ACCEPTED")], "REQUEST")

    assert parse(ics).vevent.attendee.params["PARTSTAT"] == ["ACCEPTED"]


def test_attendee_partstat_defaults_to_needs_action():
    ics = build_invite([event()], "REQUEST")

    assert parse(ics).vevent.attendee.params["PARTSTAT"] == ["NEEDS-ACTION"]


def test_unknown_partstat_is_refused():
    with pytest.raises(ValueError):
        event(attendee_partstat="MAYBE")
    assert event(attendee_partstat="TENTATIVE").attendee_partstat == "TENTATIVE"  # control


def test_publish_carries_the_organizer_and_no_attendee():
    ics = build_invite([event()], "PUBLISH")

    vevent = parse(ics).vevent
    assert vevent.organizer.value == "mailto:events@example.org"
    assert "attendee" not in vevent.contents


def test_publish_without_an_organizer_is_refused():
    with pytest.raises(ValueError, match="organizer"):
        build_invite([event(organizer_email=None)], "PUBLISH")
    assert parse(build_invite([event()], "PUBLISH")).method.value == "PUBLISH"  # control


def test_feed_has_no_method_organizer_or_attendee():
    ics = build_feed([event(attendee_partstat="ACCEPTED")], name="Programme")

    calendar = parse(ics)
    assert "method" not in calendar.contents
    assert "organizer" not in calendar.vevent.contents
    assert "attendee" not in calendar.vevent.contents
