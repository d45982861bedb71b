"""Themes and moderation of a consultation's comments.

Themes: organisers name themes per plan and tag comments (answers and workshop table
points) with them; the analysis filters by theme and counts per theme (shown comments:
hidden and waiting answers are not counted).

Moderation: the public's answers wait (``Moderation.WAITING``) until a moderator or
organiser approves them, hides them (abuse; a reason is kept) or redacts them: the
redacted copy (``redacted_comment``, ``redacted_missing``) is what every later view
shows (analysis, exports without personal details, report quotes); the original is kept
for the record and shown only to staff, marked as the original. Redacting decides the
moderation too (approved). Organisers may also redact delegates' and partners' words.

Contract with the responding service (``plans.consultation``): when a public answer's
words change after a decision, it goes back to WAITING with its redactions cleared.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Forbidden, Invalid, NotFound
from convenor.models import Role, User
from directory.search.text import fold
from plans.analysis import VISIBLE, has_shown_text
from plans.models import (
    Answer,
    CommentTheme,
    Moderation,
    Plan,
    RespondentKind,
    TablePoint,
    ThemeTag,
)
from plans.tree import ActionView, PlanTree, PriorityView, load_tree, plan_by_id

MAX_THEME = 120
MAX_REASON = 500
ORGANISERS = {Role.ADMIN, Role.ORGANISER}
MODERATORS = {Role.ADMIN, Role.ORGANISER, Role.MODERATOR}
QUEUE_PAGE = 20


def _require(user: User, roles: set[Role]) -> None:
    if user.role not in roles:
        raise Forbidden()


# Themes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeCount:
    id: int
    name: str
    answers: int  # shown comments of submitted responses
    points: int  # workshop table points

    @property
    def total(self) -> int:
        return self.answers + self.points


async def themes(plan_id: int) -> list[ThemeCount]:
    """The plan's themes by name, each with how many shown comments carry it. Reads only."""
    rows = await CommentTheme.filter(plan_id=plan_id).order_by("name", "id")
    counted = ThemeTag.filter(theme__plan_id=plan_id)
    answers = dict(
        await counted.filter(
            answer__respondent__submitted_at__isnull=False, answer__moderation__in=VISIBLE
        )
        .filter(has_shown_text("answer__"))
        .annotate(n=Count("id"))
        .group_by("theme_id")
        .values_list("theme_id", "n")
    )
    points = dict(
        await counted.filter(point_id__isnull=False)
        .annotate(n=Count("id"))
        .group_by("theme_id")
        .values_list("theme_id", "n")
    )
    return [ThemeCount(t.id, t.name, answers.get(t.id, 0), points.get(t.id, 0)) for t in rows]


async def create_theme(user: User, plan_id: int, name: str) -> CommentTheme:
    """A new theme for the plan. Side effects: a theme row. Invalid when the name is
    empty, too long or (ignoring case and accents) already a theme of the plan."""
    _require(user, ORGANISERS)
    await plan_by_id(plan_id)
    name = " ".join(name.split())
    if not name:
        raise Invalid(fields={"theme_name": "Enter a name for the theme."})
    if len(name) > MAX_THEME:
        raise Invalid(fields={"theme_name": f"Use at most {MAX_THEME} characters."})
    taken = Invalid(fields={"theme_name": f"There is already a theme called {name}."})
    names = await CommentTheme.filter(plan_id=plan_id).values_list("name", flat=True)
    if fold(name) in {fold(n) for n in names}:
        raise taken
    try:  # one statement: a theme made at the same moment is refused by the unique key
        return await CommentTheme.create(plan_id=plan_id, name=name)
    except IntegrityError:
        raise taken from None


async def delete_theme(user: User, plan_id: int, theme_id: int) -> None:
    """Remove a theme and its tags. Side effects: deletes the theme and its tags."""
    _require(user, ORGANISERS)
    deleted = await CommentTheme.filter(id=theme_id, plan_id=plan_id).delete()
    if not deleted:
        raise NotFound()


async def _comment(plan_id: int, source: str, comment_id: int) -> dict[str, int]:
    """The tag's owner column for a comment of this plan, or NotFound."""
    if source == "answer":
        if not await Answer.exists(id=comment_id, plan_id=plan_id):
            raise NotFound()
        return {"answer_id": comment_id}
    if source == "point":
        if not await TablePoint.exists(id=comment_id, plan_id=plan_id):
            raise NotFound()
        return {"point_id": comment_id}
    raise NotFound()


async def tag(user: User, plan_id: int, theme_id: int, source: str, comment_id: int) -> bool:
    """Tag a comment ("answer" or "point") with a theme of the same plan. Side effects: a
    tag row (none when already tagged). Returns whether a tag was added."""
    _require(user, ORGANISERS)
    if not await CommentTheme.exists(id=theme_id, plan_id=plan_id):
        raise NotFound()
    owner = await _comment(plan_id, source, comment_id)
    if await ThemeTag.exists(theme_id=theme_id, **owner):
        return False
    try:  # one statement, outside any transaction, so a clash leaves nothing aborted
        await ThemeTag.create(theme_id=theme_id, **owner)
    except IntegrityError:  # tagged at the same moment by someone else
        return False
    return True


async def untag(user: User, plan_id: int, theme_id: int, source: str, comment_id: int) -> bool:
    """Take a theme off a comment. Side effects: deletes the tag. Returns whether one went."""
    _require(user, ORGANISERS)
    if not await CommentTheme.exists(id=theme_id, plan_id=plan_id):
        raise NotFound()
    owner = await _comment(plan_id, source, comment_id)
    return bool(await ThemeTag.filter(theme_id=theme_id, **owner).delete())


# Moderation -------------------------------------------------------------------------


@dataclass(frozen=True)
class QueuePage:
    plan: Plan
    tree: PlanTree  # for the priority and action each answer is about
    answers: list[Answer]  # with respondent (for staff: kind, capacity; never shown: email)
    status: str
    total: int
    counts: dict[str, int]  # public answers with words, by moderation
    page: int
    pages: int


QUEUE_STATUSES = (Moderation.WAITING, Moderation.APPROVED, Moderation.HIDDEN)


def _public(plan_id: int):
    return Answer.filter(
        plan_id=plan_id,
        respondent__kind=RespondentKind.PUBLIC,
        respondent__submitted_at__isnull=False,
    ).filter(Q(comment__not="") | Q(missing__not=""))


async def queue(user: User, plan_id: int, status: str = "waiting", page: int = 1) -> QueuePage:
    """Public answers with words, in one moderation state (waiting first come, first
    served), paged, with the count in each state. Reads only."""
    _require(user, MODERATORS)
    tree = await load_tree(plan_id, include_removed=True)
    chosen = Moderation(status) if status in {s.value for s in QUEUE_STATUSES} else None
    chosen = chosen or Moderation.WAITING
    counts = dict.fromkeys((s.value for s in QUEUE_STATUSES), 0)
    for state, n in (
        await _public(plan_id)
        .annotate(n=Count("id"))
        .group_by("moderation")
        .values_list("moderation", "n")
    ):
        counts[str(getattr(state, "value", state))] = n
    total = counts[chosen.value]
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(page, 1), pages)
    rows = await (
        _public(plan_id)
        .filter(moderation=chosen)
        .order_by("updated_at", "id")
        .offset((page - 1) * QUEUE_PAGE)
        .limit(QUEUE_PAGE)
        .select_related("respondent")
    )
    return QueuePage(tree.plan, tree, list(rows), chosen.value, total, counts, page, pages)


async def answer_for(user: User, plan_id: int, answer_id: int) -> Answer:
    """One answer of the plan for a moderator (public only) or an organiser. Reads only."""
    _require(user, MODERATORS)
    answer = (
        await Answer.filter(id=answer_id, plan_id=plan_id, respondent__submitted_at__isnull=False)
        .select_related("respondent")
        .first()
    )
    if answer is None:
        raise NotFound()
    if user.role == Role.MODERATOR and answer.respondent.kind != RespondentKind.PUBLIC:
        raise NotFound()
    return answer


@dataclass(frozen=True)
class Review:
    plan: Plan
    answer: Answer
    priority: PriorityView | None
    action: ActionView | None


async def review(user: User, plan_id: int, answer_id: int) -> Review:
    """One answer for the moderation page, with what it is about. Reads only."""
    answer = await answer_for(user, plan_id, answer_id)
    tree = await load_tree(plan_id, include_removed=True)
    action = tree.action_by_id(answer.action_id) if answer.action_id else None  # type: ignore[attr-defined]
    return Review(tree.plan, answer, tree.priority_by_id(answer.priority_id), action)  # type: ignore[attr-defined]


async def _decide(user: User, plan_id: int, answer_id: int, **changes: object) -> Answer:
    async with in_transaction():
        answer = await answer_for(user, plan_id, answer_id)
        locked = await Answer.filter(id=answer.id).select_for_update().get()
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.moderated_at = now()
        locked.moderated_by = user.email
        await locked.save(update_fields=[*changes, "moderated_at", "moderated_by"])
        return locked


async def approve(user: User, plan_id: int, answer_id: int) -> Answer:
    """Show the answer's words (a hidden one again too). Side effects: moderation
    approved, who and when recorded."""
    return await _decide(
        user, plan_id, answer_id, moderation=Moderation.APPROVED, moderation_reason=""
    )


async def hide(user: User, plan_id: int, answer_id: int, reason: str) -> Answer:
    """Hide the answer's words (its support still counts). Side effects: moderation
    hidden with the reason, who and when. Invalid without a reason."""
    reason = reason.strip()
    if not reason:
        raise Invalid(fields={"reason": "Say why the comment is hidden."})
    if len(reason) > MAX_REASON:
        raise Invalid(fields={"reason": f"Use at most {MAX_REASON} characters."})
    return await _decide(
        user, plan_id, answer_id, moderation=Moderation.HIDDEN, moderation_reason=reason
    )


async def redact(user: User, plan_id: int, answer_id: int, comment: str, missing: str) -> Answer:
    """Show an edited copy of the words instead of the original (which is kept). A text
    the same as the original clears that redaction. Side effects: redacted copies saved,
    moderation approved, who and when. Invalid when nothing would be shown."""
    answer = await answer_for(user, plan_id, answer_id)
    comment, missing = comment.strip(), missing.strip()
    errors = {}
    if answer.comment and not comment:
        errors["comment"] = "Keep some of the comment, or hide it instead."
    if answer.missing and not missing:
        errors["missing"] = "Keep some of what is missing, or hide the answer instead."
    if errors:
        raise Invalid(fields=errors)
    return await _decide(
        user,
        plan_id,
        answer_id,
        redacted_comment=None if comment in ("", answer.comment.strip()) else comment,
        redacted_missing=None if missing in ("", answer.missing.strip()) else missing,
        moderation=Moderation.APPROVED if answer.moderation != Moderation.NOT_NEEDED
        else Moderation.NOT_NEEDED,
        moderation_reason="",
    )  # fmt: skip
