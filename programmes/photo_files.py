"""Speaker photo files under ``<data dir>/speaker-photos``: checking and re-encoding an
upload, storing it under a random name, reading it back, and removing files that nothing
shows any more.

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
from collections.abc import Iterable
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from convenor.errors import Invalid, NotFound
from convenor.settings import Settings
from programmes.models import ProgrammeVersion, Speaker

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_SIZE = (600, 600)
FOLDER = "speaker-photos"
NAME = re.compile(r"[A-Za-z0-9_-]{22}\.jpg")
# Pillow refuses images above this many pixels (decompression bombs).
Image.MAX_IMAGE_PIXELS = 40_000_000

NO_PHOTO = "Choose a photo to upload"
TOO_LARGE = "The photo is larger than 5 MB; choose a smaller one"
WRONG_TYPE = "Upload a JPEG, PNG or WebP photo under 5 MB"


def reencoded_photo(upload: bytes) -> bytes:
    """A JPEG of at most 600x600 made from an uploaded JPEG, PNG or WebP; Invalid otherwise.

    The file's contents decide, not its name or declared type. Re-encoding drops
    whatever else the file carried (metadata, scripts in odd formats).
    """
    if not upload:
        raise Invalid(fields={"photo": NO_PHOTO})
    if len(upload) > MAX_PHOTO_BYTES:
        raise Invalid(fields={"photo": TOO_LARGE})
    wrong = Invalid(fields={"photo": WRONG_TYPE})
    try:
        with Image.open(io.BytesIO(upload)) as image:
            if image.format not in PHOTO_FORMATS:
                raise wrong
            image.load()
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise wrong from None
    picture.thumbnail(PHOTO_SIZE)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


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
