"""A speaker's page in the published programme and their sessions as one .ics file, for
anyone following them: publicly (``/events/<uuid>/programme/speakers/<id>``) and through
a delegate's personal link (``/i/<token>/programme/speakers/<id>``).

Only speakers the viewer's programme shows have a page: a speaker only in
not-for-publication sessions has none for the public (a registered delegate, whose
programme shows those sessions, sees them there), and a speaker who has withdrawn
(declined and not kept on) has none from the moment they withdraw, even before the
next version leaves them out. Visibility follows ``programmes.service``: public pages
for public and unlisted events; invite-only events only through the link.
"""

from __future__ import annotations

from dataclasses import dataclass

from convenor.errors import NotFound
from programmes import service
from programmes.feeds import agenda_ics
from programmes.models import Speaker, SpeakerStatus
from programmes.view import ProgrammeView, SessionEntry, SpeakerEntry


@dataclass(frozen=True)
class SpeakerProgramme:
    """One speaker and their sessions in the programme a viewer sees."""

    view: ProgrammeView
    speaker: SpeakerEntry
    sessions: list[SessionEntry]  # by start time, with the speaker's role in each
    cancelled: bool = False  # the event is cancelled (its .ics says so)

    def role_in(self, session: SessionEntry) -> str:
        return next((role for person, role in session.speakers if person.id == self.speaker.id), "")


def speaker_in(
    view: ProgrammeView, sessions: list[SessionEntry], speaker_id: int
) -> SpeakerProgramme:
    """The speaker and their sessions among ``sessions``; NotFound when they have none
    there. Pure."""
    theirs = [s for s in sessions if any(p.id == speaker_id for p, _ in s.speakers)]
    if not theirs:
        raise NotFound()
    speaker = next(p for p, _ in theirs[0].speakers if p.id == speaker_id)
    return SpeakerProgramme(view, speaker, theirs)


async def _not_withdrawn(found: SpeakerProgramme) -> SpeakerProgramme:
    rows = await Speaker.filter(id=found.speaker.id, event_id=found.view.event["id"]).values_list(
        "status", "keep_on_programme"
    )
    if not rows or (rows[0][0] == SpeakerStatus.DECLINED and not rows[0][1]):
        raise NotFound()
    return found


async def public_speaker(event: str | int, speaker_id: int) -> SpeakerProgramme:
    """A speaker of the public programme and their public sessions; NotFound where the
    public programme is, for a speaker only in not-for-publication sessions, and for one
    who has withdrawn. No side effects."""
    view = await service.public_programme(event)
    return await _not_withdrawn(speaker_in(view, view.public_sessions(), speaker_id))


async def delegate_speaker(token: str, speaker_id: int) -> SpeakerProgramme:
    """A speaker of the programme an invitee's link shows (not-for-publication sessions
    too for a registered delegate), ``cancelled`` set when the event is. No side effects."""
    found = await service.delegate_programme(token)
    speaker = await _not_withdrawn(speaker_in(found.view, found.sessions, speaker_id))
    cancelled = await service.event_cancelled(found.view.event["id"])
    return SpeakerProgramme(speaker.view, speaker.speaker, speaker.sessions, cancelled)


def speaker_ics(found: SpeakerProgramme, base_url: str) -> bytes:
    """The speaker's sessions as one "add to calendar" file (METHOD:PUBLISH with the
    event's ORGANIZER, no attendee; every session cancelled once the event is)."""
    ids = tuple(s.id for s in found.sessions)
    key = ("speaker_ics", found.speaker.id, ids, found.cancelled, base_url)
    body = found.view.outputs.get(key)
    if body is None:
        body = agenda_ics(found.view, found.sessions, base_url, cancelled=found.cancelled)
        found.view.outputs[key] = body
    return body
