"""Speaker photos over HTTP: the organiser's multipart upload (with its CSRF token),
bad files refused next to the field, removal, and who may fetch which photo."""

from __future__ import annotations

import pytest

from convenor.auth import issue_link
from convenor.models import Role
from convenor.security import CSRF_COOKIE, csrf_token_for
from events.models import Event
from programmes.data import SessionSpeakerData, SpeakerData
from programmes.drafts import set_session_speakers
from programmes.models import Speaker
from programmes.photo_files import MAX_PHOTO_BYTES
from programmes.photos import set_speaker_photo
from programmes.publishing import publish_programme
from programmes.speakers import add_speaker, decline_speaker
from tests.conftest import TEST_SECRET, csrf_token, make_staff, sign_in
from tests.events.factories import invite, link_for

from .factories import image_bytes, registered

WRONG_TYPE = "Upload a JPEG, PNG or WebP photo under 5 MB"
TOO_LARGE = "The photo is larger than 5 MB; choose a smaller one"


def speaker_url(event, speaker) -> str:
    return f"/staff/events/{event.id}/programme/speakers/{speaker.id}"


def photos(settings) -> set[str]:
    folder = settings.data_dir / "speaker-photos"
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


async def upload(client, url: str, filename: str, body: bytes, content_type: str, **extra):
    token = await csrf_token(client, url.removesuffix("/photo"))
    data = {"csrf_token": token, **extra.pop("data", {})}
    return await client.post(
        url, data=data, files={"photo": (filename, body, content_type)}, **extra
    )


async def test_photo_upload_saves_a_jpeg_and_shows_it(staff_client, event, programme, settings):
    chief = programme["speakers"][0]
    url = speaker_url(event, chief)

    response = await upload(staff_client, f"{url}/photo", "me.png", image_bytes("PNG"), "image/png")

    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?done=photo#photo-section"
    saved = await Speaker.get(id=chief.id)
    assert saved.photo_path in photos(settings)
    page = await staff_client.get(f"{url}?done=photo")
    assert f'id="current-photo" src="{url}/photo"' in page.text
    assert "The photo has been saved. It appears in the programme once you publish." in page.text
    editor = await staff_client.get(f"/staff/events/{event.id}/programme")
    assert f'<img class="speaker-photo small" src="{url}/photo"' in editor.text


async def test_photo_served_to_the_organiser_as_jpeg_revalidated_by_etag(
    staff_client, event, programme, organiser, settings
):
    chief = programme["speakers"][0]
    made = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    url = f"{speaker_url(event, chief)}/photo"

    response = await staff_client.get(url)
    again = await staff_client.get(url, headers={"If-None-Match": response.headers["etag"]})

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "private, no-cache"
    assert response.headers["etag"] == f'"{made.photo_path.removesuffix(".jpg")}"'
    assert response.content[:3] == b"\xff\xd8\xff"
    assert (again.status_code, again.content) == (304, b"")


@pytest.mark.parametrize(
    ("filename", "body", "content_type", "message"),
    [
        ("notes.txt", b"Chief Constable's notes", "text/plain", WRONG_TYPE),
        ("photo.jpg", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "image/jpeg", WRONG_TYPE),
        ("animated.gif", image_bytes("GIF"), "image/gif", WRONG_TYPE),
        ("huge.jpg", b"\xff" * (MAX_PHOTO_BYTES + 1), "image/jpeg", TOO_LARGE),
        ("", b"", "application/octet-stream", "Choose a photo to upload"),
    ],
    ids=["text", "pdf-renamed-jpg", "gif", "too-large", "no-file"],
)  # fmt: skip
async def test_photo_upload_bad_file_is_400_next_to_the_field_and_changes_nothing(
    staff_client, event, programme, organiser, settings, filename, body, content_type, message
):
    chief = programme["speakers"][0]
    before = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    files = photos(settings)
    url = speaker_url(event, chief)

    response = await upload(staff_client, f"{url}/photo", filename, body, content_type)

    assert response.status_code == 400
    assert (
        '<p class="error-message" id="photo-error"><span class="visually-hidden">Error:</span> '
        f"{message.replace(chr(39), '&#39;')}</p>"
    ) in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'value="Zoë Ł. Dąbrowska"' in response.text  # the details form is still there
    assert (await Speaker.get(id=chief.id)).photo_path == before.photo_path
    assert photos(settings) == files


async def test_photo_upload_without_csrf_token_is_refused(staff_client, event, programme, settings):
    chief = programme["speakers"][0]
    await csrf_token(staff_client, speaker_url(event, chief))
    files = photos(settings)

    response = await staff_client.post(
        f"{speaker_url(event, chief)}/photo",
        data={"csrf_token": "forged"},
        files={"photo": ("me.png", image_bytes("PNG"), "image/png")},
    )

    assert response.status_code == 403
    assert (await Speaker.get(id=chief.id)).photo_path == ""
    assert photos(settings) == files
    url = f"{speaker_url(event, chief)}/photo"
    control = await upload(staff_client, url, "me.png", image_bytes("PNG"), "image/png")
    assert control.status_code == 303
    assert (await Speaker.get(id=chief.id)).photo_path in photos(settings)


async def test_photo_upload_with_csrf_header_instead_of_field(staff_client, event, programme):
    chief = programme["speakers"][0]
    await csrf_token(staff_client, speaker_url(event, chief))
    token = csrf_token_for(staff_client.cookies[CSRF_COOKIE], TEST_SECRET)

    response = await staff_client.post(
        f"{speaker_url(event, chief)}/photo",
        headers={"X-CSRF-Token": token},
        files={"photo": ("me.webp", image_bytes("WEBP"), "image/webp")},
    )

    assert response.status_code == 303
    assert (await Speaker.get(id=chief.id)).photo_path != ""


async def test_photo_upload_over_the_request_limit_is_413(staff_client, event, programme):
    chief = programme["speakers"][0]

    response = await upload(
        staff_client,
        f"{speaker_url(event, chief)}/photo",
        "huge.jpg",
        b"\xff" * (11 * 1024 * 1024),
        "image/jpeg",
    )

    assert response.status_code == 413
    assert "That upload is too large." in response.text
    assert (await Speaker.get(id=chief.id)).photo_path == ""
    url = f"{speaker_url(event, chief)}/photo"
    control = await upload(staff_client, url, "me.jpg", image_bytes("JPEG"), "image/jpeg")
    assert control.status_code == 303  # a photo of an ordinary size
    assert (await Speaker.get(id=chief.id)).photo_path != ""


async def test_photo_remove(staff_client, event, programme, organiser, settings):
    chief = programme["speakers"][0]
    made = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    url = speaker_url(event, chief)
    token = await csrf_token(staff_client, url)

    response = await staff_client.post(f"{url}/photo/remove", data={"csrf_token": token})

    assert response.status_code == 303
    assert (await Speaker.get(id=chief.id)).photo_path == ""
    assert made.photo_path not in photos(settings)
    assert (await staff_client.get(f"{url}/photo")).status_code == 404
    assert "No photo yet." in (await staff_client.get(url)).text


async def test_photo_pages_of_another_organisers_event_are_404(
    client, event, programme, organiser, settings
):
    chief = programme["speakers"][0]
    await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    await sign_in(client, await make_staff(Role.ORGANISER))
    url = speaker_url(event, chief)

    shown = await client.get(f"{url}/photo")
    token = await csrf_token(client, "/staff/events")
    uploaded = await client.post(
        f"{url}/photo",
        data={"csrf_token": token},
        files={"photo": ("me.png", image_bytes("PNG"), "image/png")},
    )
    removed = await client.post(f"{url}/photo/remove", data={"csrf_token": token})

    assert (shown.status_code, uploaded.status_code, removed.status_code) == (404, 404, 404)
    kept = (await Speaker.get(id=chief.id)).photo_path
    assert kept in photos(settings)
    await sign_in(client, organiser)  # control: the event's organiser
    assert (await client.get(f"{url}/photo")).status_code == 200
    token = await csrf_token(client, url)
    assert (await client.post(f"{url}/photo/remove", data={"csrf_token": token})).status_code == 303
    assert (await Speaker.get(id=chief.id)).photo_path == ""


@pytest.fixture
async def published_photos(event, programme, organiser, settings):
    """VRU lead (keynote, public) and a speaker only in the closed briefing, both with
    photos, published; the event is public."""
    _, _, vru = programme["speakers"]
    briefing = programme["sessions"][3]
    closed = await add_speaker(organiser, event.id, SpeakerData(name="Sam Closed"))
    await set_session_speakers(organiser, event.id, briefing.id, [SessionSpeakerData(closed.id)])
    vru = await set_speaker_photo(organiser, event.id, vru.id, image_bytes("PNG"), settings)
    closed = await set_speaker_photo(organiser, event.id, closed.id, image_bytes("PNG"), settings)
    await Event.filter(id=event.id).update(visibility="public")
    await publish_programme(organiser, event.id, settings)
    return {"public": vru.photo_path, "closed": closed.photo_path}


async def test_public_programme_shows_and_serves_a_public_speakers_photo(
    client, event, published_photos
):
    name = published_photos["public"]
    src = f"/events/{event.uuid}/programme/photos/{name}"

    page = await client.get(f"/events/{event.uuid}/programme")
    photo = await client.get(src)

    assert f'<img class="speaker-photo" src="{src}" alt=""' in page.text
    assert published_photos["closed"] not in page.text
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/jpeg"
    assert photo.headers["cache-control"] == "public, max-age=3600"


async def test_public_photo_of_a_speaker_only_in_closed_sessions_is_404(
    client, event, published_photos
):
    photos = f"/events/{event.uuid}/programme/photos"
    response = await client.get(f"{photos}/{published_photos['closed']}")
    control = await client.get(f"{photos}/{published_photos['public']}")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_public_photo_of_an_invite_only_event_is_404(
    client, event, published_photos, organiser, settings
):
    await Event.filter(id=event.id).update(visibility="invite_only")
    _, token = await registered(organiser, event, 1, settings)

    photos = f"/events/{event.uuid}/programme/photos"
    response = await client.get(f"{photos}/{published_photos['public']}")
    control = await client.get(f"/i/{token}/programme/photos/{published_photos['public']}")

    assert response.status_code == 404
    assert control.status_code == 200  # through a delegate's link


async def test_photo_uploaded_after_publishing_is_not_public_until_the_next_version(
    client, event, programme, published_photos, organiser, settings
):
    chief = programme["speakers"][0]
    made = await set_speaker_photo(organiser, event.id, chief.id, image_bytes("PNG"), settings)
    url = f"/events/{event.uuid}/programme/photos/{made.photo_path}"

    before = await client.get(url)
    await publish_programme(organiser, event.id, settings)
    after = await client.get(url)

    assert (before.status_code, after.status_code) == (404, 200)


async def test_delegate_photos_follow_what_the_delegate_may_see(
    client, event, published_photos, organiser, settings
):
    _, delegate = await registered(organiser, event, 1, settings)
    guest = await link_for(await invite(organiser, event, 2))
    closed = published_photos["closed"]

    page = await client.get(f"/i/{delegate}/programme")
    registered_view = await client.get(f"/i/{delegate}/programme/photos/{closed}")
    invited_view = await client.get(f"/i/{guest}/programme/photos/{closed}")

    assert f'src="/i/{delegate}/programme/photos/{closed}"' in page.text
    assert registered_view.status_code == 200
    assert registered_view.headers["cache-control"] == "private, max-age=3600"
    assert invited_view.status_code == 404


async def test_session_page_shows_the_speakers_photo(client, event, programme, published_photos):
    keynote = programme["sessions"][1]

    page = await client.get(f"/events/{event.uuid}/programme/sessions/{keynote.id}")

    name = published_photos["public"]
    assert f'src="/events/{event.uuid}/programme/photos/{name}"' in page.text


async def test_speaker_uploads_and_removes_their_own_photo(client, programme, settings):
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)
    home = f"/speaker/{token}"

    uploaded = await upload(client, f"{home}/photo", "me.jpg", image_bytes("JPEG"), "image/jpeg")
    page = await client.get(home)
    photo = await client.get(f"{home}/photo")
    csrf = await csrf_token(client, home)
    removed = await client.post(f"{home}/photo/remove", data={"csrf_token": csrf})

    assert uploaded.status_code == 303
    assert uploaded.headers["location"] == f"{home}?done=photo"
    assert f'id="current-photo" src="{home}/photo" alt="Your photo"' in page.text
    assert (photo.status_code, photo.headers["cache-control"]) == (200, "private, no-cache")
    assert removed.status_code == 303
    assert (await Speaker.get(id=vru.id)).photo_path == ""
    assert (await client.get(f"{home}/photo")).status_code == 404


async def test_speaker_own_photo_bad_file_is_400_next_to_the_field(client, programme):
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)

    response = await upload(
        client, f"/speaker/{token}/photo", "me.jpg", b"not a picture", "image/jpeg"
    )

    assert response.status_code == 400
    assert f'<span class="visually-hidden">Error:</span> {WRONG_TYPE}</p>' in response.text
    assert (await Speaker.get(id=vru.id)).photo_path == ""
    control = await upload(
        client, f"/speaker/{token}/photo", "me.jpg", image_bytes("JPEG"), "image/jpeg"
    )
    assert control.status_code == 303  # a real picture
    assert (await Speaker.get(id=vru.id)).photo_path != ""


async def test_speaker_who_declined_cannot_upload_a_photo(client, programme, settings):
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)
    await decline_speaker(token, "", settings)
    page = await client.get(f"/speaker/{token}")

    response = await upload(
        client, f"/speaker/{token}/photo", "me.png", image_bytes("PNG"), "image/png"
    )

    assert 'enctype="multipart/form-data"' not in page.text
    assert response.status_code == 409
    assert (await Speaker.get(id=vru.id)).photo_path == ""
    chief = programme["speakers"][0]  # control: a speaker who has not declined
    other = await issue_link("speaker", chief.link_subject)
    assert 'enctype="multipart/form-data"' in (await client.get(f"/speaker/{other}")).text
    control = await upload(
        client, f"/speaker/{other}/photo", "me.png", image_bytes("PNG"), "image/png"
    )
    assert control.status_code == 303
    assert (await Speaker.get(id=chief.id)).photo_path != ""


async def test_speaker_programme_serves_public_photos_only(client, programme, published_photos):
    vru = programme["speakers"][2]
    token = await issue_link("speaker", vru.link_subject)
    base = f"/speaker/{token}/programme/photos"

    shown = await client.get(f"{base}/{published_photos['public']}")
    hidden = await client.get(f"{base}/{published_photos['closed']}")

    assert (shown.status_code, hidden.status_code) == (200, 404)
