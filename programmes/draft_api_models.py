"""The JSON shapes of the draft-editing API (``programmes.draft_api``): pydantic models,
which spectree turns into the OpenAPI document, and the functions that fill them from
the draft's rows and from version summaries.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from convenor.api import ApiTime, Count, DatabaseId
from convenor.cleaning import CheckedInput, PersonName
from programmes.models import Room, Session, Speaker
from programmes.publishing import VersionSummary

KINDS = "plenary, keynote, panel, workshop, break, networking or other"
ROLES = "chair, speaker, panellist or facilitator"


class RoomIn(CheckedInput):
    name: str = Field(max_length=200)
    capacity: Count | None = Field(None, description="Seats; null when it does not matter")
    access_notes: str = Field("", max_length=2000)


class PublishIn(CheckedInput):
    publish_anyway: bool = Field(
        False,
        description="Publish even though rooms or speakers are double-booked (the clashes "
        "are recorded in the version's changelog); without it such a draft is 409",
    )


class RoomOut(BaseModel):
    id: int
    name: str
    capacity: int | None
    access_notes: str
    position: int


class RoomOrderIn(CheckedInput):
    room_ids: list[DatabaseId] = Field(max_length=500, description="Every room of the event, once")


class RoomList(BaseModel):
    items: list[RoomOut]


class SessionIn(CheckedInput):
    title: str = Field(max_length=300)
    description: str = Field("", max_length=20000, description="Markdown")
    kind: str = Field("plenary", description=KINDS)
    starts_at: ApiTime
    ends_at: ApiTime
    room_id: DatabaseId | None = None
    track: str = Field("", max_length=100)
    not_for_publication: bool = Field(False, description="Shown to registered delegates only")
    places: Count | None = Field(None, description="Workshop sign-up places; null: no sign-up")


class SessionSpeakerIn(CheckedInput):
    speaker_id: DatabaseId
    role: str = Field("speaker", description=ROLES)


class SessionSpeakersIn(CheckedInput):
    speakers: list[SessionSpeakerIn] = Field(max_length=50, description="In speaking order")


class SessionSpeakerOut(BaseModel):
    speaker_id: int
    role: str


class DraftSessionOut(BaseModel):
    id: int
    uid: str
    title: str
    description: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    track: str
    not_for_publication: bool
    places: int | None
    places_taken: int
    cancelled_at: datetime | None
    published: bool = Field(description="Whether a published version has this session")
    speakers: list[SessionSpeakerOut]


class CancelOut(BaseModel):
    deleted: bool = Field(description="True for a session never published (it is gone)")
    session: DraftSessionOut | None = Field(description="A published session, now cancelled")


class SpeakerIn(CheckedInput):
    honorific: str = Field("", max_length=100, description="Chief Constable, Cllr, Dr")
    name: PersonName = Field(max_length=200)
    job_title: str = Field("", max_length=200)
    organisation: str = Field("", max_length=200)
    organisation_entry_id: DatabaseId | None = Field(None, description="A directory entry's id")
    bio: str = Field("", max_length=3000)
    email: str = Field("", max_length=254, description="Private: never published")


class DraftSpeakerOut(BaseModel):
    id: int
    honorific: str
    name: str
    display_name: str
    job_title: str
    organisation: str
    organisation_entry_id: int | None
    bio: str
    email: str
    status: str
    has_photo: bool
    invited_at: datetime | None
    responded_at: datetime | None


class ChangeOut(BaseModel):
    session_id: int
    title: str
    kinds: list[str] = Field(
        description="new, cancelled, retimed, moved, speakers, updated; or clash (alone) "
        "for a room or speaker clash published anyway"
    )
    lines: list[str]
    not_for_publication: bool


class DraftOut(BaseModel):
    event_id: int
    rooms: list[RoomOut]
    sessions: list[DraftSessionOut]
    speakers: list[DraftSpeakerOut]
    changes_if_published: list[ChangeOut] = Field(description="Empty before version 1")


class VersionOut(BaseModel):
    number: int
    published_at: datetime
    published_by: str = Field(description="Name or email; empty once the account is gone")
    changelog: list[ChangeOut]


class VersionList(BaseModel):
    items: list[VersionOut]


def room_json(room: Room) -> dict:
    return RoomOut(**{name: getattr(room, name) for name in RoomOut.model_fields}).model_dump()


def session_json(session: Session) -> dict:
    links = sorted(session.speaker_links, key=lambda link: (link.position, link.id))
    speakers = [
        SessionSpeakerOut(speaker_id=link.speaker_id, role=link.role.value) for link in links
    ]
    return DraftSessionOut(
        id=session.id,
        uid=session.calendar_uid,
        title=session.title,
        description=session.description,
        kind=session.kind.value,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room_id=session.room_id,  # type: ignore[attr-defined]
        track=session.track,
        not_for_publication=session.not_for_publication,
        places=session.places,
        places_taken=session.places_taken,
        cancelled_at=session.cancelled_at,
        published=session.calendar_sequence is not None,
        speakers=speakers,
    ).model_dump(mode="json")


def speaker_json(speaker: Speaker) -> dict:
    copied = set(DraftSpeakerOut.model_fields) - {"status", "has_photo"}
    return DraftSpeakerOut(
        **{name: getattr(speaker, name) for name in copied},
        status=speaker.status.value,
        has_photo=bool(speaker.photo_path),
    ).model_dump(mode="json")


def changes_json(items: list[dict]) -> list[dict]:
    return [
        ChangeOut(**{name: item[name] for name in ChangeOut.model_fields}).model_dump()
        for item in items
    ]


def version_json(version: VersionSummary) -> dict:
    return VersionOut(
        number=version.number,
        published_at=version.published_at,
        published_by=version.published_by,
        changelog=changes_json(version.changelog),
    ).model_dump(mode="json")
