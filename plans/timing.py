"""The close rule, in one place: when a plan's consultation is open, and when closed.

Pure functions of the plan's row and a time. Responding (``plans.respondents``, under
the plan's lock), the public plan page ("Have your say"), workshops and adoption all ask
here, so they never disagree about whether the consultation is open.
"""

from __future__ import annotations

from datetime import datetime

from plans.models import Plan, PlanStatus


def is_open(plan: Plan, at: datetime) -> bool:
    """In consultation, opened, not yet closed: ``opens_at <= at < closes_at``."""
    return (
        plan.status == PlanStatus.CONSULTATION
        and plan.closed_at is None
        and plan.opens_at is not None
        and plan.closes_at is not None
        and plan.opens_at <= at < plan.closes_at
    )


def has_closed(plan: Plan, at: datetime) -> bool:
    """Whether the consultation has closed at ``at`` (by the worker, or its time has come)."""
    return plan.closed_at is not None or (plan.closes_at is not None and plan.closes_at <= at)
