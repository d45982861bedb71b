"""Speaker photo files under ``<data dir>/speaker-photos``: checking and re-encoding an
upload, storing it under a random name, reading it back, and removing files that nothing
shows any more.

An upload is judged from its header first (``checked_photo``: type, bytes and pixels,
nothing decoded), so a small file that claims a huge picture (a 10 KB PNG of 8900x8900
took over 300 MB to decode and convert) is refused before it costs anything. Only then
is it decoded and re-encoded (``prepared_photo``): in a worker thread, so the event loop
keeps serving, and at most ``DECODING_AT_ONCE`` at a time, so a burst of uploads cannot
hold more than that many decoded pictures in memory.

A photo's name is random (128 bits), so its address reveals nothing, and a name's bytes
never change: a new photo is a new file. A file is kept while a speaker's draft uses it
or the event's latest published programme shows it, and removed after that (the
published programme keeps showing the old photo until the next version is published).
"""

from __future__ import annotations

import asyncio
import io
import re
import secrets
import weakref
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from convenor.errors import Invalid, NotFound
from convenor.settings import Settings
from programmes.models import ProgrammeVersion, Speaker

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PIXEL_BUDGET = 25_000_000  # 25 megapixels, such as 5000 by 5000: 75 MB once decoded
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_SIZE = (600, 600)
DECODING_AT_ONCE = 2
FOLDER = "speaker-photos"
NAME = re.compile(r"[A-Za-z0-9_-]{22}\.jpg")
# Pillow itself warns above this many pixels and refuses twice as many (decompression
# bombs), in whatever part of the process opens an image.
Image.MAX_IMAGE_PIXELS = PIXEL_BUDGET

NO_PHOTO = "Choose a photo to upload"
TOO_LARGE = "The photo is larger than 5 MB; choose a smaller one"
TOO_MANY_PIXELS = (
    "The photo is too large in pixels (at most 25 megapixels, such as 5000 by 5000); "
    "choose a smaller one"
)
WRONG_TYPE = "Upload a JPEG, PNG or WebP photo under 5 MB"
UNREADABLE = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError)


def checked_photo(upload: bytes) -> None:
    """Invalid unless ``upload`` is a JPEG, PNG or WebP of at most 5 MB and
    ``PIXEL_BUDGET`` pixels. Reads the header only (nothing is decoded), so it is cheap
    enough for the event loop. The file's contents decide, not its name or declared type.
    """
    if not upload:
        raise Invalid(fields={"photo": NO_PHOTO})
    if len(upload) > MAX_PHOTO_BYTES:
        raise Invalid(fields={"photo": TOO_LARGE})
    try:
        with Image.open(io.BytesIO(upload)) as image:
            kind, (width, height) = image.format, image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid(fields={"photo": TOO_MANY_PIXELS}) from None
    except UNREADABLE:
        raise Invalid(fields={"photo": WRONG_TYPE}) from None
    if kind not in PHOTO_FORMATS:
        raise Invalid(fields={"photo": WRONG_TYPE})
    if width * height > PIXEL_BUDGET:
        raise Invalid(fields={"photo": TOO_MANY_PIXELS})


def reencoded_photo(upload: bytes) -> bytes:
    """A JPEG of at most 600x600 made from an uploaded JPEG, PNG or WebP; Invalid otherwise.

    Checks the header first (``checked_photo``), then decodes: slow and memory-hungry,
    so call it through ``prepared_photo``. Re-encoding drops whatever else the file
    carried (metadata, scripts in odd formats).
    """
    checked_photo(upload)
    try:
        with Image.open(io.BytesIO(upload)) as image:
            # A JPEG is decoded at the smallest scale still twice the photo's size (as
            # Pillow's thumbnail does), not at full size.
            image.draft(None, (PHOTO_SIZE[0] * 2, PHOTO_SIZE[1] * 2))
            image.load()
            picture = image.convert("RGB")
    except (Image.DecompressionBombError, *UNREADABLE):
        raise Invalid(fields={"photo": WRONG_TYPE}) from None
    picture.thumbnail(PHOTO_SIZE)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


_decoding: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _decoding_slots() -> asyncio.Semaphore:
    """This event loop's limit on photos being decoded at once."""
    loop = asyncio.get_running_loop()
    slots = _decoding.get(loop)
    if slots is None:
        slots = _decoding[loop] = asyncio.Semaphore(DECODING_AT_ONCE)
    return slots


async def prepared_photo(upload: bytes) -> bytes:
    """``reencoded_photo`` of an upload whose header passed ``checked_photo`` (Invalid
    otherwise, nothing decoded), in a worker thread, at most ``DECODING_AT_ONCE`` at a
    time in this process; the rest wait their turn."""
    checked_photo(upload)
    async with _decoding_slots():
        return await asyncio.to_thread(reencoded_photo, upload)


def photo_file(settings: Settings, name: str) -> Path | None:
    """Where the photo called ``name`` lives; None for anything that is not a photo name."""
    if not NAME.fullmatch(name or ""):
        return None
    return settings.data_dir / FOLDER / name


def _write(folder: Path, name: str, photo: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(photo)


async def store_photo(settings: Settings, photo: bytes) -> str:
    """Write a re-encoded photo under a new random name; returns the name."""
    name = f"{secrets.token_urlsafe(16)}.jpg"
    await asyncio.to_thread(_write, settings.data_dir / FOLDER, name, photo)
    return name


async def delete_photo_file(settings: Settings, name: str) -> None:
    path = photo_file(settings, name)
    if path is not None:
        await asyncio.to_thread(path.unlink, missing_ok=True)


async def read_photo(settings: Settings, name: str) -> bytes:
    """The bytes of a stored photo; NotFound when there is no such file."""
    path = photo_file(settings, name)
    if path is None:
        raise NotFound()
    try:
        return await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise NotFound() from None


async def discard_unused(settings: Settings, event_id: int, names: Iterable[str]) -> None:
    """Remove those of ``names`` that no speaker uses and the event's latest published
    programme does not show. Call it after the transaction that stopped using them."""
    candidates = {name for name in names if name}
    if not candidates:
        return
    used = set(
        await Speaker.filter(photo_path__in=list(candidates)).values_list("photo_path", flat=True)
    )
    latest = await ProgrammeVersion.filter(event_id=event_id).order_by("-number").first()
    if latest is not None:
        used |= {entry["photo_path"] for entry in latest.snapshot["speakers"]}
    for name in candidates - used:
        await delete_photo_file(settings, name)
