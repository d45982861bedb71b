"""The consultation's pages over HTTP: responding from a delegate's link, a partner's or
the public's link, the public's start (honeypot, limits, CSRF), the organiser's page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from convenor.mail.models import OutboxMessage
from directory.models import PublicAttempt
from plans.models import Answer, Plan, PlanStatus, PlanVersion, Respondent
from tests.conftest import csrf_token, form_token, sign_in
from tests.events.factories import invite, link_for
from tests.plans.factories import link_event, make_plan, open_plan, respondent_link, summit
from tests.programmes.factories import registered

WIFI = "198.51.100.7"


def client_from(app, host: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(host, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def post(client, path: str, data: dict, page: str | None = None) -> httpx.Response:
    token = await csrf_token(client, page or path)
    return await client.post(path, data={**data, "csrf_token": token})


def refs(html: str) -> tuple[list[str], list[str]]:
    """The form's action and priority field names, in page order."""
    actions = re.findall(r'name="(a-[0-9a-f]+)-support" value="5"', html)
    priorities = re.findall(r'name="(p-[0-9a-f]+)-missing"', html)
    return actions, priorities


@pytest.fixture
async def delegate(app, organiser, settings):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    event = await summit(organiser)
    await link_event(plan, event)
    _, token = await registered(organiser, event, 1, settings)
    return plan, token, f"/i/{token}/plans/{plan.uuid}"


async def test_delegate_responds_from_their_link(client, delegate):
    _plan, _token, url = delegate
    page = await client.get(url)
    assert page.status_code == 200
    assert "Action 1.1: Target knife crime hot spots with joint patrols" in page.text
    actions, priorities = refs(page.text)
    assert len(actions) == 8 and len(priorities) == 3
    form = {
        "capacity": "partner_agency",
        f"{actions[0]}-support": "5",
        f"{actions[0]}-comment": "Yes, with youth workers",
        f"{priorities[0]}-missing": "Knife amnesties",
        "action": "submit",
    }
    sent = await post(client, url, form)
    assert sent.status_code == 303 and sent.headers["location"] == f"{url}?saved=sent#top"
    again = await client.get(sent.headers["location"])
    assert "Thank you: your response is sent." in again.text
    assert "Yes, with youth workers" in again.text and "Knife amnesties" in again.text
    assert await Answer.all().count() == 2


async def test_home_links_to_the_plan(client, delegate):
    _plan, token, url = delegate
    home = await client.get(f"/i/{token}")
    assert "Have your say on the plan" in home.text
    assert f'href="{url}"' in home.text


async def test_bad_support_keeps_everything_typed_and_saves_nothing(client, delegate):
    _, _, url = delegate
    actions, _priorities = refs((await client.get(url)).text)
    form = {
        "capacity": "resident",
        "organisation": "Bitterne Youth Forum",
        f"{actions[0]}-support": "9",
        f"{actions[1]}-comment": "Kept <b>text</b>",
        "action": "submit",
    }
    refused = await post(client, url, form)
    assert refused.status_code == 400
    assert "Choose how far you support this action, or No view" in refused.text
    assert 'value="Bitterne Youth Forum"' in refused.text
    assert "Kept &lt;b&gt;text&lt;/b&gt;" in refused.text
    assert 'id="capacity-resident" name="capacity" value="resident" checked' in refused.text
    assert await Respondent.all().count() == 0
    form[f"{actions[0]}-support"] = "4"  # control
    assert (await post(client, url, form)).status_code == 303


async def test_sending_without_capacity_says_so_next_to_the_field(client, delegate):
    _, _, url = delegate
    actions, _ = refs((await client.get(url)).text)
    refused = await post(client, url, {f"{actions[0]}-support": "2", "action": "submit"})
    assert refused.status_code == 400
    assert 'id="capacity-error"' in refused.text
    assert 'value="2" checked' in refused.text
    assert await Respondent.all().count() == 0
    draft = await post(client, url, {f"{actions[0]}-support": "2", "action": "draft"})
    assert draft.headers["location"].endswith("?saved=draft#top")
    form = {"capacity": "resident", f"{actions[0]}-support": "2", "action": "submit"}
    sent = await post(client, url, form)  # control: with a capacity the same is sent
    assert sent.headers["location"].endswith("?saved=sent#top")
    assert (await Respondent.get()).submitted_at is not None


async def test_save_after_the_close_is_refused_with_what_was_typed(client, delegate):
    plan, _, url = delegate
    page = await client.get(url)
    actions, _ = refs(page.text)
    await Plan.filter(id=plan.id).update(closes_at=datetime.now(UTC) - timedelta(seconds=1))
    form = {"capacity": "resident", f"{actions[0]}-comment": "Too late", "action": "submit"}
    refused = await client.post(url, data={**form, "csrf_token": form_token(page)})
    assert refused.status_code == 409
    assert "This consultation has closed" in refused.text and "Too late" in refused.text
    assert await Respondent.all().count() == 0
    await Plan.filter(id=plan.id).update(closes_at=datetime.now(UTC) + timedelta(hours=1))
    sent = await client.post(url, data={**form, "csrf_token": form_token(page)})  # control
    assert sent.status_code == 303
    assert await Answer.all().values_list("comment", flat=True) == ["Too late"]


async def test_other_plan_link_is_404(client, delegate):
    plan, token, url = delegate
    other = await open_plan(await make_plan(PlanStatus.CONSULTATION, title="Other plan"))
    assert (await client.get(f"/i/{token}/plans/{other.uuid}")).status_code == 404
    assert (await client.get(f"/i/not-a-token/plans/{plan.uuid}")).status_code == 404
    assert (await client.get(url)).status_code == 200  # control


async def test_other_delegates_link_is_404(client, delegate, organiser, settings):
    plan, _token, url = delegate
    elsewhere = await summit(organiser, "Another summit")
    _, other_token = await registered(organiser, elsewhere, 2, settings)
    assert (await client.get(f"/i/{other_token}/plans/{plan.uuid}")).status_code == 404
    assert (await client.get(url)).status_code == 200


async def test_post_without_csrf_is_refused(client, delegate):
    _, _, url = delegate
    refused = await client.post(url, data={"capacity": "resident", "action": "submit"})
    assert refused.status_code == 403
    assert await Respondent.all().count() == 0
    sent = await post(client, url, {"capacity": "resident", "action": "submit"})  # control
    assert sent.status_code == 303 and await Respondent.all().count() == 1


async def test_download_my_response(client, delegate):
    _plan, _, url = delegate
    actions, _ = refs((await client.get(url)).text)
    await post(
        client, url, {"capacity": "resident", f"{actions[0]}-comment": "=1+1", "action": "submit"}
    )
    csv = await client.get(f"{url}/my-response.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "'=1+1" in csv.content.decode("utf-8-sig")  # the formula is neutralised
    xlsx = await client.get(f"{url}/my-response.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert (await client.get(f"{url}/my-response.pdf")).status_code == 404


async def test_partner_link_form_and_save(client, app):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    _, token = await respondent_link(plan, "ann@police.example.org")
    url = f"/plans/respond/{token}"
    page = await client.get(url)
    assert page.status_code == 200 and 'name="name"' in page.text
    actions, _ = refs(page.text)
    sent = await post(
        client,
        url,
        {"capacity": "partner_agency", f"{actions[2]}-support": "1", "action": "submit"},
    )
    assert sent.status_code == 303
    assert (await Answer.get()).support == 1
    assert (await client.get("/plans/respond/nonsense")).status_code == 404


# -- The public's start ---------------------------------------------------------------


async def test_public_start_emails_a_link(app, settings):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=True)
    async with client_from(app, WIFI) as visitor:
        start = f"/plans/{plan.uuid}/respond"
        sent = await post(
            visitor, start, {"email": "cat@example.org", "name": "Cat", "nickname": ""}
        )
        assert sent.status_code == 303 and sent.headers["location"] == f"{start}/sent"
        mail = await OutboxMessage.get()
        assert mail.to_address == "cat@example.org"
        link = re.search(r"http://testserver(/plans/respond/\S+)", mail.text_body).group(1)
        form = await visitor.get(link)
        assert form.status_code == 200 and "checked by a moderator" in form.text


async def test_public_start_closed_to_the_public_sends_nothing(app):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=False)
    start = f"/plans/{plan.uuid}/respond"
    async with client_from(app, WIFI) as visitor:
        page = await visitor.get(start)
        assert "not open to the public" in page.text and 'name="email"' not in page.text
        # A form posted anyway (made while it was open) is refused, nothing sent.
        token = form_token(await visitor.get("/login"))
        refused = await visitor.post(start, data={"email": "cat@example.org", "csrf_token": token})
        assert refused.status_code == 409
    assert await OutboxMessage.all().count() == 0 and await Respondent.all().count() == 0
    await Plan.filter(id=plan.id).update(public_may_respond=True)  # control
    async with client_from(app, WIFI) as visitor:
        assert 'name="email"' in (await visitor.get(start)).text


async def test_honeypot_saves_and_sends_nothing_but_looks_the_same(app):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=True)
    async with client_from(app, WIFI) as bot:
        start = f"/plans/{plan.uuid}/respond"
        answer = await post(bot, start, {"email": "bot@example.org", "nickname": "spam"})
        assert answer.status_code == 303 and answer.headers["location"] == f"{start}/sent"
        assert await Respondent.all().count() == 0 and await OutboxMessage.all().count() == 0
        person = await post(bot, start, {"email": "cat@example.org", "nickname": ""})  # control
        assert person.status_code == 303 and await OutboxMessage.all().count() == 1


async def test_public_start_bad_email_keeps_input(app):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=True)
    async with client_from(app, WIFI) as visitor:
        answer = await post(
            visitor, f"/plans/{plan.uuid}/respond", {"email": "not-an-address", "name": "Cat"}
        )
        assert answer.status_code == 400
        assert "Enter an email address like name@example.org" in answer.text
        assert 'value="not-an-address"' in answer.text and 'value="Cat"' in answer.text
        assert await Respondent.all().count() == 0 and await OutboxMessage.all().count() == 0
        sent = await post(  # control: a real address is taken and sent a link
            visitor, f"/plans/{plan.uuid}/respond", {"email": "cat@example.org", "name": "Cat"}
        )
        assert sent.status_code == 303
        assert await OutboxMessage.all().values_list("to_address", flat=True) == ["cat@example.org"]


async def test_one_email_gets_five_links_an_hour(app):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=True)
    statuses = []
    for n in range(7):
        async with client_from(app, f"203.0.113.{n + 1}") as somewhere:
            answer = await post(
                somewhere, f"/plans/{plan.uuid}/respond", {"email": "same@example.org"}
            )
            statuses.append(answer.status_code)
    assert statuses == [303] * 5 + [429] * 2
    assert await OutboxMessage.all().count() == 5
    assert await Respondent.all().count() == 1  # one response per person


async def test_one_address_gets_thirty_links_an_hour(app):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION), public=True)
    async with client_from(app, WIFI) as venue:
        statuses = [
            (
                await post(venue, f"/plans/{plan.uuid}/respond", {"email": f"p{n}@example.org"})
            ).status_code
            for n in range(31)
        ]
    assert statuses == [303] * 30 + [429]
    assert await PublicAttempt.filter(action="plan-respond").count() == 60
    assert await OutboxMessage.all().count() == 30  # the refused 31st: no link, no response
    assert await Respondent.filter(email="p30@example.org").count() == 0
    assert await Respondent.all().count() == 30


# -- The organiser's page --------------------------------------------------------------


async def test_organiser_publishes_for_consultation(staff_client):
    plan = await make_plan()
    url = f"/staff/plans/{plan.id}/consultation"
    page = await staff_client.get(url)
    assert page.status_code == 200 and "Publish for consultation" in page.text
    opens = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
    closes = (datetime.now(UTC) + timedelta(days=84)).strftime("%Y-%m-%dT%H:%M")
    form = {"opens_at": opens, "closes_at": closes, "publish": "1", "partners_may_respond": "yes"}
    done = await staff_client.post(url, data={**form, "csrf_token": form_token(page)})
    assert done.status_code == 303, done.text
    await plan.refresh_from_db()
    assert plan.status == PlanStatus.CONSULTATION and plan.public_may_respond is False
    assert await PlanVersion.filter(plan_id=plan.id, number=1).exists()


async def test_organiser_bad_times_keep_input(staff_client):
    plan = await make_plan()
    url = f"/staff/plans/{plan.id}/consultation"
    page = await staff_client.get(url)
    form = {"opens_at": "2027-06-09T09:30", "closes_at": "soon", "publish": "1"}
    refused = await staff_client.post(url, data={**form, "csrf_token": form_token(page)})
    assert refused.status_code == 400
    assert "Enter a date and time like 2027-09-01 17:00" in refused.text
    assert 'value="2027-06-09T09:30"' in refused.text and 'value="soon"' in refused.text
    assert (await Plan.get(id=plan.id)).status == PlanStatus.DRAFT
    assert await PlanVersion.all().count() == 0
    form["closes_at"] = "2027-09-01T17:00"  # control: a real close publishes it
    done = await staff_client.post(url, data={**form, "csrf_token": form_token(page)})
    assert done.status_code == 303
    assert (await Plan.get(id=plan.id)).status == PlanStatus.CONSULTATION


async def test_organiser_invites_partners(staff_client):
    plan = await open_plan(await make_plan(PlanStatus.CONSULTATION))
    url = f"/staff/plans/{plan.id}/consultation"
    page = await staff_client.get(url)
    bad = {"emails": "ann@police.example.org\nnot-an-address", "csrf_token": form_token(page)}
    refused = await staff_client.post(f"{url}/partners", data=bad)
    assert refused.status_code == 400 and "Correct these addresses: not-an-address" in refused.text
    assert await OutboxMessage.all().count() == 0 and await Respondent.all().count() == 0
    good = {
        "emails": "ann@police.example.org, bob@council.example.org",
        "csrf_token": form_token(page),
    }
    done = await staff_client.post(f"{url}/partners", data=good)
    assert done.status_code == 303
    assert sorted(await OutboxMessage.all().values_list("to_address", flat=True)) == [
        "ann@police.example.org", "bob@council.example.org",
    ]  # fmt: skip
    listed = await staff_client.get(url)
    assert "ann@police.example.org" in listed.text and "Not started" in listed.text


async def test_staff_page_needs_an_organiser(client, organiser):
    plan = await make_plan()
    answer = await client.get(f"/staff/plans/{plan.id}/consultation")
    assert answer.status_code in (302, 303) and "/login" in answer.headers["location"]
    await sign_in(client, organiser)  # control: signed in, the organiser gets the page
    assert (await client.get(f"/staff/plans/{plan.id}/consultation")).status_code == 200


async def test_nul_in_a_comment_is_refused_next_to_the_field(client, delegate):
    _, _, url = delegate
    actions, _ = refs((await client.get(url)).text)
    form = {"capacity": "resident", f"{actions[0]}-comment": "bad\x00byte", "action": "submit"}
    refused = await post(client, url, form)
    assert refused.status_code == 400
    assert f'id="{actions[0]}-comment-error"' in refused.text
    assert await Respondent.all().count() == 0
    form[f"{actions[0]}-comment"] = "good byte"  # control
    assert (await post(client, url, form)).status_code == 303
    assert await Answer.all().values_list("comment", flat=True) == ["good byte"]


async def test_home_has_no_plan_section_for_a_draft_or_an_unregistered_delegate(
    client, app, organiser, settings
):
    plan = await make_plan()
    event = await summit(organiser)
    await link_event(plan, event)
    _, token = await registered(organiser, event, 1, settings)
    assert "Have your say on the plan" not in (await client.get(f"/i/{token}")).text
    invited = await link_for(await invite(organiser, event, 2))
    await open_plan(plan)
    assert "Have your say on the plan" not in (await client.get(f"/i/{invited}")).text
    assert "Have your say on the plan" in (await client.get(f"/i/{token}")).text  # control
