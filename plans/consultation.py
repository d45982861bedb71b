"""The consultation on a plan: when it is open, who may respond, and closing it.

The close rule (``plans.timing.is_open``): a response is accepted iff the plan is in consultation,
``opens_at <= now < closes_at`` and it has not been closed (``closed_at``). Saving a
response checks it inside the saving transaction against the plan's row as the
database holds it then (``plans.respondents``: ``FOR SHARE`` on PostgreSQL, so the close
job and an organiser's change of times wait for saves under way and saves wait for them;
SQLite runs one writing transaction at a time), with the time taken after the lock, so
no save lands after the close and none is lost.

Organisers publish the draft for consultation (version 1, through
``plans.versions.publish_version``), set the times and who may respond (delegates of the
linked events always; partner staff and the public when switched on), and invite
partner staff by email. The worker closes consultations at their close time
(``close_due``, in ``plans.jobs``).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from convenor import plainsql
from convenor.auth import issue_link, now
from convenor.cleaning import clean_name, name_problem
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.message import InvalidAddress, validate_address
from convenor.mail.outbox import queue_email
from convenor.models import User
from convenor.settings import Settings
from directory.service import limit_public_form
from plans import consultation_emails as emails
from plans.models import (
    Plan,
    PlanStatus,
    Respondent,
    RespondentKind,
    VersionKind,
)
from plans.timing import is_open
from plans.tree import plan_by_id, plan_by_uuid
from plans.versions import check_may_edit, publish_version

# Personal links of partner staff and the public keep working (to read and download
# what they said) this long after the close; saving is refused from the close on.
LINK_DAYS_AFTER_CLOSE = 90


def refusal(plan: Plan, at: datetime) -> str:
    """Why a response to ``plan`` is not accepted at ``at`` (for the respondent)."""
    if plan.status == PlanStatus.DRAFT or plan.opens_at is None:
        return "This consultation has not opened yet."
    if plan.status != PlanStatus.CONSULTATION:
        return "This consultation has closed: the plan has been adopted."
    if at < plan.opens_at:
        return "This consultation has not opened yet."
    return "This consultation has closed, so your answers could not be saved."


def on_postgres() -> bool:
    """Whether the database is PostgreSQL (row locks; SQLite has one writer)."""
    return Tortoise.get_connection("default").capabilities.dialect != "sqlite"


@functools.cache
def _plan_sql() -> str:
    return f"SELECT {plainsql.columns(Plan)} FROM {plainsql.table(Plan)} WHERE id = ?"  # noqa: S608


async def locked_plan(plan_id: int) -> Plan:
    """The plan's row as committed now, share-locked until the transaction ends
    (PostgreSQL); call inside a transaction that must not outlive the close (workshop
    table points use it). NotFound if it is gone."""
    sql = _plan_sql() + (" FOR SHARE" if on_postgres() else "")
    rows = await plainsql.select(sql, [plan_id])
    if not rows:
        raise NotFound("No such plan.")
    return plainsql.model_from(Plan, rows[0])


# -- The organiser's side -------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationSettings:
    """What the organiser sets: the times (aware UTC) and who may respond."""

    opens_at: datetime | None
    closes_at: datetime | None
    partners_may_respond: bool = True
    public_may_respond: bool = False


@dataclass(frozen=True)
class ConsultationOverview:
    plan: Plan
    open_now: bool
    partners: list[Respondent]  # invited partner staff, by email
    counts: dict[str, int]  # {"delegate": n, "partner": n, "public": n, "submitted": n}


def _check_times(data: ConsultationSettings, at: datetime, *, moving: bool) -> None:
    errors = {}
    if data.opens_at is None:
        errors["opens_at"] = "Enter when the consultation opens, like 2027-06-09 09:30"
    if data.closes_at is None:
        errors["closes_at"] = "Enter when the consultation closes, like 2027-09-01 17:00"
    elif data.opens_at is not None and data.closes_at <= data.opens_at:
        errors["closes_at"] = "The close must be after the opening"
    elif moving and data.closes_at <= at:
        errors["closes_at"] = "The close must be in the future (use Close now to end it)"
    for name in ("opens_at", "closes_at"):
        value = getattr(data, name)
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime reached the consultation service")
    if errors:
        raise Invalid(fields=errors)


async def open_consultation(
    user: User, plan_id: int, opens_at: datetime, closes_at: datetime, **who: bool
) -> Plan:
    """Publish the draft for consultation: version 1 (kind CONSULTATION), the times and
    who may respond (``partners_may_respond``, ``public_may_respond``), status
    CONSULTATION. Side effects: plan version row, plan row; one transaction."""
    check_may_edit(user)
    data = ConsultationSettings(opens_at, closes_at, **who)
    _check_times(data, now(), moving=True)
    async with in_transaction():
        plan = await Plan.filter(id=plan_id).select_for_update().first()
        if plan is None:
            raise NotFound("No such plan.")
        if plan.status != PlanStatus.DRAFT:
            raise Conflict("This plan has already been published for consultation.")
        await publish_version(user, plan.id, VersionKind.CONSULTATION)
        plan.status = PlanStatus.CONSULTATION
        plan.opens_at, plan.closes_at, plan.closed_at = opens_at, closes_at, None
        plan.partners_may_respond = data.partners_may_respond
        plan.public_may_respond = data.public_may_respond
        plan.updated_at = now()
        await plan.save()
    return plan


async def change_consultation(user: User, plan_id: int, data: ConsultationSettings) -> Plan:
    """Change the times or who may respond of a consultation under way; a close moved
    later reopens a closed one. Side effects: the plan row (waits for saves under way)."""
    check_may_edit(user)
    async with in_transaction():
        plan = await Plan.filter(id=plan_id).select_for_update().first()
        if plan is None:
            raise NotFound("No such plan.")
        if plan.status != PlanStatus.CONSULTATION:
            raise Conflict("Only a plan in consultation has consultation times to change.")
        stamp = now()
        _check_times(data, stamp, moving=data.closes_at != plan.closes_at)
        assert data.closes_at is not None
        plan.opens_at, plan.closes_at = data.opens_at, data.closes_at
        if plan.closed_at is not None and data.closes_at > stamp:
            plan.closed_at = None  # extended: open again until the new close
        plan.partners_may_respond = data.partners_may_respond
        plan.public_may_respond = data.public_may_respond
        plan.updated_at = stamp
        await plan.save()
    return plan


async def close_now(user: User, plan_id: int) -> Plan:
    """End a consultation at once: the close time becomes now. Side effects: plan row."""
    check_may_edit(user)
    async with in_transaction():
        plan = await Plan.filter(id=plan_id).select_for_update().first()
        if plan is None:
            raise NotFound("No such plan.")
        stamp = now()
        if not is_open(plan, stamp):
            raise Conflict("This consultation is not open.")
        plan.closes_at = plan.closed_at = plan.updated_at = stamp
        await plan.save()
    return plan


async def close_due(at: datetime | None = None) -> int:
    """The worker's job: mark every consultation past its close time as closed; returns
    how many. Safe to repeat and to overlap. Side effects: plan rows (closed_at)."""
    stamp = at or now()
    return await Plan.filter(
        status=PlanStatus.CONSULTATION, closed_at__isnull=True, closes_at__lte=stamp
    ).update(closed_at=stamp)


async def overview(user: User, plan_id: int) -> ConsultationOverview:
    """The organiser's consultation page: the plan, invited partners, response counts.
    No side effects."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    partners = list(
        await Respondent.filter(plan_id=plan.id, kind=RespondentKind.PARTNER).order_by("email")
    )
    counts = {kind.value: 0 for kind in RespondentKind}
    rows = await Respondent.filter(plan_id=plan.id).values_list("kind", "submitted_at")
    for kind, submitted_at in rows:
        if submitted_at is not None:
            counts[kind] += 1
    counts["submitted"] = sum(counts.values())
    counts["drafts"] = sum(1 for _, submitted_at in rows if submitted_at is None)
    return ConsultationOverview(plan, is_open(plan, now()), partners, counts)


def link_lifetime_over(plan: Plan, at: datetime) -> bool:
    """Whether a partner's or the public's link has outlived the consultation."""
    end = plan.closed_at or plan.closes_at
    return end is not None and at >= end + timedelta(days=LINK_DAYS_AFTER_CLOSE)


def respond_url(settings: Settings, token: str) -> str:
    """The emailed address of a partner's or the public's own response form."""
    return f"{settings.base_url}/plans/respond/{token}"


# -- Partner staff and the public ----------------------------------------------------

RESPOND_LINK = "plan-respond"  # a partner's or a member of the public's own form
# The public form: a summit's shared Wi-Fi is one address for many people (as the
# directory's listing limits), and one email address gets a few links an hour.
PUBLIC_PER_ADDRESS = 30
PUBLIC_PER_EMAIL = 5
MAX_INVITES = 200


def email_identity(address: str) -> str:
    """``email:<sha256 of the normalised address>``: one response per address."""
    return "email:" + hashlib.sha256(address.strip().casefold().encode()).hexdigest()


def parse_addresses(text: str) -> list[str]:
    """The addresses in a pasted list (one a line, or separated by commas, semicolons or
    spaces), each checked, without repeats; Invalid naming the bad ones."""
    found, bad = [], []
    for item in re.split(r"[\s,;]+", text.strip()):
        if not item:
            continue
        try:
            address = validate_address(item)
        except InvalidAddress:
            bad.append(item[:80])
            continue
        if address.casefold() not in {a.casefold() for a in found}:
            found.append(address)
    if bad:
        raise Invalid(fields={"emails": "Correct these addresses: " + ", ".join(bad[:10])})
    if not found:
        raise Invalid(fields={"emails": "Enter at least one email address"})
    if len(found) > MAX_INVITES:
        raise Invalid(fields={"emails": f"Invite at most {MAX_INVITES} people at a time"})
    return found


async def _link_for(plan: Plan, kind: RespondentKind, address: str, name: str) -> str:
    """Find or make the respondent of this address and issue them a new link."""
    stamp = now()
    await Respondent.bulk_create(
        [
            Respondent(
                plan_id=plan.id, kind=kind, identity=email_identity(address), email=address,
                name=name, created_at=stamp, updated_at=stamp,
            )
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    respondent = await Respondent.get(plan_id=plan.id, identity=email_identity(address))
    return await issue_link(RESPOND_LINK, f"respondent:{respondent.id}")


async def invite_partners(user: User, plan_id: int, text: str, settings: Settings) -> int:
    """Email each address a personal link to respond as a partner; returns how many.
    Side effects: respondent rows (kind partner), links, outbox rows; one transaction."""
    check_may_edit(user)
    addresses = parse_addresses(text)
    async with in_transaction():
        plan = await plan_by_id(plan_id)
        if plan.status != PlanStatus.CONSULTATION or plan.closed_at is not None:
            raise Conflict("Partners can be invited while the consultation is published and open.")
        if not plan.partners_may_respond:
            raise Invalid(fields={"emails": "Let partners respond first (Who may respond)"})
        for address in addresses:
            token = await _link_for(plan, RespondentKind.PARTNER, address, "")
            await queue_email(
                to=address,
                rendered=emails.respond_invitation(plan, respond_url(settings, token)),
                mail_from=settings.mail_from,
                category=emails.CATEGORY,
                related=emails.related(plan),
            )
    return len(addresses)


async def public_plan(plan_uuid: str) -> tuple[Plan, bool]:
    """The plan behind the public "respond" page and whether the public may respond
    now. NotFound for a draft. No side effects."""
    plan = await plan_by_uuid(plan_uuid)
    if plan.status == PlanStatus.DRAFT:
        raise NotFound()
    return plan, plan.public_may_respond and is_open(plan, now())


async def start_public_response(
    plan_uuid: str,
    email: str,
    name: str,
    settings: Settings,
    client_address: str,
    honeypot: str = "",
) -> Plan:
    """A member of the public asks to respond: their link goes to the email given
    (confirming it). A filled-in honeypot saves nothing and sends nothing, and looks the
    same. Raises RateLimited past the limits, Conflict when not open to the public.
    Side effects: attempt rows, respondent row (kind public), link, outbox row."""  # fmt: skip
    plan, open_to_public = await public_plan(plan_uuid)
    errors = {}
    try:
        address = validate_address(email.strip())
    except InvalidAddress:
        errors["email"] = "Enter an email address like name@example.org"
    name = name.strip()[:200]
    if problem := name_problem(name):
        errors["name"] = problem
    if errors:
        raise Invalid(fields=errors)
    await limit_public_form(
        "plan-respond", client_address, per_hour=PUBLIC_PER_ADDRESS, email=address,
        per_email=PUBLIC_PER_EMAIL,
        message="Too many requests for links from here or for this address. Try again in an hour.",
    )  # fmt: skip
    if honeypot.strip():
        return plan
    if not open_to_public:
        raise Conflict("This consultation is not open to the public now.")
    async with in_transaction():
        token = await _link_for(plan, RespondentKind.PUBLIC, address, clean_name(name))
        await queue_email(
            to=address,
            to_name=clean_name(name),
            rendered=emails.respond_confirm(plan, respond_url(settings, token), name),
            mail_from=settings.mail_from,
            category=emails.CATEGORY,
            related=emails.related(plan),
        )
    return plan


async def save_consultation(user: User, plan_id: int, data: ConsultationSettings) -> Plan:
    """The organiser's settings form: a draft is published for consultation with them
    (``open_consultation``), a consultation under way changed (``change_consultation``).
    Side effects: theirs."""
    plan = await plan_by_id(plan_id)
    if plan.status == PlanStatus.DRAFT:
        _check_times(data, now(), moving=True)
        assert data.opens_at is not None and data.closes_at is not None
        return await open_consultation(
            user,
            plan_id,
            data.opens_at,
            data.closes_at,
            partners_may_respond=data.partners_may_respond,
            public_may_respond=data.public_may_respond,
        )
    return await change_consultation(user, plan_id, data)
