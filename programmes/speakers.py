"""Speakers: organisers add and invite them; speakers answer through a personal link.

Organiser functions take ``(user, event_id, ...)`` and check access themselves. A
speaker's link (purpose ``speaker``, subject ``speaker:<id>``) is issued fresh for each
email and only its hash is stored; it stops working when the event's links expire
(``events.access.check_link_live``). Through it the speaker confirms or declines, edits
their job title and bio, and sees their sessions. A speaker's email is private: it is
never in a published programme, feed or export.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from convenor.auth import normalise_email, now, revoke_links, unrevoked_link
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.models import OutboxMessage
from convenor.mail.outbox import queue_email, render_email
from convenor.models import User
from convenor.settings import Settings
from directory.service import public_entry
from events.access import check_event_link_live, get_event_for, issue_event_link
from events.data import multi_line, one_line
from events.emails import when_text
from events.models import Event
from programmes.data import SpeakerData
from programmes.emails import TEMPLATES, speaker_link
from programmes.models import Session, SessionSpeaker, Speaker, SpeakerStatus
from programmes.photo_files import discard_unused

SPEAKER_LINK = "speaker"
MAX_BIO = 3000


async def _speaker_values(data: SpeakerData) -> dict:
    errors: dict[str, str] = {}
    values = {
        "honorific": one_line(data.honorific, 100),
        "name": one_line(data.name, 200),
        "job_title": one_line(data.job_title, 200),
        "organisation": one_line(data.organisation, 200),
        "organisation_entry_id": None,
        "bio": multi_line(data.bio, MAX_BIO),
        "email": "",
    }
    if not values["name"]:
        errors["name"] = "Enter the speaker's name"
    if data.email.strip():
        try:
            values["email"] = normalise_email(data.email)
        except Invalid:
            errors["email"] = "Enter an email address like name@example.org"
    if data.organisation_entry_id is not None:
        try:
            entry = await public_entry(data.organisation_entry_id)
        except NotFound:
            errors["organisation"] = "Choose the organisation from the directory, or type it"
        else:
            values["organisation_entry_id"] = entry.id
            values["organisation"] = values["organisation"] or entry.name
    if errors:
        raise Invalid(fields=errors)
    return values


async def speakers_for(user: User, event_id: int) -> list[Speaker]:
    """The event's speakers with their status (invited, confirmed, declined). No side effects."""
    await get_event_for(user, event_id)
    return list(await Speaker.filter(event_id=event_id))


async def add_speaker(user: User, event_id: int, data: SpeakerData) -> Speaker:
    """Add a speaker (status invited, no email sent yet). Side effects: speaker row."""
    async with in_transaction():
        event = await get_event_for(user, event_id)
        stamp = now()
        return await Speaker.create(
            event=event, created_at=stamp, updated_at=stamp, **await _speaker_values(data)
        )


async def _speaker_of(event_id: int, speaker_id: int) -> Speaker:
    speaker = await Speaker.get_or_none(id=speaker_id, event_id=event_id)
    if speaker is None:
        raise NotFound()
    return speaker


async def update_speaker(user: User, event_id: int, speaker_id: int, data: SpeakerData) -> Speaker:
    """Change a speaker's details. Side effects: speaker row."""
    async with in_transaction():
        await get_event_for(user, event_id)
        speaker = await _speaker_of(event_id, speaker_id)
        speaker.update_from_dict(await _speaker_values(data))
        speaker.updated_at = now()
        await speaker.save()
        return speaker


async def remove_speaker(user: User, event_id: int, speaker_id: int, settings: Settings) -> None:
    """Remove a speaker and their places in sessions.

    Side effects: rows; links revoked; their photo file removed unless the published
    programme still shows it (then the next version removes it).
    """
    async with in_transaction():
        await get_event_for(user, event_id)
        speaker = await _speaker_of(event_id, speaker_id)
        await revoke_links(SPEAKER_LINK, speaker.link_subject)
        await speaker.delete()
    await discard_unused(settings, event_id, [speaker.photo_path])


async def invite_speaker(
    user: User, event_id: int, speaker_id: int, settings: Settings
) -> OutboxMessage:
    """Email a speaker their personal link. Side effects: link issued, invited_at, outbox row."""
    async with in_transaction():
        event = await get_event_for(user, event_id)
        speaker = await _speaker_of(event_id, speaker_id)
        if not speaker.email:
            raise Invalid(fields={"email": "Add the speaker's email address first"})
        token = await issue_event_link(SPEAKER_LINK, speaker.link_subject, event)
        speaker.invited_at = now()
        await speaker.save(update_fields=["invited_at"])
        sessions = await _sessions_of(speaker)
        rendered = render_email(
            f"{TEMPLATES}/speaker_invitation",
            {
                "event": event,
                "when": when_text(event),
                "speaker": speaker,
                "sessions": sessions,
                "link": speaker_link(settings, token),
            },
        )
        return await queue_email(
            to=speaker.email,
            to_name=speaker.display_name,
            rendered=rendered,
            mail_from=settings.mail_from,
            reply_to=event.contact_email,
            category="programme-speaker-invitation",
            related=speaker.link_subject,
        )


async def _sessions_of(speaker: Speaker) -> list[Session]:
    links = (
        await SessionSpeaker.filter(speaker_id=speaker.id, session__cancelled_at=None)
        .select_related("session__room")
        .order_by("session__starts_at", "session__id")
    )
    return [link.session for link in links]


async def speaker_for_link(token: str, *, lock: bool = False) -> Speaker:
    """The speaker a personal link is for; NotFound for a dead or odd link, Gone once the
    event's links have expired. No side effects."""
    link = await unrevoked_link(token, SPEAKER_LINK)
    prefix, _, number = (link.subject if link else "").partition(":")
    if prefix != "speaker" or not number.isdigit():
        raise NotFound()
    query = Speaker.filter(id=int(number))
    if lock:
        query = query.select_for_update()
    speaker = await query.first()
    if speaker is None:
        raise NotFound()
    await check_event_link_live(speaker.event_id)  # type: ignore[attr-defined]
    return speaker


@dataclass(frozen=True)
class SpeakerPage:
    speaker: Speaker
    event: Event
    sessions: list[Session]


async def speaker_page(token: str) -> SpeakerPage:
    """What a speaker sees through their link: themselves, the event, their sessions."""
    speaker = await speaker_for_link(token)
    event = await Event.get(id=speaker.event_id)  # type: ignore[attr-defined]
    return SpeakerPage(speaker, event, await _sessions_of(speaker))


async def confirm_speaker(token: str) -> Speaker:
    """The speaker confirms. Side effects: status confirmed, responded_at."""
    async with in_transaction():
        speaker = await speaker_for_link(token, lock=True)
        speaker.status = SpeakerStatus.CONFIRMED
        speaker.decline_reason = ""
        speaker.responded_at = speaker.updated_at = now()
        await speaker.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
        return speaker


async def decline_speaker(token: str, reason: str, settings: Settings) -> Speaker:
    """The speaker declines, with an optional reason; the event's organisers are told
    (once: declining again sends nothing). Side effects: status, responded_at, one
    outbox row per active organiser (the event's contact address if it has none)."""
    async with in_transaction():
        speaker = await speaker_for_link(token, lock=True)
        already = speaker.status == SpeakerStatus.DECLINED
        speaker.status = SpeakerStatus.DECLINED
        speaker.decline_reason = multi_line(reason, 2000)
        speaker.responded_at = speaker.updated_at = now()
        await speaker.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
        if not already:
            await _tell_organisers(speaker, settings)
        return speaker


async def _tell_organisers(speaker: Speaker, settings: Settings) -> None:
    event = await Event.get(id=speaker.event_id)  # type: ignore[attr-defined]
    organisers = await event.organisers.filter(is_active=True).order_by("id")
    recipients = [(user.email, user.name) for user in organisers]
    if not recipients and event.contact_email:
        recipients = [(event.contact_email, event.organising_body)]
    context = {
        "event": event,
        "speaker": speaker,
        "sessions": await _sessions_of(speaker),
        "link": f"{settings.base_url}/staff/events/{event.id}/programme#speakers",
    }
    for email, name in recipients:
        await queue_email(
            to=email,
            to_name=name,
            rendered=render_email(f"{TEMPLATES}/speaker_declined", context),
            mail_from=settings.mail_from,
            category="programme-speaker-declined",
            related=speaker.link_subject,
        )


async def keep_speaker_on(user: User, event_id: int, speaker_id: int, keep: bool) -> Speaker:
    """Keep a speaker who declined on the published programme (or take them off again);
    it shows from the next version. Side effects: speaker row."""
    async with in_transaction():
        await get_event_for(user, event_id)
        speaker = await _speaker_of(event_id, speaker_id)
        speaker.keep_on_programme = keep
        speaker.updated_at = now()
        await speaker.save(update_fields=["keep_on_programme", "updated_at"])
        return speaker


async def update_speaker_profile(token: str, job_title: str, bio: str) -> Speaker:
    """The speaker edits how they are described. Side effects: job title and bio."""
    async with in_transaction():
        speaker = await speaker_for_link(token, lock=True)
        if speaker.status == SpeakerStatus.DECLINED:
            raise Conflict("You have declined; ask the organisers to change your details.")
        if len(bio) > MAX_BIO:
            raise Invalid(fields={"bio": f"Keep the bio under {MAX_BIO} characters"})
        speaker.job_title = one_line(job_title, 200)
        speaker.bio = multi_line(bio, MAX_BIO)
        speaker.updated_at = now()
        await speaker.save(update_fields=["job_title", "bio", "updated_at"])
        return speaker
