"""Delegates' personal links stop working purge_after_days after the event ends (410 with
a page that says why), whenever the link was issued and wherever the event moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from convenor.models import PersonalLink
from events.models import Event, Registration, RegistrationStatus
from events.notices import fresh_link
from tests.conftest import csrf_token

from .factories import CONTACT, ended_days_ago, invite, registered


def day_text(moment: datetime) -> str:
    """The event's end date as the page writes it ('Tuesday 3 November 2026', London)."""
    local = moment.astimezone(ZoneInfo("Europe/London"))
    return f"{local:%A} {local.day} {local:%B %Y}"


async def test_delegate_link_works_29_days_after_the_event(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings)
    await ended_days_ago(event, 29)

    response = await client.get(f"/i/{token}")

    assert response.status_code == 200
    assert "This link has expired" not in response.text


async def test_delegate_link_is_gone_31_days_after_the_event(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings)
    await ended_days_ago(event, 29)
    assert (await client.get(f"/i/{token}")).status_code == 200  # control: still open at 29
    moved = await ended_days_ago(event, 31)

    response = await client.get(f"/i/{token}")

    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert f"ended on {day_text(moved.ends_at)}" in response.text
    assert "will be deleted shortly" in response.text
    assert f"Contact the organiser at {CONTACT}" in response.text


async def test_delegate_data_download_is_gone_31_days_after_the_event(
    client, organiser, event, settings
):
    _, token = await registered(organiser, event, settings)
    await ended_days_ago(event, 31)

    response = await client.get(f"/i/{token}/my-data.json")

    assert response.status_code == 410
    assert "Delegate" not in response.text


async def test_delegate_data_download_works_29_days_after_the_event(
    client, organiser, event, settings
):
    _, token = await registered(organiser, event, settings, name="Ann Lee")
    await ended_days_ago(event, 29)

    response = await client.get(f"/i/{token}/my-data.json")

    assert response.status_code == 200
    assert response.json()["registration"]["name"] == "Ann Lee"


async def test_expired_delegate_link_cannot_cancel(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings)
    csrf = await csrf_token(client, f"/i/{token}")  # while the link works
    await ended_days_ago(event, 31)

    response = await client.post(f"/i/{token}/cancel", data={"csrf_token": csrf})

    assert response.status_code == 410
    [registration] = await Registration.all()
    assert registration.status == RegistrationStatus.REGISTERED


async def test_delegate_link_follows_the_events_own_purge_days(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings)
    await ended_days_ago(event, 6, purge_after_days=7)
    assert (await client.get(f"/i/{token}")).status_code == 200  # control: within its 7 days
    await ended_days_ago(event, 8, purge_after_days=7)

    response = await client.get(f"/i/{token}")

    assert response.status_code == 410


async def test_expired_page_says_answers_were_deleted_once_purged(
    client, organiser, event, settings
):
    _, token = await registered(organiser, event, settings)
    await ended_days_ago(event, 31)
    await Event.filter(id=event.id).update(sensitive_purged_at=datetime.now(UTC))

    response = await client.get(f"/i/{token}")

    assert response.status_code == 410
    assert "your dietary and access answers have been deleted" in response.text


async def test_link_in_an_email_expires_30_days_after_the_event(organiser, event, settings):
    invitation = await invite(organiser, event)

    await fresh_link(invitation, settings, event)

    [link] = await PersonalLink.filter(subject=invitation.link_subject)
    assert link.expires_at == event.ends_at + timedelta(days=30)


async def test_link_of_an_event_moved_later_works_past_its_first_expiry(
    client, organiser, event, settings
):
    invitation = await invite(organiser, event)
    await ended_days_ago(event, 31)
    url = await fresh_link(invitation, settings, await Event.get(id=event.id))
    later = datetime.now(UTC) + timedelta(days=10)
    await Event.filter(id=event.id).update(starts_at=later, ends_at=later + timedelta(hours=7))

    response = await client.get(url.removeprefix(settings.base_url))

    assert response.status_code == 200
    assert "This link has expired" not in response.text
