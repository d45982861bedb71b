"""Speaker photos: organisers upload or remove a speaker's photo, a speaker their own
through their personal link; and which photos a viewer of a published programme may
fetch.

Who may change a photo is checked before the upload is looked at: a dead speaker link
or another organiser's speaker is NotFound with nothing read or decoded (routes call
``check_own_photo`` / ``check_speaker_photo`` before they even parse the form, and
the setters check again first). Uploads are then checked from their header and
re-encoded by ``programmes.photo_files`` before anything is saved, so a bad file
changes nothing. A new photo reaches the published programme with the next version,
like every other change to a speaker.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, NotFound
from convenor.models import User
from convenor.settings import Settings
from events.access import get_event_for
from programmes.models import Speaker, SpeakerStatus
from programmes.photo_files import (
    delete_photo_file,
    discard_unused,
    prepared_photo,
    store_photo,
)
from programmes.speakers import speaker_for_link
from programmes.view import SpeakerEntry

# Finds the speaker whose photo changes (NotFound, Conflict when the caller may not);
# locks the row when told to.
Finder = Callable[[bool], Awaitable[Speaker]]


async def _change_photo(find: Finder, upload: bytes | None, settings: Settings) -> Speaker:
    """Put a new photo (or none) on the speaker ``find`` locks; the old file goes if
    nothing shows it any more. The caller's right is checked before the upload is."""
    name = ""
    if upload is not None:
        await find(False)
        name = await store_photo(settings, await prepared_photo(upload))
    try:
        async with in_transaction():
            speaker = await find(True)
            old = speaker.photo_path
            speaker.photo_path = name
            speaker.updated_at = now()
            await speaker.save(update_fields=["photo_path", "updated_at"])
    except BaseException:
        await delete_photo_file(settings, name)
        raise
    await discard_unused(settings, speaker.event_id, [old])  # type: ignore[attr-defined]
    return speaker


def _organisers_speaker(user: User, event_id: int, speaker_id: int) -> Finder:
    async def find(lock: bool) -> Speaker:
        await get_event_for(user, event_id)
        query = Speaker.filter(id=speaker_id, event_id=event_id)
        speaker = await (query.select_for_update() if lock else query).first()
        if speaker is None:
            raise NotFound()
        return speaker

    return find


def _own(token: str) -> Finder:
    async def find(lock: bool) -> Speaker:
        speaker = await speaker_for_link(token, lock=lock)
        if speaker.status == SpeakerStatus.DECLINED:
            raise Conflict("You have declined; ask the organisers to change your details.")
        return speaker

    return find


async def check_speaker_photo(user: User, event_id: int, speaker_id: int) -> None:
    """NotFound unless ``user`` organises the event and it has this speaker: call it
    before reading an upload. No side effects."""
    await _organisers_speaker(user, event_id, speaker_id)(False)


async def check_own_photo(token: str) -> None:
    """NotFound for a dead or unknown speaker link, Conflict once the speaker has
    declined: call it before reading an upload. No side effects."""
    await _own(token)(False)


async def set_speaker_photo(
    user: User, event_id: int, speaker_id: int, upload: bytes, settings: Settings
) -> Speaker:
    """Check, re-encode and store a speaker's photo (Invalid for a bad file, nothing saved).

    Side effects: a JPEG under ``<data dir>/speaker-photos`` with a random name;
    photo_path; the previous file removed unless the published programme shows it.
    """
    return await _change_photo(_organisers_speaker(user, event_id, speaker_id), upload, settings)


async def remove_speaker_photo(
    user: User, event_id: int, speaker_id: int, settings: Settings
) -> Speaker:
    """Take a speaker's photo off. Side effects: photo_path cleared; the file removed
    unless the published programme still shows it (until the next version)."""
    return await _change_photo(_organisers_speaker(user, event_id, speaker_id), None, settings)


async def set_own_photo(token: str, upload: bytes, settings: Settings) -> Speaker:
    """A speaker uploads their own photo through their link (Conflict once declined).

    Side effects: as ``set_speaker_photo``.
    """
    return await _change_photo(_own(token), upload, settings)


async def remove_own_photo(token: str, settings: Settings) -> Speaker:
    """A speaker takes their own photo off. Side effects: as ``remove_speaker_photo``."""
    return await _change_photo(_own(token), None, settings)


async def speaker_photo(user: User, event_id: int, speaker_id: int) -> str:
    """The name of a speaker's current photo, for the organisers of their event;
    NotFound when there is none. No side effects."""
    await get_event_for(user, event_id)
    speaker = await Speaker.get_or_none(id=speaker_id, event_id=event_id)
    if speaker is None or not speaker.photo_path:
        raise NotFound()
    return speaker.photo_path


def shown_photo(speakers: Iterable[SpeakerEntry], name: str) -> str:
    """``name`` if it is the photo of one of ``speakers`` (those a viewer may see in a
    published programme), else NotFound. Pure."""
    if name and any(speaker.photo_path == name for speaker in speakers):
        return name
    raise NotFound()
