"""The register's pages: the public register, the organiser's register, directory entries."""

from __future__ import annotations

import email
import email.policy
import re

from convenor.models import Role
from directory.models import Entry, Status
from plans.lead_contacts import add_contact, remove_contact
from plans.models import Action, ActionStatus, LeadContact, Plan, PlanStatus
from tests.conftest import form_token, make_staff, sign_in
from tests.plans.factories import lead_entry, make_plan
from tests.plans.register_support import (
    COUNCIL,
    POLICE,
    PROBATION,
    actions_by_number,
    adopted_plan,
    make_contact,
    outbox,
)


async def test_public_register_lists_every_action_with_linked_leads(app, client):
    plan = await adopted_plan()
    police = await lead_entry(POLICE)
    await Entry.filter(name=PROBATION).update(status=Status.PENDING)
    probation = await lead_entry(PROBATION)

    page = await client.get(f"/plans/{plan.uuid}/register")

    assert page.status_code == 200
    assert page.text.count('class="register-action"') == 8
    assert f'<a href="/directory/{police.id}">{POLICE}</a>' in page.text
    assert f'href="/directory/{probation.id}"' not in page.text  # not published
    assert PROBATION in page.text
    assert "Showing 8 of 8 actions" in page.text


async def test_public_register_filter_shows_exact_counts(app, client):
    plan = await adopted_plan()
    actions = await actions_by_number(plan)
    await Action.filter(id__in=[actions["1.1"].id, actions["3.2"].id]).update(
        status=ActionStatus.DONE
    )

    page = await client.get(f"/plans/{plan.uuid}/register?status=done")

    assert "Showing 2 of 8 actions" in page.text
    assert page.text.count('class="register-action"') == 2
    assert '<option value="done" selected>Done (2)</option>' in page.text
    assert '<option value="not_started">Not started (6)</option>' in page.text
    council = await lead_entry(COUNCIL)
    assert f'<option value="{council.id}">{COUNCIL} (1)</option>' in page.text


async def test_public_register_of_an_unadopted_plan_is_404(app, client):
    adopted = await adopted_plan()
    assert (await client.get(f"/plans/{adopted.uuid}/register")).status_code == 200
    for status in (PlanStatus.DRAFT, PlanStatus.CONSULTATION):
        plan = await make_plan(status)
        assert (await client.get(f"/plans/{plan.uuid}/register")).status_code == 404
    assert (await client.get("/plans/no-such-plan/register")).status_code == 404


async def test_staff_register_needs_an_organiser(app, client):
    plan = await adopted_plan()

    anonymous = await client.get(f"/staff/plans/{plan.id}/register")
    await sign_in(client, await make_staff(Role.MODERATOR))
    moderator = await client.get(f"/staff/plans/{plan.id}/register")

    assert anonymous.status_code == 303
    assert moderator.status_code == 404
    await sign_in(client, await make_staff(Role.ORGANISER))  # control
    assert (await client.get(f"/staff/plans/{plan.id}/register")).status_code == 200


async def _staff_post(client, plan: Plan, path: str, data: dict):
    page = await client.get(f"/staff/plans/{plan.id}/register")
    return await client.post(
        f"/staff/plans/{plan.id}/register{path}", data={**data, "csrf_token": form_token(page)}
    )


async def test_organiser_adds_and_invites_a_contact(app, staff_client, settings):
    plan = await adopted_plan()
    police = await lead_entry(POLICE)

    added = await _staff_post(
        staff_client,
        plan,
        "/contacts",
        {
            "entry_id": str(police.id),
            f"name-{police.id}": "Ann Lee",
            f"email-{police.id}": "Ann@Police.example.org",
        },
    )
    contact = await LeadContact.get(plan_id=plan.id)
    invited = await _staff_post(staff_client, plan, f"/contacts/{contact.id}/invite", {})

    assert (added.status_code, invited.status_code) == (303, 303)
    assert contact.email == "ann@police.example.org"
    mails = await outbox("plan-lead-invitation")
    assert [m.to_address for m in mails] == ["ann@police.example.org"]
    link = re.search(r"http://testserver/lead/(\S+)", mails[0].text_body).group(1)
    assert "1.1 Target knife crime hot spots" in mails[0].text_body
    assert (await staff_client.get(f"/lead/{link}")).status_code == 200
    assert (await LeadContact.get(id=contact.id)).invited_at is not None


async def test_bad_contact_is_shown_again_and_nothing_saved(app, staff_client):
    plan = await adopted_plan()
    police = await lead_entry(POLICE)

    response = await _staff_post(
        staff_client,
        plan,
        "/contacts",
        {
            "entry_id": str(police.id),
            f"name-{police.id}": "Ann <Lee>",
            f"email-{police.id}": "not-an-address",
        },
    )

    assert response.status_code == 400
    assert f'id="email-{police.id}-error"' in response.text
    assert 'value="Ann &lt;Lee&gt;"' in response.text
    assert await LeadContact.filter(plan_id=plan.id).count() == 0
    good = {  # control: a real address is saved
        "entry_id": str(police.id),
        f"name-{police.id}": "Ann Lee",
        f"email-{police.id}": "ann@police.example.org",
    }
    assert (await _staff_post(staff_client, plan, "/contacts", good)).status_code == 303
    assert await LeadContact.filter(plan_id=plan.id).values_list("email", flat=True) == [
        "ann@police.example.org"
    ]


async def test_contact_for_an_organisation_leading_nothing_is_404(app, staff_client):
    plan = await adopted_plan()
    stranger = await lead_entry("Bevois Valley Boxing Academy")

    response = await _staff_post(
        staff_client,
        plan,
        "/contacts",
        {
            "entry_id": str(stranger.id),
            f"name-{stranger.id}": "Tom",
            f"email-{stranger.id}": "tom@boxing.example.org",
        },
    )

    assert response.status_code == 404
    assert await LeadContact.filter(plan_id=plan.id).count() == 0
    police = await lead_entry(POLICE)  # control: an organisation leading actions is added
    leading = {
        "entry_id": str(police.id),
        f"name-{police.id}": "Ann Lee",
        f"email-{police.id}": "ann@police.example.org",
    }
    assert (await _staff_post(staff_client, plan, "/contacts", leading)).status_code == 303
    assert await LeadContact.filter(plan_id=plan.id).values_list("entry_id", flat=True) == [
        police.id
    ]


async def test_invite_before_adoption_is_refused(app, staff_client):
    plan = await make_plan(PlanStatus.CONSULTATION)
    contact = await make_contact(plan)

    response = await _staff_post(staff_client, plan, f"/contacts/{contact.id}/invite", {})

    assert response.status_code == 409
    assert "once the plan is adopted" in response.text
    assert await outbox("plan-lead-invitation") == []
    assert (await LeadContact.get(id=contact.id)).invited_at is None
    await Plan.filter(id=plan.id).update(status=PlanStatus.ADOPTED)  # control
    invited = await _staff_post(staff_client, plan, f"/contacts/{contact.id}/invite", {})
    assert invited.status_code == 303
    assert [m.to_address for m in await outbox("plan-lead-invitation")] == [contact.email]


async def test_removed_contact_link_stops_working(app, staff_client):
    plan = await adopted_plan()
    contact = await make_contact(plan)
    await _staff_post(staff_client, plan, f"/contacts/{contact.id}/invite", {})
    link = re.search(r"/lead/(\S+)", (await outbox("plan-lead-invitation"))[0].text_body)[1]
    assert (await staff_client.get(f"/lead/{link}")).status_code == 200

    removed = await _staff_post(staff_client, plan, f"/contacts/{contact.id}/remove", {})

    assert removed.status_code == 303
    assert (await staff_client.get(f"/lead/{link}")).status_code == 404


async def test_schedule_is_saved_and_bad_values_refused(app, staff_client):
    plan = await adopted_plan()

    bad = await _staff_post(staff_client, plan, "/schedule", {"update_every_days": "3"})
    assert bad.status_code == 400
    assert (await Plan.get(id=plan.id)).update_every_days is None

    good = await _staff_post(staff_client, plan, "/schedule", {"update_every_days": "91"})
    assert good.status_code == 303
    assert (await Plan.get(id=plan.id)).update_every_days == 91


async def test_directory_entry_lists_the_actions_it_leads(app, client):
    plan = await adopted_plan(title="Serious Violence Delivery Plan")
    await make_plan(PlanStatus.CONSULTATION, title="A draft not yet public")
    police = await lead_entry(POLICE)

    page = await client.get(f"/directory/{police.id}")

    assert page.status_code == 200
    assert "Actions it leads" in page.text
    assert f'href="/plans/{plan.uuid}/register"' in page.text
    assert "1.1 Target knife crime hot spots with joint patrols" in page.text
    assert "2.3 Share data on repeat offenders across partners" in page.text
    assert "A draft not yet public" not in page.text
    assert "Mentor young people leaving custody" not in page.text  # probation's


async def test_directory_entry_leading_nothing_shows_no_section(app, client):
    await adopted_plan()
    await make_plan(PlanStatus.CONSULTATION)
    other = await lead_entry("Bevois Valley Boxing Academy")
    council = await lead_entry(COUNCIL)
    await Action.filter(partners__entry_id=council.id).update(removed_at=council.created_at)

    for entry in (other, council):
        page = await client.get(f"/directory/{entry.id}")
        assert page.status_code == 200
        assert "Actions it leads" not in page.text
    police = await lead_entry(POLICE)  # control: an entry leading actions has the section
    assert "Actions it leads" in (await client.get(f"/directory/{police.id}")).text


async def test_hostile_contact_name_stays_one_line_in_the_email(app, staff_client):
    plan = await adopted_plan()
    police = await lead_entry(POLICE)
    hostile = "Ann\r\nBcc: evil@example.net =?utf-8?b?QQ==?="

    await _staff_post(
        staff_client,
        plan,
        "/contacts",
        {
            "entry_id": str(police.id),
            f"name-{police.id}": hostile,
            f"email-{police.id}": "ann@police.example.org",
        },
    )
    contact = await LeadContact.get(plan_id=plan.id)
    await _staff_post(staff_client, plan, f"/contacts/{contact.id}/invite", {})

    message = email.message_from_string(
        (await outbox("plan-lead-invitation"))[0].raw_message, policy=email.policy.default
    )
    assert "\n" not in contact.name and "=?" not in contact.name
    assert [a.addr_spec for a in message["To"].addresses] == ["ann@police.example.org"]
    assert message["Bcc"] is None


async def test_removed_contact_added_again_comes_back_uninvited(app, organiser):
    plan = await adopted_plan()
    police = await lead_entry(POLICE)
    first = await add_contact(organiser, plan.id, police.id, "Ann Lee", "ann@police.example.org")
    await LeadContact.filter(id=first.id).update(invited_at=plan.created_at)
    await remove_contact(organiser, plan.id, first.id)

    again = await add_contact(
        organiser, plan.id, police.id, "Ann Lee-Smith", "ann@police.example.org"
    )

    assert again.id == first.id
    assert (again.name, again.revoked_at, again.invited_at) == ("Ann Lee-Smith", None, None)
    assert await LeadContact.filter(plan_id=plan.id).count() == 1
