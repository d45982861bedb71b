"""The delegate's pages over HTTP, reached through the personal link: invitation,
registration, confirmation, manage, data, calendar, QR code, nominations; event pages."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import vobject

from convenor.auth import issue_link
from convenor.mail.models import OutboxMessage
from convenor.models import Role
from directory.models import Entry, Status
from directory.taxonomy import ensure_taxonomy
from events.data import QuestionData
from events.models import (
    Event,
    Invitation,
    InvitationStatus,
    Nomination,
    Registration,
    RegistrationStatus,
    Visibility,
)
from events.questions import add_question
from events.service import create_event, publish_event
from tests.conftest import csrf_token, make_staff, sign_in
from tests.convenor.calendar_samples import LONDON
from tests.directory.factories import make_entry

from .factories import ANSWERS, event_data, invite, invited, link_for, outbox, published_event


async def post(client, token: str, path: str, data: dict):
    form_token = await csrf_token(client, f"/i/{token}")
    return await client.post(f"/i/{token}{path}", data={**data, "csrf_token": form_token})


async def registered_client(client, organiser, event, number: int = 1):
    invitation, token = await invited(organiser, event, number)
    response = await post(client, token, "/register", ANSWERS)
    assert response.status_code == 303, response.text
    return invitation, token


async def test_invitation_page_shows_event_and_registration_form(client, organiser, event):
    _, token = await invited(organiser, event)

    response = await client.get(f"/i/{token}")

    assert response.status_code == 200
    assert "<h1>Serious Violence Delivery Plan Conference</h1>" in response.text
    assert "Wednesday 9 June 2027, 9:30am to 4:30pm" in response.text
    assert "St Mary&#39;s Stadium, Britannia Road, Southampton, SO14 5FP" in response.text
    assert "<h2>Programme</h2>" in response.text
    assert 'value="Delegate 1"' in response.text
    assert "delegate1@partner.example.org" in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_invitation_page_unknown_link_is_404(client, organiser, event):
    response = await client.get("/i/not-a-real-token-at-all")

    assert response.status_code == 404
    _, token = await invited(organiser, event)
    assert (await client.get(f"/i/{token}")).status_code == 200


async def test_invitation_page_draft_event_is_404(client, organiser):
    draft = await create_event(organiser, event_data())
    _, token = await invited(organiser, draft)

    response = await client.get(f"/i/{token}")

    assert response.status_code == 404
    await publish_event(organiser, draft.id)
    assert (await client.get(f"/i/{token}")).status_code == 200


async def test_invitation_page_link_for_another_purpose_is_404(client, organiser, event):
    invitation = await invite(organiser, event)
    other_purpose = await issue_link("directory-edit", invitation.link_subject)

    response = await client.get(f"/i/{other_purpose}")

    assert response.status_code == 404
    assert (await client.get(f"/i/{await link_for(invitation)}")).status_code == 200


async def test_register_creates_registration_and_shows_confirmation_with_qr(
    client, organiser, event
):
    invitation, token = await invited(organiser, event)

    response = await post(client, token, "/register", ANSWERS)
    page = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert response.headers["location"] == f"/i/{token}/registered"
    registration = await Registration.get(invitation_id=invitation.id)
    assert registration.status == RegistrationStatus.REGISTERED
    assert "<h1>You are registered</h1>" in page.text
    assert f'<span class="check-in-code">{registration.check_in_code}</span>' in page.text
    assert f'src="/i/{token}/check-in-code.svg"' in page.text
    assert len(await outbox("event-registration-confirmed")) == 1


async def test_register_bad_input_is_400_with_errors_and_typed_values(client, organiser, event):
    question = await add_question(
        organiser,
        event.id,
        QuestionData(kind="yes_no", label="Will you stay for lunch?", required=True),
    )
    _, token = await invited(organiser, event)
    form = {**ANSWERS, "name": "", "dietary": "No nuts <b>please</b>"}

    response = await post(client, token, "/register", form)

    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'id="name-error"' in response.text
    assert f"question_{question.id}" in response.text
    assert "Answer this question" in response.text
    assert "No nuts &lt;b&gt;please&lt;/b&gt;" in response.text
    assert await Registration.all().count() == 0
    control = await post(client, token, "/register", {**ANSWERS, f"question_{question.id}": "yes"})
    assert control.status_code == 303
    assert await Registration.all().count() == 1


async def test_register_twice_gives_one_registration(client, organiser, event):
    _, token = await invited(organiser, event)

    await post(client, token, "/register", ANSWERS)
    await post(client, token, "/register", ANSWERS)

    assert await Registration.all().count() == 1
    assert len(await outbox("event-registration-confirmed")) == 1


async def test_organisation_search_lists_directory_entries_and_saves_nothing(
    client, organiser, event
):
    entry = await make_entry("Hampshire Constabulary")
    _, token = await invited(organiser, event)

    response = await post(
        client, token, "/register", {**ANSWERS, "organisation": "Hampshire", "find": "1"}
    )

    assert response.status_code == 200
    assert f'name="organisation_entry_id" value="{entry.id}"' in response.text
    assert 'value="Ann Lee"' in response.text
    assert await Registration.all().count() == 0


async def test_register_with_chosen_directory_entry_links_it(client, organiser, event):
    entry = await make_entry("Hampshire Constabulary")
    invitation, token = await invited(organiser, event)

    await post(
        client,
        token,
        "/register",
        {**ANSWERS, "organisation": "Hamp", "organisation_entry_id": str(entry.id)},
    )

    registration = await Registration.get(invitation_id=invitation.id)
    assert registration.organisation_entry_id == entry.id
    assert registration.organisation == "Hampshire Constabulary"


async def test_register_typed_organisation_becomes_pending_directory_entry(
    client, organiser, event
):
    _, token = await invited(organiser, event)

    await post(client, token, "/register", {**ANSWERS, "organisation": "Bitterne Boxing Club"})

    entry = await Entry.get(name="Bitterne Boxing Club")
    assert entry.status == Status.PENDING


async def test_decline_with_reason_shows_thanks_and_records_reason(client, organiser, event):
    invitation, token = await invited(organiser, event)

    response = await post(client, token, "/decline", {"reason": "On leave"})
    page = await client.get(response.headers["location"])

    assert response.status_code == 303
    assert "<h1>Thank you for replying</h1>" in page.text
    declined = await Invitation.get(id=invitation.id)
    assert (declined.status, declined.decline_reason) == (InvitationStatus.DECLINED, "On leave")


async def test_manage_page_shows_answers_code_and_links(client, organiser, event):
    invitation, token = await registered_client(client, organiser, event)
    registration = await Registration.get(invitation_id=invitation.id)

    response = await client.get(f"/i/{token}")

    assert response.status_code == 200
    assert "<h1>Your registration</h1>" in response.text
    assert registration.check_in_code in response.text
    assert "Vegetarian</textarea>" in response.text
    assert f'href="/i/{token}/my-data.json"' in response.text
    assert f'href="/i/{token}/event.ics"' in response.text


async def test_manage_page_changes_answers(client, organiser, event):
    invitation, token = await registered_client(client, organiser, event)

    response = await post(client, token, "/answers", {**ANSWERS, "dietary": "Vegan"})

    assert response.status_code == 303
    assert response.headers["location"] == f"/i/{token}?done=updated"
    assert (await Registration.get(invitation_id=invitation.id)).dietary == "Vegan"
    assert await Registration.all().count() == 1


async def test_manage_page_bad_change_is_400_and_keeps_old_answers(client, organiser, event):
    invitation, token = await registered_client(client, organiser, event)

    response = await post(client, token, "/answers", {**ANSWERS, "name": "", "dietary": "Vegan"})

    assert response.status_code == 400
    assert "Vegan</textarea>" in response.text
    assert (await Registration.get(invitation_id=invitation.id)).dietary == "Vegetarian"
    control = await post(client, token, "/answers", {**ANSWERS, "dietary": "Vegan"})
    assert control.status_code == 303
    assert (await Registration.get(invitation_id=invitation.id)).dietary == "Vegan"


async def test_cancel_frees_the_seat_and_sends_method_cancel(client, organiser, event):
    invitation, token = await registered_client(client, organiser, event)

    response = await post(client, token, "/cancel", {"confirm": "yes"})

    assert response.status_code == 303
    registration = await Registration.get(invitation_id=invitation.id)
    assert registration.status == RegistrationStatus.CANCELLED
    assert (await Event.get(id=event.id)).seats_taken == 0
    [mail] = await outbox("event-registration-cancelled")
    assert mail.calendar_method == "CANCEL"


async def test_my_data_download_is_json_of_my_answers(client, organiser, event):
    _, token = await registered_client(client, organiser, event)

    response = await client.get(f"/i/{token}/my-data.json")

    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="my-registration.json"'
    assert response.headers["cache-control"] == "no-store"
    data = json.loads(response.text)
    assert data["invitation"]["email"] == "delegate1@partner.example.org"
    assert data["registration"]["dietary"] == "Vegetarian"


async def test_delegate_calendar_file_parses_in_london_time(client, organiser, event):
    _, token = await registered_client(client, organiser, event)

    response = await client.get(f"/i/{token}/event.ics")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = vobject.readOne(response.text)
    assert calendar.method.value == "PUBLISH"
    vevent = calendar.vevent
    assert vevent.uid.value == event.calendar_uid
    start = vevent.dtstart.value.astimezone(LONDON).replace(tzinfo=None)
    assert start == datetime(2027, 6, 9, 9, 30)
    assert not hasattr(vevent, "attendee")


async def test_qr_code_is_svg_for_a_registered_delegate(client, organiser, event):
    _, token = await registered_client(client, organiser, event)

    response = await client.get(f"/i/{token}/check-in-code.svg")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text.startswith("<svg")


async def test_qr_code_without_registration_is_404(client, organiser, event):
    _, token = await invited(organiser, event)

    response = await client.get(f"/i/{token}/check-in-code.svg")

    assert response.status_code == 404
    await post(client, token, "/register", ANSWERS)
    assert (await client.get(f"/i/{token}/check-in-code.svg")).status_code == 200


async def test_nomination_creates_pending_directory_entry(client, organiser, event):
    await ensure_taxonomy()
    _, token = await registered_client(client, organiser, event)
    form = {"name": "Weston Mums Network", "what_they_do": "Support", "area": "woolston"}

    response = await post(client, token, "/nominate", form)

    assert response.status_code == 303
    [nomination] = await Nomination.all()
    assert nomination.name == "Weston Mums Network"
    assert (await Entry.get(name="Weston Mums Network")).status == Status.PENDING


async def test_nomination_bad_email_is_400_and_keeps_values(client, organiser, event):
    _, token = await registered_client(client, organiser, event)
    form = {"name": "Weston Mums Network", "contact_email": "nope"}

    response = await post(client, token, "/nominate", form)

    assert response.status_code == 400
    assert 'id="contact_email-error"' in response.text
    assert 'value="Weston Mums Network"' in response.text
    assert await Nomination.all().count() == 0
    await ensure_taxonomy()
    control = await post(client, token, "/nominate", {**form, "contact_email": "mo@example.org"})
    assert control.status_code == 303
    assert await Nomination.all().count() == 1


async def test_shared_delegate_list_shows_consenting_delegates(client, organiser, event):
    _, token = await registered_client(client, organiser, event)

    response = await client.get(f"/i/{token}/delegates")

    assert response.status_code == 200
    assert "<td>Ann Lee</td><td>Inspector</td><td>Hampshire Constabulary</td>" in response.text


# Authorisation: another delegate's link, the anonymous visitor


async def test_delegate_link_does_not_open_staff_pages(client, second_client, organiser, event):
    await registered_client(client, organiser, event)

    for path in ("/delegates", "/delegates.csv", "/needs"):
        response = await client.get(f"/staff/events/{event.id}{path}")
        assert response.status_code == 404
    await sign_in(second_client, organiser)
    for path in ("/delegates", "/delegates.csv", "/needs"):
        assert (await second_client.get(f"/staff/events/{event.id}{path}")).status_code == 200


async def test_one_delegates_link_shows_only_their_own_registration(client, organiser, event):
    await registered_client(client, organiser, event, 1)
    _, token = await invited(organiser, event, 2)

    response = await client.get(f"/i/{token}/my-data.json")

    data = json.loads(response.text)
    assert data["invitation"]["email"] == "delegate2@partner.example.org"
    assert data["registration"] is None


async def test_revoked_link_is_404_on_every_delegate_page(client, organiser, event):
    invitation, token = await registered_client(client, organiser, event)
    paths = ("", "/registered", "/my-data.json", "/event.ics", "/check-in-code.svg")
    for path in paths:  # all open before the revocation
        assert (await client.get(f"/i/{token}{path}")).status_code == 200
    await Invitation.filter(id=invitation.id).update(status=InvitationStatus.REVOKED)
    for path in paths:
        assert (await client.get(f"/i/{token}{path}")).status_code == 404


# Event pages and injection


async def test_invite_only_event_page_is_404_to_anonymous_and_other_organisers(client, event):
    anonymous = await client.get(f"/events/{event.uuid}")
    await sign_in(client, await make_staff(Role.ORGANISER))
    other = await client.get(f"/events/{event.uuid}")
    calendar = await client.get(f"/events/{event.uuid}/event.ics")

    assert (anonymous.status_code, other.status_code, calendar.status_code) == (404, 404, 404)


async def test_invite_only_event_page_is_shown_to_its_organiser(staff_client, event):
    response = await staff_client.get(f"/events/{event.uuid}")

    assert response.status_code == 200


async def test_public_event_page_offers_calendar_file(client, organiser):
    public = await published_event(organiser, visibility=Visibility.PUBLIC.value)

    page = await client.get(f"/events/{public.uuid}")
    calendar = await client.get(f"/events/{public.uuid}/event.ics")

    assert page.status_code == 200
    assert f'href="/events/{public.uuid}/event.ics"' in page.text
    assert vobject.readOne(calendar.text).vevent.uid.value == public.calendar_uid


SCRIPT = "<script>alert('x')</script>"


async def test_script_in_title_and_description_is_inert_in_pages(client, organiser):
    made = await create_event(
        organiser,
        event_data(
            title=f"Summit {SCRIPT}", description=f"Hello {SCRIPT} [x](javascript:alert(1))"
        ),
    )
    hostile = await publish_event(organiser, made.id)
    _, token = await invited(organiser, hostile, name=f"Eve {SCRIPT}")

    response = await client.get(f"/i/{token}")

    assert "<script>alert" not in response.text
    assert "Summit &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in response.text
    assert 'href="javascript:' not in response.text


async def test_script_in_names_is_inert_in_emails_and_calendar(client, organiser):
    hostile = await published_event(organiser, title=f"Summit {SCRIPT}")
    _, token = await invited(organiser, hostile)

    await post(client, token, "/register", {**ANSWERS, "name": f"Eve {SCRIPT}\r\nATTENDEE:x@evil"})

    [mail] = await OutboxMessage.filter(category="event-registration-confirmed")
    assert "<script>" not in (mail.html_body or "")
    assert "&lt;script&gt;" in (mail.html_body or "")
    calendar = vobject.readOne(mail.calendar_ics)
    assert len(calendar.vevent.contents["attendee"]) == 1
    assert calendar.vevent.summary.value == f"Summit {SCRIPT}"


@pytest.mark.parametrize("path", ["/registered", "/my-data.json", "/event.ics", "/delegates"])
async def test_delegate_pages_unknown_link_is_404(client, organiser, event, path):
    response = await client.get(f"/i/unknown-token-value{path}")

    assert response.status_code == 404
    _, token = await registered_client(client, organiser, event)
    assert (await client.get(f"/i/{token}{path}")).status_code == 200


async def test_substitute_named_waits_for_organiser_approval(client, organiser, event):
    invitation, token = await invited(organiser, event)
    form = {"substitute_name": "Sam Doe", "substitute_email": "sam@partner.example.org"}

    response = await post(client, token, "/substitute", form)

    assert response.status_code == 200
    assert "The organisers of Serious Violence Delivery Plan Conference will check" in response.text
    named = await Invitation.get(email="sam@partner.example.org")
    assert (named.status, named.substitute_of_id) == (InvitationStatus.PROPOSED, invitation.id)
    assert await OutboxMessage.filter(to_address="sam@partner.example.org").count() == 0


async def test_substitute_bad_email_is_400_next_to_the_field(client, organiser, event):
    _, token = await invited(organiser, event)
    form = {"substitute_name": "Sam Doe", "substitute_email": "sam-at-partner"}

    response = await post(client, token, "/substitute", form)

    assert response.status_code == 400
    assert 'id="substitute_email-error"' in response.text
    assert 'value="sam-at-partner"' in response.text
    assert await Invitation.all().count() == 1
    control = await post(
        client, token, "/substitute", {**form, "substitute_email": "sam@partner.example.org"}
    )
    assert control.status_code == 200
    assert await Invitation.all().count() == 2
