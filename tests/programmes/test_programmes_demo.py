"""The demo programme of the founding example, published as version 1."""

from __future__ import annotations

from convenor.demo import load_demo as load_all_demo
from convenor.mail.models import OutboxMessage
from events.demo import TITLE
from events.models import Event, Registration, RegistrationStatus
from programmes.demo import load_demo
from programmes.models import ProgrammeVersion, Session
from programmes.view import published_programme


async def test_demo_programme_is_published_as_version_one(app, settings):
    await load_all_demo(settings)

    event = await Event.get(title=TITLE)
    published = await published_programme(event.id)

    assert published.view.number == 1
    assert [s.title for s in published.view.sessions][:3] == [
        "Arrival, coffee and networking",
        "Welcome from the Chief Constable and the Leader of the Council",
        "Keynote: what serious violence means in Southampton",
    ]
    assert published.view.sessions[1].speaker_names == (
        "Chief Constable Rachel Whitmore, Cllr Daniel Fitzgerald"
    )


async def test_demo_programme_has_both_workshops_and_a_closed_session(app, settings):
    await load_all_demo(settings)

    view = (await published_programme((await Event.get(title=TITLE)).id)).view

    workshops = [s.title for s in view.sessions if s.kind == "workshop"]
    assert workshops == [
        "Workshop: the draft delivery plan - have your say",
        "Workshop: identifying unknown community activity and networks",
    ]
    assert [s.title for s in view.sessions if s.not_for_publication] == [
        "Operational briefing: the current picture"
    ]


async def test_demo_programme_emails_registered_delegates(app, settings):
    await load_all_demo(settings)

    registered = await Registration.filter(status=RegistrationStatus.REGISTERED).count()

    assert await OutboxMessage.filter(category="programme-published").count() == registered


async def test_demo_programme_signs_up_delegates_within_places(app, settings):
    await load_all_demo(settings)

    taken = await Session.filter(kind="workshop").values_list("places_taken", flat=True)

    assert sum(taken) == await Registration.filter(status=RegistrationStatus.REGISTERED).count()


async def test_demo_programme_loads_once(app, settings):
    await load_all_demo(settings)
    await load_demo(settings)

    assert await ProgrammeVersion.all().count() == 1
