"""Keeping public responses only as long as the plan says, then reducing them.

Responses from the public are kept whole for ``plan.keep_public_days`` after adoption
(the first adopted version's publication). Then each public respondent is reduced:
name, email, organisation and the email-derived identity are cleared, their emailed
links revoked, and every comment and "what is missing" is removed except the quotes the
response report publishes (kept in their published, redacted form, the original text
dropped). What the report counts
stays: kind, capacity, support, consent and moderation, so the report reads the same
after the reduction. Delegates' and partners' responses are not reduced here (the
events' own retention covers delegates).

``reduce_due`` runs in the worker (``plans.jobs``); it is safe to repeat and to run in
two workers at once (each plan is locked and re-checked, and reduced once).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.models import PersonalLink
from convenor.settings import Settings
from plans.analysis import shown_text
from plans.consultation import RESPOND_LINK
from plans.models import (
    Answer,
    Plan,
    PlanStatus,
    PlanVersion,
    Respondent,
    RespondentKind,
    VersionKind,
)
from plans.report import published_quotes


async def adopted_at(plan_id: int) -> datetime | None:
    """When the plan was first adopted, or None. No side effects."""
    first = (
        await PlanVersion.filter(plan_id=plan_id, kind=VersionKind.ADOPTED)
        .order_by("number")
        .first()
    )
    return first.published_at if first else None


def reduction_due(plan: Plan, adopted: datetime | None, at: datetime) -> bool:
    """Whether the plan's public responses are due to be reduced at ``at``. Pure."""
    return (
        plan.public_reduced_at is None
        and plan.status in (PlanStatus.ADOPTED, PlanStatus.ARCHIVED)
        and adopted is not None
        and at >= adopted + timedelta(days=plan.keep_public_days)
    )


async def _reduce(plan: Plan, moment: datetime) -> int:
    public = Respondent.filter(plan_id=plan.id, kind=RespondentKind.PUBLIC)
    respondent_ids = list(await public.values_list("id", flat=True))
    if respondent_ids:
        published = await published_quotes(plan.id)
        worded = await Answer.filter(respondent_id__in=respondent_ids).filter(
            Q(comment__not="")
            | Q(missing__not="")
            | Q(redacted_comment__isnull=False)
            | Q(redacted_missing__isnull=False)
        )
        for answer in worded:
            # A published quote keeps its published (redacted) words, the original goes;
            # every other comment goes altogether.
            if answer.id in published.comment_ids:
                answer.comment = shown_text(answer.comment, answer.redacted_comment)
            else:
                answer.comment, answer.redacted_comment = "", None
            if answer.id in published.missing_ids:
                answer.missing = shown_text(answer.missing, answer.redacted_missing)
            else:
                answer.missing, answer.redacted_missing = "", None
        if worded:
            await Answer.bulk_update(
                worded,
                fields=["comment", "redacted_comment", "missing", "redacted_missing"],
                batch_size=500,
            )
        rows = list(await public.filter(reduced_at__isnull=True))
        for row in rows:
            row.identity = f"reduced:{row.id}"  # was derived from the email address
        if rows:
            await Respondent.bulk_update(rows, fields=["identity"], batch_size=500)
        await public.filter(reduced_at__isnull=True).update(
            name="", email="", organisation="", organisation_entry_id=None, reduced_at=moment
        )
        # Their emailed links end too (the response form already refuses a reduced one).
        await PersonalLink.filter(
            purpose=RESPOND_LINK,
            subject__in=[f"respondent:{r}" for r in respondent_ids],
            revoked_at__isnull=True,
        ).update(revoked_at=moment)
    await Plan.filter(id=plan.id).update(public_reduced_at=moment)
    return len(respondent_ids)


async def reduce_plan(plan_id: int, at: datetime | None = None) -> int | None:
    """Reduce one plan's public responses if due; returns how many respondents, or None.

    Side effects: public respondents' personal details cleared and reduced_at set, their
    unpublished comments emptied, their response links revoked, plan.public_reduced_at
    set; one transaction.
    """
    moment = at or now()
    async with in_transaction():
        plan = await Plan.filter(id=plan_id).select_for_update().first()
        if plan is None or not reduction_due(plan, await adopted_at(plan.id), moment):
            return None
        return await _reduce(plan, moment)


async def reduce_due(at: datetime | None = None) -> dict[int, int]:
    """Reduce the public responses of every plan past its keeping period.

    Side effects: see ``reduce_plan``. Returns {plan id: respondents reduced}.
    """
    moment = at or now()
    candidates = await Plan.filter(
        public_reduced_at__isnull=True, status__in=[PlanStatus.ADOPTED, PlanStatus.ARCHIVED]
    ).values_list("id", flat=True)
    done = {}
    for plan_id in candidates:
        reduced = await reduce_plan(plan_id, moment)
        if reduced is not None:
            done[plan_id] = reduced
    return done


async def reduce_job(settings: Settings) -> str | None:
    """The worker's job: reduce public responses due (a log line when any were)."""
    done = await reduce_due()
    if not done:
        return None
    plans = ", ".join(f"#{plan_id} ({count})" for plan_id, count in done.items())
    return f"public responses reduced for {len(done)} plan(s): {plans}"
