"""Speaker photos in the service layer: checking uploads, storing, replacing, removing,
and keeping a file exactly as long as a draft or the published programme shows it."""

from __future__ import annotations

import pytest
from PIL import Image

from convenor.auth import issue_link
from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import Role
from programmes.data import SpeakerData
from programmes.models import Speaker
from programmes.photo_files import MAX_PHOTO_BYTES, read_photo
from programmes.photos import (
    remove_own_photo,
    remove_speaker_photo,
    set_own_photo,
    set_speaker_photo,
    shown_photo,
    speaker_photo,
)
from programmes.publishing import publish_programme
from programmes.speakers import decline_speaker, remove_speaker, update_speaker
from programmes.view import SpeakerEntry
from tests.conftest import make_staff

from .factories import image_bytes


def photos(settings) -> set[str]:
    folder = settings.data_dir / "speaker-photos"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def stored(settings, name: str):
    return settings.data_dir / "speaker-photos" / name


async def test_set_speaker_photo_reencodes_to_a_small_jpeg(programme, event, organiser, settings):
    chief = programme["speakers"][0]

    speaker = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)

    with Image.open(stored(settings, speaker.photo_path)) as image:
        assert (image.format, image.size) == ("JPEG", (600, 450))
    assert (await Speaker.get(id=chief.id)).photo_path == speaker.photo_path


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (image_bytes("GIF"), "Upload a JPEG, PNG or WebP photo under 5 MB"),
        (b"<svg onload=alert(1)>", "Upload a JPEG, PNG or WebP photo under 5 MB"),
        (image_bytes("PNG")[:200], "Upload a JPEG, PNG or WebP photo under 5 MB"),
        (b"", "Choose a photo to upload"),
        (b"\xff" * (MAX_PHOTO_BYTES + 1), "The photo is larger than 5 MB; choose a smaller one"),
    ],
    ids=["gif", "not-an-image", "truncated-png", "empty", "too-large"],
)
async def test_set_speaker_photo_bad_file_is_invalid_and_changes_nothing(
    programme, event, organiser, settings, upload, message
):
    chief = programme["speakers"][0]
    first = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("JPEG"), settings)
    before = photos(settings)

    with pytest.raises(Invalid) as caught:
        await set_speaker_photo(organiser, event.id, chief.id, upload, settings)

    assert caught.value.fields == {"photo": message}
    assert (await Speaker.get(id=chief.id)).photo_path == first.photo_path
    assert photos(settings) == before


async def test_set_speaker_photo_other_organiser_is_not_found_and_leaves_no_file(
    programme, event, organiser, settings
):
    other = await make_staff(Role.ORGANISER)
    before = photos(settings)

    with pytest.raises(NotFound):
        await set_speaker_photo(
            other, event.id, programme["speakers"][0].id, image_bytes("PNG"), settings
        )

    assert photos(settings) == before
    assert (await Speaker.get(id=programme["speakers"][0].id)).photo_path == ""
    made = await set_speaker_photo(  # control: the event's organiser
        organiser, event.id, programme["speakers"][0].id, image_bytes("PNG"), settings
    )
    assert photos(settings) == before | {made.photo_path}


async def test_set_speaker_photo_again_removes_the_unpublished_old_file(
    programme, event, organiser, settings
):
    chief = programme["speakers"][0]
    first = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)

    second = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("WEBP"), settings)

    assert not stored(settings, first.photo_path).exists()
    assert stored(settings, second.photo_path).exists()


async def test_set_speaker_photo_keeps_the_published_file_until_the_next_version(
    programme, event, organiser, settings
):
    chief = programme["speakers"][0]
    first = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    await publish_programme(organiser, event.id, settings)

    second = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    kept = stored(settings, first.photo_path).exists()
    view = await publish_programme(organiser, event.id, settings)

    assert kept is True
    assert not stored(settings, first.photo_path).exists()
    assert {s.photo_path for s in view.speakers if s.id == chief.id} == {second.photo_path}


async def test_remove_speaker_photo_clears_it_and_removes_the_file(
    programme, event, organiser, settings
):
    chief = programme["speakers"][0]
    first = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)

    speaker = await remove_speaker_photo(organiser, event.id, chief.id, settings)

    assert speaker.photo_path == ""
    assert (await Speaker.get(id=chief.id)).photo_path == ""
    assert not stored(settings, first.photo_path).exists()


async def test_remove_speaker_removes_their_photo_file(programme, event, organiser, settings):
    chief = programme["speakers"][0]
    first = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)

    await remove_speaker(organiser, event.id, chief.id, settings)

    assert not stored(settings, first.photo_path).exists()


async def test_update_speaker_keeps_the_photo(programme, event, organiser, settings):
    chief = programme["speakers"][0]
    first = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)

    await update_speaker(organiser, event.id, chief.id, SpeakerData(name="Zoë Dąbrowska"))

    assert (await Speaker.get(id=chief.id)).photo_path == first.photo_path


async def test_set_own_photo_through_the_speakers_link(programme, settings):
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)

    speaker = await set_own_photo(token, image_bytes("JPEG", (300, 400)), settings)

    with Image.open(stored(settings, speaker.photo_path)) as image:
        assert image.size == (300, 400)
    removed = await remove_own_photo(token, settings)
    assert removed.photo_path == ""
    assert not stored(settings, speaker.photo_path).exists()


async def test_set_own_photo_after_declining_is_a_conflict(programme, settings):
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)
    await decline_speaker(token, "Away", settings)
    before = photos(settings)

    with pytest.raises(Conflict):
        await set_own_photo(token, image_bytes("PNG"), settings)

    assert photos(settings) == before
    assert (await Speaker.get(id=vru.id)).photo_path == ""
    control = await issue_link("speaker", programme["speakers"][0].link_subject)  # not declined
    made = await set_own_photo(control, image_bytes("PNG"), settings)
    assert photos(settings) == before | {made.photo_path}


async def test_speaker_photo_for_organisers_only_and_only_when_set(
    programme, event, organiser, settings
):
    chief, leader, _ = programme["speakers"]
    made = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    other = await make_staff(Role.ORGANISER)

    assert await speaker_photo(organiser, event.id, chief.id) == made.photo_path
    with pytest.raises(NotFound):
        await speaker_photo(organiser, event.id, leader.id)
    with pytest.raises(NotFound):
        await speaker_photo(other, event.id, chief.id)


def entry(photo_path: str) -> SpeakerEntry:
    return SpeakerEntry(1, "", "Jo", "Jo", "", "", "", photo_path)


def test_shown_photo_only_for_the_speakers_given():
    name = "a" * 22 + ".jpg"

    assert shown_photo([entry(name)], name) == name
    with pytest.raises(NotFound):
        shown_photo([entry("b" * 22 + ".jpg")], name)
    with pytest.raises(NotFound):
        shown_photo([entry("")], "")


async def test_read_photo_refuses_names_that_are_not_photos(programme, event, organiser, settings):
    with pytest.raises(NotFound):
        await read_photo(settings, "../convenor.sqlite3")
    with pytest.raises(NotFound):
        await read_photo(settings, "c" * 22 + ".jpg")
    chief = programme["speakers"][0]
    made = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    assert (await read_photo(settings, made.photo_path)).startswith(b"\xff\xd8")  # a JPEG
