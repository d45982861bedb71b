"""The timetable grid's placement rules (programmes.grid.grid_days), on views built from
hand-made snapshots: rooms as columns in the rooms' order, five-minute rows, spans,
lanes for overlapping sessions in one room, sessions without a room, what is left out,
one grid per day, and days that do not fit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from convenor.app import STATIC
from programmes import grid
from programmes.grid import grid_days

from .factories import entry, make_view


def cells_of(day) -> dict[int, tuple[int, int, int, int]]:
    """Session id -> (column, columns spanned, row, rows spanned)."""
    return {c.entry.id: (c.column, c.columns, c.row, c.rows) for c in day.cells}


def test_grid_rooms_are_columns_in_the_rooms_order_and_rows_are_five_minutes():
    view = make_view([entry(1, 0, 0.5, 2), entry(2, 0.5, 1.5, 1), entry(3, 0.5, 1.5, 2)])

    (day,) = grid_days(view, view.public_sessions())

    assert day.day == date(2027, 6, 9)
    assert [(c.label, c.column, c.lanes) for c in day.columns] == [
        ("Main Hall", 2, 1),
        ("Itchen Suite", 3, 1),
    ]
    # 9:30 is row 2 (row 1 holds the rooms); 30 minutes are 6 rows, an hour 12.
    assert cells_of(day) == {1: (3, 1, 2, 6), 2: (2, 1, 8, 12), 3: (3, 1, 8, 12)}
    assert (day.lanes, day.rows, day.fits) == (2, 18, True)


def test_grid_parallel_sessions_share_rows_in_different_columns():
    view = make_view([entry(1, 2, 3, 1), entry(2, 2, 3, 2), entry(3, 2, 3, 3)])

    (day,) = grid_days(view, view.public_sessions())

    placed = cells_of(day)
    assert {placed[s][2:] for s in (1, 2, 3)} == {(2, 12)}
    assert [placed[s][0] for s in (1, 2, 3)] == [2, 3, 4]
    # Reading order: by time, then the rooms' order.
    assert [c.entry.id for c in day.cells] == [1, 2, 3]


def test_grid_time_marks_on_the_hour_and_half_hour_from_before_the_first_start():
    view = make_view([entry(1, 0.25, 1.25, 1)])  # 9:45am to 10:45am

    (day,) = grid_days(view, view.public_sessions())

    # The grid starts at 9:30 (the half hour before) and ends at 11:00 (the one after).
    assert [(m.at.astimezone(UTC).strftime("%H:%M"), m.row, m.rows) for m in day.times] == [
        ("08:30", 2, 6),
        ("09:00", 8, 6),
        ("09:30", 14, 6),
    ]
    assert cells_of(day) == {1: (2, 1, 5, 12)}
    assert day.rows == 18


def test_grid_rounds_odd_minutes_outward_and_gives_a_short_session_one_row():
    view = make_view(
        [
            entry(1, 7 / 60, 23 / 60, 1),  # 9:37 to 9:53: rows of 9:35 to 9:55
            entry(2, 1, 1 + 2 / 60, 1),  # two minutes at 10:30
        ]
    )

    (day,) = grid_days(view, view.public_sessions())

    assert cells_of(day) == {1: (2, 1, 3, 4), 2: (2, 1, 14, 1)}


def test_grid_overlapping_sessions_in_one_room_get_lanes_side_by_side():
    view = make_view(
        [
            entry(1, 0, 1, 1),  # alone in the morning: spans both lanes
            entry(2, 2, 3, 1),
            entry(3, 2.5, 3.5, 1),  # overlaps 2 in the same room
            entry(4, 2, 3, 2),
        ]
    )

    (day,) = grid_days(view, view.public_sessions())

    assert [(c.label, c.column, c.lanes) for c in day.columns] == [
        ("Main Hall", 2, 2),
        ("Itchen Suite", 4, 1),
    ]
    placed = cells_of(day)
    assert placed[1] == (2, 2, 2, 12)
    assert placed[2] == (2, 1, 26, 12)
    assert placed[3] == (3, 1, 32, 12)
    assert placed[4] == (4, 1, 26, 12)
    assert day.lanes == 3


def test_grid_lane_is_reused_once_free():
    view = make_view([entry(1, 0, 1, 1), entry(2, 0.5, 1.5, 1), entry(3, 1, 2, 1)])

    (day,) = grid_days(view, view.public_sessions())

    # 3 starts as 1 ends: back in the first lane, spanning neither (2 is on beside it).
    assert cells_of(day) == {1: (2, 1, 2, 12), 2: (3, 1, 8, 12), 3: (2, 1, 14, 12)}
    assert day.columns[0].lanes == 2


def test_grid_session_without_a_room_spans_every_column_when_nothing_else_is_on():
    view = make_view([entry(1, 0, 1, 1), entry(2, 0, 1, 2), entry(3, 1, 2), entry(4, 2, 3, 1)])

    (day,) = grid_days(view, view.public_sessions())

    assert [c.label for c in day.columns] == ["Main Hall", "Itchen Suite"]
    assert cells_of(day)[3] == (2, 2, 14, 12)


def test_grid_session_without_a_room_that_overlaps_goes_in_an_elsewhere_column():
    view = make_view([entry(1, 0, 1, 1), entry(2, 0.5, 1.5), entry(3, 2, 3)])

    (day,) = grid_days(view, view.public_sessions())

    assert [(c.label, c.room_id, c.column) for c in day.columns] == [
        ("Main Hall", 1, 2),
        ("Elsewhere", None, 3),
    ]
    placed = cells_of(day)
    assert placed[2] == (3, 1, 8, 12)
    assert placed[3] == (2, 2, 26, 12)  # nothing else on: across both columns


def test_grid_day_without_rooms_has_one_column():
    view = make_view([entry(1, 0, 1), entry(2, 0.5, 1.5), entry(3, 2, 3)], rooms=())

    (day,) = grid_days(view, view.public_sessions())

    assert [(c.label, c.column, c.lanes) for c in day.columns] == [("Sessions", 2, 2)]
    assert cells_of(day) == {1: (2, 1, 2, 12), 2: (3, 1, 8, 12), 3: (2, 2, 26, 12)}


def test_grid_leaves_out_not_for_publication_and_cancelled_sessions():
    view = make_view(
        [entry(1, 0, 1, 1), entry(2, 0, 1, 2, not_for_publication=True)],
        cancelled=[entry(3, 0, 1, 3)],
    )

    (day,) = grid_days(view, view.public_sessions())

    assert [c.entry.id for c in day.cells] == [1]
    assert [c.label for c in day.columns] == ["Main Hall"]
    # Control: a registered delegate's sessions include the not-for-publication one.
    (all_day,) = grid_days(view, view.sessions)
    assert [c.entry.id for c in all_day.cells] == [1, 2]


def test_grid_one_per_day_for_a_multi_day_event():
    view = make_view([entry(1, 0, 1, 1), entry(2, 24, 25.5, 2), entry(3, 24, 24.5, 1)])

    days = grid_days(view, view.public_sessions())

    assert [d.day for d in days] == [date(2027, 6, 9), date(2027, 6, 10)]
    assert [[c.entry.id for c in d.cells] for d in days] == [[1], [3, 2]]
    assert [c.label for c in days[1].columns] == ["Main Hall", "Itchen Suite"]
    assert cells_of(days[1]) == {3: (2, 1, 2, 6), 2: (3, 1, 2, 18)}


def test_grid_days_are_the_event_time_zone_days():
    # 11:30pm in London on the 9th is 10:30pm UTC: still the 9th's grid.
    view = make_view([entry(1, 14, 14.5, 1), entry(2, 24, 24.5, 1)])

    days = grid_days(view, view.public_sessions())

    assert [d.day for d in days] == [date(2027, 6, 9), date(2027, 6, 10)]


def test_grid_rows_follow_real_time_on_the_day_the_clocks_go_back():
    # Sunday 31 October 2027: 1am to 2am London happens twice. 12:30am BST (23:30 UTC
    # the day before) to 2:30am GMT (02:30 UTC) is three hours: 36 rows.
    start = datetime(2027, 10, 30, 23, 30, tzinfo=UTC)
    clocks_back = entry(1, 0, 0, 1)
    clocks_back.update(start=start.isoformat(), end=(start + timedelta(hours=3)).isoformat())
    view = make_view([clocks_back])

    (day,) = grid_days(view, view.public_sessions())

    assert day.day == date(2027, 10, 31)
    assert cells_of(day) == {1: (2, 1, 2, 36)}


def test_grid_too_long_or_too_wide_a_day_is_a_list():
    long_day = make_view([entry(1, 0, 26, 1)])
    rooms = tuple(range(1, grid.MAX_LANES + 2))
    many = make_view([entry(r, 0, 1, r) for r in rooms], rooms=rooms)
    fitting = make_view([entry(r, 0, 1, r) for r in rooms[:-1]], rooms=rooms)

    (too_long,) = grid_days(long_day, long_day.public_sessions())
    (too_wide,) = grid_days(many, many.public_sessions())
    (just_fits,) = grid_days(fitting, fitting.public_sessions())

    assert (too_long.rows, too_long.fits) == (312, False)
    assert (too_wide.lanes, too_wide.fits) == (grid.MAX_LANES + 1, False)
    assert (just_fits.lanes, just_fits.fits) == (grid.MAX_LANES, True)


def test_grid_stylesheet_has_a_placement_class_for_every_place_a_grid_can_use():
    css = (Path(STATIC) / "programme-grid.css").read_text(encoding="utf-8")

    for n in range(1, grid.MAX_LANES + 1):
        assert f".gcols-{n}{{" in css and f".gw-{n}{{" in css
    for n in range(1, grid.MAX_LANES + 2):
        assert f".gc-{n}{{grid-column-start:{n}}}" in css
    for n in range(1, grid.MAX_ROWS + 1):
        assert f".gr-{n + 1}{{grid-row-start:{n + 1}}}" in css
        assert f".gh-{n}{{grid-row-end:span {n}}}" in css
    # Control: nothing past the limits.
    assert f".gh-{grid.MAX_ROWS + 1}{{" not in css
    assert f".gcols-{grid.MAX_LANES + 1}{{" not in css
