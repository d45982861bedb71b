"""Lead agencies' contacts: named by the organiser, invited by email, reminded on a schedule.

A contact belongs to one plan and one lead organisation (its directory entry). Their
personal link (purpose ``plan-lead``, subject ``lead:<contact id>``; only its hash is
stored) opens ``/lead/<token>``, where they update ONLY the actions their organisation
leads in THAT plan: any other action is "not found", whether it is another
organisation's or another plan's. A fresh link goes with each email; removing the
contact revokes them all.

The schedule: the organiser sets ``Plan.update_every_days`` (91 for quarterly). A
contact is reminded when, for a whole period, their organisation's actions have had no
update and they have been neither invited nor reminded (``reminder_due``). An
organisation is overdue on the organiser's page on the same rule, counted from its
first invitation. Reminders are claimed by one conditional UPDATE of ``reminded_at`` in
the transaction that queues the email, so overlapping workers send each one once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from convenor.auth import issue_link, normalise_email, now, resolve_link, revoke_links
from convenor.errors import Conflict, Invalid, NotFound
from convenor.jobs import Job
from convenor.mail.outbox import queue_email
from convenor.models import User
from convenor.settings import Settings
from directory.models import Entry
from events.data import one_line
from plans import register_emails
from plans.models import ActionPartner, LeadContact, PartnerRole, Plan, PlanStatus, Review
from plans.register import (
    REGISTER_STATUSES,
    ReadingData,
    RegisterAction,
    UpdateData,
    add_reading,
    record_update,
    register_actions,
)
from plans.reviews import reviews_of
from plans.tree import ActionView, PlanTree, load_tree, plan_by_id
from plans.versions import check_may_edit

LEAD_LINK = "plan-lead"
MIN_DAYS, MAX_DAYS = 7, 731


def link_subject(contact_id: int) -> str:
    return f"lead:{contact_id}"


def reminder_due(
    at: datetime,
    every_days: int | None,
    last_update: datetime | None,
    invited_at: datetime | None,
    reminded_at: datetime | None,
) -> bool:
    """Whether a contact is due a reminder at ``at``: invited, and for a whole period no
    update to their organisation's actions, no invitation and no reminder."""
    if not every_days or invited_at is None:
        return False
    baseline = max(t for t in (last_update, invited_at, reminded_at) if t is not None)
    return at >= baseline + timedelta(days=every_days)


@dataclass
class LeadOrganisation:
    """A lead organisation of the plan as the organiser sees it."""

    entry_id: int
    name: str
    actions: list[ActionView]
    contacts: list[LeadContact] = field(default_factory=list)
    last_update_at: datetime | None = None
    due_at: datetime | None = None  # when its next update is due (None: nothing asked yet)
    overdue: bool = False


def _lead_map(tree: PlanTree) -> dict[int, tuple[str, list[ActionView]]]:
    leads: dict[int, tuple[str, list[ActionView]]] = {}
    for action in tree.actions:
        for partner in action.leads:
            leads.setdefault(partner.entry_id, (partner.name, []))[1].append(action)
    return leads


def _last_update(actions: list[ActionView]) -> datetime | None:
    return max((a.last_update_at for a in actions if a.last_update_at), default=None)


async def lead_organisations(plan: Plan, at: datetime | None = None) -> list[LeadOrganisation]:
    """Every organisation leading an action, with its live contacts and whether its update
    is overdue (adopted plans with a schedule only). Reads only."""
    at = at or now()
    tree = await load_tree(plan)
    contacts = await LeadContact.filter(plan_id=plan.id, revoked_at__isnull=True).order_by("id")
    found = []
    for entry_id, (name, actions) in sorted(
        _lead_map(tree).items(), key=lambda item: (item[1][0].casefold(), item[0])
    ):
        org = LeadOrganisation(
            entry_id, name, actions, [c for c in contacts if c.entry_id == entry_id]
        )  # type: ignore[attr-defined]
        org.last_update_at = _last_update(actions)
        invited = [c.invited_at for c in org.contacts if c.invited_at]
        if plan.update_every_days and invited and plan.status == PlanStatus.ADOPTED:
            baseline = max(t for t in (org.last_update_at, min(invited)) if t is not None)
            org.due_at = baseline + timedelta(days=plan.update_every_days)
            org.overdue = at >= org.due_at
        found.append(org)
    return found


@dataclass
class StaffRegister:
    """The organiser's register page: lead organisations, every action, reviews."""

    plan: Plan
    organisations: list[LeadOrganisation]
    actions: list[RegisterAction]
    reviews: list[Review]

    @property
    def overdue(self) -> list[LeadOrganisation]:
        return [org for org in self.organisations if org.overdue]


async def staff_register(user: User, plan_id: int) -> StaffRegister:
    """Everything on the organiser's register page. Reads only."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    organisations = await lead_organisations(plan)
    actions = await register_actions(await load_tree(plan), charts=False)
    return StaffRegister(plan, organisations, actions, await reviews_of(plan.id))


async def set_schedule(user: User, plan_id: int, every_days: str) -> Plan:
    """Set how often lead agencies are asked for updates (blank: never). Side effects: plan."""
    check_may_edit(user)
    text = every_days.strip()
    days = None
    if text:
        if not text.isdigit() or not MIN_DAYS <= int(text) <= MAX_DAYS:
            message = f"Enter a number of days from {MIN_DAYS} to {MAX_DAYS}, or leave it blank"
            raise Invalid(fields={"update_every_days": message})
        days = int(text)
    async with in_transaction():
        plan = await plan_by_id(plan_id)
        plan.update_every_days = days
        plan.updated_at = now()
        await plan.save(update_fields=["update_every_days", "updated_at"])
    return plan


async def add_contact(
    user: User, plan_id: int, entry_id: int, name: str, email: str
) -> LeadContact:
    """Name a contact for one of the plan's lead organisations (not yet emailed).
    Side effects: contact row (a removed contact with the same address comes back)."""
    check_may_edit(user)
    errors: dict[str, str] = {}
    clean_name = one_line(name, 200)
    if not clean_name:
        errors["name"] = "Enter the contact's name"
    try:
        address = normalise_email(email)
    except Invalid:
        errors["email"] = "Enter an email address like name@example.org"
        address = ""
    async with in_transaction():
        plan = await plan_by_id(plan_id)
        leads = await ActionPartner.filter(
            entry_id=entry_id,
            role=PartnerRole.LEAD,
            action__plan_id=plan.id,
            action__removed_at__isnull=True,
        ).exists()
        if not leads:
            raise NotFound("That organisation leads no action in this plan.")
        existing = await LeadContact.get_or_none(plan_id=plan.id, entry_id=entry_id, email=address)
        if existing is not None and existing.revoked_at is None:
            errors["email"] = "This address is already a contact for the organisation"
        if errors:
            raise Invalid(fields=errors)
        if existing is not None:
            existing.update_from_dict({"name": clean_name, "revoked_at": None, "invited_at": None})
            await existing.save()
            return existing
        return await LeadContact.create(
            plan=plan, entry_id=entry_id, name=clean_name, email=address, created_at=now()
        )


async def _contact_of(plan_id: int, contact_id: int) -> LeadContact:
    contact = await LeadContact.get_or_none(id=contact_id, plan_id=plan_id, revoked_at__isnull=True)
    if contact is None:
        raise NotFound()
    return contact


async def _send(
    settings: Settings, plan: Plan, contact: LeadContact, tree: PlanTree, kind: str
) -> None:
    name, actions = _lead_map(tree).get(contact.entry_id, ("", []))  # type: ignore[attr-defined]
    token = await issue_link(LEAD_LINK, link_subject(contact.id))
    build = register_emails.invitation if kind == "invitation" else register_emails.reminder
    await queue_email(
        to=contact.email,
        to_name=contact.name,
        rendered=build(settings, plan, contact, name, actions, token),
        mail_from=settings.mail_from,
        reply_to=plan.contact_email or None,
        category=f"plan-lead-{kind}",
        related=link_subject(contact.id),
    )


async def invite_contact(
    user: User, plan_id: int, contact_id: int, settings: Settings
) -> LeadContact:
    """Email a contact their personal link (again, if asked). Side effects: link issued,
    invited_at, outbox row (one transaction)."""
    check_may_edit(user)
    async with in_transaction():
        plan = await plan_by_id(plan_id)
        if plan.status != PlanStatus.ADOPTED:
            raise Conflict("Lead agencies are invited once the plan is adopted.")
        contact = await _contact_of(plan.id, contact_id)
        contact.invited_at = now()
        await contact.save(update_fields=["invited_at"])
        await _send(settings, plan, contact, await load_tree(plan), "invitation")
    return contact


async def remove_contact(user: User, plan_id: int, contact_id: int) -> None:
    """Stop a contact updating: their links revoked. Side effects: revoked_at, links."""
    check_may_edit(user)
    async with in_transaction():
        contact = await _contact_of(plan_id, contact_id)
        await revoke_links(LEAD_LINK, link_subject(contact.id))
        contact.revoked_at = now()
        await contact.save(update_fields=["revoked_at"])


# The contact's own page --------------------------------------------------------------


@dataclass
class LeadPage:
    contact: LeadContact
    plan: Plan
    organisation: str
    actions: list[RegisterAction]


async def contact_for_token(token: str) -> tuple[LeadContact, Plan]:
    """The live contact behind a link and their plan (adopted or archived); NotFound else."""
    subject = await resolve_link(token, LEAD_LINK)
    if subject is None or not subject.startswith("lead:") or not subject[5:].isdigit():
        raise NotFound()
    contact = await LeadContact.get_or_none(id=int(subject[5:]), revoked_at__isnull=True)
    if contact is None:
        raise NotFound()
    plan = await Plan.get(id=contact.plan_id)  # type: ignore[attr-defined]
    if plan.status not in REGISTER_STATUSES:
        raise NotFound()
    return contact, plan


async def lead_page(token: str) -> LeadPage:
    """What a contact sees: their organisation's actions in their plan. Reads only."""
    contact, plan = await contact_for_token(token)
    tree = await load_tree(plan)
    entry_id = contact.entry_id  # type: ignore[attr-defined]
    mine = [
        a for a in await register_actions(tree) if entry_id in {p.entry_id for p in a.view.leads}
    ]
    name = await Entry.filter(id=entry_id).values_list("name", flat=True)
    return LeadPage(contact, plan, name[0] if name else "", mine)


async def _own_action(contact: LeadContact, plan: Plan, action_id: int) -> None:
    """NotFound unless the action is a live action of the plan led by the contact's
    organisation: another plan's or another organisation's action is not theirs."""
    owned = await ActionPartner.filter(
        action_id=action_id,
        entry_id=contact.entry_id,  # type: ignore[attr-defined]
        role=PartnerRole.LEAD,
        action__plan_id=plan.id,
        action__removed_at__isnull=True,
    ).exists()
    if not owned:
        raise NotFound()


async def lead_update(token: str, action_id: int, data: UpdateData) -> None:
    """A contact's update to one of their organisation's actions. Side effects: see
    ``plans.register.record_update`` (the update names the contact and organisation)."""
    contact, plan = await contact_for_token(token)
    await _own_action(contact, plan, action_id)
    name = await Entry.filter(id=contact.entry_id).values_list("name", flat=True)  # type: ignore[attr-defined]
    await record_update(
        plan,
        action_id,
        data,
        author_name=contact.name,
        author_organisation=name[0] if name else "",
        contact=contact,
    )


async def lead_reading(token: str, action_id: int, data: ReadingData) -> None:
    """A contact's reading of one of their actions' measure. Side effects: reading row."""
    contact, plan = await contact_for_token(token)
    await _own_action(contact, plan, action_id)
    await add_reading(plan, action_id, data)


# Reminders (the worker's job) ----------------------------------------------------------


async def send_due_reminders(settings: Settings, at: datetime | None = None) -> int:
    """Remind each contact whose organisation's update is due (``reminder_due``).
    Side effects: reminded_at, links issued, outbox rows. Returns how many were sent."""
    at = at or now()
    sent = 0
    plans = await Plan.filter(status=PlanStatus.ADOPTED, update_every_days__isnull=False)
    for plan in plans:
        assert plan.update_every_days is not None
        period = timedelta(days=plan.update_every_days)
        tree = await load_tree(plan)
        leads = _lead_map(tree)
        contacts = await LeadContact.filter(
            plan_id=plan.id, revoked_at__isnull=True, invited_at__isnull=False
        ).order_by("id")
        for contact in contacts:
            _, actions = leads.get(contact.entry_id, ("", []))  # type: ignore[attr-defined]
            last = _last_update(actions)
            if not actions or not reminder_due(
                at, plan.update_every_days, last, contact.invited_at, contact.reminded_at
            ):
                continue
            async with in_transaction():
                claimed = await (
                    LeadContact.filter(id=contact.id, revoked_at__isnull=True)
                    .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=at - period))
                    .update(reminded_at=at)
                )
                if not claimed:
                    continue
                await _send(settings, plan, contact, tree, "reminder")
            sent += 1
    return sent


async def remind_leads(settings: Settings) -> str | None:
    """The worker's job: remind the contacts whose update is due."""
    sent = await send_due_reminders(settings)
    return f"reminded {sent} lead agency contact(s)" if sent else None


REMINDER_JOB = Job("remind lead agencies", timedelta(hours=1), remind_leads)
