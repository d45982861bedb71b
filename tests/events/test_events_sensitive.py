"""Questions marked sensitive: their answers are purged with dietary and access answers
(counts kept), left out of plain reads, and every read of sensitive answers is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from convenor import auth
from convenor.models import Role
from events.data import QuestionData
from events.models import DelegateExport, Event, Question, Registration
from events.privacy import purge_sensitive_answers
from events.questions import add_question
from tests.conftest import make_staff, sign_in
from tests.forms import bearer, read_csv

from .factories import SUMMER_ENDS, post, registered

PURGE_DAY = SUMMER_ENDS + timedelta(days=30)


@pytest.fixture
async def questions(organiser, event) -> tuple[Question, Question]:
    prayer = await add_question(
        organiser,
        event.id,
        QuestionData(kind="yes_no", label="Do you need the prayer room?", sensitive=True),
    )
    workshop = await add_question(
        organiser, event.id, QuestionData(kind="short_text", label="Which workshop?")
    )
    return prayer, workshop


@dataclass(frozen=True)
class Delegates:
    tokens: list[str]  # their personal links
    prayer: str  # the answer keys of the sensitive question and the plain one
    workshop: str


@pytest.fixture
async def delegates(organiser, event, settings, questions) -> Delegates:
    """Three registered delegates: two answered the sensitive question, all the plain one."""
    prayer, workshop = (str(q.id) for q in questions)
    tokens = []
    for number, said, chosen in [
        (1, "yes", "Youth diversion"),
        (2, "no", "Exploitation"),
        (3, "", "Exploitation"),
    ]:
        given = {prayer: said, workshop: chosen}
        _, token = await registered(organiser, event, settings, number, answers=given)
        tokens.append(token)
    return Delegates(tokens, prayer, workshop)


@pytest.fixture
async def token(organiser) -> str:
    return await auth.create_api_token(organiser.email)


async def saved_answers() -> list[dict]:
    return [r.answers for r in await Registration.all().order_by("id")]


# The purge


async def test_purge_removes_sensitive_answers_and_keeps_the_others(delegates, event, questions):
    await purge_sensitive_answers(PURGE_DAY)

    assert await saved_answers() == [
        {delegates.workshop: "Youth diversion"},
        {delegates.workshop: "Exploitation"},
        {delegates.workshop: "Exploitation"},
    ]


async def test_purge_keeps_how_many_answered_each_sensitive_question(delegates, event, questions):
    await purge_sensitive_answers(PURGE_DAY)

    kept = await Event.get(id=event.id)
    assert kept.sensitive_answer_counts == [
        {"question": "Do you need the prayer room?", "count": 2}
    ]


async def test_purge_before_the_day_keeps_sensitive_answers(delegates, event, questions):
    await purge_sensitive_answers(PURGE_DAY - timedelta(minutes=1))

    assert [a.get(delegates.prayer) for a in await saved_answers()] == ["yes", "no", None]
    assert (await Event.get(id=event.id)).sensitive_answer_counts is None


async def test_purge_removes_answers_to_removed_questions(
    delegates, event, questions, organiser, staff_client
):
    await Question.filter(id=questions[0].id).delete()

    await purge_sensitive_answers(PURGE_DAY)

    assert [delegates.prayer in a for a in await saved_answers()] == [False, False, False]


async def test_needs_page_shows_sensitive_counts_after_purge(
    staff_client, delegates, event, questions
):
    await purge_sensitive_answers(PURGE_DAY)

    response = await staff_client.get(f"/staff/events/{event.id}/needs")

    assert response.status_code == 200
    assert "<dt>Delegates who answered “Do you need the prayer room?”</dt><dd>2</dd>" in (
        response.text
    )
    assert "Delegate 1</td><td>Do you need the prayer room?" not in response.text


# What delegates, the API and the CSV show after the purge


async def test_my_data_shows_sensitive_answer_before_purge(client, delegates, questions):
    response = await client.get(f"/i/{delegates.tokens[0]}/my-data.json")

    assert {"question": "Do you need the prayer room?", "answer": "yes"} in response.json()[
        "registration"
    ]["answers"]


async def test_my_data_has_no_sensitive_answer_after_purge(client, delegates, questions):
    await purge_sensitive_answers(PURGE_DAY)

    response = await client.get(f"/i/{delegates.tokens[0]}/my-data.json")

    assert response.status_code == 200
    assert response.json()["registration"]["answers"] == [
        {"question": "Which workshop?", "answer": "Youth diversion"}
    ]


async def test_api_registrations_have_no_sensitive_answer_after_purge(
    client, token, delegates, event, questions
):
    await purge_sensitive_answers(PURGE_DAY)

    response = await client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(token))

    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["answers"] for i in items] == [
        {delegates.workshop: "Youth diversion"},
        {delegates.workshop: "Exploitation"},
        {delegates.workshop: "Exploitation"},
    ]
    assert {i["dietary"] for i in items} == {""}


async def test_csv_with_needs_has_no_sensitive_answer_after_purge(
    staff_client, delegates, event, questions
):
    await purge_sensitive_answers(PURGE_DAY)

    response = await post(staff_client, f"/staff/events/{event.id}/delegates.csv", {})

    rows = read_csv(response)
    column = rows[0].index("Do you need the prayer room?")
    assert [row[column] for row in rows[1:]] == ["", "", ""]
    assert [row[column + 1] for row in rows[1:]] == [
        "Youth diversion",
        "Exploitation",
        "Exploitation",
    ]


async def test_csv_with_needs_has_sensitive_answer_before_purge(
    staff_client, delegates, event, questions
):
    response = await post(staff_client, f"/staff/events/{event.id}/delegates.csv", {})

    rows = read_csv(response)
    column = rows[0].index("Do you need the prayer room?")
    assert [row[column] for row in rows[1:]] == ["yes", "no", ""]


async def test_plain_csv_leaves_sensitive_questions_out(staff_client, delegates, event, questions):
    response = await staff_client.get(f"/staff/events/{event.id}/delegates.csv")

    rows = read_csv(response)
    assert rows[0][-1] == "Which workshop?"
    assert "Do you need the prayer room?" not in rows[0]
    assert {len(row) for row in rows} == {10}  # nine fixed columns and the plain question
    assert await DelegateExport.all().count() == 0


# Marking a question sensitive


async def test_questions_form_saves_the_sensitive_flag(staff_client, event):
    path = f"/staff/events/{event.id}/questions"
    form = {"kind": "yes_no", "label": "Do you need the prayer room?", "sensitive": "yes"}

    response = await post(staff_client, path, form, page=path)

    assert response.status_code == 303
    [question] = await Question.all()
    assert (question.label, question.sensitive) == ("Do you need the prayer room?", True)


async def test_questions_form_without_the_box_is_not_sensitive(staff_client, event):
    path = f"/staff/events/{event.id}/questions"

    await post(staff_client, path, {"kind": "short_text", "label": "Which workshop?"}, page=path)

    [question] = await Question.all()
    assert question.sensitive is False


async def test_existing_question_can_be_marked_sensitive(staff_client, event, questions):
    path = f"/staff/events/{event.id}/questions"
    workshop = questions[1]

    response = await post(
        staff_client, f"{path}/{workshop.id}/sensitive", {"sensitive": "yes"}, page=path
    )

    assert response.status_code == 303
    assert (await Question.get(id=workshop.id)).sensitive is True
    page = await staff_client.get(path)
    assert "Mark “Which workshop?” not sensitive" in page.text


async def test_other_organiser_cannot_mark_a_question_sensitive(
    client, second_client, organiser, event, questions
):
    await sign_in(client, await make_staff(Role.ORGANISER))
    path = f"/staff/events/{event.id}/questions/{questions[1].id}/sensitive"

    response = await post(client, path, {"sensitive": "yes"})

    assert response.status_code == 404
    assert (await Question.get(id=questions[1].id)).sensitive is False
    await sign_in(second_client, organiser)
    control = await post(second_client, path, {"sensitive": "yes"})
    assert control.status_code == 303
    assert (await Question.get(id=questions[1].id)).sensitive is True


# Every read of sensitive answers is logged


async def test_api_read_with_needs_writes_one_log_entry(
    client, token, organiser, delegates, event, questions
):
    response = await client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(token))

    assert response.status_code == 200
    assert response.json()["items"][0]["answers"][delegates.prayer] == "yes"
    [logged] = await DelegateExport.all()
    assert (
        logged.event_id,  # type: ignore[attr-defined]
        logged.user_id,  # type: ignore[attr-defined]
        logged.user_email,
        logged.row_count,
        logged.included_needs,
        logged.via.value,
    ) == (event.id, organiser.id, organiser.email, 3, True, "api")


async def test_api_read_without_needs_writes_no_log_entry(
    client, token, delegates, event, questions
):
    response = await client.get(
        f"/api/v1/events/{event.id}/registrations?include_needs=false", headers=bearer(token)
    )

    assert response.status_code == 200
    first = response.json()["items"][0]
    assert (first["dietary"], first["access_needs"]) == (None, None)
    assert first["answers"] == {delegates.workshop: "Youth diversion"}
    assert await DelegateExport.all().count() == 0


async def test_needs_page_lists_the_api_read(
    client, staff_client, token, organiser, delegates, event, questions
):
    await client.get(f"/api/v1/events/{event.id}/registrations", headers=bearer(token))

    response = await staff_client.get(f"/staff/events/{event.id}/needs")

    assert f"<td>{organiser.email}</td><td>3</td><td>API</td>" in response.text


async def test_needs_page_visit_is_logged(staff_client, organiser, delegates, event, questions):
    response = await staff_client.get(f"/staff/events/{event.id}/needs")

    assert "<td>Delegate 1</td><td>Do you need the prayer room?</td><td>yes</td>" in response.text
    [logged] = await DelegateExport.all()
    assert (logged.user_email, logged.row_count, logged.via.value) == (organiser.email, 3, "page")


async def test_needs_page_after_purge_is_not_logged(staff_client, delegates, event, questions):
    await purge_sensitive_answers(PURGE_DAY)

    response = await staff_client.get(f"/staff/events/{event.id}/needs")

    assert response.status_code == 200
    assert await DelegateExport.all().count() == 0


async def test_check_in_answer_carries_no_sensitive_answers(
    client, token, delegates, event, questions
):
    [registration] = await Registration.filter(name="Delegate 1")
    path = f"/api/v1/events/{event.id}/check-in"

    response = await client.post(
        path, json={"registration_id": registration.id}, headers=bearer(token)
    )

    assert response.status_code == 200
    checked = response.json()["registration"]
    assert checked["dietary"] is None
    assert checked["answers"] == {delegates.workshop: "Youth diversion"}
    assert await DelegateExport.all().count() == 0
