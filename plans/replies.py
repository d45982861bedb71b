"""The organiser's response to the consultation: "You said ... We did ..." per theme or action.

A reply is about a comment theme, an action, or both, and says what came of it: the
action was changed, an action was added, or it was not changed (and why not, in "We
did"). Replies are written once the plan has been consulted on and stay editable until
the response report is published; from then on the report is what was published, and
they are read only. Their order (``position``) is the order the report lists them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.cleaning import text_problem
from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import User
from plans.models import Action, CommentTheme, Outcome, Plan, PlanStatus, Reply
from plans.tree import load_tree, plan_by_id
from plans.versions import check_may_edit

MAX_TEXT = 5_000
OUTCOMES = [
    (Outcome.CHANGED.value, "We changed the action"),
    (Outcome.ADDED.value, "We added an action"),
    (Outcome.NOT_CHANGED.value, "We did not change it (say why)"),
]
OUTCOME_LABELS = dict(OUTCOMES)


@dataclass(frozen=True)
class ReplyData:
    you_said: str
    we_did: str
    outcome: Outcome
    theme_id: int | None
    action_id: int | None


def _id(values: Mapping, name: str, errors: dict[str, str], message: str) -> int | None:
    text = str(values.get(name, "") or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 12:
        errors[name] = message
        return None
    return int(text)


def reply_data(values: Mapping) -> ReplyData:
    """The reply form's fields as data; Invalid (with every field's problem) if wrong. Pure."""
    errors: dict[str, str] = {}
    you_said = str(values.get("you_said", "") or "").strip()
    we_did = str(values.get("we_did", "") or "").strip()
    if not you_said:
        errors["you_said"] = "Enter what respondents said"
    elif len(you_said) > MAX_TEXT:
        errors["you_said"] = f"Keep what respondents said under {MAX_TEXT:,} characters"
    elif problem := text_problem(you_said, multi_line=True):
        errors["you_said"] = problem
    if not we_did:
        errors["we_did"] = "Enter what you did, or why you did not change the plan"
    elif len(we_did) > MAX_TEXT:
        errors["we_did"] = f"Keep what you did under {MAX_TEXT:,} characters"
    elif problem := text_problem(we_did, multi_line=True):
        errors["we_did"] = problem
    outcome_text = str(values.get("outcome", "") or "")
    outcome = Outcome(outcome_text) if outcome_text in OUTCOME_LABELS else None
    if outcome is None:
        errors["outcome"] = "Choose what came of it"
    theme_id = _id(values, "theme_id", errors, "Choose a theme from the list")
    action_id = _id(values, "action_id", errors, "Choose an action from the list")
    bad_ids = "theme_id" in errors or "action_id" in errors
    if outcome in (Outcome.CHANGED, Outcome.ADDED) and action_id is None and not bad_ids:
        errors["action_id"] = (
            "Choose the action you changed"
            if outcome == Outcome.CHANGED
            else "Choose the action you added"
        )
    elif theme_id is None and action_id is None and not bad_ids:
        errors["theme_id"] = "Choose the theme or the action this reply is about"
    if errors:
        raise Invalid("Some answers need correcting.", errors)
    assert outcome is not None
    return ReplyData(you_said, we_did, outcome, theme_id, action_id)


def reply_values(reply: Reply) -> dict[str, str]:
    """A saved reply as the form's fields (for its edit page). Pure."""
    return {
        "you_said": reply.you_said,
        "we_did": reply.we_did,
        "outcome": Outcome(reply.outcome).value,
        "theme_id": str(reply.theme_id or ""),  # type: ignore[attr-defined]
        "action_id": str(reply.action_id or ""),  # type: ignore[attr-defined]
    }


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class ReplyView:
    id: int
    you_said: str
    we_did: str
    outcome: Outcome
    outcome_label: str
    theme: str  # the theme's name, or ""
    action: str  # "2.3: text" as the plan stands now, "Removed: text", or ""
    action_ref: str  # "" when the reply is not about an action


@dataclass(frozen=True)
class RepliesPage:
    plan: Plan
    replies: list[ReplyView]
    themes: list[Choice]
    actions: list[Choice]
    editable: bool  # False once the report is published (or before the consultation)


def editable(plan: Plan) -> bool:
    return (
        plan.status in (PlanStatus.CONSULTATION, PlanStatus.ADOPTED)
        and plan.report_published_at is None
    )


def _check_editable(plan: Plan) -> None:
    if plan.status == PlanStatus.DRAFT:
        raise Conflict("Replies are written once the plan has been published for consultation.")
    if plan.report_published_at is not None:
        raise Conflict("The response report is published: its replies can no longer be changed.")
    if plan.status == PlanStatus.ARCHIVED:
        raise Conflict("The plan is archived.")


async def action_choices(plan: Plan) -> list[Choice]:
    """The plan's actions as they stand now, then removed ones. No side effects."""
    tree = await load_tree(plan)
    shown = [Choice(a.id, f"{a.number}: {a.text}") for a in tree.actions]
    removed = await Action.filter(plan_id=plan.id, removed_at__isnull=False).order_by("id")
    return shown + [Choice(a.id, f"Removed: {a.text}") for a in removed]


async def reply_views(plan: Plan, labels: dict[int, str] | None = None) -> list[ReplyView]:
    """The plan's replies in order; ``labels`` names actions by id (else as they stand)."""
    if labels is None:
        labels = {c.id: c.label for c in await action_choices(plan)}
    themes = {t.id: t.name for t in await CommentTheme.filter(plan_id=plan.id)}
    refs = dict(await Action.filter(plan_id=plan.id).values_list("id", "ref"))
    rows = await Reply.filter(plan_id=plan.id).order_by("position", "id")
    return [
        ReplyView(
            id=r.id,
            you_said=r.you_said,
            we_did=r.we_did,
            outcome=Outcome(r.outcome),
            outcome_label=OUTCOME_LABELS[Outcome(r.outcome).value],
            theme=themes.get(r.theme_id, "") if r.theme_id else "",  # type: ignore[attr-defined]
            action=labels.get(r.action_id, "") if r.action_id else "",  # type: ignore[attr-defined]
            action_ref=refs.get(r.action_id, "") if r.action_id else "",  # type: ignore[attr-defined]
        )
        for r in rows
    ]


async def replies_page(user: User, plan_id: int) -> RepliesPage:
    """The plan, its replies and what a reply may be about, for organisers. No side effects."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    actions = await action_choices(plan)
    themes = await CommentTheme.filter(plan_id=plan.id).order_by("name", "id")
    return RepliesPage(
        plan=plan,
        replies=await reply_views(plan, {c.id: c.label for c in actions}),
        themes=[Choice(t.id, t.name) for t in themes],
        actions=actions,
        editable=editable(plan),
    )


async def _locked_plan(plan_id: int) -> Plan:
    plan = await Plan.filter(id=plan_id).select_for_update().first()
    if plan is None:
        raise NotFound("No such plan.")
    _check_editable(plan)
    return plan


async def _check_targets(plan: Plan, data: ReplyData) -> None:
    errors = {}
    if data.theme_id is not None and not await CommentTheme.exists(
        id=data.theme_id, plan_id=plan.id
    ):
        errors["theme_id"] = "Choose a theme from the list"
    if data.action_id is not None and not await Action.exists(id=data.action_id, plan_id=plan.id):
        errors["action_id"] = "Choose an action from the list"
    if errors:
        raise Invalid("Some answers need correcting.", errors)


async def add_reply(user: User, plan_id: int, data: ReplyData) -> Reply:
    """Add a reply at the end of the plan's list. Side effects: one Reply row."""
    check_may_edit(user)
    async with in_transaction():
        plan = await _locked_plan(plan_id)
        await _check_targets(plan, data)
        last = await Reply.filter(plan_id=plan.id).order_by("-position").first()
        moment = now()
        return await Reply.create(
            plan=plan,
            theme_id=data.theme_id,
            action_id=data.action_id,
            you_said=data.you_said,
            we_did=data.we_did,
            outcome=data.outcome,
            position=(last.position + 1) if last else 0,
            created_at=moment,
            updated_at=moment,
        )


async def _reply(plan: Plan, reply_id: int) -> Reply:
    reply = await Reply.get_or_none(id=reply_id, plan_id=plan.id)
    if reply is None:
        raise NotFound("No such reply.")
    return reply


async def reply_for(user: User, plan_id: int, reply_id: int) -> tuple[RepliesPage, Reply]:
    """The response page's data and one of its replies (for editing). No side effects."""
    page = await replies_page(user, plan_id)
    return page, await _reply(page.plan, reply_id)


async def update_reply(user: User, plan_id: int, reply_id: int, data: ReplyData) -> Reply:
    """Change a reply's text, outcome, theme and action. Side effects: the Reply row."""
    check_may_edit(user)
    async with in_transaction():
        plan = await _locked_plan(plan_id)
        reply = await _reply(plan, reply_id)
        await _check_targets(plan, data)
        reply.you_said, reply.we_did, reply.outcome = data.you_said, data.we_did, data.outcome
        reply.theme_id = data.theme_id  # type: ignore[attr-defined]
        reply.action_id = data.action_id  # type: ignore[attr-defined]
        reply.updated_at = now()
        await reply.save()
        return reply


async def delete_reply(user: User, plan_id: int, reply_id: int) -> None:
    """Delete a reply. Side effects: the Reply row goes."""
    check_may_edit(user)
    async with in_transaction():
        plan = await _locked_plan(plan_id)
        reply = await _reply(plan, reply_id)
        await reply.delete()


async def move_reply(user: User, plan_id: int, reply_id: int, direction: str) -> None:
    """Move a reply one place up or down the list. Side effects: positions renumbered."""
    check_may_edit(user)
    if direction not in ("up", "down"):
        raise Invalid("Choose up or down.", {"direction": "Choose up or down"})
    async with in_transaction():
        plan = await _locked_plan(plan_id)
        reply = await _reply(plan, reply_id)
        rows = list(await Reply.filter(plan_id=plan.id).order_by("position", "id"))
        index = next(i for i, r in enumerate(rows) if r.id == reply.id)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position
                await row.save(update_fields=["position"])
