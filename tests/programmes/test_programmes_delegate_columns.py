"""Issue 16: organisers see who holds each workshop place as a column of the delegates
export. Programmes adds "Workshops" to the events domain's delegate list (with and
without needs, .csv and .xlsx) through ``programmes.delegate_columns``: the titles of
the workshops each delegate holds a place in, in time order, joined by "; ". An event
without workshops has no such column. Read back with csv (utf-8-sig) and openpyxl.
"""

from __future__ import annotations

import pytest

from events.registration import cancel_registration
from programmes.agenda import sign_up
from programmes.drafts import add_session
from programmes.publishing import publish_programme
from tests.conftest import csrf_token
from tests.spreadsheets import quote_prefixed, read_export

from .factories import registered, session_data

FORMATS = ["csv", "xlsx"]
NAME = 0
EARLY = "Workshop: mapping the hotspots"  # 1:30 after the start
LATE = "Workshop: the draft plan"  # the fixture's, 2:00 after the start


async def download(client, event, fmt: str, *, with_needs: bool):
    path = f"/staff/events/{event.id}/delegates.{fmt}"
    if with_needs:
        token = await csrf_token(client, f"/staff/events/{event.id}/delegates")
        response = await client.post(path, data={"csrf_token": token})
    else:
        response = await client.get(path)
    assert response.status_code == 200
    return read_export(response)


def workshops_by_name(rows: list[list]) -> dict[str, str]:
    header, *body = rows
    assert header[-1] == "Workshops"
    column = header.index("Workshops")
    return {row[NAME]: row[column] or "" for row in body}


@pytest.fixture
async def workshops(programme, event, organiser, settings):
    """Two workshops (the fixture's at 2:00 and one at 1:30); delegate 1 holds both
    (signed up for the later first), delegate 2 none, delegate 3 the later one, and
    delegate 4 held the earlier one and cancelled."""
    early = await add_session(
        organiser, event.id, session_data(EARLY, 1.5, 2, kind="workshop", places=5)
    )
    late = programme["sessions"][2]
    await publish_programme(organiser, event.id, settings)
    tokens = [(await registered(organiser, event, n, settings))[1] for n in (1, 2, 3, 4)]
    await sign_up(tokens[0], late.id)
    await sign_up(tokens[0], early.id)
    await sign_up(tokens[2], late.id)
    await sign_up(tokens[3], early.id)
    await cancel_registration(tokens[3], settings)
    return early, late


@pytest.mark.parametrize("with_needs", [False, True], ids=["plain", "with-needs"])
@pytest.mark.parametrize("fmt", FORMATS)
async def test_delegate_export_lists_the_workshops_each_delegate_holds(
    staff_client, event, workshops, fmt, with_needs
):
    rows = await download(staff_client, event, fmt, with_needs=with_needs)

    assert workshops_by_name(rows) == {
        "Delegate 1": f"{EARLY}; {LATE}",
        "Delegate 2": "",
        "Delegate 3": LATE,
        "Delegate 4": "",
    }


@pytest.mark.parametrize("with_needs", [False, True], ids=["plain", "with-needs"])
@pytest.mark.parametrize("fmt", FORMATS)
async def test_delegate_export_of_an_event_without_workshops_has_no_workshops_column(
    staff_client, event, organiser, settings, fmt, with_needs
):
    await add_session(organiser, event.id, session_data("Welcome", 0, 0.5))
    await publish_programme(organiser, event.id, settings)
    await registered(organiser, event, 1, settings)

    header, row = await download(staff_client, event, fmt, with_needs=with_needs)

    assert "Workshops" not in header
    assert len(row) == len(header)
    assert header[-1] == ("Access needs" if with_needs else "On shared list")


@pytest.mark.parametrize("fmt", FORMATS)
async def test_formula_looking_workshop_title_is_neutralised(
    staff_client, event, organiser, settings, fmt
):
    title = '=HYPERLINK("http://x","Workshop")'
    workshop = await add_session(
        organiser, event.id, session_data(title, 1, 2, kind="workshop", places=5)
    )
    await publish_programme(organiser, event.id, settings)
    _, token = await registered(organiser, event, 1, settings)
    await sign_up(token, workshop.id)
    path = f"/staff/events/{event.id}/delegates.{fmt}"

    response = await staff_client.get(path)

    assert workshops_by_name(read_export(response)) == {
        "Delegate 1": f"'{title}" if fmt == "csv" else title
    }
    if fmt == "xlsx":
        assert title in quote_prefixed(response.content)
