"""Speaker photos cannot eat the server: who may upload is checked before the file is
read, pictures over the pixel budget are refused from their header before anything is
decoded, and decoding runs in worker threads, two at a time.

Pillow is watched (``pillow``): every ``Image.open`` (reads a header) and every
``load`` (decodes the pixels) is counted, so a test can show a file was never decoded.
"""

from __future__ import annotations

import asyncio
import struct
import threading
import zlib

import pytest
from PIL import Image, ImageFile

from convenor.auth import issue_link
from convenor.errors import Invalid
from convenor.models import Role
from programmes import photo_files
from programmes.models import Speaker
from programmes.photos import set_own_photo
from tests.conftest import csrf_token, make_staff, sign_in

from .factories import image_bytes

TOO_MANY_PIXELS = (
    "The photo is too large in pixels (at most 25 megapixels, such as 5000 by 5000); "
    "choose a smaller one"
)


def png(width: int, height: int, *, corrupt: bool = False) -> bytes:
    """A black 1-bit PNG, built a row at a time (8900x8900 is under 10 KB). ``corrupt``:
    the header is right, the pixel data is not zlib at all."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    if corrupt:
        pixels = b"these are not the pixels you are looking for" * 4
    else:
        packer = zlib.compressobj(9)
        row = b"\0" * (1 + (width + 7) // 8)
        pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


BOMB = png(8900, 8900)  # 79 megapixels in about 10 KB


@pytest.fixture
def pillow(monkeypatch) -> dict[str, int]:
    """Counts the images Pillow opens (header) and loads (decodes) during the test."""
    calls = {"open": 0, "load": 0}
    real_open, real_load = Image.open, ImageFile.ImageFile.load

    def spy_open(*args, **kwargs):
        calls["open"] += 1
        return real_open(*args, **kwargs)

    def spy_load(self, *args, **kwargs):
        calls["load"] += 1
        return real_load(self, *args, **kwargs)

    monkeypatch.setattr(Image, "open", spy_open)
    monkeypatch.setattr(ImageFile.ImageFile, "load", spy_load)
    return calls


def photos(settings) -> set[str]:
    folder = settings.data_dir / "speaker-photos"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


async def upload(client, url: str, body: bytes, csrf_page: str = "/login"):
    token = await csrf_token(client, csrf_page)
    return await client.post(
        url, data={"csrf_token": token}, files={"photo": ("me.png", body, "image/png")}
    )


def field_error(message: str) -> str:
    return (
        '<p class="error-message" id="photo-error"><span class="visually-hidden">Error:</span> '
        f"{message}</p>"
    )


def test_the_bomb_is_small_and_claims_8900_by_8900():
    assert len(BOMB) < 12_000
    assert BOMB[16:24] == struct.pack(">II", 8900, 8900)


async def test_made_up_speaker_link_is_404_before_the_upload_is_opened(
    client, programme, settings, pillow
):
    before = photos(settings)

    response = await upload(client, "/speaker/made-up-token-made-up-token/photo", BOMB)

    assert response.status_code == 404
    assert pillow == {"open": 0, "load": 0}
    assert photos(settings) == before
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)
    control = await upload(client, f"/speaker/{token}/photo", image_bytes("PNG"))  # a real link
    assert control.status_code == 303
    assert photos(settings) == before | {(await Speaker.get(id=vru.id)).photo_path}


async def test_real_link_with_an_8900_png_is_a_field_error_nothing_decoded_or_saved(
    client, programme, settings, pillow
):
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)
    before = photos(settings)

    response = await upload(client, f"/speaker/{token}/photo", BOMB, f"/speaker/{token}")

    assert response.status_code == 400
    assert field_error(TOO_MANY_PIXELS) in response.text
    assert 'aria-invalid="true"' in response.text
    assert pillow["load"] == 0
    assert (await Speaker.get(id=vru.id)).photo_path == ""
    assert photos(settings) == before


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's own note
async def test_a_header_over_the_budget_is_refused_without_reading_the_pixels(
    programme, settings, pillow
):
    """36 megapixels (under Pillow's own hard limit) whose pixel data is garbage: only
    the header is read, so the answer is the pixel budget, not a broken file."""
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)

    with pytest.raises(Invalid) as refused:
        await set_own_photo(token, png(6000, 6000, corrupt=True), settings)

    assert refused.value.fields == {"photo": TOO_MANY_PIXELS}
    assert pillow["load"] == 0
    assert (await Speaker.get(id=vru.id)).photo_path == ""


async def test_pixel_budget_boundary(programme, settings, monkeypatch, pillow):
    monkeypatch.setattr(photo_files, "PIXEL_BUDGET", 1_000_000, raising=False)
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)

    with pytest.raises(Invalid) as refused:
        await set_own_photo(token, png(1000, 1001), settings)
    assert refused.value.fields == {"photo": TOO_MANY_PIXELS}
    assert pillow["load"] == 0

    saved = await set_own_photo(token, png(1000, 1000), settings)
    assert saved.photo_path in photos(settings)
    assert pillow["load"] >= 1


async def test_speaker_uploads_a_normal_photo(client, programme, settings):
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)

    response = await upload(client, f"/speaker/{token}/photo", image_bytes("PNG"))

    assert response.status_code == 303
    saved = (await Speaker.get(id=vru.id)).photo_path
    assert saved in photos(settings)
    assert (await client.get(f"/speaker/{token}/photo")).headers["content-type"] == "image/jpeg"


async def test_another_organisers_speaker_is_404_before_the_upload_is_opened(
    client, event, programme, organiser, settings, pillow
):
    chief = programme["speakers"][0]
    await sign_in(client, await make_staff(Role.ORGANISER))
    before = photos(settings)

    response = await upload(
        client, f"/staff/events/{event.id}/programme/speakers/{chief.id}/photo", BOMB
    )

    assert response.status_code == 404
    assert pillow == {"open": 0, "load": 0}
    assert photos(settings) == before
    await sign_in(client, organiser)  # control: the event's organiser, a normal photo
    control = await upload(
        client,
        f"/staff/events/{event.id}/programme/speakers/{chief.id}/photo",
        image_bytes("PNG"),
        "/staff/events",
    )
    assert control.status_code == 303
    assert photos(settings) == before | {(await Speaker.get(id=chief.id)).photo_path}


async def test_organiser_uploading_an_8900_png_gets_the_field_error(
    staff_client, event, programme, settings, pillow
):
    chief = programme["speakers"][0]
    url = f"/staff/events/{event.id}/programme/speakers/{chief.id}"
    before = photos(settings)

    response = await upload(staff_client, f"{url}/photo", BOMB, url)

    assert response.status_code == 400
    assert field_error(TOO_MANY_PIXELS) in response.text
    assert pillow["load"] == 0
    assert (await Speaker.get(id=chief.id)).photo_path == ""
    assert photos(settings) == before


async def test_photos_decode_in_threads_two_at_a_time_while_the_loop_serves(monkeypatch):
    running, most = 0, 0
    lock, release = threading.Lock(), threading.Event()
    threads: set[int] = set()

    def slow_reencode(upload: bytes) -> bytes:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            threads.add(threading.get_ident())
        release.wait(10)
        with lock:
            running -= 1
        return b"a jpeg"

    monkeypatch.setattr(photo_files, "reencoded_photo", slow_reencode)
    photo = image_bytes("PNG")
    uploads = [asyncio.create_task(photo_files.prepared_photo(photo)) for _ in range(5)]
    ticks = 0
    for _ in range(40):  # the event loop keeps running while two pictures decode
        await asyncio.sleep(0.01)
        ticks += 1
    with lock:
        busy = running
    release.set()

    assert await asyncio.gather(*uploads) == [b"a jpeg"] * 5
    assert (busy, most, ticks) == (2, 2, 40)
    assert threading.get_ident() not in threads
