"""The programme as a timetable grid and as the venue's "now and next" screen: pure
functions from a programme view's sessions (the caller picks which sessions: public
pages pass ``view.public_sessions()``, so not-for-publication and cancelled sessions
never reach them).

The grid (``grid_days``), one per day of the event in its time zone:

- columns: the rooms with a session that day, in the rooms' order. A room with sessions
  at the same time gets one lane per session on at once, side by side under its name; a
  session spans the lanes to its right that are free for its whole length;
- rows: five minutes each (``SLOT``), from the half hour at or before the day's first
  start to the half hour at or after its last end; a session spans the rows of its
  length (at least one), so heights are proportional to length;
- sessions without a room span every column (a plenary, lunch) when no other session is
  on at the same time; one that overlaps another goes in an "Elsewhere" column at the
  end, so nothing is ever drawn over anything else. A day with no session in a room has
  one column, "Sessions";
- a day longer than ``MAX_ROWS`` rows or wider than ``MAX_LANES`` lanes does not fit the
  stylesheet's placement classes (``convenor/static/programme-grid.css``) and is shown
  as a list instead (``DayGrid.fits`` is false).

The screen (``now_and_next``): per room, what is on at a moment (start <= moment < end:
a session ending exactly now is over) and what starts next (the earliest later start,
any day). Moments are whole minutes. ``clock`` is the one source of "now" for the
screens; tests freeze it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from programmes.view import ProgrammeView, SessionEntry

SLOT = timedelta(minutes=5)
MARK = timedelta(minutes=30)  # time labels down the side, on the hour and half hour
MAX_ROWS = 300  # 25 hours of five-minute rows (the day the clocks go back)
MAX_LANES = 24
ELSEWHERE = "Elsewhere"
ONE_COLUMN = "Sessions"

clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731  (tests freeze it)


@dataclass(frozen=True)
class Column:
    """A room's heading over its lanes (grid columns ``column`` to ``column + lanes - 1``)."""

    label: str
    room_id: int | None
    column: int
    lanes: int


@dataclass(frozen=True)
class Cell:
    """A session's place: first grid column and row, and how many of each it spans."""

    entry: SessionEntry
    column: int
    columns: int
    row: int
    rows: int


@dataclass(frozen=True)
class TimeMark:
    at: datetime
    row: int
    rows: int


@dataclass(frozen=True)
class DayGrid:
    day: date
    sessions: list[SessionEntry]  # the day's sessions by time (the list when it does not fit)
    columns: list[Column]
    times: list[TimeMark]
    cells: list[Cell]  # by start time, then column: the reading order
    lanes: int  # grid columns after the time column
    rows: int  # five-minute rows after the header row
    fits: bool


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _floor(moment: datetime, zone: ZoneInfo, step: timedelta) -> datetime:
    """The local wall-clock ``step`` boundary at or before ``moment``, in UTC."""
    local = moment.astimezone(zone)
    minutes = local.hour * 60 + local.minute
    step_minutes = int(step.total_seconds() // 60)
    floored = local.replace(second=0, microsecond=0) - timedelta(minutes=minutes % step_minutes)
    return floored.astimezone(UTC)


def _ceil(moment: datetime, zone: ZoneInfo, step: timedelta) -> datetime:
    floored = _floor(moment, zone, step)
    return floored if floored == moment else floored + step


def _overlap(a: SessionEntry, b: SessionEntry) -> bool:
    return a.start < b.end and b.start < a.end


def _lanes(entries: list[SessionEntry]) -> tuple[dict[int, tuple[int, int]], int]:
    """Each session's (lane, lanes spanned) within one column, and the column's lanes."""
    ends: list[datetime] = []
    lane_of: dict[int, int] = {}
    for entry in entries:  # by start time
        lane = next((i for i, end in enumerate(ends) if end <= entry.start), len(ends))
        if lane == len(ends):
            ends.append(entry.end)
        else:
            ends[lane] = entry.end
        lane_of[entry.id] = lane
    placed = {}
    for entry in entries:
        lane = lane_of[entry.id]
        span = 1
        while lane + span < len(ends) and not any(
            lane_of[other.id] == lane + span and _overlap(entry, other) for other in entries
        ):
            span += 1
        placed[entry.id] = (lane, span)
    return placed, max(len(ends), 1)


def _room_groups(
    view: ProgrammeView, sessions: list[SessionEntry]
) -> tuple[list[tuple[str, int | None, list[SessionEntry]]], list[SessionEntry]]:
    """The day's columns (label, room id, sessions) and the sessions spanning them all."""
    in_rooms = [s for s in sessions if s.room_id is not None]
    roomless = [s for s in sessions if s.room_id is None]
    if not in_rooms:
        return [(ONE_COLUMN, None, sessions)], []
    order = {room["id"]: index for index, room in enumerate(view.rooms)}
    by_room: dict[int, list[SessionEntry]] = {}
    for entry in in_rooms:
        by_room.setdefault(entry.room_id, []).append(entry)  # type: ignore[arg-type]
    room_ids = sorted(by_room, key=lambda r: (order.get(r, len(order)), by_room[r][0].room, r))
    groups = [(by_room[r][0].room, r, by_room[r]) for r in room_ids]
    alone = [s for s in roomless if not any(_overlap(s, o) for o in sessions if o is not s)]
    elsewhere = [s for s in roomless if s not in alone]
    if elsewhere:
        groups.append((ELSEWHERE, None, elsewhere))
    return groups, alone


def day_grid(view: ProgrammeView, day: date, sessions: list[SessionEntry]) -> DayGrid:
    """One day's grid (``sessions``: that day's, by start time). Pure."""
    zone = ZoneInfo(view.time_zone)
    top = _floor(min(s.start for s in sessions), zone, MARK)
    bottom = _ceil(max(s.end for s in sessions), zone, MARK)
    rows = int((bottom - top) / SLOT)
    groups, spanning = _room_groups(view, sessions)
    columns, places = [], {}
    next_column = 2  # column 1 holds the times
    for label, room_id, entries in groups:
        placed, lanes = _lanes(entries)
        columns.append(Column(label, room_id, next_column, lanes))
        for entry in entries:
            lane, span = placed[entry.id]
            places[entry.id] = (next_column + lane, span)
        next_column += lanes
    lanes = next_column - 2
    for entry in spanning:
        places[entry.id] = (2, lanes)
    cells = []
    for entry in sessions:
        first = int((entry.start - top) // SLOT)
        last = -int(-(entry.end - top) // SLOT)  # rounded up
        column, span = places[entry.id]
        cells.append(Cell(entry, column, span, first + 2, max(last - first, 1)))
    times = []
    mark = top
    while mark < bottom:
        row = int((mark - top) // SLOT)
        times.append(TimeMark(mark, row + 2, min(int(MARK / SLOT), rows - row)))
        mark += MARK
    fits = rows <= MAX_ROWS and lanes <= MAX_LANES
    return DayGrid(day, sessions, columns, times, cells, lanes, rows, fits)


def grid_days(view: ProgrammeView, sessions: list[SessionEntry]) -> list[DayGrid]:
    """The grid of each day with sessions, in order (``sessions`` by start time). Pure."""
    zone = ZoneInfo(view.time_zone)
    days: dict[date, list[SessionEntry]] = {}
    for entry in sessions:
        days.setdefault(local_day(entry.start, zone), []).append(entry)
    return [day_grid(view, day, entries) for day, entries in sorted(days.items())]


# The venue's screen.


@dataclass(frozen=True)
class RoomNow:
    label: str
    room_id: int | None
    now: list[SessionEntry]
    next: list[SessionEntry]  # every session starting at the room's next start time


@dataclass(frozen=True)
class NowAndNext:
    at: datetime
    state: str  # "before" the first session, "during" the programme, "after" the last
    rooms: list[RoomNow]  # rooms with something on now or later, in the rooms' order
    starts: datetime | None  # the first session's start
    today: date  # ``at``'s day in the event's time zone (next sessions on other days say so)


def minute(moment: datetime) -> datetime:
    """``moment`` to the whole minute, in UTC (the screens show minutes)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the screens take aware times")
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def now_and_next(view: ProgrammeView, sessions: list[SessionEntry], at: datetime) -> NowAndNext:
    """What is on in each room at ``at`` and what starts next there. Pure."""
    at = minute(at)
    zone = ZoneInfo(view.time_zone)
    order = {room["id"]: index for index, room in enumerate(view.rooms)}
    by_room: dict[int | None, list[SessionEntry]] = {}
    for entry in sessions:
        by_room.setdefault(entry.room_id, []).append(entry)
    rooms = []
    for room_id, entries in by_room.items():
        now = [s for s in entries if s.start <= at < s.end]
        later = [s for s in entries if s.start > at]
        soonest = min((s.start for s in later), default=None)
        upcoming = [s for s in later if s.start == soonest]
        if now or upcoming:
            label = entries[0].room if room_id is not None else ELSEWHERE
            rooms.append(RoomNow(label, room_id, now, upcoming))
    last = len(order) + 1
    rooms.sort(
        key=lambda r: (last if r.room_id is None else order.get(r.room_id, len(order)), r.label)
    )
    starts = min((s.start for s in sessions), default=None)
    ends = max((s.end for s in sessions), default=None)
    if starts is None or ends is None or at >= ends:
        state = "after"
    elif at < starts:
        state = "before"
    else:
        state = "during"
    return NowAndNext(at, state, rooms, starts, local_day(at, zone))


def preview_time(view: ProgrammeView, text: str) -> datetime:
    """``text`` ("2027-06-09T14:00", the event's local time) as an aware UTC moment on
    one of the event's days; ValueError if it is not one. Pure."""
    zone = ZoneInfo(view.time_zone)
    local = datetime.fromisoformat(text[:40])
    if local.tzinfo is not None:
        raise ValueError("give the time without a zone: it is read in the event's")
    moment = local.replace(tzinfo=zone).astimezone(UTC)
    first = local_day(datetime.fromisoformat(view.event["starts_at"]), zone)
    final = local_day(datetime.fromisoformat(view.event["ends_at"]), zone)
    if not first <= local.date() <= final:
        raise ValueError("not a day of the event")
    return moment
