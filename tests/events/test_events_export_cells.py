"""The delegate CSV, with and without the catering and access answers, neutralises
full-width formula signs as it does ASCII ones (``convenor.spreadsheet.safe_cell``) and
keeps phone numbers and plain amounts exactly as typed."""

from __future__ import annotations

import csv
import io

import pytest

from events.data import QuestionData
from events.questions import add_question
from tests.conftest import csrf_token

from .factories import registered

FULL_WIDTH = {"equals": "\uff1d", "plus": "\uff0b", "minus": "\uff0d", "at": "\uff20"}
NEEDS = slice(9, 11)  # the dietary and access columns, when included


async def delegate_rows(client, event, *, with_needs: bool = False) -> list[list[str]]:
    path = f"/staff/events/{event.id}/delegates.csv"
    if with_needs:
        token = await csrf_token(client, f"/staff/events/{event.id}/delegates")
        response = await client.post(path, data={"csrf_token": token})
    else:
        response = await client.get(path)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("sign", FULL_WIDTH.values(), ids=FULL_WIDTH.keys())
async def test_delegate_csv_neutralises_full_width_sign(
    staff_client, organiser, event, settings, sign
):
    await registered(
        organiser,
        event,
        settings,
        name=f"{sign}SUM(A1)",
        job_title=f'{sign}HYPERLINK("http://x")',
        organisation=f"{sign}cmd|' /C calc'!A0",
    )

    rows = await delegate_rows(staff_client, event)

    assert [rows[1][0], rows[1][2], rows[1][3]] == [
        f"'{sign}SUM(A1)",
        f'\'{sign}HYPERLINK("http://x")',
        f"'{sign}cmd|' /C calc'!A0",
    ]


@pytest.mark.parametrize("sign", FULL_WIDTH.values(), ids=FULL_WIDTH.keys())
async def test_catering_and_access_csv_neutralises_full_width_sign(
    staff_client, organiser, event, settings, sign
):
    await registered(
        organiser, event, settings, dietary=f"{sign}SUM(A1)", access_needs=f"{sign}1+1"
    )

    rows = await delegate_rows(staff_client, event, with_needs=True)

    assert rows[0][NEEDS] == ["Dietary requirements", "Access needs"]
    assert rows[1][NEEDS] == [f"'{sign}SUM(A1)", f"'{sign}1+1"]


@pytest.mark.parametrize("sign", FULL_WIDTH.values(), ids=FULL_WIDTH.keys())
async def test_delegate_csv_neutralises_full_width_sign_in_custom_question(
    staff_client, organiser, event, settings, sign
):
    question = await add_question(
        organiser, event.id, QuestionData("short_text", f"{sign}SUM(A1) prayer room")
    )
    await registered(organiser, event, settings, answers={str(question.id): f"{sign}A1*2"})

    rows = await delegate_rows(staff_client, event, with_needs=True)

    assert (rows[0][-1], rows[1][-1]) == (f"'{sign}SUM(A1) prayer room", f"'{sign}A1*2")


async def test_delegate_csv_neutralises_ascii_sign(staff_client, organiser, event, settings):
    await registered(organiser, event, settings, name="=SUM(A1)", job_title="+A1")

    rows = await delegate_rows(staff_client, event)

    assert [rows[1][0], rows[1][2]] == ["'=SUM(A1)", "'+A1"]


async def test_delegate_csv_keeps_phone_number_and_amount(staff_client, organiser, event, settings):
    phone = await add_question(organiser, event.id, QuestionData("short_text", "Mobile"))
    claim = await add_question(organiser, event.id, QuestionData("short_text", "Refund"))
    formula = await add_question(organiser, event.id, QuestionData("short_text", "Notes"))
    typed = {str(phone.id): "+44 7700 900123", str(claim.id): "-£20", str(formula.id): "+A1"}
    await registered(organiser, event, settings, answers=typed)

    rows = await delegate_rows(staff_client, event, with_needs=True)

    assert rows[0][-3:] == ["Mobile", "Refund", "Notes"]
    assert rows[1][-3:] == ["+44 7700 900123", "-£20", "'+A1"]
