"""Speakers' links and delegates' agenda feeds stop working purge_after_days after the
event ends (410 with a page that says why)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from convenor.models import PersonalLink
from programmes.agenda import add_to_agenda, agenda_feed_link
from programmes.models import Speaker, SpeakerStatus
from programmes.publishing import publish_programme
from programmes.speakers import invite_speaker
from tests.conftest import csrf_token
from tests.events.factories import CONTACT, ended_days_ago

from .factories import registered, speaker_token


@pytest.fixture
async def published(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


async def feed_path(organiser, event, published, settings) -> str:
    _, token = await registered(organiser, event, 1, settings)
    await add_to_agenda(token, published["sessions"][0].id)
    return (await agenda_feed_link(token, settings)).removeprefix(settings.base_url)


async def test_speaker_link_works_29_days_after_the_event(client, event, programme):
    token = await speaker_token(programme["speakers"][0])
    await ended_days_ago(event, 29)

    response = await client.get(f"/speaker/{token}")

    assert response.status_code == 200
    assert "Zoë Ł. Dąbrowska" in response.text


async def test_speaker_link_is_gone_31_days_after_the_event(client, event, programme):
    token = await speaker_token(programme["speakers"][0])
    await ended_days_ago(event, 31)

    response = await client.get(f"/speaker/{token}")

    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert f"Contact the organiser at {CONTACT}" in response.text
    assert "Dąbrowska" not in response.text


async def test_expired_speaker_link_cannot_confirm(client, event, programme):
    speaker, other = programme["speakers"][:2]
    token = await speaker_token(speaker)
    csrf = await csrf_token(client, f"/speaker/{token}")  # while the link works
    # Control: the same confirmation while the links work (another speaker's).
    before = await client.post(
        f"/speaker/{await speaker_token(other)}/confirm", data={"csrf_token": csrf}
    )
    await ended_days_ago(event, 31)

    response = await client.post(f"/speaker/{token}/confirm", data={"csrf_token": csrf})

    assert response.status_code == 410
    assert (await Speaker.get(id=speaker.id)).status == SpeakerStatus.INVITED
    assert before.status_code == 303
    assert (await Speaker.get(id=other.id)).status == SpeakerStatus.CONFIRMED


async def test_speaker_invitation_link_expires_30_days_after_the_event(
    event, programme, organiser, settings
):
    speaker = programme["speakers"][0]

    await invite_speaker(organiser, event.id, speaker.id, settings)

    [link] = await PersonalLink.filter(subject=speaker.link_subject)
    assert link.expires_at == event.ends_at + timedelta(days=30)


async def test_agenda_feed_works_29_days_after_the_event(
    client, event, published, organiser, settings
):
    path = await feed_path(organiser, event, published, settings)
    await ended_days_ago(event, 29)

    response = await client.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"


async def test_agenda_feed_is_gone_31_days_after_the_event(
    client, event, published, organiser, settings
):
    path = await feed_path(organiser, event, published, settings)
    await ended_days_ago(event, 31)

    response = await client.get(path)

    assert response.status_code == 410
    assert "BEGIN:VCALENDAR" not in response.text


async def test_agenda_feed_link_expires_30_days_after_the_event(
    event, published, organiser, settings
):
    await feed_path(organiser, event, published, settings)

    [link] = await PersonalLink.filter(purpose="agenda-feed")
    assert link.expires_at == event.ends_at + timedelta(days=30)
