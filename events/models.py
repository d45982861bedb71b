"""Event tables: events and their organisers, invitations, registrations, custom
questions, nominations of community groups, the log of reads of sensitive answers
(``DelegateExport``) and what each person's calendar was sent (``CalendarInvite``).

Fields and trivial properties only; the rules live in ``events.service`` and its
sibling modules. Times are aware UTC. Personal-link tokens are never stored here:
``convenor.models.PersonalLink`` keeps their hashes, bound to ``invitation:<id>``.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

DEFAULT_TIME_ZONE = "Europe/London"
DEFAULT_PURGE_DAYS = 30
DEFAULT_REMINDER_HOURS = 48


class Visibility(StrEnum):
    INVITE_ONLY = "invite_only"
    UNLISTED = "unlisted"
    PUBLIC = "public"


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class InvitationStatus(StrEnum):
    INVITED = "invited"
    # A substitute named by an invitee, waiting for an organiser to approve them.
    PROPOSED = "proposed"
    REGISTERED = "registered"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    REVOKED = "revoked"


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    CHOICE = "choice"
    YES_NO = "yes_no"


class Event(Model):
    """A summit (or any gathering) that delegates are invited to."""

    id = fields.IntField(primary_key=True)
    uuid = fields.CharField(max_length=36, unique=True)
    title = fields.CharField(max_length=200)
    summary = fields.TextField(default="")
    description = fields.TextField(default="")  # Markdown source; sanitised when shown
    organising_body = fields.CharField(max_length=200, default="")
    contact_email = fields.CharField(max_length=254)
    venue_name = fields.CharField(max_length=200, default="")
    venue_address = fields.TextField(default="")
    venue_postcode = fields.CharField(max_length=10, default="")
    venue_access = fields.TextField(default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    time_zone = fields.CharField(max_length=64, default=DEFAULT_TIME_ZONE)
    capacity = fields.IntField()
    # Only ever changed by one conditional UPDATE (see events.registration).
    seats_taken = fields.IntField(default=0)
    registration_opens_at = fields.DatetimeField(null=True)
    registration_closes_at = fields.DatetimeField(null=True)
    visibility = fields.CharEnumField(Visibility, max_length=20, default=Visibility.INVITE_ONLY)
    status = fields.CharEnumField(EventStatus, max_length=12, default=EventStatus.DRAFT)
    substitutes_need_approval = fields.BooleanField(default=True)
    calendar_uid = fields.CharField(max_length=100, unique=True)
    calendar_sequence = fields.IntField(default=0)
    purge_after_days = fields.IntField(default=DEFAULT_PURGE_DAYS)
    # The reminder to registered delegates (venue, access, check-in code, their link),
    # sent once per delegate this many hours before the start (events.reminders).
    reminders_enabled = fields.BooleanField(default=True)
    reminder_hours_before = fields.IntField(default=DEFAULT_REMINDER_HOURS)
    # Dietary and access answers, and answers to questions marked sensitive, are wiped
    # after the event; these counts stay.
    sensitive_purged_at = fields.DatetimeField(null=True)
    dietary_count = fields.IntField(null=True)
    access_needs_count = fields.IntField(null=True)
    # [{"question": label, "count": registered delegates who answered}], set by the purge
    sensitive_answer_counts = fields.JSONField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    published_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    organisers: fields.ManyToManyRelation = fields.ManyToManyField(
        "models.User",
        through="event_organiser",
        backward_key="event_id",
        forward_key="user_id",
        related_name="organised_events",
    )

    invitations: fields.ReverseRelation[Invitation]
    registrations: fields.ReverseRelation[Registration]
    questions: fields.ReverseRelation[Question]

    class Meta:
        table = "event"
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def location(self) -> str:
        lines = [line.strip() for line in self.venue_address.splitlines()]
        parts = [self.venue_name, *lines, self.venue_postcode]
        return ", ".join(part for part in parts if part)


class Invitation(Model):
    """One person invited to one event."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="invitations", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254)
    organisation = fields.CharField(max_length=200, default="")
    job_title = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(InvitationStatus, max_length=12)
    decline_reason = fields.TextField(default="")
    substitute_of: fields.ForeignKeyNullableRelation[Invitation] = fields.ForeignKeyField(
        "models.Invitation", related_name="substitutes", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)  # the last invitation email
    reminded_at = fields.DatetimeField(null=True)
    responded_at = fields.DatetimeField(null=True)
    # Set when the person asked for a place from a public or unlisted event's page.
    requested_at = fields.DatetimeField(null=True)

    class Meta:
        table = "event_invitation"
        unique_together = (("event", "email"),)
        indexes = (("event_id", "status"),)
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def link_subject(self) -> str:
        return f"invitation:{self.id}"


class Registration(Model):
    """A delegate's answers and place: registered, on the waitlist, or cancelled."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="registrations", on_delete=fields.CASCADE
    )
    invitation: fields.OneToOneRelation[Invitation] = fields.OneToOneField(
        "models.Invitation", related_name="registration", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    job_title = fields.CharField(max_length=200, default="")
    organisation = fields.CharField(max_length=200, default="")
    organisation_entry: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Entry", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    dietary = fields.TextField(default="")  # sensitive: purged after the event
    access_needs = fields.TextField(default="")  # sensitive: purged after the event
    consent_to_list = fields.BooleanField(default=False)
    answers = fields.JSONField(default=dict)  # {question id: answer}
    status = fields.CharEnumField(RegistrationStatus, max_length=12)
    check_in_code = fields.CharField(max_length=8)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    registered_at = fields.DatetimeField(null=True)
    # The waitlist is served in order of (waitlisted_at, id).
    waitlisted_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    # When the pre-event reminder went to this delegate; set once, so never twice.
    reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "event_registration"
        unique_together = (("event", "check_in_code"),)
        indexes = (("event_id", "status", "waitlisted_at"),)

    def __str__(self) -> str:
        return self.name


class Question(Model):
    """A per-event question on the registration form."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="questions", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(QuestionKind, max_length=12)
    label = fields.CharField(max_length=300)
    help_text = fields.TextField(default="")
    choices = fields.TextField(default="")  # one per line, for CHOICE
    required = fields.BooleanField(default=False)
    # Answers are special-category data: purged with dietary and access answers, left
    # out of plain exports, and every read of them is logged.
    sensitive = fields.BooleanField(default=False)
    position = fields.IntField(default=0)

    class Meta:
        table = "event_question"
        ordering = ["position", "id"]

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]


class Nomination(Model):
    """A community group or network a delegate told us about."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="nominations", on_delete=fields.CASCADE
    )
    registration: fields.ForeignKeyNullableRelation[Registration] = fields.ForeignKeyField(
        "models.Registration", related_name="nominations", null=True, on_delete=fields.SET_NULL
    )
    name = fields.CharField(max_length=200)
    what_they_do = fields.TextField(default="")
    area = fields.CharField(max_length=200, default="")
    contact_name = fields.CharField(max_length=200, default="")
    contact_email = fields.CharField(max_length=254, default="")
    entry: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Entry", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "event_nomination"
        ordering = ["created_at", "id"]


class ReadVia(StrEnum):
    PAGE = "page"
    CSV = "csv"
    XLSX = "xlsx"
    API = "api"


class DelegateExport(Model):
    """A record that someone read delegates' sensitive answers (dietary, access, answers
    to sensitive questions): on the needs page, in a .csv or .xlsx download or through the API."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="exports", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    user_email = fields.CharField(max_length=254)  # kept if the account is removed
    included_needs = fields.BooleanField()
    row_count = fields.IntField()
    via = fields.CharEnumField(ReadVia, max_length=8, default=ReadVia.CSV)
    created_at = fields.DatetimeField()

    class Meta:
        table = "event_export"
        ordering = ["created_at", "id"]


class CalendarInvite(Model):
    """A calendar entry sent to one invitee by METHOD:REQUEST (the summit, or a session
    of its programme), kept so that later updates and cancels reach exactly what the
    person holds: the same UID, a higher SEQUENCE and the same ORGANIZER. The details
    are kept too, so a cancel can be built here without the programme."""

    id = fields.IntField(primary_key=True)
    invitation: fields.ForeignKeyRelation[Invitation] = fields.ForeignKeyField(
        "models.Invitation", related_name="calendar_invites", on_delete=fields.CASCADE
    )
    uid = fields.CharField(max_length=255)
    # "event" for the summit itself, "session" for a programme session.
    kind = fields.CharField(max_length=12)
    # The SEQUENCE last sent to this person, and the entry's own SEQUENCE it was based on.
    sequence = fields.IntField()
    base_sequence = fields.IntField()
    # CONFIRMED after a REQUEST, CANCELLED after a CANCEL.
    status = fields.CharField(max_length=12)
    organizer_email = fields.CharField(max_length=254)
    organizer_name = fields.CharField(max_length=200)
    summary = fields.TextField()
    location = fields.TextField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    time_zone = fields.CharField(max_length=64)
    sent_at = fields.DatetimeField()

    class Meta:
        table = "event_calendar_invite"
        unique_together = (("invitation", "uid"),)
