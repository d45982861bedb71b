"""Publishing the draft as a numbered version, and telling delegates and speakers.

Publishing freezes the draft into a snapshot (``programmes.snapshot``) with a changelog
against the previous version, raises the SEQUENCE of each session that changed (and
of each one cancelled), and in the same transaction queues one email to every
registered delegate summarising what changed, with calendar updates for the changed
sessions in their agenda (see ``programmes.emails`` for the one-VCALENDAR rule).
The first version sends a plain "the programme is out" email; a later version whose
sessions did not change (only, say, a speaker's bio) sends none. Each speaker whose
sessions changed (or who was taken off one) is emailed too, with calendar parts; those
outbox rows are what ``programmes.event_cancelled`` later reads. Photo files only the
previous version showed, and no speaker uses, are removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.outbox import queue_email, render_email
from convenor.models import User
from convenor.settings import Settings
from events.access import get_event_for, issue_event_link, locked_event_for
from events.changes import changing
from events.emails import when_text
from events.models import Event, Registration, RegistrationStatus
from events.notices import fresh_link
from programmes import snapshot as snap
from programmes.drafts import Clash, find_clashes
from programmes.emails import TEMPLATES, agenda_update, speaker_link
from programmes.invites import delegate_agenda_update
from programmes.models import AgendaPick, ProgrammeVersion, Room, Session, Speaker
from programmes.photo_files import discard_unused
from programmes.speakers import SPEAKER_LINK
from programmes.view import ProgrammeView, SessionEntry, cached_view


async def _draft_sessions(event: Event) -> list[Session]:
    return list(
        await Session.filter(event_id=event.id, cancelled_at=None)
        .select_related("room")
        .prefetch_related("speaker_links__speaker")
    )


def _entry(session: Session) -> dict:
    """The session's snapshot entry with speakers who declined (and were not kept on)
    left out: nothing published shows them as speaking."""
    entry = snap.session_entry(session)
    withdrawn = {link.speaker_id for link in session.speaker_links if link.speaker.withdrawn}
    entry["speakers"] = [pair for pair in entry["speakers"] if pair[0] not in withdrawn]
    return entry


async def _draft_snapshot(
    event: Event, previous: dict | None, stamp, sessions: list[Session] | None = None
) -> tuple[dict, list]:
    if sessions is None:
        sessions = await _draft_sessions(event)
    entries = [_entry(s) for s in sessions]
    sequences = dict(await Session.filter(event_id=event.id).values_list("id", "calendar_sequence"))
    speaker_ids = {sid for entry in entries for sid, _ in entry["speakers"]}
    speakers = [
        snap.speaker_entry(s) for s in await Speaker.filter(id__in=speaker_ids).order_by("id")
    ]
    entries = snap.number_sessions(entries, previous, sequences, stamp)
    cancelled = snap.cancelled_entries(entries, previous, stamp)
    document = {
        "event": snap.event_entry(event),
        "rooms": [snap.room_entry(room) for room in await Room.filter(event_id=event.id)],
        "sessions": entries,
        "cancelled": cancelled,
        "speakers": speakers,
    }
    by_id = {entry["id"]: entry for entry in speakers}
    changes = snap.changelog(previous, entries, cancelled, by_id, event.time_zone)
    return document, changes


def _same(previous: dict, document: dict) -> bool:
    def strip(doc: dict) -> dict:
        return {
            **doc,
            "sessions": [{k: v for k, v in s.items() if k != "stamp"} for s in doc["sessions"]],
            "cancelled": [],
        }

    return strip(previous) == strip(document) and not document["cancelled"]


@dataclass(frozen=True)
class VersionSummary:
    """A published version as the organisers' list shows it (no snapshot)."""

    number: int
    published_at: datetime
    published_by: str  # the staff user's name or email; "" once their account is gone
    changelog: list[dict]


def _summary(row: dict) -> VersionSummary:
    return VersionSummary(
        number=row["number"],
        published_at=row["published_at"],
        published_by=row["published_by__name"] or row["published_by__email"] or "",
        changelog=row["changelog"],
    )


SUMMARY = ("number", "published_at", "changelog", "published_by__name", "published_by__email")


async def versions_for(user: User, event_id: int) -> list[VersionSummary]:
    """Every published version, newest first: number, when, who and the changelog
    (snapshots are not read). No side effects."""
    await get_event_for(user, event_id)
    rows = await ProgrammeVersion.filter(event_id=event_id).order_by("-number").values(*SUMMARY)
    return [_summary(row) for row in rows]


async def programme_version(user: User, event_id: int, number: int) -> VersionSummary:
    """One published version of the event's programme by its number. No side effects."""
    await get_event_for(user, event_id)
    rows = await ProgrammeVersion.filter(event_id=event_id, number=number).values(*SUMMARY)
    if not rows:
        raise NotFound()
    return _summary(rows[0])


async def preview_changes(user: User, event_id: int) -> list[dict]:
    """What publishing the draft now would put in the changelog (the same items as the
    version would carry; empty before the first version). No side effects."""
    event = await get_event_for(user, event_id)
    last = await ProgrammeVersion.filter(event_id=event_id).order_by("-number").first()
    if last is None:
        return []
    _, changes = await _draft_snapshot(event, last.snapshot, now())
    return changes


class Clashes(Conflict):
    """Publishing refused: the draft double-books a room or a speaker (``clashes``)."""

    def __init__(self, clashes: list[Clash]) -> None:
        count = "1 clash" if len(clashes) == 1 else f"{len(clashes)} clashes"
        super().__init__(
            f"The draft has {count}: resolve them, or publish anyway.",
            fields={f"clashes.{index}": c.message for index, c in enumerate(clashes)},
        )
        self.clashes = clashes


def _clash_items(clashes: list[Clash]) -> list[dict]:
    """Clashes published anyway, as changelog items (kind "clash"; never shown to
    delegates, never a reason to email them)."""
    return [
        {
            "session_id": c.first.id,
            "uid": c.first.calendar_uid,
            "title": c.first.title,
            "kinds": ["clash"],
            "lines": [c.as_line()],
            "not_for_publication": True,
        }
        for c in clashes
    ]


def session_changes(changelog: list[dict]) -> list[dict]:
    """The changelog without the clashes an organiser published anyway."""
    return [item for item in changelog if "clash" not in item["kinds"]]


async def publish_programme(
    user: User, event_id: int, settings: Settings, *, publish_anyway: bool = False
) -> ProgrammeView:
    """Publish the draft as the next version.

    Side effects: a ProgrammeVersion row; sessions' calendar_sequence; one email per
    registered delegate whose agenda changed (everyone on the first version) and per
    speaker whose sessions changed (with calendar updates); personal links issued;
    speaker photo files that only the previous version showed are removed.
    Raises Invalid when there is nothing to publish, Conflict when nothing changed,
    ``Clashes`` when a room or speaker is double-booked unless ``publish_anyway`` (then
    the clashes are recorded in the version's changelog).
    The public pages of this process show the new version at once (``changing``).
    """
    async with changing(event_id), in_transaction():
        event = await locked_event_for(user, event_id)
        last = await ProgrammeVersion.filter(event_id=event_id).order_by("-number").first()
        previous = last.snapshot if last is not None else None
        stamp = now()
        sessions = await _draft_sessions(event)
        clashes = find_clashes(sessions, event.time_zone)
        document, changes = await _draft_snapshot(event, previous, stamp, sessions)
        if not document["sessions"] and previous is None:
            raise Invalid(fields={"sessions": "Add at least one session before publishing"})
        if previous is not None and _same(previous, document):
            raise Conflict(f"Nothing has changed since version {last.number}.")
        if clashes and not publish_anyway:
            raise Clashes(clashes)
        changes = changes + _clash_items(clashes)
        version = await ProgrammeVersion.create(
            event=event,
            number=(last.number if last else 0) + 1,
            snapshot=document,
            changelog=changes,
            published_at=stamp,
            published_by=user,
        )
        for entry in document["sessions"] + document["cancelled"]:
            await Session.filter(id=entry["id"]).update(calendar_sequence=entry["sequence"])
        view = cached_view(version)
        if last is None or session_changes(changes):
            await _tell_delegates(event, view, settings, first=last is None)
        if last is not None:
            await _tell_speakers(event, view, cached_view(last), settings)
    if previous is not None:
        # Photos only the previous version showed can go now (if no speaker uses them).
        await discard_unused(settings, event_id, _photos(previous) - _photos(document))
    return view


def _photos(snapshot: dict) -> set[str]:
    return {entry["photo_path"] for entry in snapshot["speakers"] if entry["photo_path"]}


async def _tell_delegates(
    event: Event, view: ProgrammeView, settings: Settings, *, first: bool
) -> None:
    registrations = list(
        await Registration.filter(event_id=event.id, status=RegistrationStatus.REGISTERED)
        .select_related("invitation")
        .order_by("id")
    )
    picks: dict[int, set[int]] = {}
    for registration_id, session_id in await AgendaPick.filter(
        registration__event_id=event.id
    ).values_list("registration_id", "session_id"):
        picks.setdefault(registration_id, set()).add(session_id)
    changes = session_changes(view.changelog)
    changed_ids = {item["session_id"] for item in changes if item["kinds"] != ["cancelled"]}
    changed = [s for s in view.sessions if s.id in changed_ids]
    cancelled = list(view.cancelled)
    touched = changed_ids | {s.id for s in cancelled}
    template = "programme_published" if first else "programme_changed"
    for registration in registrations:
        invitation = registration.invitation
        mine = picks.get(registration.id, set())
        if not first and not mine & touched:
            continue  # nothing in their agenda or workshop places changed
        calendar = await delegate_agenda_update(
            view,
            [s for s in changed if s.id in mine],
            [s for s in cancelled if s.id in mine],
            invitation=invitation,
            attendee_name=registration.name,
        )
        context = {
            "event": event,
            "when": when_text(event),
            "name": registration.name,
            "version": view.number,
            "changes": changes,
            "mine": [item for item in changes if item["session_id"] in mine],
            "calendar": calendar,
            "link": await fresh_link(invitation, settings, event),
        }
        await queue_email(
            to=invitation.email,
            to_name=registration.name,
            rendered=render_email(f"{TEMPLATES}/{template}", context),
            mail_from=settings.mail_from,
            calendar=calendar,
            reply_to=event.contact_email,
            category=f"programme-{template.split('_')[1]}",
            related=invitation.link_subject,
        )


async def _tell_speakers(
    event: Event, view: ProgrammeView, before: ProgrammeView, settings: Settings
) -> None:
    """Email each speaker (with an email address, not withdrawn) whose sessions changed
    in this version, as delegates are told, with calendar updates and their own link."""
    changes = session_changes(view.changelog)
    changed_ids = {item["session_id"] for item in changes if item["kinds"] != ["cancelled"]}
    changed = [s for s in view.sessions if s.id in changed_ids]
    cancelled = list(view.cancelled)
    # A speaker taken off a session hears of it as a cancellation of their invitation.
    previous = {s.id: s for s in before.sessions}

    def speaks(session: SessionEntry, speaker_id: int) -> bool:
        return any(p.id == speaker_id for p, _ in session.speakers)

    # Who spoke in a session before this version (a cancelled session's speakers may be
    # in no session of this one, so this version's view does not name them).
    ids = {p.id for s in changed for p, _ in s.speakers}
    ids |= {
        p.id for s in changed + cancelled if s.id in previous for p, _ in previous[s.id].speakers
    }
    if not ids:
        return
    speakers = await Speaker.filter(id__in=ids, event_id=event.id).exclude(email="")
    for speaker in sorted(speakers, key=lambda p: p.id):
        if speaker.withdrawn:
            continue
        theirs = [s for s in changed if speaks(s, speaker.id)]
        dropped = [
            previous[s.id]
            for s in changed
            if s.id in previous and speaks(previous[s.id], speaker.id) and not speaks(s, speaker.id)
        ]
        gone = [s for s in cancelled if speaks(previous.get(s.id, s), speaker.id)] + dropped
        if not theirs and not gone:
            continue
        ids_of = {s.id for s in theirs + gone}
        calendar = agenda_update(
            view, theirs, gone, attendee_email=speaker.email, attendee_name=speaker.display_name
        )
        token = await issue_event_link(SPEAKER_LINK, speaker.link_subject, event)
        context = {
            "event": event,
            "when": when_text(event),
            "name": speaker.display_name,
            "version": view.number,
            "mine": [item for item in changes if item["session_id"] in ids_of],
            "calendar": calendar,
            "link": speaker_link(settings, token),
        }
        await queue_email(
            to=speaker.email,
            to_name=speaker.display_name,
            rendered=render_email(f"{TEMPLATES}/speaker_programme_changed", context),
            mail_from=settings.mail_from,
            calendar=calendar,
            reply_to=event.contact_email,
            category="programme-speaker-changed",
            related=speaker.link_subject,
        )
