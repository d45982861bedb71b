"""Past versions of a programme as organisers list them: number, when, who, changelog."""

from __future__ import annotations

import pytest

from convenor.errors import NotFound
from convenor.models import Role, User
from programmes.drafts import add_session
from programmes.publishing import programme_version, publish_programme, versions_for
from tests.conftest import make_staff

from .factories import session_data


async def test_versions_for_lists_number_who_and_changelog_newest_first(
    programme, event, organiser, settings
):
    await User.filter(id=organiser.id).update(name="Priya Shah")
    first = await publish_programme(organiser, event.id, settings)
    await add_session(organiser, event.id, session_data("Close", 6, 6.5))
    second = await publish_programme(organiser, event.id, settings)

    versions = await versions_for(organiser, event.id)

    assert [(v.number, v.published_by) for v in versions] == [(2, "Priya Shah"), (1, "Priya Shah")]
    assert [v.published_at for v in versions] == [second.published_at, first.published_at]
    assert versions[0].changelog[0]["lines"] == [
        "New: Close, Wednesday 9 June 2027, 3:30pm to 4:00pm."
    ]
    assert versions[1].changelog == []


async def test_versions_for_publisher_without_a_name_shows_their_email(programme, event, settings):
    admin = await make_staff(Role.ADMIN, email="admin-nameless@example.org")
    await User.filter(id=admin.id).update(name="")

    await publish_programme(admin, event.id, settings)

    (version,) = await versions_for(admin, event.id)
    assert version.published_by == "admin-nameless@example.org"


async def test_versions_for_publisher_whose_account_is_gone_is_blank(programme, event, settings):
    admin = await make_staff(Role.ADMIN)
    await publish_programme(admin, event.id, settings)

    await admin.delete()

    (version,) = await versions_for(await make_staff(Role.ADMIN), event.id)
    assert version.published_by == ""


async def test_programme_version_by_number(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    await add_session(organiser, event.id, session_data("Close", 6, 6.5))
    await publish_programme(organiser, event.id, settings)

    version = await programme_version(organiser, event.id, 2)

    assert version.number == 2
    assert [item["title"] for item in version.changelog] == ["Close"]


async def test_programme_version_unknown_number_is_not_found(programme, event, organiser, settings):
    await publish_programme(organiser, event.id, settings)

    with pytest.raises(NotFound):
        await programme_version(organiser, event.id, 2)
    assert (await programme_version(organiser, event.id, 1)).number == 1  # control


async def test_programme_version_other_organiser_is_not_found(
    programme, event, organiser, settings
):
    await publish_programme(organiser, event.id, settings)
    other = await make_staff(Role.ORGANISER)

    with pytest.raises(NotFound):
        await programme_version(other, event.id, 1)
    assert (await programme_version(organiser, event.id, 1)).number == 1  # control
