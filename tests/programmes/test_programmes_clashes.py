"""Clashes (issue 16): a room or a speaker double-booked blocks publishing unless the
organiser publishes anyway (recorded in the changelog); a delegate cannot hold places in
two workshops at once. Through the services, the editor pages and the API."""

from __future__ import annotations

import pytest

from convenor import auth
from convenor.errors import Conflict
from programmes.agenda import agenda_for, give_up_place, sign_up
from programmes.drafts import add_session, cancel_session, draft_clashes
from programmes.models import AgendaPick, ProgrammeVersion, Session
from programmes.publishing import Clashes, publish_programme
from tests.conftest import csrf_token

from .factories import make_session, registered, session_data


async def room_clash(organiser, event, programme) -> Session:
    """'Overlap' in the Main Hall during the Welcome (9:40am to 9:55am)."""
    main = programme["rooms"][0]
    return await make_session(organiser, event, "Overlap", 1 / 6, 5 / 12, room_id=main.id)


async def speaker_clash(organiser, event, programme) -> Session:
    """'Side chat' in the Itchen Suite at the Welcome's time, with the Chief Constable."""
    side = programme["rooms"][1]
    chief = programme["speakers"][0]
    return await make_session(
        organiser, event, "Side chat", 0, 0.5, room_id=side.id, speakers=(chief,)
    )


# The service


async def test_draft_without_overlaps_has_no_clashes(event, programme, organiser):
    assert await draft_clashes(organiser, event.id) == []


async def test_room_overlap_is_a_clash(event, programme, organiser):
    await room_clash(organiser, event, programme)

    (clash,) = await draft_clashes(organiser, event.id)

    assert (clash.kind, clash.first.title, clash.second.title) == ("room", "Welcome", "Overlap")
    assert clash.message == (
        "Welcome (9 June 2027, 9:30am to 10:00am) and Overlap (9 June 2027, 9:40am to "
        "9:55am) are both in Main Hall."
    )


async def test_sessions_back_to_back_in_one_room_do_not_clash(event, programme, organiser):
    main = programme["rooms"][0]
    await add_session(organiser, event.id, session_data("Next", 1.5, 2, room_id=main.id))

    assert await draft_clashes(organiser, event.id) == []


async def test_speaker_in_two_sessions_at_once_is_a_clash(event, programme, organiser):
    await speaker_clash(organiser, event, programme)

    (clash,) = await draft_clashes(organiser, event.id)

    assert (clash.kind, clash.what) == ("speaker", "Chief Constable Zoë Ł. Dąbrowska")
    assert {clash.first.title, clash.second.title} == {"Welcome", "Side chat"}


async def test_publish_with_a_room_clash_is_refused_and_nothing_published(
    event, programme, organiser, settings
):
    overlap = await room_clash(organiser, event, programme)

    with pytest.raises(Clashes) as refused:
        await publish_programme(organiser, event.id, settings)

    assert list(refused.value.fields.values()) == [refused.value.clashes[0].message]
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    await cancel_session(organiser, event.id, overlap.id)
    assert (await publish_programme(organiser, event.id, settings)).number == 1  # control


async def test_publish_with_a_speaker_clash_is_refused(event, programme, organiser, settings):
    chat = await speaker_clash(organiser, event, programme)

    with pytest.raises(Clashes):
        await publish_programme(organiser, event.id, settings)

    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    await cancel_session(organiser, event.id, chat.id)
    assert (await publish_programme(organiser, event.id, settings)).number == 1  # control


async def test_publish_anyway_records_the_clash_in_the_changelog(
    event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    await room_clash(organiser, event, programme)

    view = await publish_programme(organiser, event.id, settings, publish_anyway=True)

    assert view.number == 2
    assert [(item["title"], item["kinds"]) for item in view.changelog] == [
        ("Overlap", ["new"]),
        ("Welcome", ["clash"]),
    ]
    assert view.changelog[1]["lines"] == [
        "Published with a clash: Welcome (9 June 2027, 9:30am to 10:00am) and Overlap "
        "(9 June 2027, 9:40am to 9:55am) are both in Main Hall."
    ]
    assert view.public_changelog() == [view.changelog[0]]


async def test_publish_without_clashes_needs_no_anyway(event, programme, organiser, settings):
    view = await publish_programme(organiser, event.id, settings)

    assert (view.number, view.changelog) == (1, [])


# The editor over HTTP


def editor(event) -> str:
    return f"/staff/events/{event.id}/programme"


async def publish_form(client, event, data: dict | None = None):
    token = await csrf_token(client, editor(event))
    return await client.post(editor(event) + "/publish", data={**(data or {}), "csrf_token": token})


async def test_editor_lists_clashes_and_offers_publish_anyway(
    staff_client, event, programme, organiser
):
    await speaker_clash(organiser, event, programme)

    page = await staff_client.get(editor(event))

    assert page.status_code == 200
    assert "Clashes to resolve before publishing" in page.text
    assert "Chief Constable Zoë Ł. Dąbrowska speaks in Welcome" in page.text
    assert 'name="publish_anyway"' in page.text
    assert page.text.count('<span class="tag">Clash</span>') == 2  # Welcome and Side chat


async def test_editor_without_clashes_has_no_publish_anyway(staff_client, event, programme):
    page = await staff_client.get(editor(event))

    assert "Clashes to resolve" not in page.text
    assert 'name="publish_anyway"' not in page.text
    assert '<span class="tag">Clash</span>' not in page.text


async def test_session_page_shows_its_clash(staff_client, event, programme, organiser):
    overlap = await room_clash(organiser, event, programme)

    page = await staff_client.get(f"{editor(event)}/sessions/{overlap.id}")

    assert "This session clashes:" in page.text
    assert "are both in Main Hall." in page.text


async def test_editor_publish_with_clash_is_409_and_nothing_published(
    staff_client, event, programme, organiser
):
    await room_clash(organiser, event, programme)

    response = await publish_form(staff_client, event)

    assert response.status_code == 409
    assert "The draft has 1 clash: resolve them, or publish anyway." in response.text
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    control = await publish_form(staff_client, event, {"publish_anyway": "yes"})
    assert control.status_code == 303
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1


async def test_editor_publish_anyway_publishes_and_records_the_clash(
    staff_client, event, programme, organiser
):
    await room_clash(organiser, event, programme)

    response = await publish_form(staff_client, event, {"publish_anyway": "yes"})

    assert response.status_code == 303
    version = await ProgrammeVersion.get(event_id=event.id)
    assert [item["kinds"] for item in version.changelog] == [["clash"]]
    page = await staff_client.get(f"{editor(event)}/versions/1")
    assert "Published with clashes" in page.text
    assert "are both in Main Hall." in page.text


# The API


@pytest.fixture
async def api_token(organiser) -> str:
    return await auth.create_api_token(organiser.email)


def api_publish(event) -> str:
    return f"/api/v1/events/{event.id}/programme/publish"


async def test_api_publish_with_clash_is_409_listing_it(
    client, event, programme, organiser, api_token
):
    overlap = await room_clash(organiser, event, programme)

    response = await client.post(
        api_publish(event), headers={"Authorization": f"Bearer {api_token}"}
    )

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["fields"] == {
        "clashes.0": "Welcome (9 June 2027, 9:30am to 10:00am) and Overlap (9 June 2027, "
        "9:40am to 9:55am) are both in Main Hall."
    }
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 0
    await cancel_session(organiser, event.id, overlap.id)
    control = await client.post(
        api_publish(event), headers={"Authorization": f"Bearer {api_token}"}
    )
    assert control.status_code == 201
    assert await ProgrammeVersion.filter(event_id=event.id).count() == 1


async def test_api_publish_anyway_is_201_and_records_the_clash(
    client, event, programme, organiser, api_token
):
    await room_clash(organiser, event, programme)

    response = await client.post(
        api_publish(event),
        headers={"Authorization": f"Bearer {api_token}"},
        json={"publish_anyway": True},
    )

    assert response.status_code == 201
    assert [item["kinds"] for item in response.json()["changelog"]] == [["clash"]]


async def test_api_publish_without_clash_needs_no_body(client, event, programme, api_token):
    response = await client.post(
        api_publish(event), headers={"Authorization": f"Bearer {api_token}"}
    )

    assert response.status_code == 201


# Workshops at the same time


async def second_workshop(organiser, event, programme, start: float, end: float) -> Session:
    main = programme["rooms"][0]
    return await make_session(
        organiser,
        event,
        "Workshop: the budget",
        start,
        end,
        kind="workshop",
        room_id=main.id,
        places=5,
    )


async def test_sign_up_for_an_overlapping_workshop_is_refused_naming_the_other(
    event, programme, organiser, settings
):
    other = await second_workshop(organiser, event, programme, 2.5, 3.5)
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    workshop = programme["sessions"][2]
    await sign_up(token, workshop.id)

    with pytest.raises(Conflict) as refused:
        await sign_up(token, other.id)

    assert refused.value.message == (
        "You already have a place in Workshop: the draft plan, which is at the same time. "
        "Give up that place first if you would rather go to this workshop."
    )
    assert (await Session.get(id=other.id)).places_taken == 0
    assert not await AgendaPick.filter(session_id=other.id).exists()
    await give_up_place(token, workshop.id)  # control: with that place given up
    await sign_up(token, other.id)
    assert (await Session.get(id=other.id)).places_taken == 1


async def test_sign_up_for_a_later_workshop_keeps_both_places(
    event, programme, organiser, settings
):
    other = await second_workshop(organiser, event, programme, 3, 4)
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    await sign_up(token, programme["sessions"][2].id)

    agenda = await sign_up(token, other.id)

    assert agenda.places == frozenset({programme["sessions"][2].id, other.id})
    assert (await Session.get(id=other.id)).places_taken == 1


async def test_sign_up_overlapping_workshop_over_http_is_409_with_the_message(
    client, event, programme, organiser, settings
):
    other = await second_workshop(organiser, event, programme, 2.5, 3.5)
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    await sign_up(token, programme["sessions"][2].id)
    csrf = await csrf_token(client, f"/i/{token}/agenda")

    response = await client.post(
        f"/i/{token}/agenda/sign-up", data={"session_id": str(other.id), "csrf_token": csrf}
    )

    assert response.status_code == 409
    assert "You already have a place in Workshop: the draft plan" in response.text
    assert (await Session.get(id=other.id)).places_taken == 0
    await give_up_place(token, programme["sessions"][2].id)  # control: the place given up
    control = await client.post(
        f"/i/{token}/agenda/sign-up", data={"session_id": str(other.id), "csrf_token": csrf}
    )
    assert control.status_code == 303
    assert (await Session.get(id=other.id)).places_taken == 1


async def test_agenda_shows_places_left_and_full(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    workshop = programme["sessions"][2]  # three places
    tokens = [(await registered(organiser, event, n, settings))[1] for n in (1, 2, 3)]
    await sign_up(tokens[0], workshop.id)

    before = await agenda_for(tokens[1])
    await sign_up(tokens[1], workshop.id)
    await sign_up(tokens[2], workshop.id)
    after = await agenda_for(tokens[0])

    assert before.places_text(workshop.id) == "2 places left"
    assert after.places_text(workshop.id) == "Full"


async def test_agenda_page_says_places_left(client, event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)

    page = await client.get(f"/i/{token}/agenda")

    assert '<p class="places-left">3 places left</p>' in page.text
