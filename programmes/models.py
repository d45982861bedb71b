"""Programme tables: rooms, sessions (the organisers' draft), speakers and their sessions,
published versions with their snapshot and changelog, delegates' agenda picks and
their agenda feeds' salts.

Fields and trivial properties only; the rules live in the service modules. Times are
aware UTC. A published ``ProgrammeVersion`` holds the whole programme as it was
published (``snapshot``), so pages, feeds and exports read one row, not the draft.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class SessionType(StrEnum):
    PLENARY = "plenary"
    KEYNOTE = "keynote"
    PANEL = "panel"
    WORKSHOP = "workshop"
    BREAK = "break"
    NETWORKING = "networking"
    OTHER = "other"


class SpeakerStatus(StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class SpeakerRole(StrEnum):
    CHAIR = "chair"
    SPEAKER = "speaker"
    PANELLIST = "panellist"
    FACILITATOR = "facilitator"


class Room(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Event", related_name="rooms", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    capacity = fields.IntField(null=True)
    access_notes = fields.TextField(default="")
    position = fields.IntField(default=0)

    class Meta:
        table = "programme_room"
        ordering = ["position", "id"]


class Session(Model):
    """One session in the organisers' draft; cancelled sessions stay to keep their UID."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Event", related_name="sessions", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=300)
    description = fields.TextField(default="")  # Markdown source; sanitised when shown
    kind = fields.CharEnumField(SessionType, max_length=12, default=SessionType.PLENARY)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    room: fields.ForeignKeyNullableRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="sessions", null=True, on_delete=fields.SET_NULL
    )
    track = fields.CharField(max_length=100, default="")
    not_for_publication = fields.BooleanField(default=False)
    places = fields.IntField(null=True)  # workshop sign-up places; None: no sign-up
    # Only ever changed by one conditional UPDATE (see programmes.agenda).
    places_taken = fields.IntField(default=0)
    cancelled_at = fields.DatetimeField(null=True)
    calendar_uid = fields.CharField(max_length=100, unique=True)
    # The SEQUENCE in the latest published version; None until first published.
    calendar_sequence = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "programme_session"
        ordering = ["starts_at", "id"]
        indexes = (("event_id", "starts_at"),)


class Speaker(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Event", related_name="speakers", on_delete=fields.CASCADE
    )
    honorific = fields.CharField(max_length=100, default="")  # Chief Constable, Cllr, Dr
    name = fields.CharField(max_length=200)
    job_title = fields.CharField(max_length=200, default="")
    organisation = fields.CharField(max_length=200, default="")
    organisation_entry: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Entry", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    bio = fields.TextField(default="")
    photo_path = fields.CharField(max_length=300, default="")
    email = fields.CharField(max_length=254, default="")  # private: never published
    status = fields.CharEnumField(SpeakerStatus, max_length=12, default=SpeakerStatus.INVITED)
    decline_reason = fields.TextField(default="")
    # A speaker who declined stays on what is published only if the organiser says so.
    keep_on_programme = fields.BooleanField(default=False)
    invited_at = fields.DatetimeField(null=True)
    responded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "programme_speaker"
        ordering = ["name", "id"]

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.honorific, self.name) if part)

    @property
    def link_subject(self) -> str:
        return f"speaker:{self.id}"

    @property
    def withdrawn(self) -> bool:
        """Declined and not kept on: left out of what is published."""
        return self.status == SpeakerStatus.DECLINED and not self.keep_on_programme


class SessionSpeaker(Model):
    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="speaker_links", on_delete=fields.CASCADE
    )
    speaker: fields.ForeignKeyRelation[Speaker] = fields.ForeignKeyField(
        "models.Speaker", related_name="session_links", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(SpeakerRole, max_length=12, default=SpeakerRole.SPEAKER)
    position = fields.IntField(default=0)

    class Meta:
        table = "programme_session_speaker"
        unique_together = (("session", "speaker"),)
        ordering = ["position", "id"]


class ProgrammeVersion(Model):
    """A published programme: the snapshot everyone reads, and what changed."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Event", related_name="programme_versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    snapshot = fields.JSONField()
    changelog = fields.JSONField()
    published_at = fields.DatetimeField()
    published_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "programme_version"
        unique_together = (("event", "number"),)
        ordering = ["number"]


class AgendaPick(Model):
    """A session a registered delegate put in their agenda (with a workshop place, or not)."""

    id = fields.IntField(primary_key=True)
    registration: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Registration", related_name="agenda_picks", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="agenda_picks", on_delete=fields.CASCADE
    )
    has_place = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "programme_agenda_pick"
        unique_together = (("registration", "session"),)


class AgendaFeed(Model):
    """The secret for a delegate's agenda feed URL; the URL's token is derived from it
    with the app's secret key (so it can be shown again) and only its hash is a link."""

    id = fields.IntField(primary_key=True)
    registration: fields.OneToOneRelation = fields.OneToOneField(
        "models.Registration", related_name="agenda_feed", on_delete=fields.CASCADE
    )
    salt = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    class Meta:
        table = "programme_agenda_feed"
