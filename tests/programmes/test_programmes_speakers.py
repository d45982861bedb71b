"""Speakers: organisers add and invite them; speakers answer through their link."""

from __future__ import annotations

import pytest

from convenor.auth import issue_link
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.models import OutboxMessage
from convenor.models import PersonalLink, Role
from directory.forms import EntryData
from directory.models import How, Status
from directory.service import create_entry
from programmes.data import SpeakerData
from programmes.models import Speaker
from programmes.speakers import (
    add_speaker,
    confirm_speaker,
    decline_speaker,
    invite_speaker,
    speaker_page,
    speakers_for,
    update_speaker_profile,
)
from tests.conftest import make_staff


def token_in(body: str) -> str:
    marker = "/speaker/"
    start = body.index(marker) + len(marker)
    return body[start:].split()[0]


async def test_add_speaker_keeps_honorific_and_private_email(event, organiser):
    speaker = await add_speaker(
        organiser,
        event.id,
        SpeakerData(honorific="Supt", name="Jo Bloggs", email="Jo@Police.Example.org"),
    )

    assert (speaker.display_name, speaker.email, speaker.status.value) == (
        "Supt Jo Bloggs",
        "jo@police.example.org",
        "invited",
    )


async def test_add_speaker_with_bad_email_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_speaker(organiser, event.id, SpeakerData(name="Jo", email="not an email"))

    assert caught.value.fields == {"email": "Enter an email address like name@example.org"}
    assert await speakers_for(organiser, event.id) == []
    await add_speaker(organiser, event.id, SpeakerData(name="Jo", email="jo@example.org"))
    assert [s.email for s in await speakers_for(organiser, event.id)] == ["jo@example.org"]


async def test_speakers_of_another_organisers_event_are_not_found(event, organiser):
    other = await make_staff(Role.ORGANISER)

    await add_speaker(organiser, event.id, SpeakerData(name="Jo"))

    with pytest.raises(NotFound):
        await speakers_for(other, event.id)
    assert [s.name for s in await speakers_for(organiser, event.id)] == ["Jo"]


async def test_invite_speaker_queues_an_email_with_a_working_link(
    programme, event, organiser, settings
):
    chief = programme["speakers"][0]

    message = await invite_speaker(organiser, event.id, chief.id, settings)

    assert message.to_address == "chief@police.example.org"
    assert message.subject == f"Speaking at {event.title}: please confirm"
    page = await speaker_page(token_in(message.text_body))
    assert page.speaker.id == chief.id
    assert [s.title for s in page.sessions] == ["Welcome", "Closed briefing"]


async def test_invite_speaker_stores_no_raw_token(programme, event, organiser, settings):
    message = await invite_speaker(organiser, event.id, programme["speakers"][0].id, settings)

    token = token_in(message.text_body)
    rows = await OutboxMessage.all().count()
    stored = await PersonalLink.filter(purpose="speaker").values_list("token_hash", flat=True)
    assert rows == 1
    assert token not in stored
    assert len(stored) == 1


async def test_confirm_speaker_sets_status_confirmed(programme):
    chief = programme["speakers"][0]
    token = await issue_link("speaker", chief.link_subject)

    speaker = await confirm_speaker(token)

    assert speaker.status.value == "confirmed"
    assert speaker.responded_at is not None


async def test_decline_speaker_keeps_the_reason(programme, settings):
    token = await issue_link("speaker", programme["speakers"][1].link_subject)

    speaker = await decline_speaker(token, "Away that week", settings)

    assert (speaker.status.value, speaker.decline_reason) == ("declined", "Away that week")


async def test_update_speaker_profile_changes_title_and_bio(programme):
    token = await issue_link("speaker", programme["speakers"][2].link_subject)

    speaker = await update_speaker_profile(token, "Director, VRU", "Twenty years in public health.")

    assert (speaker.job_title, speaker.bio) == ("Director, VRU", "Twenty years in public health.")


async def test_update_speaker_profile_after_declining_is_a_conflict(programme, settings):
    vru, chief = programme["speakers"][2], programme["speakers"][0]
    token = await issue_link("speaker", vru.link_subject)
    await decline_speaker(token, "", settings)

    with pytest.raises(Conflict):
        await update_speaker_profile(token, "Director", "Bio")

    assert (await Speaker.get(id=vru.id)).job_title == "VRU Lead"
    control = await issue_link("speaker", chief.link_subject)  # one who has not declined
    assert (await update_speaker_profile(control, "Director", "Bio")).job_title == "Director"


async def test_speaker_link_of_another_purpose_is_not_found(programme):
    token = await issue_link("invitation", programme["speakers"][0].link_subject)
    control = await issue_link("speaker", programme["speakers"][0].link_subject)

    with pytest.raises(NotFound):
        await speaker_page(token)
    assert (await speaker_page(control)).speaker.id == programme["speakers"][0].id


async def test_speaker_link_unknown_token_is_not_found(programme):
    with pytest.raises(NotFound):
        await confirm_speaker("not-a-real-token")

    assert await Speaker.filter(status="confirmed").count() == 0
    control = await issue_link("speaker", programme["speakers"][0].link_subject)
    assert (await confirm_speaker(control)).status.value == "confirmed"


async def test_add_speaker_with_unknown_directory_organisation_is_invalid(event, organiser):
    with pytest.raises(Invalid) as caught:
        await add_speaker(
            organiser, event.id, SpeakerData(name="Jo", organisation_entry_id=999_999)
        )

    assert caught.value.fields == {
        "organisation": "Choose the organisation from the directory, or type it"
    }
    assert await speakers_for(organiser, event.id) == []
    typed = await add_speaker(organiser, event.id, SpeakerData(name="Jo", organisation="Typed"))
    assert (typed.organisation_entry_id, typed.organisation) == (None, "Typed")  # control


async def test_add_speaker_with_directory_organisation_keeps_the_entry(event, organiser):
    entry = await create_entry(
        EntryData(kind="community", name="Bevois Valley Boxing Academy"),
        status=Status.PUBLISHED,
        how=How.STAFF,
        source="test",
    )

    speaker = await add_speaker(
        organiser, event.id, SpeakerData(name="Amina Hassan", organisation_entry_id=entry.id)
    )

    assert (speaker.organisation_entry_id, speaker.organisation) == (
        entry.id,
        "Bevois Valley Boxing Academy",
    )
