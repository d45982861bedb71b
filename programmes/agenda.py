"""Delegates' personal agendas, workshop sign-up and the secret agenda feed.

A delegate acts through their invitation's personal link and must be registered.
They pick sessions of the published programme (not-for-publication ones included:
they are registered delegates). A workshop place is taken with one conditional UPDATE
(``places_taken = places_taken + 1 WHERE places_taken < places``) inside the sign-up's
transaction, so places are never exceeded whatever arrives at once.

The agenda feed lives at a secret URL with no personal data in it. Its token is
derived from a random salt and the app's secret key, so it can be shown again without
being stored; only its hash is a personal link (purpose ``agenda-feed``). Rotating
picks a new salt and revokes the old link. Like every personal link of the event it
stops working when the event's links expire (``events.access.check_link_live``).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import secrets
from collections import Counter
from dataclasses import dataclass, field

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from convenor.auth import hash_secret, now, revoke_links, unrevoked_link
from convenor.errors import Conflict, Forbidden, NotFound
from convenor.models import PersonalLink
from convenor.settings import Settings
from events.access import check_event_link_live, invitation_for_link, link_expiry
from events.models import Event, EventStatus, Registration, RegistrationStatus
from programmes.emails import agenda_feed_url
from programmes.models import AgendaFeed, AgendaPick, Session
from programmes.view import ProgrammeView, SessionEntry, published_programme

AGENDA_FEED_LINK = "agenda-feed"


@dataclass(frozen=True)
class Agenda:
    registration: Registration
    view: ProgrammeView
    sessions: list[SessionEntry]  # picked sessions still in the programme, by time
    places: frozenset[int]  # ids of workshops the delegate has a place in
    # Places left in each workshop of the programme, by session id (0: full).
    places_left: dict[int, int] = field(default_factory=dict)

    def places_text(self, session_id: int) -> str:
        """'3 places left', '1 place left' or 'Full' ('' if it takes no sign-ups)."""
        left = self.places_left.get(session_id)
        if left is None:
            return ""
        if left == 0:
            return "Full"
        return f"{left} place{'s' if left != 1 else ''} left"

    # Set by ``agenda_for`` and ``agenda_for_feed``: the feed and downloads strike all out.
    event_cancelled: bool = False

    @property
    def withdrawn(self) -> bool:
        """Whether the delegate's calendars strike every session out: the event is
        cancelled, or their place is (they cancelled it or their invitation was revoked)."""
        return self.event_cancelled or self.registration.status != RegistrationStatus.REGISTERED


async def _registered(token: str, *, lock: bool = False) -> Registration:
    invitation = await invitation_for_link(token, lock=lock)
    registration = await Registration.get_or_none(invitation_id=invitation.id)
    if registration is None or registration.status != RegistrationStatus.REGISTERED:
        raise Forbidden("Only registered delegates have an agenda.")
    return registration


async def _programme(event_id: int) -> ProgrammeView:
    published = await published_programme(event_id)
    if published is None:
        raise NotFound("The programme has not been published yet.")
    return published.view


async def _agenda(registration: Registration) -> Agenda:
    view = await _programme(registration.event_id)  # type: ignore[attr-defined]
    picks = await AgendaPick.filter(registration_id=registration.id).values_list(
        "session_id", "has_place"
    )
    ids = {session_id for session_id, _ in picks}
    return Agenda(
        registration=registration,
        view=view,
        sessions=[s for s in view.sessions if s.id in ids],
        places=frozenset(session_id for session_id, place in picks if place),
        places_left=await places_left(view),
    )


async def places_left(view: ProgrammeView) -> dict[int, int]:
    """Places left in each published workshop: its places less those held by registered
    delegates (places of delegates who cancelled are free to take). No side effects."""
    workshops = {s.id: s.places for s in view.sessions if s.places is not None}
    if not workshops:
        return {}
    held = Counter(
        await AgendaPick.filter(
            session_id__in=list(workshops),
            has_place=True,
            registration__status=RegistrationStatus.REGISTERED,
        ).values_list("session_id", flat=True)
    )
    return {sid: max(places - held[sid], 0) for sid, places in workshops.items()}


async def _with_event_status(agenda: Agenda) -> Agenda:
    event_id = agenda.registration.event_id  # type: ignore[attr-defined]
    status = await Event.filter(id=event_id).values_list("status", flat=True)
    return dataclasses.replace(agenda, event_cancelled=EventStatus.CANCELLED in status)


async def agenda_for(token: str) -> Agenda:
    """A registered delegate's agenda (``event_cancelled`` when the event is, so its
    download says so). No side effects."""
    return await _with_event_status(await _agenda(await _registered(token)))


async def _published_session(registration: Registration, session_id: int) -> SessionEntry:
    view = await _programme(registration.event_id)  # type: ignore[attr-defined]
    entry = view.session(session_id)
    if entry is None:
        raise NotFound()
    return entry


async def add_to_agenda(token: str, session_id: int) -> Agenda:
    """Put a published session in the delegate's agenda. Side effects: agenda pick row."""
    async with in_transaction():
        registration = await _registered(token, lock=True)
        await _published_session(registration, session_id)
        await AgendaPick.get_or_create(
            registration_id=registration.id,
            session_id=session_id,
            defaults={"created_at": now()},
        )
    return await _agenda(registration)


async def remove_from_agenda(token: str, session_id: int) -> Agenda:
    """Take a session out of the agenda, giving up a workshop place if held.

    Side effects: agenda pick deleted; a place freed.
    """
    async with in_transaction():
        registration = await _registered(token, lock=True)
        pick = await AgendaPick.get_or_none(registration_id=registration.id, session_id=session_id)
        if pick is not None:
            if pick.has_place:
                await _free_place(session_id)
            await pick.delete()
    return await _agenda(registration)


async def _take_place(session_id: int) -> bool:
    taken = await Session.filter(
        id=session_id, cancelled_at=None, places__isnull=False, places_taken__lt=F("places")
    ).update(places_taken=F("places_taken") + 1)
    return taken == 1


async def _free_place(session_id: int) -> None:
    await Session.filter(id=session_id, places_taken__gt=0).update(
        places_taken=F("places_taken") - 1
    )


async def _reclaim_places(session_id: int) -> int:
    """Give back places held by delegates whose registration is no longer active.

    Events cannot call into programmes (the layers run one way), so a cancelled
    registration keeps its picks; its places are reclaimed here, when someone needs one.
    Conditional on ``has_place`` so two reclaims at once release each place once.
    """
    stale = (
        await AgendaPick.filter(session_id=session_id, has_place=True)
        .exclude(registration__status=RegistrationStatus.REGISTERED)
        .values_list("id", flat=True)
    )
    if not stale:
        return 0
    released = await AgendaPick.filter(id__in=list(stale), has_place=True).update(has_place=False)
    if released:
        await Session.filter(id=session_id, places_taken__gte=released).update(
            places_taken=F("places_taken") - released
        )
    return released


async def sign_up(token: str, session_id: int) -> Agenda:
    """Take a place in a workshop (and put it in the agenda); Conflict when it is full.

    Side effects: one conditional UPDATE of places_taken (places of cancelled delegates
    reclaimed first when full); agenda pick with a place.
    Signing up again keeps the one place.
    """
    async with in_transaction():
        registration = await _registered(token, lock=True)
        entry = await _published_session(registration, session_id)
        if entry.places is None:
            raise Conflict("This session does not take sign-ups.")
        pick = await AgendaPick.get_or_none(registration_id=registration.id, session_id=session_id)
        if pick is None or not pick.has_place:
            await _refuse_overlap(registration, entry)
            taken = await _take_place(session_id)
            if not taken and await _reclaim_places(session_id):
                taken = await _take_place(session_id)
            if not taken:
                raise Conflict("Sorry, this workshop is full.")
            if pick is None:
                await AgendaPick.create(
                    registration_id=registration.id,
                    session_id=session_id,
                    has_place=True,
                    created_at=now(),
                )
            else:
                pick.has_place = True
                await pick.save(update_fields=["has_place"])
    return await _agenda(registration)


async def _refuse_overlap(registration: Registration, entry: SessionEntry) -> None:
    """Conflict, naming the other workshop, when the delegate holds a place in a workshop
    at an overlapping time. The registration is locked, so two sign-ups of one delegate
    cannot both pass; the place itself is still one conditional UPDATE."""
    held = await AgendaPick.filter(registration_id=registration.id, has_place=True).values_list(
        "session_id", flat=True
    )
    view = await _programme(registration.event_id)  # type: ignore[attr-defined]
    for session_id in held:
        other = view.session(session_id)
        if other is None or other.id == entry.id:
            continue
        if other.start < entry.end and entry.start < other.end:
            raise Conflict(
                f"You already have a place in {other.title}, which is at the same time. "
                "Give up that place first if you would rather go to this workshop."
            )


async def give_up_place(token: str, session_id: int) -> Agenda:
    """Give up a workshop place, keeping the session in the agenda. Side effects: place freed."""
    async with in_transaction():
        registration = await _registered(token, lock=True)
        moved = await AgendaPick.filter(
            registration_id=registration.id, session_id=session_id, has_place=True
        ).update(has_place=False)
        if moved:
            await _free_place(session_id)
    return await _agenda(registration)


def _feed_token(salt: str, settings: Settings) -> str:
    digest = hmac.new(
        settings.secret_key.encode(), f"agenda-feed:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def _new_feed(registration: Registration, settings: Settings) -> str:
    salt = secrets.token_urlsafe(32)
    subject = f"registration:{registration.id}"
    await revoke_links(AGENDA_FEED_LINK, subject)
    await AgendaFeed.filter(registration_id=registration.id).delete()
    await AgendaFeed.create(registration=registration, salt=salt, created_at=now())
    token = _feed_token(salt, settings)
    event = await Event.get(id=registration.event_id)  # type: ignore[attr-defined]
    await PersonalLink.create(
        token_hash=hash_secret(token),
        purpose=AGENDA_FEED_LINK,
        subject=subject,
        created_at=now(),
        expires_at=link_expiry(event),
    )
    return token


async def agenda_feed_link(token: str, settings: Settings) -> str:
    """The https URL of the delegate's agenda feed (made on first use; webcal:// via
    ``programmes.emails.webcal``). Side effects: feed secret and link on first use."""
    async with in_transaction():
        registration = await _registered(token, lock=True)
        feed = await AgendaFeed.get_or_none(registration_id=registration.id)
        if feed is None:
            feed_token = await _new_feed(registration, settings)
        else:
            feed_token = _feed_token(feed.salt, settings)
    return agenda_feed_url(settings.base_url, feed_token)


async def saved_agenda_feed_link(token: str, settings: Settings) -> str | None:
    """The https URL of the delegate's agenda feed if they have made one, else None
    (pages show it without making one on a GET). No side effects."""
    registration = await _registered(token)
    feed = await AgendaFeed.get_or_none(registration_id=registration.id)
    if feed is None:
        return None
    return agenda_feed_url(settings.base_url, _feed_token(feed.salt, settings))


async def rotate_agenda_feed(token: str, settings: Settings) -> str:
    """A new agenda feed URL; the old one stops working. Side effects: link revoked, new one."""
    async with in_transaction():
        registration = await _registered(token, lock=True)
        feed_token = await _new_feed(registration, settings)
    return agenda_feed_url(settings.base_url, feed_token)


async def agenda_for_feed(feed_token: str) -> Agenda:
    """The agenda behind a feed token; NotFound for a dead token, Gone once the event's
    links have expired. A delegate whose place was cancelled (by them, or by revoking
    their invitation) keeps the feed, ``withdrawn``, so a subscribed calendar strikes
    their sessions out; ``event_cancelled`` when the event is. No side effects."""
    link = await unrevoked_link(feed_token, AGENDA_FEED_LINK)
    prefix, _, number = (link.subject if link else "").partition(":")
    if prefix != "registration" or not number.isdigit():
        raise NotFound()
    registration = await Registration.get_or_none(id=int(number))
    if registration is None:
        raise NotFound()
    await check_event_link_live(registration.event_id)  # type: ignore[attr-defined]
    return await _with_event_status(await _agenda(registration))


@dataclass(frozen=True)
class StarredProgramme:
    """The programme an invitee's link shows, with what they have starred in it."""

    view: ProgrammeView
    sessions: list[SessionEntry]  # not-for-publication ones too for registered delegates
    registered: bool
    picked: frozenset[int] = frozenset()  # sessions in their agenda
    places: frozenset[int] = frozenset()  # workshops they hold a place in


async def programme_with_agenda(token: str) -> StarredProgramme:
    """The programme for an invitee's personal link (as ``service.delegate_programme``)
    with the sessions a registered delegate has in their agenda, so each session can
    say so and offer to add or remove it. NotFound if none is published. No side effects."""
    invitation = await invitation_for_link(token)
    view = await _programme(invitation.event_id)  # type: ignore[attr-defined]
    if invitation.status != "registered":
        return StarredProgramme(view, view.public_sessions(), registered=False)
    picks = await AgendaPick.filter(
        registration__invitation_id=invitation.id,
        registration__status=RegistrationStatus.REGISTERED,
    ).values_list("session_id", "has_place")
    return StarredProgramme(
        view,
        view.sessions,
        registered=True,
        picked=frozenset(session_id for session_id, _ in picks),
        places=frozenset(session_id for session_id, place in picks if place),
    )
