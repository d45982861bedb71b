"""Speaker photos: organisers upload or remove a speaker's photo, a speaker their own
through their personal link; and which photos a viewer of a published programme may
fetch.

Uploads are checked and re-encoded by ``programmes.photo_files`` before anything is
saved, so a bad file changes nothing. A new photo reaches the published programme
with the next version, like every other change to a speaker.
"""

from __future__ import annotations

import asyncio
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
    reencoded_photo,
    store_photo,
)
from programmes.speakers import speaker_for_link
from programmes.view import SpeakerEntry


async def _change_photo(
    find: Callable[[], Awaitable[Speaker]], upload: bytes | None, settings: Settings
) -> Speaker:
    """Put a new photo (or none) on the speaker ``find`` locks; the old file goes if
    nothing shows it any more."""
    name = ""
    if upload is not None:
        # Decoding a large picture takes a while: keep it off the event loop.
        name = await store_photo(settings, await asyncio.to_thread(reencoded_photo, upload))
    try:
        async with in_transaction():
            speaker = await find()
            old = speaker.photo_path
            speaker.photo_path = name
            speaker.updated_at = now()
            await speaker.save(update_fields=["photo_path", "updated_at"])
    except BaseException:
        await delete_photo_file(settings, name)
        raise
    await discard_unused(settings, speaker.event_id, [old])  # type: ignore[attr-defined]
    return speaker


def _organisers_speaker(user: User, event_id: int, speaker_id: int):
    async def find() -> Speaker:
        await get_event_for(user, event_id)
        speaker = await Speaker.filter(id=speaker_id, event_id=event_id).select_for_update().first()
        if speaker is None:
            raise NotFound()
        return speaker

    return find


def _own(token: str):
    async def find() -> Speaker:
        speaker = await speaker_for_link(token, lock=True)
        if speaker.status == SpeakerStatus.DECLINED:
            raise Conflict("You have declined; ask the organisers to change your details.")
        return speaker

    return find


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
