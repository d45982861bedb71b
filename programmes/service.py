"""Who may see which published programme, and the entry points pages and the API call.

The work is done in sibling modules (``drafts``, ``speakers``, ``publishing``,
``agenda``); this module adds the visibility rules and re-exports them, so routes
import one module. Visibility follows the event's:

- anyone: the public programme of a published event that is public or unlisted, at
  the event's uuid (``/events/{uuid}/programme``, as its event page is); by the event's
  number (the API, old links) only a public event's;
- registered delegates (through their personal link): the programme including
  not-for-publication sessions;
- speakers (through their link): the public programme of their event, whatever its
  visibility, and their own sessions;
- organisers: everything for the events they organise.
"""

from __future__ import annotations

from dataclasses import dataclass

from convenor.errors import NotFound
from convenor.models import User
from events.access import get_event_for, invitation_for_link
from events.models import EventStatus
from programmes.agenda import (
    add_to_agenda,
    agenda_feed_link,
    agenda_for,
    agenda_for_feed,
    give_up_place,
    remove_from_agenda,
    rotate_agenda_feed,
    saved_agenda_feed_link,
    sign_up,
)
from programmes.drafts import (
    add_room,
    add_session,
    cancel_session,
    delete_room,
    draft_clashes,
    draft_session,
    draft_sessions,
    reorder_rooms,
    restore_session,
    rooms_for,
    sessions_in_room,
    set_session_speakers,
    update_room,
    update_session,
    workshop_holders,
)
from programmes.feeds import agenda_ics, event_cancelled, public_feed_programme, session_ics
from programmes.photos import (
    check_own_photo,
    check_speaker_photo,
    remove_own_photo,
    remove_speaker_photo,
    set_own_photo,
    set_speaker_photo,
    shown_photo,
    speaker_photo,
)
from programmes.public_cache import public_published
from programmes.publishing import (
    Clashes,
    preview_changes,
    programme_version,
    publish_programme,
    versions_for,
)
from programmes.speakers import (
    add_speaker,
    confirm_speaker,
    decline_speaker,
    invite_speaker,
    keep_speaker_on,
    remove_speaker,
    speaker_for_link,
    speaker_page,
    speakers_for,
    update_speaker,
    update_speaker_profile,
)
from programmes.view import ProgrammeView, SessionEntry, published_programme

__all__ = [
    "Clashes",
    "add_room",
    "add_session",
    "add_speaker",
    "add_to_agenda",
    "agenda_feed_link",
    "agenda_for",
    "agenda_for_feed",
    "cancel_session",
    "check_own_photo",
    "check_speaker_photo",
    "confirm_speaker",
    "decline_speaker",
    "delegate_programme",
    "delete_room",
    "draft_clashes",
    "draft_session",
    "draft_sessions",
    "event_cancelled",
    "give_up_place",
    "invite_speaker",
    "keep_speaker_on",
    "organiser_programme",
    "preview_changes",
    "programme_version",
    "public_programme",
    "publish_programme",
    "remove_from_agenda",
    "remove_own_photo",
    "remove_speaker",
    "remove_speaker_photo",
    "reorder_rooms",
    "restore_session",
    "rooms_for",
    "rotate_agenda_feed",
    "saved_agenda_feed_link",
    "session_ics",
    "sessions_in_room",
    "set_own_photo",
    "set_session_speakers",
    "set_speaker_photo",
    "shown_photo",
    "sign_up",
    "speaker_calendar",
    "speaker_page",
    "speaker_photo",
    "speaker_programme",
    "speakers_for",
    "update_room",
    "update_session",
    "update_speaker",
    "update_speaker_profile",
    "uuid_for_number",
    "versions_for",
    "workshop_holders",
]


async def public_programme(event: str | int) -> ProgrammeView:
    """The programme anyone may see (use ``public_sessions()``), ``event`` given by its
    uuid (its public address: public and unlisted events) or its id (public events
    only); NotFound for an invite-only, unpublished or cancelled event. At most one
    query a second per event (``public_cache``): another process's change shows within
    a second."""
    published = await public_published(event)
    if published.event_status != EventStatus.PUBLISHED.value:
        raise NotFound()
    return published.view


async def uuid_for_number(event_id: int) -> str:
    """The uuid that a public event's programme addresses by number (those handed out
    before uuids) move to: where its public feed answers (a published or cancelled
    public event); NotFound for any other, so an unlisted one cannot be found by
    counting. No side effects beyond the public cache."""
    view, _ = await public_feed_programme(event_id)
    return view.event["uuid"]


async def organiser_programme(user: User, event_id: int) -> ProgrammeView:
    """The latest published version for an organiser of the event. No side effects."""
    await get_event_for(user, event_id)
    published = await published_programme(event_id)
    if published is None:
        raise NotFound("The programme has not been published yet.")
    return published.view


@dataclass(frozen=True)
class DelegateProgramme:
    view: ProgrammeView
    # Registered delegates see not-for-publication sessions; other invitees do not.
    sessions: list[SessionEntry]
    registered: bool


async def delegate_programme(token: str) -> DelegateProgramme:
    """The programme for an invitee's personal link (NotFound if none is published)."""
    invitation = await invitation_for_link(token)
    published = await published_programme(invitation.event_id)  # type: ignore[attr-defined]
    if published is None:
        raise NotFound("The programme has not been published yet.")
    view = published.view
    registered = invitation.status == "registered"
    sessions = view.sessions if registered else view.public_sessions()
    return DelegateProgramme(view, sessions, registered)


async def speaker_programme(token: str) -> ProgrammeView:
    """The public programme of a speaker's event, whatever the event's visibility (use
    ``public_sessions()``); NotFound if none is published. No side effects."""
    speaker = await speaker_for_link(token)
    published = await published_programme(speaker.event_id)  # type: ignore[attr-defined]
    if published is None:
        raise NotFound("The programme has not been published yet.")
    return published.view


async def speaker_calendar(token: str, base_url: str) -> bytes:
    """A speaker's own published sessions as one "add to calendar" file (every session
    cancelled once the event is). No side effects."""
    speaker = await speaker_for_link(token)
    published = await published_programme(speaker.event_id)  # type: ignore[attr-defined]
    if published is None:
        raise NotFound("The programme has not been published yet.")
    view = published.view
    mine = [s for s in view.sessions if any(p.id == speaker.id for p, _ in s.speakers)]
    if not mine:
        raise NotFound("You have no sessions in the published programme yet.")
    cancelled = await event_cancelled(speaker.event_id)  # type: ignore[attr-defined]
    return agenda_ics(view, mine, base_url, cancelled=cancelled)
