"""Workshop lists for organisers through their routes, read back by openpyxl and by
Python's csv with ``utf-8-sig``: who holds a place in each workshop (or one), values as
stored, formula cells neutralised, phone-like text unchanged, times as real dates in
.xlsx, and 404 for another event's organiser or session."""

from __future__ import annotations

from datetime import datetime

import pytest

from convenor.models import Role
from events.registration import cancel_registration
from events.service import create_event
from programmes.data import SessionData
from programmes.drafts import add_session
from programmes.publishing import publish_programme
from tests.conftest import make_staff, sign_in
from tests.events.factories import event_data
from tests.spreadsheets import quote_prefixed, read_export

from .factories import at, registered_with_place

FORMATS = ["csv", "xlsx"]
HEADER = [
    "Workshop", "Starts", "Ends", "Room", "Name", "Email", "Job title", "Organisation",
    "Check-in code",
]  # fmt: skip


@pytest.fixture
async def published(event, programme, organiser, settings):
    await publish_programme(organiser, event.id, settings)
    return programme


def url(event, fmt: str, session=None) -> str:
    base = f"/staff/events/{event.id}/programme"
    return f"{base}/sessions/{session.id}/places.{fmt}" if session else f"{base}/workshops.{fmt}"


@pytest.mark.parametrize("fmt", FORMATS)
async def test_workshop_list_values_equal_what_was_stored(
    staff_client, organiser, event, published, settings, fmt
):
    workshop = published["sessions"][2]
    registration, _ = await registered_with_place(
        organiser,
        event,
        1,
        settings,
        workshop.id,
        name="Zoë Polaków 🎉",
        job_title="007",
        organisation="Związek Polaków",
    )

    response = await staff_client.get(url(event, fmt))

    assert response.status_code == 200
    header, row = read_export(response)
    assert header == HEADER
    starts, ends = (
        ("2027-06-09 11:30", "2027-06-09 12:30")
        if fmt == "csv"
        else (datetime(2027, 6, 9, 11, 30), datetime(2027, 6, 9, 12, 30))
    )  # 10:30 and 11:30 UTC, in London's summer time
    assert row == [
        "Workshop: the draft plan",
        starts,
        ends,
        "Itchen Suite",
        "Zoë Polaków 🎉",
        "delegate1@partner.example.org",
        "007",
        "Związek Polaków",
        registration.check_in_code,
    ]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_workshop_list_neutralises_formula_cells_and_keeps_phone_numbers(
    staff_client, organiser, event, published, settings, fmt
):
    workshop = published["sessions"][2]
    await registered_with_place(
        organiser,
        event,
        1,
        settings,
        workshop.id,
        name="\uff1dSUM(A1)",
        job_title="+44 23 8083 3000",
        organisation="@org",
    )

    response = await staff_client.get(url(event, fmt))

    row = read_export(response)[1]
    if fmt == "csv":
        assert row[4:8] == [
            "'\uff1dSUM(A1)", "delegate1@partner.example.org", "+44 23 8083 3000", "'@org",
        ]  # fmt: skip
    else:
        assert row[4:8] == [
            "\uff1dSUM(A1)", "delegate1@partner.example.org", "+44 23 8083 3000", "@org",
        ]  # fmt: skip
        assert quote_prefixed(response.content) == {"\uff1dSUM(A1)", "@org"}


async def test_workshop_list_leaves_out_cancelled_delegates(
    staff_client, organiser, event, published, settings
):
    workshop = published["sessions"][2]
    await registered_with_place(organiser, event, 1, settings, workshop.id, name="Stays")
    _, token = await registered_with_place(organiser, event, 2, settings, workshop.id, name="Goes")
    await cancel_registration(token, settings)

    response = await staff_client.get(url(event, "xlsx"))

    assert [row[4] for row in read_export(response)[1:]] == ["Stays"]


async def test_workshop_list_of_one_session_holds_only_its_places(
    staff_client, organiser, event, published, settings
):
    first = published["sessions"][2]
    second = await add_session(
        organiser,
        event.id,
        SessionData(
            title="Workshop: networks", starts_at=at(4), ends_at=at(5), kind="workshop", places=5
        ),
    )
    await publish_programme(organiser, event.id, settings)
    await registered_with_place(organiser, event, 1, settings, first.id, name="In the plan")
    await registered_with_place(organiser, event, 2, settings, second.id, name="In networks")

    everything = await staff_client.get(url(event, "csv"))
    one = await staff_client.get(url(event, "csv", second))

    assert [(r[0], r[4]) for r in read_export(everything)[1:]] == [
        ("Workshop: the draft plan", "In the plan"),
        ("Workshop: networks", "In networks"),
    ]
    assert [(r[0], r[4]) for r in read_export(one)[1:]] == [("Workshop: networks", "In networks")]
    assert one.headers["content-disposition"].startswith(
        f'attachment; filename="workshop-places-{event.id}-session-{second.id}.csv"'
    )


@pytest.mark.parametrize("fmt", FORMATS)
async def test_workshop_list_other_events_organiser_gets_404(
    client, staff_client, event, published, fmt
):
    control = await staff_client.get(url(event, fmt))  # the event's own organiser
    await sign_in(client, await make_staff(Role.ORGANISER))

    everything = await client.get(url(event, fmt))
    one = await client.get(url(event, fmt, published["sessions"][2]))

    assert (everything.status_code, one.status_code) == (404, 404)
    assert control.status_code == 200


async def test_workshop_list_session_of_another_event_is_404(
    staff_client, organiser, event, published
):
    mine = await create_event(organiser, event_data(title="My other summit"))
    workshop = published["sessions"][2]

    control = await staff_client.get(url(event, "csv", workshop))
    response = await staff_client.get(
        f"/staff/events/{mine.id}/programme/sessions/{workshop.id}/places.csv"
    )

    assert (control.status_code, response.status_code) == (200, 404)


async def test_workshop_list_unknown_format_is_404(staff_client, event, published):
    assert (await staff_client.get(url(event, "xlsx"))).status_code == 200

    response = await staff_client.get(f"/staff/events/{event.id}/programme/workshops.ods")

    assert response.status_code == 404


async def test_programme_editor_links_both_formats(staff_client, event, published):
    response = await staff_client.get(f"/staff/events/{event.id}/programme")

    for fmt in FORMATS:
        assert f'href="{url(event, fmt)}"' in response.text


async def test_workshop_page_links_its_own_list(staff_client, event, published):
    workshop, keynote = published["sessions"][2], published["sessions"][1]

    page = await staff_client.get(f"/staff/events/{event.id}/programme/sessions/{workshop.id}")
    control = await staff_client.get(f"/staff/events/{event.id}/programme/sessions/{keynote.id}")

    assert f'href="{url(event, "xlsx", workshop)}"' in page.text
    assert "places.xlsx" not in control.text  # a plenary has no places
