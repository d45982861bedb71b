"""Invitations: adding invitees (one by one, or a list all or nothing: the API and the
demo; pages import spreadsheets through ``events.invitee_import``), sending, reminding,
resending, revoking, and what an invitee can do from their link (decline, name a
substitute).

Every public function runs in its own transaction; emails are queued in it.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from convenor.auth import now, revoke_links
from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import User
from convenor.settings import Settings
from events import notices
from events.access import INVITATION_LINK, get_event_for, invitation_for_link, locked_event_for
from events.data import InviteeData, SubstituteData, multi_line
from events.invitee_csv import InviteePreview, check_invitees, parse_csv
from events.models import Event, EventStatus, Invitation, InvitationStatus, Registration
from events.registration import cancel

ACTIVE = (InvitationStatus.REGISTERED, InvitationStatus.WAITLISTED)


async def _invited_emails(event_id: int) -> set[str]:
    return set(await Invitation.filter(event_id=event_id).values_list("email", flat=True))


async def create_invitations(event: Event, invitees: list[InviteeData]) -> list[Invitation]:
    """Invitation rows for checked invitees (not emailed); Conflict if one was just added."""
    stamp = now()
    made = []
    try:
        for invitee in invitees:
            made.append(
                await Invitation.create(
                    event=event, status=InvitationStatus.INVITED, created_at=stamp, **vars(invitee)
                )
            )
    except IntegrityError:
        # Another organiser added the same person at the same moment.
        raise Conflict(
            "Someone on this list has just been invited; check the list again."
        ) from None
    return made


async def add_invitee(user: User, event_id: int, data: InviteeData) -> Invitation:
    """Add one invitee (not yet emailed). Side effects: invitation row."""
    async with in_transaction():
        event = await locked_event_for(user, event_id)
        [row] = check_invitees([(1, data)], await _invited_emails(event.id))
        if not row.ok:
            fields = {}
            for problem in row.problems:
                fields["name" if "name" in problem else "email"] = problem
            raise Invalid(fields=fields)
        [invitation] = await create_invitations(event, [row.invitee])
    return invitation


async def preview_invitee_csv(user: User, event_id: int, text: str) -> InviteePreview:
    """Read a CSV invite list and show every row's problems. No side effects."""
    event = await get_event_for(user, event_id)
    rows, file_problems = parse_csv(text)
    return InviteePreview(check_invitees(rows, await _invited_emails(event.id)), file_problems)


async def import_invitees(user: User, event_id: int, rows: list[InviteeData]) -> list[Invitation]:
    """Save a previewed list, all or nothing. Side effects: invitation rows (not emailed).

    Raises Invalid with a message per faulty row (``row_<n>``, counting from 1) and
    saves nothing if any row has a problem.
    """
    async with in_transaction():
        event = await locked_event_for(user, event_id)
        checked = check_invitees(enumerate(rows, start=1), await _invited_emails(event.id))
        problems = {f"row_{r.line}": "; ".join(r.problems) for r in checked if not r.ok}
        if problems or not checked:
            raise Invalid(
                "Nothing was imported: correct the rows with problems and try again.",
                fields=problems or {"rows": "There are no invitees to import"},
            )
        return await create_invitations(event, [row.invitee for row in checked])


def _check_published(event: Event) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise Conflict("Publish the event before sending invitations.")


async def _selected(event: Event, ids: list[int] | None, **filters) -> list[Invitation]:
    query = Invitation.filter(event=event, **filters)
    if ids is not None:
        query = query.filter(id__in=ids)
    return list(await query.order_by("id"))


async def invitations_for(user: User, event_id: int, ids: list[int]) -> list[Invitation]:
    """The event's invitations with these ids, by id (others are left out), for a
    confirmation page. No side effects."""
    event = await get_event_for(user, event_id)
    return await _selected(event, ids)


async def send_invitations(
    user: User, event_id: int, settings: Settings, invitation_ids: list[int] | None = None
) -> int:
    """Email every invitee not yet emailed (or those chosen). Side effects: outbox rows,
    sent_at. Returns how many were sent."""
    async with in_transaction():
        event = await get_event_for(user, event_id)
        _check_published(event)
        unsent = await _selected(
            event, invitation_ids, status=InvitationStatus.INVITED, sent_at__isnull=True
        )
        for invitation in unsent:
            await _send(settings, event, invitation)
    return len(unsent)


async def _send(settings: Settings, event: Event, invitation: Invitation) -> None:
    template = "substitute_invited" if invitation.substitute_of_id else "invitation"  # type: ignore[attr-defined]
    await notices.send_invitation(settings, event, invitation, template)
    invitation.sent_at = now()
    await invitation.save(update_fields=["sent_at"])


async def _locked_invitation(event: Event, invitation_id: int) -> Invitation:
    # Lock order everywhere: a delegate's invitation row before the event row.
    invitation = await Invitation.filter(id=invitation_id, event=event).select_for_update().first()
    if invitation is None:
        raise NotFound()
    return invitation


async def resend_invitation(
    user: User, event_id: int, invitation_id: int, settings: Settings
) -> Invitation:
    """Send the invitation again with a fresh link. Side effects: outbox row, sent_at."""
    async with in_transaction():
        event = await get_event_for(user, event_id)
        _check_published(event)
        invitation = await _locked_invitation(event, invitation_id)
        if invitation.status in (InvitationStatus.REVOKED, InvitationStatus.PROPOSED):
            raise Conflict("This invitation cannot be sent; it is revoked or awaiting approval.")
        await _send(settings, event, invitation)
    return invitation


async def remind_invitees(
    user: User, event_id: int, settings: Settings, invitation_ids: list[int] | None = None
) -> int:
    """Remind invitees who were emailed but have not answered (all, or those chosen).

    Side effects: outbox rows, reminded_at. Returns how many were reminded.
    """
    async with in_transaction():
        event = await get_event_for(user, event_id)
        _check_published(event)
        pending = await _selected(
            event, invitation_ids, status=InvitationStatus.INVITED, sent_at__not_isnull=True
        )
        reminded = 0
        for invitation in pending:
            # Conditional, so someone who answered a moment ago is not reminded.
            if await Invitation.filter(id=invitation.id, status=InvitationStatus.INVITED).update(
                reminded_at=now()
            ):
                await notices.send_invitation(settings, event, invitation, "reminder")
                reminded += 1
    return reminded


async def revoke_invitation(
    user: User, event_id: int, invitation_id: int, settings: Settings
) -> Invitation:
    """Withdraw an invitation: its links stop working. Side effects: links revoked; a
    registered delegate's place is cancelled (METHOD:CANCEL, waitlist promoted)."""
    async with in_transaction():
        event = await get_event_for(user, event_id)
        invitation = await _locked_invitation(event, invitation_id)
        registration = await Registration.get_or_none(invitation_id=invitation.id)
        if registration is not None:
            await cancel(registration, invitation, settings, template="place_withdrawn")
        invitation.status = InvitationStatus.REVOKED
        await invitation.save(update_fields=["status"])
        await revoke_links(INVITATION_LINK, invitation.link_subject)
    return invitation


async def decline(token: str, reason: str = "") -> Invitation:
    """The invitee declines, optionally saying why. Side effects: status and reason."""
    async with in_transaction():
        invitation = await invitation_for_link(token, lock=True)
        if invitation.status in ACTIVE:
            raise Conflict("You are registered; cancel your registration instead.")
        invitation.status = InvitationStatus.DECLINED
        invitation.decline_reason = multi_line(reason, 1000)
        invitation.responded_at = now()
        await invitation.save(update_fields=["status", "decline_reason", "responded_at"])
    return invitation


def _domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


async def name_substitute(token: str, data: SubstituteData, settings: Settings) -> Invitation:
    """An invitee who cannot come names someone from their organisation.

    Side effects: the invitee declines; a new invitation for the substitute, emailed at
    once if the event allows substitutes and the address is at the same email domain,
    otherwise left for an organiser to approve (a forwarded link lets no stranger in).
    """
    async with in_transaction():
        original = await invitation_for_link(token, lock=True)
        if original.status in ACTIVE:
            raise Conflict("You are registered; cancel your registration first.")
        event = await Event.get(id=original.event_id)  # type: ignore[attr-defined]
        if event.status != EventStatus.PUBLISHED:
            raise Conflict("This event is not taking registrations.")
        invitee = InviteeData(data.name, data.email, original.organisation, data.job_title)
        [row] = check_invitees([(1, invitee)], await _invited_emails(event.id))
        if not row.ok:
            fields = {}
            for problem in row.problems:
                fields["name" if "name" in problem else "email"] = problem
            raise Invalid(fields=fields)
        automatic = not event.substitutes_need_approval and _domain(row.invitee.email) == _domain(
            original.email
        )
        [substitute] = await create_invitations(event, [row.invitee])
        substitute.substitute_of = original
        substitute.status = InvitationStatus.INVITED if automatic else InvitationStatus.PROPOSED
        await substitute.save(update_fields=["substitute_of_id", "status"])
        original.status = InvitationStatus.DECLINED
        original.decline_reason = f"Named a substitute: {row.invitee.name}"
        original.responded_at = now()
        await original.save(update_fields=["status", "decline_reason", "responded_at"])
        if automatic:
            await _send(settings, event, substitute)
    return substitute


async def approve_substitute(
    user: User, event_id: int, invitation_id: int, settings: Settings
) -> Invitation:
    """Let a proposed substitute in. Side effects: status invited, invitation emailed."""
    async with in_transaction():
        event = await get_event_for(user, event_id)
        substitute = await _locked_invitation(event, invitation_id)
        if substitute.status != InvitationStatus.PROPOSED:
            raise Conflict("This substitute has already been dealt with.")
        substitute.status = InvitationStatus.INVITED
        await substitute.save(update_fields=["status"])
        if event.status == EventStatus.PUBLISHED:
            await _send(settings, event, substitute)
    return substitute
