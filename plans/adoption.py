"""Adopting the plan after its consultation, and publishing the response report.

Two steps, so the organiser can read the report (a staff preview) before anyone else:

1. ``adopt``: once the consultation has closed, the plan as edited since is frozen as a
   version of kind ADOPTED (through ``plans.versions.publish_version``) and its status
   becomes adopted; the actions register (issue 22) starts from it.
2. ``publish_report``: the response report (``/plans/<uuid>/report`` and its PDF)
   becomes public; the replies are read only from then on.

A consultation has closed when the worker has closed it (``closed_at``) or its close
time has passed (the worker may not have run yet; no response is accepted after
``closes_at`` either way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, NotFound
from convenor.models import User
from convenor.templating import format_datetime
from plans.models import Plan, PlanStatus, PlanVersion, VersionKind
from plans.replies import RepliesPage, replies_page
from plans.timing import has_closed as consultation_closed
from plans.versions import check_may_edit, publish_version


async def consulted_version(plan_id: int) -> PlanVersion | None:
    """The version consulted on (the first of kind CONSULTATION). No side effects."""
    return (
        await PlanVersion.filter(plan_id=plan_id, kind=VersionKind.CONSULTATION)
        .order_by("number")
        .first()
    )


async def adopted_version(plan_id: int) -> PlanVersion | None:
    """The adopted version (the latest of kind ADOPTED). No side effects."""
    return (
        await PlanVersion.filter(plan_id=plan_id, kind=VersionKind.ADOPTED)
        .order_by("-number")
        .first()
    )


def adoption_refusal(plan: Plan, at: datetime, consulted: PlanVersion | None) -> str | None:
    """Why the plan cannot be adopted at ``at``, or None when it can. Pure."""
    if plan.status == PlanStatus.DRAFT:
        return "The plan has not been published for consultation yet."
    if plan.status == PlanStatus.ADOPTED:
        return "The plan is already adopted."
    if plan.status == PlanStatus.ARCHIVED:
        return "The plan is archived."
    if consulted is None:
        return "There is no version that was consulted on."
    if not consultation_closed(plan, at):
        if plan.closes_at is None:
            return "The consultation has no close time yet."
        closes = format_datetime(plan.closes_at)
        return f"The consultation is open until {closes}: adopt the plan after it closes."
    return None


async def adopt(user: User, plan_id: int, note: str = "") -> PlanVersion:
    """Adopt the plan as it stands now, after its consultation has closed.

    Side effects: a PlanVersion of kind ADOPTED (the next number) and the plan's status
    adopted, in one transaction. Conflict while the consultation is open, with no
    consulted version, or when the plan is not in consultation (already adopted too).
    """
    check_may_edit(user)
    async with in_transaction():
        plan = await Plan.filter(id=plan_id).select_for_update().first()
        if plan is None:
            raise NotFound("No such plan.")
        moment = now()
        refusal = adoption_refusal(plan, moment, await consulted_version(plan.id))
        if refusal is not None:
            raise Conflict(refusal)
        # Conditional, so two organisers adopting at once make one adopted version.
        changed = await Plan.filter(id=plan.id, status=PlanStatus.CONSULTATION).update(
            status=PlanStatus.ADOPTED, updated_at=moment
        )
        if changed != 1:
            raise Conflict("The plan is already adopted.")
        return await publish_version(user, plan.id, VersionKind.ADOPTED, note)


async def publish_report(user: User, plan_id: int) -> Plan:
    """Make the adopted plan's response report public.

    Side effects: plan.report_published_at set (once). Conflict before adoption or when
    it is already published.
    """
    check_may_edit(user)
    async with in_transaction():
        plan = await Plan.filter(id=plan_id).select_for_update().first()
        if plan is None:
            raise NotFound("No such plan.")
        if plan.status not in (PlanStatus.ADOPTED, PlanStatus.ARCHIVED):
            raise Conflict("Adopt the plan before publishing its response report.")
        moment = now()
        changed = await Plan.filter(id=plan.id, report_published_at__isnull=True).update(
            report_published_at=moment, updated_at=moment
        )
        if changed != 1:
            raise Conflict("The response report is already published.")
        plan.report_published_at = moment
        return plan


@dataclass(frozen=True)
class ResponsePage:
    """The organiser's response page: the replies and where adoption stands."""

    replies: RepliesPage
    consulted: PlanVersion | None
    adopted: PlanVersion | None
    closed: bool
    refusal: str | None  # why the plan cannot be adopted now (None: it can)

    @property
    def plan(self) -> Plan:
        return self.replies.plan


async def response_page(user: User, plan_id: int) -> ResponsePage:
    """Everything the response page shows, for organisers. No side effects."""
    replies = await replies_page(user, plan_id)
    plan = replies.plan
    consulted = await consulted_version(plan.id)
    moment = now()
    return ResponsePage(
        replies=replies,
        consulted=consulted,
        adopted=await adopted_version(plan.id),
        closed=consultation_closed(plan, moment),
        refusal=adoption_refusal(plan, moment, consulted),
    )
