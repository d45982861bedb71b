"""A session's speakers form takes any number of speakers (issue 16): "Add another
speaker" shows one more row and keeps what was chosen, without JavaScript."""

from __future__ import annotations

from programmes.models import SessionSpeaker
from tests.conftest import csrf_token
from tests.programmes.factories import make_speaker


async def panel_of(organiser, event, count: int) -> list[int]:
    return [
        (await make_speaker(organiser, event, f"Panellist {number}")).id
        for number in range(1, count + 1)
    ]


def session_url(event, session) -> str:
    return f"/staff/events/{event.id}/programme/sessions/{session.id}"


async def post_speakers(client, event, session, data: dict):
    token = await csrf_token(client, session_url(event, session))
    return await client.post(
        session_url(event, session) + "/speakers", data={**data, "csrf_token": token}
    )


async def test_ten_speakers_are_saved_from_the_form(staff_client, event, programme, organiser):
    ids = await panel_of(organiser, event, 10)
    keynote = programme["sessions"][1]
    data = {"rows": "10"}
    for number, speaker_id in enumerate(ids, start=1):
        data[f"speaker_{number}"] = str(speaker_id)
        data[f"role_{number}"] = "panellist"

    response = await post_speakers(staff_client, event, keynote, data)

    assert response.status_code == 303
    saved = await SessionSpeaker.filter(session_id=keynote.id).order_by("position")
    assert [link.speaker_id for link in saved] == ids


async def test_add_another_speaker_shows_one_more_row_and_keeps_the_choices(
    staff_client, event, programme, organiser
):
    ids = await panel_of(organiser, event, 7)
    keynote = programme["sessions"][1]
    data = {"rows": "6", "add_row": "yes"}
    for number, speaker_id in enumerate(ids[:6], start=1):
        data[f"speaker_{number}"] = str(speaker_id)
        data[f"role_{number}"] = "chair" if number == 1 else "panellist"

    response = await post_speakers(staff_client, event, keynote, data)

    assert response.status_code == 200
    assert response.text.count('class="speaker-row"') == 7
    assert "<legend>Place 7</legend>" in response.text
    assert f'<option value="{ids[5]}" selected>' in response.text
    assert '<input type="hidden" name="rows" value="7">' in response.text
    # Nothing is saved until "Save the speakers".
    links = await SessionSpeaker.filter(session_id=keynote.id)
    assert [link.speaker_id for link in links] == [programme["speakers"][2].id]


async def test_session_page_shows_a_free_row_after_many_speakers(
    staff_client, event, programme, organiser
):
    ids = await panel_of(organiser, event, 9)
    keynote = programme["sessions"][1]
    data = {"rows": "9"}
    for number, speaker_id in enumerate(ids, start=1):
        data[f"speaker_{number}"] = str(speaker_id)
    await post_speakers(staff_client, event, keynote, data)

    page = await staff_client.get(session_url(event, keynote))

    assert page.text.count('class="speaker-row"') == 10


async def test_session_page_shows_six_rows_for_a_short_list(staff_client, event, programme):
    page = await staff_client.get(session_url(event, programme["sessions"][1]))

    assert page.text.count('class="speaker-row"') == 6
