"""The speaker's pages through their personal link."""

from __future__ import annotations

import vobject

from programmes.models import Speaker, SpeakerStatus
from programmes.publishing import publish_programme
from tests.conftest import csrf_token
from tests.programmes.factories import speaker_token


async def post(client, token: str, action: str, data: dict | None = None):
    csrf = await csrf_token(client, f"/speaker/{token}")
    return await client.post(
        f"/speaker/{token}/{action}", data={**(data or {}), "csrf_token": csrf}
    )


async def test_speaker_page_shows_sessions_and_status(client, event, programme):
    token = await speaker_token(programme["speakers"][0])

    response = await client.get(f"/speaker/{token}")

    assert response.status_code == 200
    assert "Chief Constable Zoë Ł. Dąbrowska" in response.text
    assert "Welcome" in response.text
    assert "Closed briefing" in response.text
    assert '<strong id="speaker-status">Invited</strong>' in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_speaker_confirm_sets_status(client, event, programme):
    chief = programme["speakers"][0]
    token = await speaker_token(chief)

    response = await post(client, token, "confirm")

    assert response.status_code == 303
    assert response.headers["location"] == f"/speaker/{token}?done=confirmed"
    assert (await Speaker.get(id=chief.id)).status == SpeakerStatus.CONFIRMED


async def test_speaker_decline_keeps_reason(client, event, programme):
    chief = programme["speakers"][0]
    token = await speaker_token(chief)

    response = await post(client, token, "decline", {"reason": "Away that week"})

    saved = await Speaker.get(id=chief.id)
    assert response.status_code == 303
    assert (saved.status, saved.decline_reason) == (SpeakerStatus.DECLINED, "Away that week")


async def test_speaker_profile_saves_title_and_bio(client, event, programme):
    chief = programme["speakers"][0]
    token = await speaker_token(chief)

    response = await post(
        client, token, "profile", {"job_title": "Chief Constable", "bio": "New bio."}
    )

    saved = await Speaker.get(id=chief.id)
    assert response.status_code == 303
    assert (saved.job_title, saved.bio) == ("Chief Constable", "New bio.")


async def test_speaker_profile_too_long_bio_is_400_and_keeps_typing(client, event, programme):
    chief = programme["speakers"][0]
    token = await speaker_token(chief)
    long_bio = "word " * 2000

    response = await post(client, token, "profile", {"job_title": "Typed title", "bio": long_bio})

    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert 'id="bio-error"' in response.text
    assert 'value="Typed title"' in response.text
    assert (await Speaker.get(id=chief.id)).bio == "Leads the force."
    control = await post(client, token, "profile", {"job_title": "Typed title", "bio": "Short."})
    assert control.status_code == 303
    assert (await Speaker.get(id=chief.id)).bio == "Short."


async def test_speaker_profile_script_is_inert(client, event, programme):
    chief = programme["speakers"][0]
    token = await speaker_token(chief)
    await post(client, token, "profile", {"job_title": "<script>x()</script>", "bio": "b"})

    response = await client.get(f"/speaker/{token}")

    assert "<script>x()</script>" not in response.text
    assert "&lt;script&gt;x()&lt;/script&gt;" in response.text


async def test_speaker_unknown_link_is_404(client, event, programme):
    control = await client.get(f"/speaker/{await speaker_token(programme['speakers'][0])}")

    response = await client.get("/speaker/not-a-token")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_speaker_calendar_after_publishing(client, event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    token = await speaker_token(programme["speakers"][2])

    response = await client.get(f"/speaker/{token}/sessions.ics")

    assert response.status_code == 200
    titles = [e.summary.value for e in vobject.readOne(response.text).vevent_list]
    assert titles == ["What serious violence means here"]


async def test_speaker_calendar_before_publishing_is_404(
    client, event, programme, organiser, settings
):
    token = await speaker_token(programme["speakers"][2])

    response = await client.get(f"/speaker/{token}/sessions.ics")
    await publish_programme(organiser, event.id, settings)
    control = await client.get(f"/speaker/{token}/sessions.ics")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_speaker_programme_invite_only_event_shows_public_sessions(
    client, event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    token = await speaker_token(programme["speakers"][1])
    welcome, briefing = programme["sessions"][0], programme["sessions"][3]

    page = await client.get(f"/speaker/{token}/programme")
    session = await client.get(f"/speaker/{token}/programme/sessions/{welcome.id}")
    ics = await client.get(f"/speaker/{token}/programme/sessions/{welcome.id}.ics")
    hidden = await client.get(f"/speaker/{token}/programme/sessions/{briefing.id}")

    assert page.status_code == 200
    assert "What serious violence means here" in page.text
    assert "Closed briefing" not in page.text
    assert session.status_code == 200
    assert vobject.readOne(ics.text).vevent.summary.value == "Welcome"
    assert hidden.status_code == 404


async def test_speaker_programme_before_publishing_is_404(
    client, event, programme, organiser, settings
):
    token = await speaker_token(programme["speakers"][1])

    response = await client.get(f"/speaker/{token}/programme")
    await publish_programme(organiser, event.id, settings)
    control = await client.get(f"/speaker/{token}/programme")

    assert response.status_code == 404
    assert control.status_code == 200


async def test_speaker_programme_unknown_link_is_404(client, event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    token = await speaker_token(programme["speakers"][1])

    response = await client.get("/speaker/nope/programme")
    control = await client.get(f"/speaker/{token}/programme")

    assert response.status_code == 404
    assert control.status_code == 200
