"""The delegate's home (/i/<token>) for each status, the waitlist warning before
registering, the default button of the registration form, the standard QR code, and
codes typed at the desk with spaces or hyphens (issue 16)."""

from __future__ import annotations

import re

from events import checkin
from events.invitations import decline
from events.models import Registration, RegistrationStatus
from events.registration import cancel_registration
from events.service import cancel_event
from tests.conftest import csrf_token, sign_in

from .factories import invited, published_event, registered

CHECK_IN = "Show this code or the QR code at the door."


def status_of(html: str) -> str:
    found = re.search(r'id="status">Your status: <strong>([^<]+)</strong>', html)
    assert found, html
    return found.group(1)


async def test_home_invited_shows_status_form_and_no_check_in(client, organiser, event):
    _, token = await invited(organiser, event)

    page = await client.get(f"/i/{token}")

    assert page.status_code == 200
    assert status_of(page.text) == "Invited"
    assert f'action="/i/{token}/register"' in page.text
    assert f'action="/i/{token}/decline"' in page.text
    assert CHECK_IN not in page.text
    assert "check-in-code.svg" not in page.text
    assert f'href="/i/{token}/event.ics"' in page.text
    assert f'href="/i/{token}/my-data.json"' in page.text


async def test_home_registered_shows_check_in_code_calendar_data_and_cancel(
    client, organiser, event, settings
):
    registration, token = await registered(organiser, event, settings)

    page = await client.get(f"/i/{token}")

    assert status_of(page.text) == "Registered"
    assert CHECK_IN in page.text
    assert f'<span class="check-in-code">{registration.check_in_code}</span>' in page.text
    assert f'src="/i/{token}/check-in-code.svg"' in page.text
    assert f'href="/i/{token}/event.ics"' in page.text
    assert f'href="/i/{token}/my-data.json"' in page.text
    assert f'action="/i/{token}/cancel"' in page.text
    assert f'action="/i/{token}/register"' not in page.text


async def test_home_waitlisted_shows_waitlist_and_no_check_in_code(client, organiser, settings):
    event = await published_event(organiser, capacity=1)
    seated, seated_token = await registered(organiser, event, settings, 1)
    registration, token = await registered(organiser, event, settings, 2)

    page = await client.get(f"/i/{token}")

    assert registration.status == RegistrationStatus.WAITLISTED
    assert status_of(page.text) == "On the waitlist"
    assert "You are on the waitlist. We will email you if a place comes free." in page.text
    assert CHECK_IN not in page.text
    assert registration.check_in_code not in page.text
    assert f'action="/i/{token}/cancel"' in page.text
    seated_page = await client.get(f"/i/{seated_token}")  # control: the delegate with the seat
    assert CHECK_IN in seated_page.text and seated.check_in_code in seated_page.text


async def test_home_declined_shows_declined_and_register_again(client, organiser, event):
    _, token = await invited(organiser, event)
    await decline(token, "Another meeting")

    page = await client.get(f"/i/{token}")

    assert status_of(page.text) == "Declined"
    assert "You declined this invitation. You can still register" in page.text
    assert f'action="/i/{token}/register"' in page.text
    assert CHECK_IN not in page.text


async def test_home_cancelled_registration_shows_cancelled_and_no_code(
    client, organiser, event, settings
):
    registration, token = await registered(organiser, event, settings)
    before = await client.get(f"/i/{token}")
    await cancel_registration(token, settings)

    page = await client.get(f"/i/{token}")

    assert registration.check_in_code in before.text  # control: shown until cancelled
    assert status_of(page.text) == "Registration cancelled"
    assert "You cancelled your registration. You can register again" in page.text
    assert f'action="/i/{token}/register"' in page.text
    assert CHECK_IN not in page.text
    assert registration.check_in_code not in page.text


async def test_home_cancelled_event_has_no_check_in_code(client, organiser, event, settings):
    registration, token = await registered(organiser, event, settings)
    before = await client.get(f"/i/{token}")
    await cancel_event(organiser, event.id, settings)

    page = await client.get(f"/i/{token}")

    assert CHECK_IN in before.text  # control: shown while the event is on
    assert "This event has been cancelled." in page.text
    assert CHECK_IN not in page.text
    assert registration.check_in_code not in page.text
    assert "check-in-code.svg" not in page.text
    assert f'action="/i/{token}/cancel"' not in page.text


async def test_confirmation_page_of_cancelled_event_has_no_check_in_code(
    client, organiser, event, settings
):
    registration, token = await registered(organiser, event, settings)
    before = await client.get(f"/i/{token}/registered")
    await cancel_event(organiser, event.id, settings)

    page = await client.get(f"/i/{token}/registered")

    assert registration.check_in_code in before.text  # control
    assert "This event has been cancelled." in page.text
    assert registration.check_in_code not in page.text


async def test_check_in_qr_of_cancelled_event_is_404(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings)
    before = await client.get(f"/i/{token}/check-in-code.svg")
    await cancel_event(organiser, event.id, settings)

    response = await client.get(f"/i/{token}/check-in-code.svg")

    assert before.status_code == 200  # control
    assert response.status_code == 404


async def test_home_without_a_programme_says_it_is_not_published(
    client, organiser, event, settings
):
    _, token = await registered(organiser, event, settings)

    page = await client.get(f"/i/{token}")

    assert '<section aria-labelledby="programme-title" id="programme">' in page.text
    assert "The programme has not been published yet." in page.text


async def test_home_of_another_delegate_is_not_shown(client, organiser, event, settings):
    mine, token = await registered(organiser, event, settings, 1)
    theirs, _ = await registered(organiser, event, settings, 2)

    page = await client.get(f"/i/{token}")

    assert mine.check_in_code in page.text
    assert theirs.check_in_code not in page.text
    assert "Delegate 2" not in page.text


def first_submit(html: str, action: str) -> str:
    """The first submit button inside the form posting to ``action``: the form's default."""
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    return re.search(r"<button[^>]*type=\"submit\"[^>]*>", form).group(0)


async def test_registration_form_default_button_registers(client, organiser, event):
    _, token = await invited(organiser, event)

    page = await client.get(f"/i/{token}")

    default = first_submit(page.text, f"/i/{token}/register")
    assert 'name="find"' not in default
    assert 'name="find" value="1"' in page.text  # the directory search is still there


async def test_answers_form_default_button_saves(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings)

    page = await client.get(f"/i/{token}")

    assert 'name="find"' not in first_submit(page.text, f"/i/{token}/answers")


async def test_invitation_page_warns_of_waitlist_when_no_seat_is_left(client, organiser, settings):
    event = await published_event(organiser, capacity=3)
    for number in (1, 2, 3):
        await registered(organiser, event, settings, number)
    _, fourth = await invited(organiser, event, 4)

    page = await client.get(f"/i/{fourth}")

    assert 'id="waitlist-warning"' in page.text
    assert "All 3 places are taken: if you register now you will join the waitlist" in page.text
    assert ">Join the waitlist</button>" in page.text


async def test_invitation_page_no_waitlist_warning_while_a_seat_is_left(
    client, organiser, settings
):
    event = await published_event(organiser, capacity=3)
    for number in (1, 2):
        await registered(organiser, event, settings, number)
    invitation, third = await invited(organiser, event, 3)

    page = await client.get(f"/i/{third}")
    form = await csrf_token(client, f"/i/{third}")
    response = await client.post(
        f"/i/{third}/register",
        data={"name": "Delegate 3", "csrf_token": form},
    )

    assert 'id="waitlist-warning"' not in page.text
    assert ">Register</button>" in page.text
    assert response.status_code == 303
    registration = await Registration.get(invitation_id=invitation.id)
    assert registration.status == RegistrationStatus.REGISTERED


async def test_warned_fourth_delegate_joins_the_waitlist_on_submit(client, organiser, settings):
    event = await published_event(organiser, capacity=3)
    for number in (1, 2, 3):
        await registered(organiser, event, settings, number)
    invitation, fourth = await invited(organiser, event, 4)
    form = await csrf_token(client, f"/i/{fourth}")

    response = await client.post(
        f"/i/{fourth}/register", data={"name": "Delegate 4", "csrf_token": form}
    )

    assert response.status_code == 303
    registration = await Registration.get(invitation_id=invitation.id)
    assert registration.status == RegistrationStatus.WAITLISTED


def qr_modules(svg: bytes, scale: int = 8, border: int = 2) -> int:
    width = re.search(rb'<svg[^>]* width="(\d+)"', svg)
    assert width, svg[:200]
    return int(width.group(1)) // scale - 2 * border


async def test_check_in_qr_is_a_standard_qr_code(client, organiser, event, settings):
    _, token = await registered(organiser, event, settings)

    response = await client.get(f"/i/{token}/check-in-code.svg")

    assert response.status_code == 200
    # Version 1 is 21 modules a side; a Micro QR is 11 to 17.
    assert qr_modules(response.content) == 21


async def test_desk_finds_code_typed_with_hyphen_and_lower_case(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    code = registration.check_in_code
    typed = f"{code[:3].lower()}-{code[3:].lower()}"

    exact = await checkin.find_delegates(organiser, event.id, code)
    found = await checkin.find_delegates(organiser, event.id, typed)

    assert [r.id for r in exact] == [registration.id]  # control
    assert [r.id for r in found] == [registration.id]


async def test_desk_checks_in_code_typed_with_spaces_and_dashes(organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    code = registration.check_in_code
    typed = f" {code[:2]} {code[2:4]}\u2013{code[4:].lower()} "

    result = await checkin.check_in_by_code(organiser, event.id, typed)

    assert result.registration.id == registration.id
    assert result.first_time is True
    assert (await Registration.get(id=registration.id)).checked_in_at is not None


async def test_desk_page_checks_in_hyphenated_code(client, organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    code = registration.check_in_code
    await sign_in(client, organiser)
    url = f"/staff/events/{event.id}/check-in"
    form = await csrf_token(client, url)

    response = await client.post(
        url, data={"code": f"{code[:3]}-{code[3:]}".lower(), "csrf_token": form}
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?checked={code}&first=1"
    assert (await Registration.get(id=registration.id)).checked_in_at is not None


async def test_desk_unknown_hyphenated_code_checks_in_nobody(client, organiser, event, settings):
    registration, _ = await registered(organiser, event, settings)
    wrong = "ZZZ-ZZZ" if registration.check_in_code != "ZZZZZZ" else "YYY-YYY"
    await sign_in(client, organiser)
    url = f"/staff/events/{event.id}/check-in"
    form = await csrf_token(client, url)

    response = await client.post(url, data={"code": wrong, "csrf_token": form})

    assert response.status_code == 303
    assert "problem=unknown" in response.headers["location"]
    assert (await Registration.get(id=registration.id)).checked_in_at is None
