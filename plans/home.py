"""The consultation's part of the delegate's home (``events.home``): the plans their
event was held to consult on, each linking to ``/i/<token>/plans/<uuid>`` where a
registered delegate responds (the summit and the consultation are one journey).
"""

from __future__ import annotations

from dataclasses import dataclass

from convenor.auth import now
from convenor.settings import Settings
from events.delegates import DelegateView
from events.home import HomeSection
from events.models import RegistrationStatus
from plans.consultation import is_open
from plans.models import Plan, PlanEvent, PlanStatus, Respondent

TEMPLATE = "plans/_home_plan.html"


@dataclass(frozen=True)
class HomePlan:
    plan: Plan
    open_now: bool
    state: str  # "none", "draft" or "sent": this delegate's response


async def plans_section(view: DelegateView, token: str, settings: Settings) -> HomeSection | None:
    """The plans in consultation linked to the delegate's event, for a registered
    delegate, with their response's state; None when there are none. No side effects."""
    mine = view.registration
    if mine is None or mine.status != RegistrationStatus.REGISTERED:
        return None
    plan_ids = await PlanEvent.filter(event_id=view.event.id).values_list("plan_id", flat=True)
    if not plan_ids:
        return None
    plans = await Plan.filter(id__in=list(plan_ids), status=PlanStatus.CONSULTATION).order_by("id")
    if not plans:
        return None
    saved = dict(
        await Respondent.filter(
            plan_id__in=[p.id for p in plans], identity=f"registration:{mine.id}"
        ).values_list("plan_id", "submitted_at")
    )
    at = now()
    items = [
        HomePlan(
            plan,
            is_open(plan, at),
            "none" if plan.id not in saved else ("sent" if saved[plan.id] else "draft"),
        )
        for plan in plans
    ]
    return HomeSection("plans", "Have your say on the plan", TEMPLATE, {"plans": items})


sections = [plans_section]
