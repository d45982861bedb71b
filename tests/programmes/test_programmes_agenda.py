"""Delegates' agendas, workshop places under concurrency, and the secret agenda feed."""

from __future__ import annotations

import asyncio

import pytest

from convenor.errors import Conflict, Forbidden, NotFound
from events.registration import cancel_registration
from programmes.agenda import (
    add_to_agenda,
    agenda_feed_link,
    agenda_for,
    agenda_for_feed,
    give_up_place,
    remove_from_agenda,
    rotate_agenda_feed,
    sign_up,
)
from programmes.models import AgendaPick, Session
from programmes.publishing import publish_programme
from tests.events.factories import invite, link_for
from tests.programmes.factories import registered


@pytest.fixture
async def published(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


def feed_token(url: str) -> str:
    return url.rsplit("/", 1)[1].removesuffix(".ics")


async def test_add_to_agenda_before_publishing_is_not_found(programme, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    with pytest.raises(NotFound):
        await add_to_agenda(token, programme["sessions"][0].id)

    assert await AgendaPick.all().count() == 0
    await publish_programme(organiser, event.id, settings)
    agenda = await add_to_agenda(token, programme["sessions"][0].id)  # control: once published
    assert [s.title for s in agenda.sessions] == ["Welcome"]


async def test_add_to_agenda_includes_not_for_publication_sessions(
    published, event, organiser, settings
):
    _, token = await registered(organiser, event, 1, settings)
    briefing = published["sessions"][3]

    agenda = await add_to_agenda(token, briefing.id)

    assert [s.title for s in agenda.sessions] == ["Closed briefing"]


async def test_add_to_agenda_twice_keeps_one_pick(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    welcome = published["sessions"][0]

    await add_to_agenda(token, welcome.id)
    await add_to_agenda(token, welcome.id)

    assert await AgendaPick.filter(session_id=welcome.id).count() == 1


async def test_agenda_for_an_invitee_not_registered_is_forbidden(
    published, event, organiser, settings
):
    token = await link_for(await invite(organiser, event, 7))
    _, control = await registered(organiser, event, 8, settings)

    with pytest.raises(Forbidden):
        await agenda_for(token)
    assert (await agenda_for(control)).sessions == []


async def test_remove_from_agenda_frees_a_workshop_place(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    workshop = published["sessions"][2]
    await sign_up(token, workshop.id)

    agenda = await remove_from_agenda(token, workshop.id)

    assert agenda.sessions == []
    assert (await Session.get(id=workshop.id)).places_taken == 0


async def test_sign_up_takes_a_place_and_adds_the_workshop(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    workshop = published["sessions"][2]

    agenda = await sign_up(token, workshop.id)

    assert ([s.id for s in agenda.sessions], agenda.places) == ([workshop.id], {workshop.id})
    assert (await Session.get(id=workshop.id)).places_taken == 1


async def test_sign_up_twice_keeps_one_place(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    workshop = published["sessions"][2]

    await sign_up(token, workshop.id)
    await sign_up(token, workshop.id)

    assert (await Session.get(id=workshop.id)).places_taken == 1


async def test_sign_up_to_a_plenary_is_a_conflict(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    with pytest.raises(Conflict):
        await sign_up(token, published["sessions"][0].id)

    assert await AgendaPick.all().count() == 0
    await sign_up(token, published["sessions"][2].id)  # control: the workshop
    assert (await Session.get(id=published["sessions"][2].id)).places_taken == 1


async def test_sign_up_concurrently_never_exceeds_places(published, event, organiser, settings):
    tokens = [(await registered(organiser, event, n, settings))[1] for n in range(1, 9)]
    workshop = published["sessions"][2]  # three places

    results = await asyncio.gather(
        *(sign_up(token, workshop.id) for token in tokens), return_exceptions=True
    )

    placed = [r for r in results if not isinstance(r, BaseException)]
    full = [r for r in results if isinstance(r, Conflict)]
    assert (len(placed), len(full)) == (3, 5)
    assert (await Session.get(id=workshop.id)).places_taken == 3
    assert await AgendaPick.filter(session_id=workshop.id, has_place=True).count() == 3


async def test_cancelled_delegates_place_goes_to_the_next_sign_up(
    published, event, organiser, settings
):
    tokens = [(await registered(organiser, event, n, settings))[1] for n in range(1, 5)]
    workshop = published["sessions"][2]  # three places
    for token in tokens[:3]:
        await sign_up(token, workshop.id)
    await cancel_registration(tokens[0], settings)

    await sign_up(tokens[3], workshop.id)

    assert (await Session.get(id=workshop.id)).places_taken == 3
    holders = await AgendaPick.filter(session_id=workshop.id, has_place=True).count()
    assert holders == 3


async def test_give_up_place_keeps_the_session_in_the_agenda(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    workshop = published["sessions"][2]
    await sign_up(token, workshop.id)

    agenda = await give_up_place(token, workshop.id)

    assert ([s.id for s in agenda.sessions], agenda.places) == ([workshop.id], frozenset())
    assert (await Session.get(id=workshop.id)).places_taken == 0


async def test_agenda_feed_link_is_the_same_each_time(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    first = await agenda_feed_link(token, settings)
    second = await agenda_feed_link(token, settings)

    assert first == second
    assert first.startswith("http://testserver/agenda/")


async def test_agenda_feed_link_carries_no_personal_data(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)

    url = await agenda_feed_link(token, settings)

    for personal in ("delegate1", "Delegate", "partner.example.org", token):
        assert personal not in url


async def test_agenda_for_feed_finds_the_delegates_agenda(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    await add_to_agenda(token, published["sessions"][3].id)
    url = await agenda_feed_link(token, settings)

    agenda = await agenda_for_feed(feed_token(url))

    assert [s.title for s in agenda.sessions] == ["Closed briefing"]


async def test_rotate_agenda_feed_retires_the_old_url(published, event, organiser, settings):
    _, token = await registered(organiser, event, 1, settings)
    old = await agenda_feed_link(token, settings)

    new = await rotate_agenda_feed(token, settings)

    assert new != old
    with pytest.raises(NotFound):
        await agenda_for_feed(feed_token(old))
    assert (await agenda_for_feed(feed_token(new))).registration.invitation_id is not None


async def test_agenda_feed_of_a_cancelled_registration_is_withdrawn(
    published, event, organiser, settings
):
    # Issue 16: the feed keeps answering, every session struck out (see
    # test_programmes_agenda_feed_withdrawn.py), instead of 404.
    _, token = await registered(organiser, event, 1, settings)
    url = await agenda_feed_link(token, settings)
    await cancel_registration(token, settings)

    assert (await agenda_for_feed(feed_token(url))).withdrawn is True
