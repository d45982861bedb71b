"""Building iCalendar files: invitations (iTIP) and subscribable feeds.

Pure functions over plain ``CalendarEvent`` values; the domains decide UIDs (random,
stored) and SEQUENCE (raised on every update). Rules kept here:

- An invitation (METHOD:REQUEST or CANCEL) names the delegate as ATTENDEE (with the
  PARTSTAT the domain gives: ACCEPTED for a registered delegate) and the organiser as
  ORGANIZER; a cancellation carries STATUS:CANCELLED. A METHOD:PUBLISH file carries an
  ORGANIZER too (RFC 5546 3.2.1) and no ATTENDEE.
- A feed has no METHOD, ORGANIZER or ATTENDEE, and takes DTSTAMP from the events,
  so the same programme always gives the same bytes (clients and caches see no
  change when nothing changed).
- Times are written in the event's zone with one VTIMEZONE whose STANDARD and
  DAYLIGHT parts each carry a single yearly RRULE, the only form Outlook reads.
  The rule is derived from the zone's real transitions in the years the events
  fall in; when a zone cannot be described that way, times are written in UTC.
  An event with a start or end in the hour a clock change repeats (the October
  hour) has both written in UTC, which no reader can take for the other pass.
- TEXT values (SUMMARY, DESCRIPTION, LOCATION, X-WR-CALNAME, X-WR-CALDESC) are
  escaped here, per RFC 5545 3.3.11: a backslash is always written as two, so a
  backslash followed by N is never read as a line break.
"""

from __future__ import annotations

import calendar as gregorian
import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vText,
)

from convenor.mail.message import clean_header, validate_address

__all__ = ["PRODID", "CalendarEvent", "build_feed", "build_invite"]

PRODID = "-//Convenor//Convenor//EN"
Method = Literal["REQUEST", "CANCEL", "PUBLISH"]
_METHODS = frozenset({"REQUEST", "CANCEL", "PUBLISH"})
_STATUSES = frozenset({"TENTATIVE", "CONFIRMED", "CANCELLED"})
_PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE"})
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Zones are scanned in steps this long; no zone changes its offset twice within it.
_SCAN_STEP = 6 * 3600


@dataclass(frozen=True)
class CalendarEvent:
    """One event (a summit, a session) as it should appear in a calendar."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str | None = None
    status: str = "CONFIRMED"
    organizer_email: str | None = None
    organizer_name: str | None = None
    attendee_email: str | None = None
    attendee_name: str | None = None
    attendee_partstat: str = "NEEDS-ACTION"
    dtstamp: datetime | None = None
    last_modified: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end", "dtstamp", "last_modified"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"CalendarEvent.{name} must be timezone-aware")
        if self.end < self.start:
            raise ValueError("CalendarEvent ends before it starts")
        if self.sequence < 0:
            raise ValueError("CalendarEvent.sequence cannot be negative")
        if self.status not in _STATUSES:
            raise ValueError(f"CalendarEvent.status must be one of {sorted(_STATUSES)}")
        if self.attendee_partstat not in _PARTSTATS:
            raise ValueError(f"CalendarEvent.attendee_partstat must be one of {sorted(_PARTSTATS)}")
        if not self.uid or clean_header(self.uid) != self.uid or " " in self.uid:
            raise ValueError("CalendarEvent.uid must be non-empty, without spaces or controls")


def build_invite(
    events: list[CalendarEvent],
    method: Method,
    tz: str = "Europe/London",
    prodid: str = PRODID,
) -> bytes:
    """An iTIP calendar (METHOD REQUEST, CANCEL or PUBLISH) for one invitation."""
    if method not in _METHODS:
        raise ValueError(f"method must be one of {sorted(_METHODS)}")
    if not events:
        raise ValueError("an invitation needs at least one event")
    if method == "PUBLISH":
        # RFC 5546 3.2.1: a PUBLISH names its ORGANIZER.
        if any(event.organizer_email is None for event in events):
            raise ValueError("a PUBLISH needs an organizer")
    else:
        # RFC 5546: one iTIP message is about one calendar object, and clients
        # such as Outlook act on the first UID only.
        if len({event.uid for event in events}) != 1:
            raise ValueError(f"all events in a {method} must share one UID")
        for event in events:
            if event.organizer_email is None or event.attendee_email is None:
                raise ValueError(f"a {method} needs an organizer and an attendee")
    cal, zone = _calendar(events, tz, prodid)
    cal.add("method", method)
    for event in events:
        vevent = _vevent(event, zone, event.dtstamp or datetime.now(UTC))
        if event.organizer_email is not None:
            vevent.add("organizer", _address(event.organizer_email, event.organizer_name))
        if method != "PUBLISH":
            attendee = _address(event.attendee_email or "", event.attendee_name)
            attendee.params["ROLE"] = "REQ-PARTICIPANT"
            attendee.params["PARTSTAT"] = event.attendee_partstat
            # Delegates answer on the website, not by calendar reply.
            attendee.params["RSVP"] = "FALSE"
            vevent.add("attendee", attendee)
        vevent.add("status", "CANCELLED" if method == "CANCEL" else event.status)
        cal.add_component(vevent)
    return cal.to_ical()


def build_feed(
    events: list[CalendarEvent],
    name: str,
    tz: str = "Europe/London",
    prodid: str = PRODID,
    *,
    description: str | None = None,
    refresh: timedelta | None = None,
) -> bytes:
    """A subscribable calendar: no METHOD, ORGANIZER or ATTENDEE; same input, same bytes.

    Every event needs ``dtstamp`` or ``last_modified``, since the build time must not
    leak into the output.
    """
    cal, zone = _calendar(events, tz, prodid)
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _Text(_one_line(name)))
    cal.add("x-wr-timezone", tz)
    if description:
        cal.add("x-wr-caldesc", _Text(_one_line(description)))
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        # Outlook's older name for the same hint; an X- name needs the type spelt out.
        cal.add("x-published-ttl", vDuration(refresh))
    for event in events:
        stamp = event.dtstamp or event.last_modified
        if stamp is None:
            raise ValueError(f"feed event {event.uid} needs dtstamp or last_modified")
        vevent = _vevent(event, zone, stamp)
        vevent.add("status", event.status)
        cal.add_component(vevent)
    return cal.to_ical()


def _calendar(
    events: list[CalendarEvent], tz: str, prodid: str
) -> tuple[Calendar, ZoneInfo | None]:
    """The VCALENDAR head and, when the zone can be written for Outlook, its VTIMEZONE."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz!r}") from None
    cal = Calendar()
    cal.add("prodid", _one_line(prodid))
    cal.add("version", "2.0")
    if not events:
        return cal, None
    local = [moment.astimezone(zone) for e in events for moment in (e.start, e.end)]
    vtimezone = _vtimezone(tz, zone, range(min(local).year, max(local).year + 1))
    if vtimezone is None:
        return cal, None
    cal.add_component(vtimezone)
    return cal, zone


def _vevent(event: CalendarEvent, zone: ZoneInfo | None, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    if zone is not None and (_ambiguous(event.start, zone) or _ambiguous(event.end, zone)):
        zone = None
    vevent.add("dtstart", _moment(event.start, zone))
    vevent.add("dtend", _moment(event.end, zone))
    vevent.add("summary", _Text(_one_line(event.summary)))
    if event.description:
        vevent.add("description", _Text(_multi_line(event.description)))
    if event.location:
        vevent.add("location", _Text(_one_line(event.location)))
    if event.url:
        url = _one_line(event.url)
        if not url.startswith(("https://", "http://")) or " " in url:
            raise ValueError("CalendarEvent.url must be an http(s) URL")
        vevent.add("url", url)
    if event.last_modified is not None:
        vevent.add("last-modified", event.last_modified.astimezone(UTC))
    return vevent


def _moment(moment: datetime, zone: ZoneInfo | None) -> datetime:
    # With a ZoneInfo tzinfo icalendar writes DTSTART;TZID=<key>:<local time>.
    return moment.astimezone(zone if zone is not None else UTC)


def _ambiguous(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall-clock time of ``moment`` in ``zone`` happens twice (a clock
    going back), so that local time alone cannot say which pass is meant."""
    local = moment.astimezone(zone)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


class _Text(vText):
    """A TEXT value escaped by RFC 5545 3.3.11 alone. icalendar's own escaping turns a
    backslash followed by N into a line break, and X- properties are not escaped."""

    def to_ical(self) -> bytes:
        text = (
            str(self)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\n", "\\n")
        )
        return text.encode("utf-8")


def _address(email: str, name: str | None) -> vCalAddress:
    address = vCalAddress(f"mailto:{validate_address(email)}")
    if name:
        # A double quote cannot appear inside a quoted parameter value (RFC 5545
        # 3.1); Outlook does not read the RFC 6868 escape, so use an apostrophe.
        address.params["CN"] = _one_line(name).replace('"', "'")
    return address


def _one_line(text: str) -> str:
    return clean_header(text)


def _multi_line(text: str) -> str:
    # Line breaks survive (icalendar writes them as \n); other controls do not.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(clean_header(line) for line in lines).strip("\n")


# --- VTIMEZONE ---------------------------------------------------------------


@dataclass(frozen=True)
class _Transition:
    at: datetime  # UTC instant of the change
    offset_from: timedelta
    offset_to: timedelta
    name: str  # zone abbreviation after the change, e.g. BST

    @property
    def local(self) -> datetime:
        """Wall-clock time of the change, on the clock that was running before it."""
        return (self.at + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True)
class _YearlyRule:
    month: int
    weekday: int  # Monday is 0
    nth: int  # 1..4, or -1 for the last in the month
    at: time
    offset_from: timedelta
    offset_to: timedelta
    name: str

    def day_in(self, year: int) -> date:
        first_weekday, days = gregorian.monthrange(year, self.month)
        first = 1 + (self.weekday - first_weekday) % 7
        if self.nth > 0:
            return date(year, self.month, first + 7 * (self.nth - 1))
        return date(year, self.month, first + 7 * ((days - first) // 7))

    def matches(self, transition: _Transition) -> bool:
        local = transition.local
        return (
            local.date() == self.day_in(local.year)
            and local.time() == self.at
            and transition.offset_from == self.offset_from
            and transition.offset_to == self.offset_to
        )


def _offset(zone: ZoneInfo, timestamp: int) -> timedelta:
    return datetime.fromtimestamp(timestamp, zone).utcoffset() or timedelta(0)


@functools.lru_cache(maxsize=512)
def _transitions(zone: ZoneInfo, year: int) -> tuple[_Transition, ...]:
    """Every change of UTC offset in ``year``, found by scanning then bisecting.

    Cached: the scan costs milliseconds and every invite for an event repeats it.
    """
    start = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    found = []
    before, offset_before = start, _offset(zone, start)
    while before < end:
        after = min(before + _SCAN_STEP, end)
        offset_after = _offset(zone, after)
        if offset_after != offset_before:
            low, high = before, after
            while high - low > 1:
                middle = (low + high) // 2
                if _offset(zone, middle) == offset_before:
                    low = middle
                else:
                    high = middle
            at = datetime.fromtimestamp(high, UTC)
            name = at.astimezone(zone).tzname() or ""
            found.append(_Transition(at, offset_before, offset_after, name))
        before, offset_before = after, offset_after
    return tuple(found)


def _candidate_rules(transition: _Transition) -> list[_YearlyRule]:
    local = transition.local
    days = gregorian.monthrange(local.year, local.month)[1]
    nths = [-1] if local.day + 7 > days else []
    if local.day <= 28:
        nths.append((local.day - 1) // 7 + 1)
    return [
        _YearlyRule(
            local.month,
            local.weekday(),
            nth,
            local.time(),
            transition.offset_from,
            transition.offset_to,
            transition.name,
        )
        for nth in nths
    ]


def _vtimezone(tzid: str, zone: ZoneInfo, years: range) -> Timezone | None:
    """A VTIMEZONE valid for ``years``, or None if no yearly-rule form fits them."""
    per_year = [_transitions(zone, year) for year in years]
    counts = {len(transitions) for transitions in per_year}
    vtimezone = Timezone()
    vtimezone.add("tzid", tzid)
    if counts == {0}:
        probes = [datetime(year, 7, 1, tzinfo=UTC).astimezone(zone) for year in years]
        offsets = {(probe.utcoffset(), probe.tzname()) for probe in probes}
        if len(offsets) != 1:
            return None
        offset, name = offsets.pop()
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", name or tzid)
        vtimezone.add_component(standard)
        return vtimezone
    if counts != {2}:
        return None  # One-off changes (a zone abandoning DST) have no yearly rule.

    rules = []
    for index, transition in enumerate(per_year[0]):
        fitting = [
            rule
            for rule in _candidate_rules(transition)
            if all(rule.matches(transitions[index]) for transitions in per_year)
        ]
        if not fitting:
            return None
        rules.append(fitting[0])
    # The part that moves clocks to the larger offset is summer time, whatever
    # the zone's own DST flag says (Europe/Dublin flags winter as DST).
    daylight_to = max(rule.offset_to for rule in rules)
    for rule in rules:
        part = TimezoneDaylight() if rule.offset_to == daylight_to else TimezoneStandard()
        part.add("dtstart", datetime.combine(rule.day_in(1970), rule.at))
        part.add(
            "rrule",
            {
                "FREQ": "YEARLY",
                "BYMONTH": rule.month,
                "BYDAY": f"{rule.nth}{_WEEKDAYS[rule.weekday]}",
            },
        )
        part.add("tzoffsetfrom", rule.offset_from)
        part.add("tzoffsetto", rule.offset_to)
        part.add("tzname", rule.name or tzid)
        vtimezone.add_component(part)
    return vtimezone
