"""Headers of the programme's downloads (issue 20): every public download can be read by
other sites' scripts (CORS ``*``) and revalidated by a strong ETag (304 on a matching
If-None-Match); downloads through a personal link have neither and stay no-store."""

from __future__ import annotations

import hashlib

import pytest

from events.models import Event
from programmes.publishing import publish_programme

from .factories import registered

PUBLIC = [
    "/programme.ics",
    "/programme.pdf",
    "/programme/schedule.json",
    "/programme/schedule.xml",
    "/programme/changes.atom",
    "/programme/sessions/{welcome}.ics",
    "/programme/speakers/{chief}.ics",
]


@pytest.fixture
async def public(event, programme, organiser, settings):
    await Event.filter(id=event.id).update(visibility="public")
    await publish_programme(organiser, event.id, settings)
    return programme


def address(event, programme, path: str) -> str:
    welcome = programme["sessions"][0]
    chief = programme["speakers"][0]
    return f"/events/{event.uuid}" + path.format(welcome=welcome.id, chief=chief.id)


@pytest.mark.parametrize("path", PUBLIC)
async def test_public_download_has_cors_and_a_strong_etag_of_its_bytes(client, event, public, path):
    response = await client.get(address(event, public, path))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-expose-headers"] == "ETag"
    assert response.headers["cache-control"] == "public, max-age=300"
    expected = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    assert response.headers["etag"] == expected


@pytest.mark.parametrize("path", PUBLIC)
async def test_public_download_answers_304_to_its_etag(client, event, public, path):
    first = await client.get(address(event, public, path))

    again = await client.get(
        address(event, public, path), headers={"If-None-Match": first.headers["etag"]}
    )

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", PUBLIC)
async def test_public_download_answers_200_to_another_etag(client, event, public, path):
    response = await client.get(
        address(event, public, path), headers={"If-None-Match": '"not-these-bytes"'}
    )

    assert response.status_code == 200
    assert response.content


async def test_public_download_etag_is_the_same_on_every_request(client, event, public):
    path = address(event, public, "/programme/schedule.json")

    first, second = await client.get(path), await client.get(path)

    assert first.headers["etag"] == second.headers["etag"]
    assert first.content == second.content


async def test_programme_page_html_has_no_cors(client, event, public):
    response = await client.get(f"/events/{event.uuid}/programme")

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


PERSONAL = [
    "/programme.pdf",
    "/programme/changes.atom",
    "/programme/sessions/{welcome}.ics",
    "/programme/speakers/{chief}.ics",
]


@pytest.mark.parametrize("path", PERSONAL)
async def test_personal_link_download_has_no_cors_or_etag_and_is_no_store(
    client, event, programme, organiser, settings, path
):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    welcome, chief = programme["sessions"][0], programme["speakers"][0]

    response = await client.get(f"/i/{token}" + path.format(welcome=welcome.id, chief=chief.id))

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert "etag" not in response.headers
    assert response.headers["cache-control"] == "no-store"
    again = await client.get(
        f"/i/{token}" + path.format(welcome=welcome.id, chief=chief.id),
        headers={"If-None-Match": "*"},
    )
    assert again.status_code == 200
