"""Issue 17 over HTTP: the nomination form's fields (kind, area from the directory's
wards, website, contact), hostile text refused next to its field with everything typed
kept, a typed organisation at registration refused the same way, and the email asking
a named contact to confirm, delivered through the real SMTP test server and followed:
its link says yes (contact_confirmed_at set, the page says so) or no.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import html
import re
from dataclasses import replace

import pytest

from convenor.mail.worker import deliver_due
from directory.models import Entry, Kind, Provenance, Status
from directory.taxonomy import ensure_taxonomy
from events.models import Nomination, Registration
from tests.conftest import csrf_token, form_token

from .factories import invite, link_for

ANSWERS = {
    "name": "Ann Lee",
    "job_title": "Inspector",
    "organisation": "",
    "dietary": "",
    "access_needs": "",
    "consent_to_list": "yes",
}
GROUP = {
    "name": "Weston Mums Network",
    "kind": "community",
    "what_they_do": "Parents keeping an eye out after school.",
    "area": "woolston",
    "website": "weston-mums.example.org",
    "contact_name": "Jo Weston",
    "contact_email": "jo@weston.example.org",
}


@pytest.fixture
async def wards(app) -> None:
    await ensure_taxonomy()


async def post(client, token: str, path: str, data: dict):
    form = await csrf_token(client, f"/i/{token}")
    return await client.post(f"/i/{token}{path}", data={**data, "csrf_token": form})


async def registered(client, organiser, event, number: int = 1) -> str:
    token = await link_for(await invite(organiser, event, number))
    response = await post(client, token, "/register", ANSWERS)
    assert response.status_code == 303, response.text
    return token


def error_of(page: str, field: str) -> str:
    found = re.search(
        rf'id="{field}-error"><span class="visually-hidden">Error:</span> ([^<]*)<', page
    )
    assert found, f"no error for {field}"
    return html.unescape(found.group(1))


async def test_the_nomination_form_offers_kinds_and_the_directory_wards(
    client, organiser, event, wards
):
    token = await registered(client, organiser, event)

    response = await client.get(f"/i/{token}/nominate")

    assert response.status_code == 200
    assert '<option value="community">Community group</option>' in response.text
    assert '<option value="woolston">Woolston</option>' in response.text
    assert 'name="website"' in response.text
    assert 'name="contact_email"' in response.text


async def test_a_nomination_by_the_form_arrives_as_fields(client, organiser, event, wards):
    token = await registered(client, organiser, event)

    response = await post(client, token, "/nominate", GROUP)

    assert response.status_code == 303
    assert response.headers["location"] == f"/i/{token}?done=nominated"
    entry = await Entry.get(name="Weston Mums Network")
    assert (entry.status, entry.kind, entry.website) == (
        Status.PENDING,
        Kind.COMMUNITY,
        "https://weston-mums.example.org",
    )
    assert entry.description == "Parents keeping an eye out after school."
    assert [a.name for a in await entry.areas.all()] == ["Woolston"]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("name", "Weston\x00Mums", "Remove the control characters (such as a NUL byte)"),
        ("contact_name", "=?utf-8?b?SGk=?=", "it is not allowed in a name"),
        ("what_they_do", "x" * 10_000, "Use 2000 characters or fewer"),
        ("website", "=HYPERLINK(1)", "Enter a web address like https://example.org"),
        ("area", "atlantis", "Choose an area from the list, or leave it"),
        ("kind", "<script>", "Choose what kind of group it is from the list"),
        ("contact_email", "jo@", "Enter an email address like name@example.org"),
    ],
)
async def test_hostile_nomination_text_is_refused_next_to_its_field_and_kept(
    client, organiser, event, wards, field, typed, message
):
    token = await registered(client, organiser, event)

    response = await post(client, token, "/nominate", {**GROUP, field: typed})

    assert response.status_code == 400
    assert message in error_of(response.text, field)
    # Everything else typed is shown again.
    for other, value in GROUP.items():
        if other not in (field, "kind", "area", "what_they_do"):
            assert f'value="{html.escape(value)}"' in response.text
    if field != "area":
        assert '<option value="woolston" selected>Woolston</option>' in response.text
    if field != "what_they_do":
        assert ">Parents keeping an eye out after school.</textarea>" in response.text
    assert "<script>" not in response.text
    assert await Nomination.all().count() == 0
    assert await Entry.all().count() == 0
    assert (await post(client, token, "/nominate", GROUP)).status_code == 303  # control
    assert await Nomination.all().count() == 1


async def test_html_in_a_group_name_is_kept_as_text_and_shown_escaped(
    client, organiser, event, wards
):
    token = await registered(client, organiser, event)

    response = await post(
        client, token, "/nominate", {**GROUP, "name": "<b>Bold</b> Mums", "contact_email": "jo@"}
    )

    assert response.status_code == 400
    assert 'value="&lt;b&gt;Bold&lt;/b&gt; Mums"' in response.text
    assert "<b>Bold</b>" not in response.text
    assert await Nomination.all().count() == 0
    control = await post(client, token, "/nominate", {**GROUP, "name": "<b>Bold</b> Mums"})
    assert control.status_code == 303
    assert [n.name for n in await Nomination.all()] == ["<b>Bold</b> Mums"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Saints\x00Foundation", "Remove the control characters (such as a NUL byte)"),
        ("=?utf-8?b?U2FpbnRz?=", "it is not allowed in a name"),
        ("S" * 201, "Use 200 characters or fewer"),
    ],
)
async def test_a_hostile_typed_organisation_is_refused_at_registration_and_kept(
    client, organiser, event, typed, message
):
    token = await link_for(await invite(organiser, event))

    response = await post(
        client, token, "/register", {**ANSWERS, "organisation": typed, "dietary": "Vegan"}
    )

    assert response.status_code == 400
    assert message in error_of(response.text, "organisation")
    assert 'value="Ann Lee"' in response.text
    assert ">Vegan</textarea>" in response.text
    assert await Registration.all().count() == 0
    assert await Entry.all().count() == 0
    control = await post(client, token, "/register", {**ANSWERS, "organisation": "Saints FC"})
    assert control.status_code == 303
    assert await Registration.all().count() == 1


async def test_a_typed_organisation_registers_and_makes_one_pending_entry(client, organiser, event):
    token = await link_for(await invite(organiser, event))

    response = await post(client, token, "/register", {**ANSWERS, "organisation": "Saints FC"})

    assert response.status_code == 303
    [entry] = await Entry.all()
    assert (entry.name, entry.kind, entry.status) == ("Saints FC", None, Status.PENDING)


async def test_the_registration_form_asks_the_kind_of_a_typed_organisation(
    client, organiser, event
):
    token = await link_for(await invite(organiser, event))

    page = await client.get(f"/i/{token}")
    response = await post(
        client,
        token,
        "/register",
        {**ANSWERS, "organisation": "Saints FC", "organisation_kind": "voluntary"},
    )

    assert '<select id="organisation_kind" name="organisation_kind"' in page.text
    assert '<option value="voluntary">Voluntary organisation</option>' in page.text
    assert response.status_code == 303
    assert (await Entry.get()).kind == Kind.VOLUNTARY


async def test_a_bad_kind_is_refused_next_to_its_field_and_the_rest_kept(client, organiser, event):
    token = await link_for(await invite(organiser, event))

    response = await post(
        client,
        token,
        "/register",
        {**ANSWERS, "organisation": "Saints FC", "organisation_kind": "<script>"},
    )

    assert response.status_code == 400
    assert "Choose a kind of organisation" in error_of(response.text, "organisation_kind")
    assert 'value="Saints FC"' in response.text
    assert "<script>" not in response.text
    assert await Registration.all().count() == 0
    control = await post(
        client,
        token,
        "/register",
        {**ANSWERS, "organisation": "Saints FC", "organisation_kind": "community"},
    )
    assert control.status_code == 303
    assert await Registration.all().count() == 1


async def delivered(settings, smtp_server, to: str) -> list[email.message.EmailMessage]:
    await deliver_due(replace(settings, smtp_url=smtp_server.url))
    return [
        email.message_from_bytes(m.data, policy=email.policy.default)
        for m in smtp_server.messages
        if to in m.rcpt_tos
    ]


def contact_path(message: email.message.EmailMessage) -> str:
    text = message.get_body(("plain",)).get_content()
    found = re.search(r"http://testserver(/directory/contact/\S+)", text)
    assert found, text
    return found.group(1)


async def test_the_named_contact_follows_the_emailed_link_and_says_yes(
    client, organiser, event, settings, smtp_server, wards
):
    token = await registered(client, organiser, event)
    await post(client, token, "/nominate", GROUP)

    [message] = await delivered(settings, smtp_server, "jo@weston.example.org")
    assert message["Subject"] == "May we list Weston Mums Network in the community directory?"
    path = contact_path(message)

    shown = await client.get(path)
    unchanged = await Entry.get(name="Weston Mums Network")
    answered = await client.post(path, data={"answer": "yes", "csrf_token": form_token(shown)})

    assert shown.status_code == 200
    assert "May we list Weston Mums Network in the community directory?" in shown.text
    assert "Woolston" in shown.text
    assert unchanged.contact_confirmed_at is None  # opening the link changes nothing
    assert answered.status_code == 200
    assert "you are happy for Weston Mums Network to be listed" in answered.text
    entry = await Entry.get(name="Weston Mums Network")
    assert entry.contact_confirmed_at is not None
    assert (entry.status, entry.contact_email) == (Status.PENDING, "jo@weston.example.org")
    assert (await client.get(path)).status_code == 404  # used once


async def test_the_named_contact_says_no_by_the_link(
    client, organiser, event, settings, smtp_server, wards
):
    token = await registered(client, organiser, event)
    await post(client, token, "/nominate", GROUP)
    [message] = await delivered(settings, smtp_server, "jo@weston.example.org")
    path = contact_path(message)
    shown = await client.get(path)

    answered = await client.post(path, data={"answer": "no", "csrf_token": form_token(shown)})

    assert answered.status_code == 200
    assert "We will not list Weston Mums Network" in answered.text
    entry = await Entry.get(name="Weston Mums Network")
    assert (entry.status, entry.contact_email, entry.contact_confirmed_at) == (
        Status.HIDDEN,
        "",
        None,
    )


async def test_a_contact_link_answer_without_csrf_is_refused(
    client, organiser, event, settings, smtp_server, wards
):
    token = await registered(client, organiser, event)
    await post(client, token, "/nominate", GROUP)
    [message] = await delivered(settings, smtp_server, "jo@weston.example.org")

    answered = await client.post(contact_path(message), data={"answer": "yes"})

    assert answered.status_code == 403
    assert (await Entry.get(name="Weston Mums Network")).contact_confirmed_at is None
    shown = await client.get(contact_path(message))
    control = await client.post(
        contact_path(message), data={"answer": "yes", "csrf_token": form_token(shown)}
    )
    assert control.status_code == 200
    assert (await Entry.get(name="Weston Mums Network")).contact_confirmed_at is not None


async def test_ten_registration_forms_at_once_with_one_new_organisation_make_one_entry(
    client, organiser, event
):
    tokens = [await link_for(await invite(organiser, event, n)) for n in range(10)]
    forms = [await csrf_token(client, f"/i/{token}") for token in tokens]
    spellings = ["Sholing Youth Forum", "sholing youth forum", "SHOLING  Youth-Forum!"]

    answers = await asyncio.gather(
        *(
            client.post(
                f"/i/{token}/register",
                data={
                    **ANSWERS,
                    "name": f"Delegate {n}",
                    "organisation": spellings[n % 3],
                    "csrf_token": form,
                },
            )
            for n, (token, form) in enumerate(zip(tokens, forms, strict=True))
        )
    )

    assert [a.status_code for a in answers] == [303] * 10
    [entry] = await Entry.all()
    assert entry.name_key == "sholing youth forum"
    assert await Provenance.filter(entry=entry).count() == 1
    assert await Registration.filter(organisation_entry_id=entry.id).count() == 10
