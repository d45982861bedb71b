"""The public changelog of published versions (issue 20): what each version moved,
added or cancelled, as the public and as registered delegates read it, never telling
the public anything about a not-for-publication session."""

from __future__ import annotations

import pytest

from convenor.errors import NotFound
from events.models import Event
from programmes.changelog import DELEGATES, PUBLIC, delegate_changelog, public_changelog
from programmes.drafts import add_session, cancel_session
from programmes.publishing import publish_programme
from tests.events.factories import invite, link_for

from .factories import at, change, registered, session_data

LONG = "Wednesday 9 June 2027"


@pytest.fixture
async def public(event, programme, organiser, settings):
    await Event.filter(id=event.id).update(visibility="public")
    await publish_programme(organiser, event.id, settings)
    return programme


def texts(changelog) -> list[tuple[int, list[str]]]:
    return [(v.number, [line.text for line in v.lines]) for v in changelog.versions]


async def test_changelog_first_version_says_the_programme_is_out(event, public):
    changelog = await public_changelog(event.id)

    (version,) = changelog.versions
    assert (version.number, version.first, version.sessions, version.lines) == (1, True, 3, ())
    assert changelog.audience == PUBLIC


async def test_changelog_lists_moves_additions_and_cancellations(
    event, public, organiser, settings
):
    welcome, keynote, workshop, _ = public["sessions"]
    side = public["rooms"][1]
    await change(organiser, event, keynote, starts_at=at(1), ends_at=at(2))
    await change(organiser, event, welcome, room_id=side.id)
    await add_session(organiser, event.id, session_data("Close", 6, 6.5))
    await cancel_session(organiser, event.id, workshop.id)
    await publish_programme(organiser, event.id, settings)

    changelog = await public_changelog(event.id)

    assert texts(changelog) == [
        (
            2,
            [
                "Welcome has moved to Itchen Suite (was Main Hall).",
                "What serious violence means here is now "
                f"{LONG}, 10:30am to 11:30am (was {LONG}, 10:00am to 11:00am).",
                f"New: Close, {LONG}, 3:30pm to 4:00pm.",
                f"Cancelled: Workshop: the draft plan, {LONG}, 11:30am to 12:30pm.",
            ],
        ),
        (1, []),
    ]
    kinds = [line.kinds for line in changelog.versions[0].lines]
    assert kinds == [("moved",), ("retimed",), ("new",), ("cancelled",)]


async def test_changelog_public_leaves_out_a_version_that_only_changed_a_closed_session(
    event, public, organiser, settings
):
    briefing = public["sessions"][3]
    await change(
        organiser, event, briefing, title="Closed briefing: gangs", starts_at=at(4), ends_at=at(5)
    )
    await publish_programme(organiser, event.id, settings)

    changelog = await public_changelog(event.id)

    assert [v.number for v in changelog.versions] == [1]
    # Control: registered delegates read that version.
    _, token = await registered(organiser, event, 1, settings)
    theirs = await delegate_changelog(token)
    assert theirs.audience == DELEGATES
    assert [v.number for v in theirs.versions] == [2, 1]
    assert "Closed briefing: gangs" in theirs.versions[0].lines[0].text


async def test_changelog_public_reads_a_closed_session_made_public_as_new_without_its_old_title(
    event, public, organiser, settings
):
    briefing = public["sessions"][3]
    await change(organiser, event, briefing, title="Open briefing", not_for_publication=False)
    await publish_programme(organiser, event.id, settings)

    changelog = await public_changelog(event.id)

    assert texts(changelog)[0] == (
        2,
        [f"New: Open briefing, {LONG}, 12:30pm to 1:30pm, Itchen Suite."],
    )
    page = " ".join(line.text for v in changelog.versions for line in v.lines)
    assert "Closed briefing" not in page


async def test_changelog_public_reads_a_session_made_closed_as_no_longer_public(
    event, public, organiser, settings
):
    keynote = public["sessions"][1]
    await change(organiser, event, keynote, title="Renamed in private", not_for_publication=True)
    await publish_programme(organiser, event.id, settings)

    changelog = await public_changelog(event.id)

    assert texts(changelog)[0] == (
        2,
        ["What serious violence means here is no longer in the public programme."],
    )
    assert changelog.versions[0].lines[0].kinds == ("withdrawn",)
    assert changelog.versions[0].sessions == 2


async def test_changelog_of_an_invite_only_event_is_not_public(
    event, programme, organiser, settings
):
    await publish_programme(organiser, event.id, settings)

    with pytest.raises(NotFound):
        await public_changelog(event.id)
    # Control: through a delegate's link it is there.
    _, token = await registered(organiser, event, 1, settings)
    assert [v.number for v in (await delegate_changelog(token)).versions] == [1]


async def test_changelog_for_an_invitee_not_registered_is_the_public_one(
    event, programme, organiser, settings
):
    briefing = programme["sessions"][3]
    await publish_programme(organiser, event.id, settings)
    await change(organiser, event, briefing, starts_at=at(4), ends_at=at(5))
    await publish_programme(organiser, event.id, settings)
    token = await link_for(await invite(organiser, event, 2))

    changelog = await delegate_changelog(token)

    assert changelog.audience == PUBLIC
    assert [v.number for v in changelog.versions] == [1]
    assert changelog.versions[0].sessions == 3


async def test_changelog_leaves_out_clashes_published_anyway(event, public, organiser, settings):
    welcome, keynote, _, _ = public["sessions"]
    await change(organiser, event, keynote, starts_at=at(0), ends_at=at(0.5))
    view = await publish_programme(organiser, event.id, settings, publish_anyway=True)

    changelog = await public_changelog(event.id)

    lines = [line for v in changelog.versions for line in v.lines]
    assert [line.kinds for line in lines] == [("retimed",)]
    # Control: the version itself records the clash (for the organisers).
    assert [item["kinds"] for item in view.changelog] == [["retimed"], ["clash"]]
    assert view.changelog[1]["session_id"] in (welcome.id, keynote.id)
