"""Reading event forms into the plain dataclasses the services take.

Each reader returns the data, the values as typed (so a form can be shown again with
everything kept) and a dict of errors keyed by field name. Times are typed as wall
clock in the event's time zone and become aware UTC here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from events.data import (
    EventData,
    InviteeData,
    NominationData,
    QuestionData,
    RegistrationData,
    SubstituteData,
    from_local,
    valid_time_zone,
)
from events.models import DEFAULT_REMINDER_HOURS, DEFAULT_TIME_ZONE, Event

EVENT_TEXT = (
    "title",
    "summary",
    "description",
    "organising_body",
    "contact_email",
    "venue_name",
    "venue_address",
    "venue_postcode",
    "venue_access",
    "time_zone",
    "visibility",
)
EVENT_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
REQUIRED_TIMES = ("starts_at", "ends_at")
MAX_FIELD = 20_000


def _text(form: Mapping, name: str, limit: int = MAX_FIELD) -> str:
    value = form.get(name, "")
    return str(value)[:limit] if value is not None else ""


def _ticked(form: Mapping, name: str) -> bool:
    return _text(form, name, 10) in ("yes", "on", "true", "1")


def local_input(moment: datetime | None, time_zone: str) -> str:
    """An aware time as a datetime-local input value in the event's zone."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%dT%H:%M")


def parse_local(text: str, time_zone: str) -> datetime | None:
    """'2027-06-09T09:30' typed in ``time_zone`` as aware UTC; None if not a time."""
    text = text.strip()
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return from_local(datetime.strptime(text, pattern), time_zone)
        except ValueError:
            continue
    return None


@dataclass
class EventForm:
    """The event form as typed, and what it means."""

    values: dict[str, str]
    data: EventData
    errors: dict[str, str] = field(default_factory=dict)


def event_form_values(event: Event | None = None) -> dict[str, str]:
    """The form's starting values: blank for a new event, else the event's own."""
    if event is None:
        values = {name: "" for name in (*EVENT_TEXT, *EVENT_TIMES)}
        values.update(
            time_zone=DEFAULT_TIME_ZONE,
            visibility="invite_only",
            capacity="",
            purge_after_days="30",
            substitutes_need_approval="yes",
            reminders_enabled="yes",
            reminder_hours_before=str(DEFAULT_REMINDER_HOURS),
        )
        return values
    values = {name: str(getattr(event, name) or "") for name in EVENT_TEXT}
    values["visibility"] = event.visibility.value
    for name in EVENT_TIMES:
        values[name] = local_input(getattr(event, name), event.time_zone)
    values["capacity"] = str(event.capacity)
    values["purge_after_days"] = str(event.purge_after_days)
    values["substitutes_need_approval"] = "yes" if event.substitutes_need_approval else ""
    values["reminders_enabled"] = "yes" if event.reminders_enabled else ""
    values["reminder_hours_before"] = str(event.reminder_hours_before)
    return values


def event_from_form(form: Mapping) -> EventForm:
    """Read the create/edit event form; errors for times and numbers that do not parse."""
    values = {name: _text(form, name) for name in (*EVENT_TEXT, *EVENT_TIMES)}
    values["capacity"] = _text(form, "capacity", 20)
    values["purge_after_days"] = _text(form, "purge_after_days", 20)
    approval = _ticked(form, "substitutes_need_approval")
    values["substitutes_need_approval"] = "yes" if approval else ""
    values["reminders_enabled"] = "yes" if _ticked(form, "reminders_enabled") else ""
    values["reminder_hours_before"] = _text(form, "reminder_hours_before", 20)
    errors: dict[str, str] = {}
    zone = values["time_zone"].strip() or DEFAULT_TIME_ZONE
    if not valid_time_zone(zone):
        errors["time_zone"] = "Choose a time zone such as Europe/London"
        zone = DEFAULT_TIME_ZONE
    times: dict[str, datetime | None] = {}
    for name in EVENT_TIMES:
        typed = values[name].strip()
        times[name] = parse_local(typed, zone) if typed else None
        if typed and times[name] is None:
            errors[name] = "Enter a date and time like 2027-06-09 09:30"
    capacity = _number(values["capacity"])
    purge = _number(values["purge_after_days"])
    hours = _number(values["reminder_hours_before"])
    data = EventData(
        **{name: values[name] for name in EVENT_TEXT if name != "time_zone"},
        time_zone=zone,
        capacity=capacity,
        purge_after_days=purge if purge is not None else -1,
        substitutes_need_approval=bool(values["substitutes_need_approval"]),
        reminders_enabled=bool(values["reminders_enabled"]),
        reminder_hours_before=_reminder_hours(values["reminder_hours_before"], hours),
        **times,
    )
    return EventForm(values, data, errors)


def _reminder_hours(typed: str, hours: int | None) -> int:
    """Blank is the default (two days); anything else that is not a number is wrong (-1)."""
    if not typed.strip():
        return DEFAULT_REMINDER_HOURS
    return hours if hours is not None else -1


def _number(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def invitee_from_form(form: Mapping) -> InviteeData:
    return InviteeData(
        name=_text(form, "name", 300),
        email=_text(form, "email", 300),
        organisation=_text(form, "organisation", 300),
        job_title=_text(form, "job_title", 300),
    )


def selected_ids(form) -> list[int]:
    """Invitation ids ticked in a list (``invitation`` checkboxes)."""
    return [int(v) for v in form.getlist("invitation") if str(v).isdigit()][:5000]


@dataclass
class RegistrationForm:
    values: dict[str, str]
    data: RegistrationData


def registration_from_form(form: Mapping) -> RegistrationForm:
    """Read the registration form; the organisation is chosen (an entry id) or typed.

    Custom questions are the ``question_<id>`` fields; the service checks them against
    the event's questions (unknown ones are dropped there).
    """
    values = {
        name: _text(form, name, 2000)
        for name in ("name", "job_title", "organisation", "dietary", "access_needs")
    }
    values["organisation_entry_id"] = _text(form, "organisation_entry_id", 12)
    values["organisation_kind"] = _text(form, "organisation_kind", 100)
    values["consent_to_list"] = "yes" if _ticked(form, "consent_to_list") else ""
    answers = {}
    for key in list(form.keys())[:200]:
        number = key.removeprefix("question_")
        if key.startswith("question_") and number.isdigit() and len(number) < 10:
            values[key] = answers[number] = _text(form, key, 600)
    entry_id = _number(values["organisation_entry_id"])
    data = RegistrationData(
        name=values["name"],
        job_title=values["job_title"],
        organisation=values["organisation"],
        organisation_entry_id=entry_id,
        organisation_kind=values["organisation_kind"],
        dietary=values["dietary"],
        access_needs=values["access_needs"],
        consent_to_list=bool(values["consent_to_list"]),
        answers={key: value for key, value in answers.items() if value.strip()},
    )
    return RegistrationForm(values, data)


def question_from_form(form: Mapping) -> tuple[QuestionData, dict[str, str]]:
    values = {name: _text(form, name, 3000) for name in ("kind", "label", "help_text", "choices")}
    values["required"] = "yes" if _ticked(form, "required") else ""
    values["sensitive"] = "yes" if _ticked(form, "sensitive") else ""
    data = QuestionData(
        kind=values["kind"],
        label=values["label"],
        help_text=values["help_text"],
        choices=values["choices"],
        required=bool(values["required"]),
        sensitive=bool(values["sensitive"]),
    )
    return data, values


def substitute_from_form(form: Mapping) -> SubstituteData:
    return SubstituteData(
        name=_text(form, "substitute_name", 300),
        email=_text(form, "substitute_email", 300),
        job_title=_text(form, "substitute_job_title", 300),
    )


def nomination_from_form(form: Mapping) -> NominationData:
    """Read the nomination form as typed (over-long text is refused by the service with
    a message next to the field, not cut here)."""
    return NominationData(
        name=_text(form, "name"),
        kind=_text(form, "kind", 100),
        what_they_do=_text(form, "what_they_do"),
        area=_text(form, "area", 200),
        website=_text(form, "website"),
        contact_name=_text(form, "contact_name"),
        contact_email=_text(form, "contact_email"),
    )
