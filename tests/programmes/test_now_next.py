"""What the venue's screen shows at a moment (programmes.grid.now_and_next), and which
preview times it takes (``preview_time``): pure, on views built from hand-made
snapshots. Main Hall: welcome 9:30-10:00, keynote 10:00-11:00, workshop 11:30-12:30;
Itchen Suite: workshop 11:30-12:30 (parallel); no room: lunch 12:30-1:15pm; the next
day, Main Hall 9:30-10:30."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from programmes.grid import minute, now_and_next, preview_time

from .factories import DAY, entry, make_view


def at(hours: float, **extra) -> datetime:
    return DAY + timedelta(hours=hours, **extra)


@pytest.fixture
def view():
    return make_view(
        [
            entry(1, 0, 0.5, 1, title="Welcome"),
            entry(2, 0.5, 1.5, 1, title="Keynote"),
            entry(3, 2, 3, 1, title="Workshop A"),
            entry(4, 2, 3, 2, title="Workshop B"),
            entry(5, 3, 3.75, title="Lunch"),
            entry(6, 2.5, 3.5, 2, title="Closed briefing", not_for_publication=True),
            entry(7, 24, 25, 1, title="Day two"),
        ]
    )


def shown(screen) -> list[tuple[str, list[str], list[str]]]:
    return [
        (room.label, [s.title for s in room.now], [s.title for s in room.next])
        for room in screen.rooms
    ]


def test_now_during_a_session_and_what_is_next_in_each_room(view):
    screen = now_and_next(view, view.public_sessions(), at(0.75))

    assert screen.state == "during"
    assert shown(screen) == [
        ("Main Hall", ["Keynote"], ["Workshop A"]),
        ("Itchen Suite", [], ["Workshop B"]),
        ("Elsewhere", [], ["Lunch"]),
    ]
    assert screen.today == date(2027, 6, 9)


def test_now_between_sessions_nothing_is_on(view):
    screen = now_and_next(view, view.public_sessions(), at(1.75))

    assert screen.state == "during"
    assert shown(screen) == [
        ("Main Hall", [], ["Workshop A"]),
        ("Itchen Suite", [], ["Workshop B"]),
        ("Elsewhere", [], ["Lunch"]),
    ]


def test_now_a_session_ending_exactly_now_is_over_and_the_next_is_on(view):
    screen = now_and_next(view, view.public_sessions(), at(0.5))

    assert shown(screen)[0] == ("Main Hall", ["Keynote"], ["Workshop A"])
    # A minute earlier the welcome was still on.
    earlier = now_and_next(view, view.public_sessions(), at(0.5, minutes=-1))
    assert shown(earlier)[0] == ("Main Hall", ["Welcome"], ["Keynote"])


def test_now_the_seconds_do_not_count(view):
    # 9:59:59 is 9:59: the welcome is still on.
    screen = now_and_next(view, view.public_sessions(), at(0.5, seconds=-1))

    assert screen.at == at(0.5, minutes=-1)
    assert shown(screen)[0] == ("Main Hall", ["Welcome"], ["Keynote"])


def test_now_before_the_start_shows_the_first_sessions_next(view):
    screen = now_and_next(view, view.public_sessions(), at(-12))

    assert screen.state == "before"
    assert screen.starts == DAY
    assert shown(screen) == [
        ("Main Hall", [], ["Welcome"]),
        ("Itchen Suite", [], ["Workshop B"]),
        ("Elsewhere", [], ["Lunch"]),
    ]
    assert screen.today == date(2027, 6, 8)


def test_now_after_the_last_day_shows_nothing(view):
    screen = now_and_next(view, view.public_sessions(), at(25))

    assert (screen.state, screen.rooms) == ("after", [])
    # Control: in the last session, it is on.
    last = now_and_next(view, view.public_sessions(), at(25, minutes=-1))
    assert (last.state, shown(last)) == ("during", [("Main Hall", ["Day two"], [])])


def test_now_in_the_evening_next_is_the_next_day(view):
    screen = now_and_next(view, view.public_sessions(), at(8))

    assert screen.state == "during"
    assert shown(screen) == [("Main Hall", [], ["Day two"])]
    assert screen.rooms[0].next[0].start == at(24)


def test_now_parallel_sessions_in_one_room_are_all_listed():
    view = make_view([entry(1, 0, 1, 1), entry(2, 0, 1, 1), entry(3, 2, 3, 1), entry(4, 2, 2.5, 1)])

    screen = now_and_next(view, view.public_sessions(), at(0.5))

    assert shown(screen) == [("Main Hall", ["Session 1", "Session 2"], ["Session 4", "Session 3"])]


def test_now_leaves_out_not_for_publication_sessions(view):
    screen = now_and_next(view, view.public_sessions(), at(2.75))

    assert shown(screen)[1] == ("Itchen Suite", ["Workshop B"], [])
    # Control: with every session (as a registered delegate's pages have) it would show.
    everything = now_and_next(view, view.sessions, at(2.75))
    assert shown(everything)[1] == ("Itchen Suite", ["Workshop B", "Closed briefing"], [])


def test_now_leaves_out_cancelled_sessions():
    view = make_view([entry(1, 0, 1, 1)], cancelled=[entry(2, 0, 1, 2, title="Gone")])

    screen = now_and_next(view, view.public_sessions(), at(0.5))

    assert shown(screen) == [("Main Hall", ["Session 1"], [])]


def test_now_with_no_sessions_is_after():
    view = make_view([])

    screen = now_and_next(view, view.public_sessions(), at(0))

    assert (screen.state, screen.rooms, screen.starts) == ("after", [], None)


def test_now_refuses_a_naive_time(view):
    with pytest.raises(ValueError, match="naive"):
        minute(datetime(2027, 6, 9, 10, 0))
    assert minute(datetime(2027, 6, 9, 10, 0, 30, tzinfo=UTC)) == datetime(
        2027, 6, 9, 10, 0, tzinfo=UTC
    )  # control: the same moment, aware


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-06-09T10:15", datetime(2027, 6, 9, 9, 15, tzinfo=UTC)),  # BST
        ("2027-06-09T00:00", datetime(2027, 6, 8, 23, 0, tzinfo=UTC)),
        ("2027-06-09T23:59", datetime(2027, 6, 9, 22, 59, tzinfo=UTC)),
    ],
)
def test_preview_time_on_the_event_day_is_read_in_its_time_zone(view, text, expected):
    assert preview_time(view, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2027-06-08T23:59",  # the day before
        "2027-06-10T00:00",  # the event is one day
        "2027-06-09T10:15+02:00",  # a zone of its own
        "10:15",
        "yesterday",
        "",
        "2027-06-09T10:15" + "9" * 5000,
    ],
)
def test_preview_time_refuses_other_days_and_other_text(view, text):
    with pytest.raises(ValueError):
        preview_time(view, text)
