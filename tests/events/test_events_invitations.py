"""Invitees: one by one, CSV preview and import, sending, reminding, revoking, declining."""

from __future__ import annotations

import re

import pytest

from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import Role
from events.access import invitation_for_link
from events.data import InviteeData, SubstituteData
from events.invitations import (
    add_invitee,
    approve_substitute,
    decline,
    import_invitees,
    name_substitute,
    preview_invitee_csv,
    remind_invitees,
    resend_invitation,
    revoke_invitation,
    send_invitations,
)
from events.invitee_csv import ALREADY_INVITED, BAD_EMAIL, MISSING_NAME
from events.models import (
    Event,
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationStatus,
)
from events.registration import register
from events.service import create_event, publish_event
from tests.conftest import make_staff

from .factories import answers, event_data, invite, link_for, outbox, published_event

CSV = """name,email,organisation,job title
Ann Lee,ann@police.example.org,Hampshire Constabulary,Inspector
Bob Jones,bob@council.example.gov.uk,Southampton City Council,Community safety officer
"""


def token_in(text: str) -> str:
    return re.search(r"http://testserver/i/(\S+)", text).group(1)


async def test_add_invitee_stores_a_lower_cased_email(organiser, event):
    invitation = await invite(organiser, event, email="Ann.Lee@Police.Example.ORG")

    assert invitation.email == "ann.lee@police.example.org"
    assert invitation.status == InvitationStatus.INVITED
    assert invitation.sent_at is None


async def test_add_invitee_twice_is_invalid(organiser, event):
    await invite(organiser, event)

    with pytest.raises(Invalid) as caught:
        await invite(organiser, event, name="Again")

    assert caught.value.fields == {"email": ALREADY_INVITED}
    assert await Invitation.all().count() == 1
    again = await invite(organiser, event, name="Again", email="again@partner.example.org")
    assert again.name == "Again"
    assert await Invitation.all().count() == 2


async def test_add_invitee_to_another_organisers_event_is_not_found(organiser):
    owner = await make_staff(Role.ORGANISER)
    theirs = await create_event(owner, event_data())

    with pytest.raises(NotFound):
        await add_invitee(organiser, theirs.id, InviteeData("Ann", "ann@example.org"))
    assert await Invitation.all().count() == 0
    added = await add_invitee(owner, theirs.id, InviteeData("Ann", "ann@example.org"))
    assert added.event_id == theirs.id


async def test_preview_reads_headings_and_saves_nothing(organiser, event):
    preview = await preview_invitee_csv(organiser, event.id, CSV)

    assert preview.ok
    assert [(r.line, r.invitee) for r in preview.rows] == [
        (
            2,
            InviteeData("Ann Lee", "ann@police.example.org", "Hampshire Constabulary", "Inspector"),
        ),
        (
            3,
            InviteeData(
                "Bob Jones",
                "bob@council.example.gov.uk",
                "Southampton City Council",
                "Community safety officer",
            ),
        ),
    ]
    assert await Invitation.all().count() == 0


async def test_preview_lists_each_rows_problem(organiser, event):
    await invite(organiser, event, email="known@example.org")
    text = (
        "Email,Name\n"
        "ann@example.org,Ann\n"
        "not-an-email,Bad\n"
        "ANN@example.org,Ann again\n"
        ",\n"
        "nameless@example.org,\n"
        "known@example.org,Known\n"
    )

    preview = await preview_invitee_csv(organiser, event.id, text)

    assert not preview.ok
    assert [(r.line, r.problems) for r in preview.rows] == [
        (2, []),
        (3, [BAD_EMAIL]),
        (4, ["The same email address is on row 2"]),
        (6, [MISSING_NAME]),
        (7, [ALREADY_INVITED]),
    ]
    assert preview.rows[1].invitee.email == "not-an-email"
    assert preview.problem_count == 4


async def test_preview_without_headings_takes_columns_in_order(organiser, event):
    preview = await preview_invitee_csv(organiser, event.id, "Ann Lee,ann@example.org,VRU\n")

    assert preview.rows[0].invitee == InviteeData("Ann Lee", "ann@example.org", "VRU", "")


async def test_preview_reads_excel_semicolons_bom_and_split_names(organiser, event):
    text = "\ufeffFirst name;Last name;E-mail address\r\nAnn;Lee;ann@example.org\r\n"

    preview = await preview_invitee_csv(organiser, event.id, text)

    assert preview.rows[0].invitee == InviteeData("Ann Lee", "ann@example.org", "", "")


async def test_preview_of_an_empty_file_has_a_file_problem(organiser, event):
    preview = await preview_invitee_csv(organiser, event.id, "\n\n")

    assert not preview.ok
    assert preview.file_problems == ["The file has no rows"]


async def test_import_saves_every_row(organiser, event):
    preview = await preview_invitee_csv(organiser, event.id, CSV)

    made = await import_invitees(organiser, event.id, preview.invitees)

    assert [i.email for i in made] == ["ann@police.example.org", "bob@council.example.gov.uk"]
    assert await Invitation.filter(event=event).count() == 2


async def test_import_with_one_bad_row_saves_nothing(organiser, event):
    rows = [InviteeData("Ann", "ann@example.org"), InviteeData("", "nameless@example.org")]

    with pytest.raises(Invalid) as caught:
        await import_invitees(organiser, event.id, rows)

    assert caught.value.fields == {"row_2": MISSING_NAME}
    assert await Invitation.all().count() == 0
    assert len(await import_invitees(organiser, event.id, rows[:1])) == 1
    assert await Invitation.all().count() == 1


async def test_send_invitations_emails_each_unsent_invitee_once(organiser, event, settings):
    await import_invitees(
        organiser, event.id, (await preview_invitee_csv(organiser, event.id, CSV)).invitees
    )

    first = await send_invitations(organiser, event.id, settings)
    second = await send_invitations(organiser, event.id, settings)

    assert (first, second) == (2, 0)
    mails = await outbox("event-invitation")
    assert [m.to_address for m in mails] == ["ann@police.example.org", "bob@council.example.gov.uk"]
    assert mails[0].calendar_ics is None
    assert mails[0].subject == "You are invited: Serious Violence Delivery Plan Conference"


async def test_link_in_the_invitation_email_registers(organiser, event, settings):
    await invite(organiser, event)
    await send_invitations(organiser, event.id, settings)
    [mail] = await outbox("event-invitation")

    result = await register(token_in(mail.text_body), answers(), settings)

    assert result.outcome == "registered"


async def test_send_invitations_for_a_draft_is_refused(organiser, settings):
    draft = await create_event(organiser, event_data())
    await invite(organiser, draft)

    with pytest.raises(Conflict):
        await send_invitations(organiser, draft.id, settings)

    assert await outbox() == []
    await publish_event(organiser, draft.id)
    await send_invitations(organiser, draft.id, settings)
    assert [m.category for m in await outbox()] == ["event-invitation"]


async def test_resend_issues_a_new_link_and_the_old_one_still_works(organiser, event, settings):
    invitation = await invite(organiser, event)
    await send_invitations(organiser, event.id, settings)

    await resend_invitation(organiser, event.id, invitation.id, settings)

    first, second = await outbox("event-invitation")
    assert token_in(first.text_body) != token_in(second.text_body)
    assert (await invitation_for_link(token_in(first.text_body))).id == invitation.id


async def test_remind_reaches_only_invitees_who_have_not_answered(organiser, event, settings):
    quiet = await invite(organiser, event, 1)
    answered = await invite(organiser, event, 2)
    await invite(organiser, event, 3)  # never sent, so never reminded
    await send_invitations(organiser, event.id, settings, [quiet.id, answered.id])
    await decline(await link_for(answered), "Clashes with a court date")

    count = await remind_invitees(organiser, event.id, settings)

    assert count == 1
    [mail] = await outbox("event-reminder")
    assert mail.to_address == quiet.email
    assert (await Invitation.get(id=quiet.id)).reminded_at is not None


async def test_remind_a_selection(organiser, event, settings):
    first = await invite(organiser, event, 1)
    await invite(organiser, event, 2)
    await send_invitations(organiser, event.id, settings)

    assert await remind_invitees(organiser, event.id, settings, [first.id]) == 1


async def test_revoke_kills_every_link(organiser, event, settings):
    invitation = await invite(organiser, event)
    token = await link_for(invitation)

    assert (await invitation_for_link(token)).id == invitation.id  # live before revoking
    await revoke_invitation(organiser, event.id, invitation.id, settings)

    assert (await Invitation.get(id=invitation.id)).status == InvitationStatus.REVOKED
    with pytest.raises(NotFound):
        await invitation_for_link(token)


async def test_revoke_a_registered_delegate_frees_the_seat_and_cancels_the_invite(
    organiser, event, settings
):
    invitation = await invite(organiser, event)
    await register(await link_for(invitation), answers(), settings)

    await revoke_invitation(organiser, event.id, invitation.id, settings)

    assert (await Event.get(id=event.id)).seats_taken == 0
    [mail] = await outbox("event-place-withdrawn")
    assert mail.calendar_method == "CANCEL"


async def test_decline_keeps_the_reason_for_the_organiser(organiser, event):
    invitation = await invite(organiser, event)

    await decline(await link_for(invitation), "On leave that week")

    declined = await Invitation.get(id=invitation.id)
    assert declined.status == InvitationStatus.DECLINED
    assert declined.decline_reason == "On leave that week"


async def test_decline_after_registering_is_refused(organiser, event, settings):
    token = await link_for(await invite(organiser, event))
    await register(token, answers(), settings)

    with pytest.raises(Conflict):
        await decline(token)
    assert (await Registration.get()).status == RegistrationStatus.REGISTERED
    unregistered = await link_for(await invite(organiser, event, 2))
    assert (await decline(unregistered)).status == InvitationStatus.DECLINED


async def test_substitute_waits_for_approval_and_gets_no_email(organiser, event, settings):
    original = await invite(organiser, event)

    substitute = await name_substitute(
        await link_for(original),
        SubstituteData("Cara Deputy", "cara@partner.example.org"),
        settings,
    )

    assert substitute.status == InvitationStatus.PROPOSED
    assert substitute.organisation == "Hampshire Constabulary"
    assert (await Invitation.get(id=original.id)).status == InvitationStatus.DECLINED
    assert await outbox() == []
    with pytest.raises(NotFound):
        await invitation_for_link(await link_for(substitute))


async def test_approved_substitute_is_emailed(organiser, event, settings):
    original = await invite(organiser, event)
    substitute = await name_substitute(
        await link_for(original),
        SubstituteData("Cara Deputy", "cara@partner.example.org"),
        settings,
    )

    await approve_substitute(organiser, event.id, substitute.id, settings)

    [mail] = await outbox("event-substitute-invited")
    assert mail.to_address == "cara@partner.example.org"
    assert "Delegate 1 cannot come" in mail.text_body


async def test_substitute_at_the_same_domain_is_let_in_when_the_event_allows(organiser, settings):
    event = await published_event(organiser, substitutes_need_approval=False)
    original = await invite(organiser, event)
    token = await link_for(original)

    same = await name_substitute(
        token, SubstituteData("Cara", "cara@partner.example.org"), settings
    )

    assert same.status == InvitationStatus.INVITED
    assert len(await outbox("event-substitute-invited")) == 1


async def test_substitute_at_another_domain_needs_approval_even_when_allowed(organiser, settings):
    event = await published_event(organiser, substitutes_need_approval=False)
    token = await link_for(await invite(organiser, event))

    stranger = await name_substitute(
        token, SubstituteData("Mallory", "mallory@elsewhere.example.com"), settings
    )

    assert stranger.status == InvitationStatus.PROPOSED
