"""Organiser pages over HTTP: events, dashboard, invitees, import, delegates, exports,
catering and access, check-in; and who gets a 404."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from convenor.mail.models import OutboxMessage
from convenor.models import Role
from convenor.spreadsheet import safe_cell
from events.data import QuestionData
from events.models import (
    DelegateExport,
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    Question,
    Registration,
)
from events.questions import add_question
from events.registration import register
from events.service import create_event, publish_event
from tests.conftest import csrf_token, make_staff, sign_in
from tests.forms import read_csv

from .factories import answers, event_data, invite, link_for, outbox, post, registered

FORM = {
    "title": "Serious Violence Delivery Plan Conference",
    "summary": "Partners consult on the draft plan.",
    "description": "## Programme\n\nSpeakers from the police.",
    "organising_body": "Southampton Community Safety Partnership",
    "contact_email": "events@safercity.example.org",
    "venue_name": "St Mary's Stadium",
    "venue_address": "Britannia Road\nSouthampton",
    "venue_postcode": "SO14 5FP",
    "venue_access": "Step-free entrance.",
    "time_zone": "Europe/London",
    "starts_at": "2027-06-09T09:30",
    "ends_at": "2027-06-09T16:30",
    "capacity": "120",
    "visibility": "invite_only",
    "purge_after_days": "30",
    "substitutes_need_approval": "yes",
}


# Events


async def test_event_list_shows_only_my_events(staff_client, organiser, event):
    other = await make_staff(Role.ORGANISER)
    await create_event(other, event_data(title="Someone else's summit"))

    response = await staff_client.get("/staff/events")

    assert response.status_code == 200
    assert "Serious Violence Delivery Plan Conference" in response.text
    assert "Someone else&#39;s summit" not in response.text


async def test_event_list_anonymous_is_sent_to_sign_in(client):
    response = await client.get("/staff/events")

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/staff/events"


async def test_create_event_stores_london_time_as_utc(staff_client, organiser):
    response = await post(staff_client, "/staff/events/new", FORM)

    assert response.status_code == 303
    event = await Event.get(title=FORM["title"])
    assert response.headers["location"] == f"/staff/events/{event.id}?done=created"
    assert event.starts_at == datetime(2027, 6, 9, 8, 30, tzinfo=UTC)
    assert event.status == EventStatus.DRAFT
    assert [o.id for o in await event.organisers.all()] == [organiser.id]


async def test_create_event_bad_input_is_400_with_errors_and_typed_values(staff_client):
    form = {**FORM, "title": "", "contact_email": "not-an-email", "starts_at": "next tuesday"}
    form["summary"] = "<script>alert(1)</script>"

    response = await post(staff_client, "/staff/events/new", form)

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'id="title-error"' in response.text
    assert 'id="contact_email-error"' in response.text
    assert "Enter a date and time like 2027-06-09 09:30" in response.text
    assert 'value="next tuesday"' in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert(1)" not in response.text
    assert await Event.all().count() == 0
    control = await post(staff_client, "/staff/events/new", FORM)
    assert control.status_code == 303
    assert await Event.all().count() == 1


async def test_create_event_unreadable_optional_time_saves_nothing(staff_client):
    form = {**FORM, "registration_closes_at": "soon"}

    response = await post(staff_client, "/staff/events/new", form)

    assert response.status_code == 400
    assert 'id="registration_closes_at-error"' in response.text
    assert await Event.all().count() == 0
    control = await post(
        staff_client, "/staff/events/new", {**FORM, "registration_closes_at": "2027-06-01T17:00"}
    )
    assert control.status_code == 303
    assert await Event.all().count() == 1


async def test_edit_form_shows_times_in_event_zone(staff_client, event):
    response = await staff_client.get(f"/staff/events/{event.id}/edit")

    assert response.status_code == 200
    assert 'value="2027-06-09T09:30"' in response.text


async def test_edit_published_event_time_emails_update_with_next_sequence(
    staff_client, organiser, event, settings
):
    await registered(organiser, event, settings)
    form = {**FORM, "starts_at": "2027-06-09T10:00", "capacity": "50"}

    response = await post(staff_client, f"/staff/events/{event.id}/edit", form)

    assert response.status_code == 303
    changed = await Event.get(id=event.id)
    assert changed.starts_at == datetime(2027, 6, 9, 9, 0, tzinfo=UTC)
    assert changed.calendar_sequence == 1
    [update] = await outbox("event-event-updated")
    assert "SEQUENCE:1" in update.calendar_ics


async def test_edit_event_bad_input_is_400_and_changes_nothing(staff_client, event):
    form = {**FORM, "ends_at": "2027-06-09T08:00"}

    response = await post(staff_client, f"/staff/events/{event.id}/edit", form)

    assert response.status_code == 400
    assert "The end must be after the start" in response.text
    assert (await Event.get(id=event.id)).ends_at == event.ends_at
    control = await post(
        staff_client, f"/staff/events/{event.id}/edit", {**FORM, "ends_at": "2027-06-09T17:00"}
    )
    assert control.status_code == 303
    assert (await Event.get(id=event.id)).ends_at == datetime(2027, 6, 9, 16, 0, tzinfo=UTC)


async def test_publish_button_publishes_draft(staff_client, organiser):
    draft = await create_event(organiser, event_data())

    response = await post(staff_client, f"/staff/events/{draft.id}/publish", {})

    assert response.status_code == 303
    assert (await Event.get(id=draft.id)).status == EventStatus.PUBLISHED


async def test_dashboard_shows_counts_and_organisations(staff_client, organiser, event, settings):
    await registered(organiser, event, settings, 1)
    await invite(organiser, event, 2, organisation="Southampton City Council")

    response = await staff_client.get(f"/staff/events/{event.id}")

    assert response.status_code == 200
    assert '<dd id="count-invited">2</dd>' in response.text
    assert '<dd id="count-registered">1</dd>' in response.text
    assert '<dd id="count-left">49 of 50</dd>' in response.text
    assert '<th scope="row">Southampton City Council</th><td>1</td><td>0</td>' in response.text


async def test_cancel_event_page_cancels(staff_client, event):
    response = await post(
        staff_client, f"/staff/events/{event.id}/cancel", {"message": "Sorry", "confirm": "yes"}
    )

    assert response.status_code == 303
    assert (await Event.get(id=event.id)).status == EventStatus.CANCELLED


# Who gets a 404

EVENT_PAGES = ["", "/edit", "/invitees", "/import", "/delegates", "/delegates.csv", "/needs"]
EVENT_PAGES += ["/check-in", "/counts.json"]


@pytest.mark.parametrize("suffix", EVENT_PAGES)
async def test_event_pages_other_events_organiser_gets_404(
    client, second_client, organiser, event, suffix
):
    await sign_in(client, await make_staff(Role.ORGANISER))

    response = await client.get(f"/staff/events/{event.id}{suffix}")

    assert response.status_code == 404
    await sign_in(second_client, organiser)
    assert (await second_client.get(f"/staff/events/{event.id}{suffix}")).status_code == 200


@pytest.mark.parametrize("suffix", EVENT_PAGES)
async def test_event_pages_anonymous_gets_404(client, second_client, organiser, event, suffix):
    response = await client.get(f"/staff/events/{event.id}{suffix}")

    assert response.status_code == 404
    await sign_in(second_client, organiser)
    assert (await second_client.get(f"/staff/events/{event.id}{suffix}")).status_code == 200


async def test_event_pages_moderator_gets_404(client, second_client, organiser, event):
    await sign_in(client, await make_staff(Role.MODERATOR))

    response = await client.get(f"/staff/events/{event.id}/delegates")

    assert response.status_code == 404
    await sign_in(second_client, organiser)
    assert (await second_client.get(f"/staff/events/{event.id}/delegates")).status_code == 200


async def test_sensitive_export_other_events_organiser_gets_404_and_nothing_logged(
    client, second_client, organiser, event, settings
):
    await registered(organiser, event, settings)
    await sign_in(client, await make_staff(Role.ORGANISER))

    response = await post(client, f"/staff/events/{event.id}/delegates.csv", {})

    assert response.status_code == 404
    assert await DelegateExport.all().count() == 0
    await sign_in(second_client, organiser)
    control = await post(second_client, f"/staff/events/{event.id}/delegates.csv", {})
    assert control.status_code == 200
    assert await DelegateExport.all().count() == 1


async def test_admin_sees_any_event_dashboard(client, event):
    await sign_in(client, await make_staff(Role.ADMIN))

    response = await client.get(f"/staff/events/{event.id}")

    assert response.status_code == 200


# Invitees


async def test_add_invitee_page_adds_one(staff_client, event):
    form = {"name": "Ann Lee", "email": "Ann@Police.example.org", "organisation": "Police"}

    response = await post(staff_client, f"/staff/events/{event.id}/invitees", form)

    assert response.status_code == 303
    invitation = await Invitation.get(event_id=event.id)
    assert (invitation.name, invitation.email) == ("Ann Lee", "ann@police.example.org")


async def test_add_invitee_bad_email_is_400_and_keeps_values(staff_client, event):
    form = {"name": "Ann Lee", "email": "ann.police", "organisation": "Police"}

    response = await post(staff_client, f"/staff/events/{event.id}/invitees", form)

    assert response.status_code == 400
    assert 'id="email-error"' in response.text
    assert 'value="ann.police"' in response.text
    assert await Invitation.all().count() == 0
    control = await post(
        staff_client,
        f"/staff/events/{event.id}/invitees",
        {**form, "email": "ann@police.example.org"},
    )
    assert control.status_code == 303
    assert await Invitation.all().count() == 1


CSV_TEXT = (
    "name,email,organisation,job title\n"
    "Ann Lee,ann@police.example.org,Hampshire Constabulary,Inspector\n"
    "Bob Ray,bob@council.example.org,Southampton City Council,Officer\n"
)


async def test_import_preview_lists_problems_and_saves_nothing(staff_client, event):
    text = (
        CSV_TEXT + ",nobody@example.org,,\nCat Jones,not-an-email,,\nDan,ann@police.example.org,,\n"
    )
    token = await csrf_token(staff_client, f"/staff/events/{event.id}/import")

    response = await staff_client.post(
        f"/staff/events/{event.id}/import",
        data={"csrf_token": token},
        files={"file": ("invitees.csv", text.encode("utf-8-sig"), "text/csv")},
    )

    assert response.status_code == 200
    assert "3 of 5 rows have problems" in response.text
    assert "The name is missing" in response.text
    assert "The email address is not valid" in response.text
    assert "The same email address is on row 2" in response.text
    assert "Import 5 invitees" not in response.text
    assert await Invitation.all().count() == 0


async def test_import_confirm_saves_every_row(staff_client, event):
    preview = await post(
        staff_client, f"/staff/events/{event.id}/import", {"text": CSV_TEXT}, "/staff/events"
    )
    assert "Import 2 invitees" in preview.text
    carried = re.search(r'name="table" value="([^"]*)"', preview.text, re.S)
    assert carried is not None
    assert await Invitation.all().count() == 0

    response = await post(
        staff_client, f"/staff/events/{event.id}/import/confirm", {"text": CSV_TEXT}
    )

    assert response.status_code == 303
    names = (
        await Invitation.filter(event_id=event.id).order_by("name").values_list("name", flat=True)
    )
    assert names == ["Ann Lee", "Bob Ray"]


async def test_import_confirm_with_a_bad_row_saves_nothing(staff_client, event):
    text = CSV_TEXT + "Cat Jones,not-an-email,,\n"

    response = await post(staff_client, f"/staff/events/{event.id}/import/confirm", {"text": text})

    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert await Invitation.all().count() == 0
    control = await post(
        staff_client, f"/staff/events/{event.id}/import/confirm", {"text": CSV_TEXT}
    )
    assert control.status_code == 303
    assert await Invitation.all().count() == 2


async def test_send_invitations_button_queues_one_email_each(staff_client, organiser, event):
    await invite(organiser, event, 1)
    await invite(organiser, event, 2)

    response = await post(
        staff_client, f"/staff/events/{event.id}/invitees/action", {"action": "send"}
    )

    assert response.status_code == 303
    assert response.headers["location"].endswith("done=sent&count=2")
    assert len(await outbox("event-invitation")) == 2


async def test_remind_selected_reminds_only_them(staff_client, organiser, event, settings):
    first = await invite(organiser, event, 1)
    await invite(organiser, event, 2)
    await post(staff_client, f"/staff/events/{event.id}/invitees/action", {"action": "send"})

    response = await post(
        staff_client,
        f"/staff/events/{event.id}/invitees/action",
        {"action": "remind", "invitation": str(first.id)},
    )

    assert response.status_code == 303
    [reminder] = await outbox("event-reminder")
    assert reminder.to_address == "delegate1@partner.example.org"


async def test_revoke_selected_stops_the_link(staff_client, client, organiser, event):
    invitation = await invite(organiser, event, 1)
    token = await link_for(invitation)
    assert (await client.get(f"/i/{token}")).status_code == 200  # the link worked before

    response = await post(
        staff_client,
        f"/staff/events/{event.id}/invitees/action",
        {"action": "revoke", "invitation": str(invitation.id), "confirm": "yes"},
    )

    assert response.status_code == 303
    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.REVOKED
    assert (await client.get(f"/i/{token}")).status_code == 404


async def test_invitee_list_shows_decline_reason(staff_client, organiser, event):
    invitation = await invite(organiser, event, 1)
    await Invitation.filter(id=invitation.id).update(
        status=InvitationStatus.DECLINED, decline_reason="On leave that week"
    )

    response = await staff_client.get(f"/staff/events/{event.id}/invitees?status=declined")

    assert response.status_code == 200
    assert "On leave that week" in response.text


# Delegates, exports, needs


async def test_delegate_list_search_finds_by_name(staff_client, organiser, event, settings):
    await registered(organiser, event, settings, 1)
    await registered(organiser, event, settings, 2)

    response = await staff_client.get(f"/staff/events/{event.id}/delegates?q=Delegate+2")

    assert response.status_code == 200
    assert "delegate2@partner.example.org" in response.text
    assert "delegate1@partner.example.org" not in response.text


async def test_csv_export_has_bom_and_neutralises_formula_cells(
    staff_client, organiser, event, settings
):
    invitation = await invite(organiser, event, 1, organisation="Police")
    token = await link_for(invitation)
    await register(
        token,
        answers('=HYPERLINK("http://x")', job_title="+44 123", organisation="@org"),
        settings,
    )

    response = await staff_client.get(f"/staff/events/{event.id}/delegates.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = read_csv(response)
    assert rows[0][:4] == ["Name", "Email", "Job title", "Organisation"]
    assert rows[1][:4] == [
        '\'=HYPERLINK("http://x")',
        "delegate1@partner.example.org",
        "'+44 123",
        "'@org",
    ]
    assert "Dietary requirements" not in rows[0]
    assert await DelegateExport.all().count() == 0


async def test_csv_export_with_needs_neutralises_minus_and_at_cells(
    staff_client, organiser, event, settings
):
    await registered(organiser, event, settings, 1, dietary="-1+1", access_needs="@SUM(A1)")

    response = await post(staff_client, f"/staff/events/{event.id}/delegates.csv", {})

    rows = read_csv(response)
    assert rows[1][9:11] == ["'-1+1", "'@SUM(A1)"]


async def test_csv_export_with_needs_is_logged(staff_client, organiser, event, settings):
    await registered(organiser, event, settings, 1)

    response = await post(staff_client, f"/staff/events/{event.id}/delegates.csv", {})

    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0][9:11] == ["Dietary requirements", "Access needs"]
    assert rows[1][9] == "Vegetarian"
    [logged] = await DelegateExport.all()
    assert (logged.user_email, logged.row_count, logged.included_needs) == (
        organiser.email,
        1,
        True,
    )


async def test_needs_page_lists_answers_and_export_log(staff_client, organiser, event, settings):
    await registered(organiser, event, settings, 1, access_needs="Wheelchair user")
    await post(staff_client, f"/staff/events/{event.id}/delegates.csv", {})

    response = await staff_client.get(f"/staff/events/{event.id}/needs")

    assert response.status_code == 200
    assert "<td>Delegate 1</td><td>Wheelchair user</td>" in response.text
    assert f"<td>{organiser.email}</td><td>1</td>" in response.text
    assert response.headers["cache-control"] == "no-store"


# Check-in


async def test_check_in_by_code_confirms_then_warns_second_time(
    staff_client, organiser, event, settings
):
    registration, _ = await registered(organiser, event, settings)
    code = registration.check_in_code.lower()

    first = await post(staff_client, f"/staff/events/{event.id}/check-in", {"code": f" {code} "})
    page = await staff_client.get(first.headers["location"])
    second = await post(staff_client, f"/staff/events/{event.id}/check-in", {"code": code})
    warning = await staff_client.get(second.headers["location"])

    assert first.status_code == 303
    assert "Delegate 1 is checked in." in page.text
    assert '<dd data-count="attended">1</dd>' in page.text
    assert "Delegate 1 was already checked in at" in warning.text


async def test_check_in_unknown_code_says_so(staff_client, event):
    response = await post(staff_client, f"/staff/events/{event.id}/check-in", {"code": "ZZZZZZ"})
    page = await staff_client.get(response.headers["location"])

    assert "No registered delegate has that code." in page.text


async def test_check_in_find_by_name_and_button(staff_client, organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)

    found = await staff_client.get(f"/staff/events/{event.id}/check-in?q=delegate")
    response = await post(
        staff_client,
        f"/staff/events/{event.id}/check-in",
        {"registration_id": str(registration.id)},
    )

    assert "Check in Delegate 1" in found.text
    assert response.status_code == 303
    assert "first=1" in response.headers["location"]


async def test_check_in_other_events_registration_is_404(
    staff_client, second_client, organiser, settings
):
    mine = await publish_event(organiser, (await create_event(organiser, event_data())).id)
    other_organiser = await make_staff(Role.ORGANISER)
    theirs = await publish_event(
        other_organiser, (await create_event(other_organiser, event_data())).id
    )
    registration, _ = await registered(other_organiser, theirs, settings)

    response = await post(
        staff_client, f"/staff/events/{mine.id}/check-in", {"registration_id": str(registration.id)}
    )

    assert response.status_code == 404
    assert (await Registration.get(id=registration.id)).checked_in_at is None
    await sign_in(second_client, other_organiser)
    control = await post(
        second_client,
        f"/staff/events/{theirs.id}/check-in",
        {"registration_id": str(registration.id)},
    )
    assert control.status_code == 303
    assert (await Registration.get(id=registration.id)).checked_in_at is not None


async def test_counts_json_reports_live_numbers(staff_client, organiser, event, settings):
    await registered(organiser, event, settings)

    response = await staff_client.get(f"/staff/events/{event.id}/counts.json")

    assert response.json() == {"registered": 1, "attended": 0, "waitlisted": 0, "capacity_left": 49}


async def test_staff_dashboard_shows_events_panel(staff_client):
    response = await staff_client.get("/staff")

    assert '<a href="/staff/events">Events</a>' in response.text


async def test_outbox_unaffected_by_pages_that_only_read(staff_client, event):
    await staff_client.get(f"/staff/events/{event.id}")
    await staff_client.get(f"/staff/events/{event.id}/invitees")

    assert await OutboxMessage.all().count() == 0


# Registration questions


async def test_add_question_page_adds_a_choice_question(staff_client, event):
    form = {
        "label": "Workshop",
        "kind": "choice",
        "choices": "Youth\nExploitation",
        "required": "yes",
    }

    response = await post(staff_client, f"/staff/events/{event.id}/questions", form)
    page = await staff_client.get(f"/staff/events/{event.id}/questions")

    assert response.status_code == 303
    [question] = await Question.filter(event_id=event.id)
    assert (question.label, question.choice_list, question.required) == (
        "Workshop",
        ["Youth", "Exploitation"],
        True,
    )
    assert "Youth, Exploitation" in page.text


async def test_add_question_with_one_choice_is_400_and_keeps_values(staff_client, event):
    form = {"label": "Workshop", "kind": "choice", "choices": "Only one"}

    response = await post(staff_client, f"/staff/events/{event.id}/questions", form)

    assert response.status_code == 400
    assert "Enter at least two choices, one per line" in response.text
    assert ">Only one</textarea>" in response.text
    assert await Question.all().count() == 0
    control = await post(
        staff_client, f"/staff/events/{event.id}/questions", {**form, "choices": "Only one\nOther"}
    )
    assert control.status_code == 303
    assert await Question.all().count() == 1


async def test_remove_question_of_another_event_is_404(client, second_client, organiser, event):
    question = await add_question(organiser, event.id, QuestionData("short_text", "Diet?"))
    await sign_in(client, await make_staff(Role.ORGANISER))

    response = await post(client, f"/staff/events/{event.id}/questions/{question.id}/remove", {})

    assert response.status_code == 404
    assert await Question.all().count() == 1
    await sign_in(second_client, organiser)
    path = f"/staff/events/{event.id}/questions/{question.id}/remove"
    assert (await post(second_client, path, {})).status_code == 303
    assert await Question.all().count() == 0


async def test_registration_form_shows_custom_questions(client, organiser, event):
    await add_question(
        organiser, event.id, QuestionData("choice", "Workshop", choices="Youth\nExploitation")
    )
    await add_question(organiser, event.id, QuestionData("yes_no", "Lunch?", required=True))
    token = await link_for(await invite(organiser, event))

    response = await client.get(f"/i/{token}")

    assert '<option value="Exploitation">Exploitation</option>' in response.text
    assert "Workshop (optional)" in response.text
    assert "<legend>Lunch?</legend>" in response.text


def test_safe_cell_neutralises_every_formula_start():
    # "-1" alone is a plain negative number, left as typed (convenor.spreadsheet).
    cells = ["=1+1", "+1", "-1+1", "@A1", "\tx", "\rx", "plain", ""]
    cells += ["\uff1d1+1", "\uff0b1", "\uff0d1", "\uff20A1"]  # full-width = + - @

    assert [safe_cell(c) for c in cells] == [
        "'=1+1",
        "'+1",
        "'-1+1",
        "'@A1",
        "'\tx",
        "'\rx",
        "plain",
        "",
        "'\uff1d1+1",
        "'\uff0b1",
        "'\uff0d1",
        "'\uff20A1",
    ]


# Organisers


async def test_add_organiser_gives_them_the_event(staff_client, client, event):
    colleague = await make_staff(Role.ORGANISER)

    response = await post(
        staff_client, f"/staff/events/{event.id}/organisers", {"email": colleague.email}
    )

    assert response.status_code == 303
    emails = {o.email for o in await (await Event.get(id=event.id)).organisers.all()}
    assert colleague.email in emails


async def test_add_organiser_unknown_email_is_400_next_to_the_field(staff_client, event):
    response = await post(
        staff_client, f"/staff/events/{event.id}/organisers", {"email": "nobody@example.org"}
    )

    assert response.status_code == 400
    assert 'id="email-error"' in response.text
    assert 'value="nobody@example.org"' in response.text
    assert await (await Event.get(id=event.id)).organisers.all().count() == 1
    colleague = await make_staff(Role.ORGANISER)
    control = await post(
        staff_client, f"/staff/events/{event.id}/organisers", {"email": colleague.email}
    )
    assert control.status_code == 303
    assert await (await Event.get(id=event.id)).organisers.all().count() == 2


async def test_remove_the_last_organiser_is_refused(staff_client, organiser, event):
    response = await post(
        staff_client, f"/staff/events/{event.id}/organisers/{organiser.id}/remove", {}
    )

    assert response.status_code == 409
    assert "An event needs at least one organiser." in response.text
    assert await (await Event.get(id=event.id)).organisers.all().count() == 1
    # With a second organiser, the same removal is allowed.
    colleague = await make_staff(Role.ORGANISER)
    await post(staff_client, f"/staff/events/{event.id}/organisers", {"email": colleague.email})
    control = await post(
        staff_client, f"/staff/events/{event.id}/organisers/{organiser.id}/remove", {}
    )
    assert control.status_code == 303
    assert [o.id for o in await (await Event.get(id=event.id)).organisers.all()] == [colleague.id]
