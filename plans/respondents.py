"""Responding to a consultation: who may respond, the response form, saving, downloading.

Who may respond, and how they are known (``Respondent.identity``, one response per
person per plan):

- a delegate of an event linked to the plan (``PlanEvent``), from their invitation link
  (``/i/<token>/plans/<uuid>``), if they are registered for it (waitlisted, cancelled,
  declined and only-invited delegates are refused): ``registration:<id>``;
- partner staff the organiser invited by email, while partners may respond, and
  members of the public who confirmed their email, while the public may respond, from
  their own emailed link (``/plans/respond/<token>``): ``email:<sha256>``.

A response is saved as a draft or sent; either way it can be changed until the close.
Every save checks the close rule inside its transaction (``plans.consultation``): a save
that loses the race with the close is refused (Conflict) and nothing of it is stored.
The public's comments wait for moderation (``Answer.moderation``); a changed comment
waits again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from convenor import plainsql
from convenor.auth import now, unrevoked_link
from convenor.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from convenor.spreadsheet import Sheet
from directory.service import add_pending_entry
from events.access import invitation_for_link
from events.models import Registration, RegistrationStatus
from plans.consultation import (
    RESPOND_LINK,
    is_open,
    link_lifetime_over,
    on_postgres,
    refusal,
)
from plans.consultation_forms import AnswerData, ResponseData
from plans.models import (
    CAPACITY_LABELS,
    SUPPORT_LABELS,
    Action,
    Answer,
    Capacity,
    Moderation,
    Plan,
    PlanEvent,
    PlanStatus,
    Priority,
    Respondent,
    RespondentKind,
)
from plans.tree import PlanTree, load_tree, plan_by_id, plan_by_uuid


@dataclass(frozen=True)
class Who:
    """A person allowed to open the form of one plan, and how they are known."""

    plan: Plan
    kind: RespondentKind
    identity: str
    respondent_id: int | None = None  # partners and the public: made with their link
    registration: Registration | None = None  # delegates
    event_id: int | None = None


@dataclass
class ResponseForm:
    """What the respondent's page shows: the plan, their saved answers, whether open."""

    who: Who
    tree: PlanTree
    respondent: Respondent | None
    data: ResponseData
    open_now: bool
    closed_message: str


def respondent_subject(respondent_id: int) -> str:
    return f"respondent:{respondent_id}"


async def delegate_respondent(token: str, plan_uuid: str) -> Who:
    """A registered delegate of an event linked to the plan, from their invitation link.
    NotFound for a dead link, another plan or a draft; Forbidden if not registered."""
    invitation = await invitation_for_link(token)
    plan = await plan_by_uuid(plan_uuid)
    event_id = invitation.event_id  # type: ignore[attr-defined]
    linked = await PlanEvent.exists(plan_id=plan.id, event_id=event_id)
    if not linked or plan.status == PlanStatus.DRAFT:
        raise NotFound()
    registration = await Registration.get_or_none(invitation_id=invitation.id)
    if registration is None or registration.status != RegistrationStatus.REGISTERED:
        raise Forbidden("Only delegates registered for the event can respond from this link.")
    return Who(
        plan=plan,
        kind=RespondentKind.DELEGATE,
        identity=f"registration:{registration.id}",
        registration=registration,
        event_id=event_id,
    )


async def link_respondent(token: str) -> Who:
    """A partner's or a member of the public's own response, from their emailed link.
    NotFound for a dead link; Gone long after the close; Forbidden when their group may
    no longer respond."""
    link = await unrevoked_link(token, RESPOND_LINK)
    prefix, _, number = (link.subject if link else "").partition(":")
    if prefix != "respondent" or not number.isdigit():
        raise NotFound()
    respondent = await Respondent.get_or_none(id=int(number))
    if respondent is None:
        raise NotFound()
    plan = await plan_by_id(respondent.plan_id)  # type: ignore[attr-defined]
    if plan.status == PlanStatus.DRAFT:
        raise NotFound()
    if link_lifetime_over(plan, now()) or respondent.reduced_at is not None:
        raise Gone("This link has expired: the consultation closed some time ago.")
    kind = RespondentKind(respondent.kind)
    check_allowed(plan, kind)
    return Who(plan=plan, kind=kind, identity=respondent.identity, respondent_id=respondent.id)


def check_allowed(plan: Plan, kind: RespondentKind) -> None:
    """Forbidden when the organiser has switched off responses from this group."""
    if kind == RespondentKind.PARTNER and not plan.partners_may_respond:
        raise Forbidden("This consultation is no longer taking responses from partners.")
    if kind == RespondentKind.PUBLIC and not plan.public_may_respond:
        raise Forbidden("This consultation is no longer taking responses from the public.")


async def _saved(who: Who) -> Respondent | None:
    if who.respondent_id is not None:
        return await Respondent.get_or_none(id=who.respondent_id)
    return await Respondent.get_or_none(plan_id=who.plan.id, identity=who.identity)


def data_of(respondent: Respondent | None, answers: list[Answer]) -> ResponseData:
    """A saved response as the form's data."""
    if respondent is None:
        return ResponseData()
    return ResponseData(
        capacity=Capacity(respondent.capacity) if respondent.capacity else None,
        organisation=respondent.organisation,
        may_quote=respondent.may_quote,
        name=respondent.name,
        answers={a.target: AnswerData(a.support, a.comment, a.missing) for a in answers},
    )


async def response_form(who: Who) -> ResponseForm:
    """The respondent's page: the plan and what they saved. No side effects."""
    tree = await load_tree(who.plan)
    respondent = await _saved(who)
    answers = list(await Answer.filter(respondent_id=respondent.id)) if respondent else []
    data = data_of(respondent, answers)
    if respondent is None and who.registration is not None:
        data.organisation = who.registration.organisation
    at = now()
    open_now = is_open(who.plan, at)
    return ResponseForm(
        who, tree, respondent, data, open_now, "" if open_now else refusal(who.plan, at)
    )


# -- Saving ----------------------------------------------------------------------------


async def answer_targets(plan_id: int) -> dict[str, tuple[int, int | None]]:
    """Every target a respondent may answer: ``priority:<ref>`` and ``action:<ref>`` of
    the plan's current priorities and actions, with (priority id, action id)."""
    targets: dict[str, tuple[int, int | None]] = {}
    live = {"plan_id": plan_id, "removed_at__isnull": True}
    for priority_id, ref in await Priority.filter(**live).values_list("id", "ref"):
        targets[f"priority:{ref}"] = (priority_id, None)
    for action_id, ref, priority_id in await Action.filter(**live).values_list(
        "id", "ref", "priority_id"
    ):
        targets[f"action:{ref}"] = (priority_id, action_id)
    return targets


def _check_rules(data: ResponseData, submit: bool) -> None:
    if submit and data.capacity is None:
        raise Invalid(fields={"capacity": "Choose in what capacity you are responding"})


@functools.cache
def _locked_sql(by: str) -> str:
    return (
        f"SELECT {plainsql.columns(Plan, 'p')}, {plainsql.columns(Respondent, 'r')} "  # noqa: S608
        f"FROM {plainsql.table(Plan)} p JOIN {plainsql.table(Respondent)} r "
        f"ON r.plan_id = p.id WHERE p.id = ? AND r.{by} = ?"
    )


async def _locked(who: Who) -> tuple[Plan, Respondent, datetime]:
    """Inside the saving transaction: the plan's row as committed now, share-locked, and
    the respondent's, locked (PostgreSQL; SQLite runs one writing transaction at a
    time), in one statement; a delegate's first save makes their row first (two first
    saves at once make one: the second insert is ignored and both read it). Then the
    close rule, at the time taken after the lock: Conflict with the reason if it says no.
    Plain SQL for the locks' sake (the ORM cannot share-lock one table and update-lock
    another in one statement), not for speed.
    """
    stamp = now()
    if who.respondent_id is None:
        registration = who.registration
        await Respondent.bulk_create(
            [
                Respondent(
                    plan_id=who.plan.id, kind=who.kind, identity=who.identity,
                    registration_id=registration.id if registration else None,
                    event_id=who.event_id, name=registration.name if registration else "",
                    created_at=stamp, updated_at=stamp,
                )
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        by, key = "identity", who.identity
    else:
        by, key = "id", who.respondent_id
    sql = _locked_sql(by) + (" FOR SHARE OF p FOR UPDATE OF r" if on_postgres() else "")
    rows = await plainsql.select(sql, [who.plan.id, key])
    if not rows:
        raise NotFound()
    plan = plainsql.model_from(Plan, rows[0], "p")
    respondent = plainsql.model_from(Respondent, rows[0], "r")
    stamp = now()
    if not is_open(plan, stamp):
        raise Conflict(refusal(plan, stamp))
    return plan, respondent, stamp


def _moderation(kind: RespondentKind, answer: AnswerData) -> Moderation:
    if kind == RespondentKind.PUBLIC and (answer.comment or answer.missing):
        return Moderation.WAITING
    return Moderation.NOT_NEEDED


async def _write_answers(
    respondent: Respondent, kind: RespondentKind, data: ResponseData, stamp: datetime
) -> None:
    targets = await answer_targets(respondent.plan_id)  # type: ignore[attr-defined]
    existing = {a.target: a for a in await Answer.filter(respondent_id=respondent.id)}
    new, gone = [], []
    for target, (priority_id, action_id) in targets.items():
        given = data.answers.get(target, AnswerData())
        if action_id is None:  # priorities take a comment and what is missing, no support
            given = AnswerData(None, given.comment, given.missing)
        else:
            given = AnswerData(given.support, given.comment, "")
        old = existing.get(target)
        if old is None:
            if not given.empty:
                new.append(
                    Answer(
                        respondent_id=respondent.id,
                        plan_id=respondent.plan_id,  # type: ignore[attr-defined]
                        target=target,
                        priority_id=priority_id,
                        action_id=action_id,
                        support=given.support,
                        comment=given.comment,
                        missing=given.missing,
                        moderation=_moderation(kind, given),
                        created_at=stamp,
                        updated_at=stamp,
                    )
                )
            continue
        if given.empty:
            gone.append(old.id)
            continue
        if (old.support, old.comment, old.missing) == (given.support, given.comment, given.missing):
            continue
        changes: dict = {"support": given.support, "updated_at": stamp}
        if (old.comment, old.missing) != (given.comment, given.missing):
            # A changed text is moderated again; an earlier redaction no longer fits it.
            changes.update(
                comment=given.comment,
                missing=given.missing,
                moderation=_moderation(kind, given),
                redacted_comment=None,
                redacted_missing=None,
            )
        await Answer.filter(id=old.id).update(**changes)
    if gone:
        await Answer.filter(id__in=gone).delete()
    if new:
        await Answer.bulk_create(new)


async def save_response(who: Who, data: ResponseData, *, submit: bool) -> Respondent:
    """Save the respondent's answers as a draft or (``submit``) sent. Once sent, every
    later save is sent too. Refused with Conflict (nothing stored) when the close rule
    says no at the moment of saving.

    Side effects: respondent row (made on a delegate's first save), answer rows, a
    pending directory entry for a typed organisation; one transaction.
    """
    _check_rules(data, submit)
    async with in_transaction():
        plan, respondent, stamp = await _locked(who)
        check_allowed(plan, who.kind)
        await _write_answers(respondent, who.kind, data, stamp)
        if data.organisation != respondent.organisation or (
            data.organisation and respondent.organisation_entry_id is None  # type: ignore[attr-defined]
        ):
            respondent.organisation_entry = None
            if data.organisation:
                respondent.organisation_entry = await add_pending_entry(
                    data.organisation, source=f"Named in the consultation on {plan.title}"
                )
        respondent.organisation = data.organisation
        respondent.capacity = data.capacity
        respondent.may_quote = data.may_quote
        if who.kind != RespondentKind.DELEGATE:
            respondent.name = data.name
        if who.kind != RespondentKind.DELEGATE and respondent.email_confirmed_at is None:
            respondent.email_confirmed_at = stamp  # they came by the emailed link
        if submit or respondent.submitted_at is not None:
            respondent.submitted_at = stamp
        respondent.updated_at = stamp
        await respondent.save(
            update_fields=[
                "organisation", "organisation_entry_id", "capacity", "may_quote", "name",
                "email_confirmed_at", "submitted_at", "updated_at",
            ]
        )  # fmt: skip
    return respondent


# -- Their own copy --------------------------------------------------------------------


async def my_response_sheet(who: Who) -> Sheet:
    """What the respondent said, as a spreadsheet for them to keep. No side effects."""
    form = await response_form(who)
    rows: list[list] = []
    for priority in form.tree.priorities:
        said = form.data.answers.get(f"priority:{priority.ref}", AnswerData())
        rows.append([f"Priority {priority.number}", priority.title, "", said.comment, said.missing])
        for action in priority.actions:
            said = form.data.answers.get(f"action:{action.ref}", AnswerData())
            support = SUPPORT_LABELS.get(said.support or 0, "No view")
            rows.append([f"Action {action.number}", action.text, support, said.comment, ""])
    capacity = CAPACITY_LABELS.get(form.data.capacity, "") if form.data.capacity else ""
    rows.append(["Responding as", capacity, "", "", ""])
    rows.append(["Organisation", form.data.organisation, "", "", ""])
    quote = "Yes, without my name" if form.data.may_quote else "No"
    rows.append(["May be quoted", quote, "", "", ""])
    header = ["Item", "Priority or action", "Your support", "Your comment", "What is missing"]
    return Sheet("My response", header, rows)


# -- For the pages: one call each ------------------------------------------------------


async def delegate_page(token: str, plan_uuid: str) -> ResponseForm:
    """A delegate's response form from their invitation link. No side effects."""
    return await response_form(await delegate_respondent(token, plan_uuid))


async def link_page(token: str) -> ResponseForm:
    """A partner's or a member of the public's response form. No side effects."""
    return await response_form(await link_respondent(token))


async def save_as_delegate(
    token: str, plan_uuid: str, data: ResponseData, *, submit: bool
) -> Respondent:
    """``save_response`` for the delegate behind an invitation link (same side effects)."""
    return await save_response(await delegate_respondent(token, plan_uuid), data, submit=submit)


async def save_by_link(token: str, data: ResponseData, *, submit: bool) -> Respondent:
    """``save_response`` for the partner or member of the public behind a link (same
    side effects; the first save confirms their email address)."""
    return await save_response(await link_respondent(token), data, submit=submit)


async def delegate_sheet(token: str, plan_uuid: str) -> Sheet:
    """A delegate's own answers as a spreadsheet. No side effects."""
    return await my_response_sheet(await delegate_respondent(token, plan_uuid))


async def link_sheet(token: str) -> Sheet:
    """A partner's or a member of the public's own answers as a spreadsheet. No side
    effects."""
    return await my_response_sheet(await link_respondent(token))
