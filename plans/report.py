"""The response report: what the consultation was, who responded, what they said, what
changed and why, and the differences between the consulted and the adopted versions.

Public at ``/plans/<uuid>/report`` (and as a PDF) once the organiser has published it
(``plan.report_published_at``); organisers can preview it before. It names nobody:
respondents are counted by kind and by capacity, never named, and their organisations
are not shown (a respondent's organisation could point to them). Comments are quoted
only when their author agreed (``may_quote``), a moderator approved them (or they never
needed moderation), and then in their redacted form if one was made; up to
``QUOTES_PER_ITEM`` per action (and per priority's comments and "what is missing"), the
first saved, so the page stays readable with thousands of comments. Those are the
"published quotes" ``plans.retention`` keeps (``published_quotes``).

What counts is what the organisers' analysis counts (``plans.analysis``): responses
sent (``submitted_at`` set), never drafts; support whatever became of the comment's
moderation; a comment as shown (its redacted copy if any). Who responded is counted by
the analysis's definition (``plans.analysis.respondent_conditions``: ``analyse`` gives
the same figures but works out every action's too). Support and quotes per action are
grouped here by the actions of the consulted version, since ``analyse`` and
``quotable_comments`` follow the plan as it stands now and leave out actions removed
since, which the report must still show (what people said of an action that was then
dropped); for every action still in the plan they are the same figures (tested).
Every count reads only what ``plans.retention`` keeps when it reduces public responses
(kind, capacity, support, consent, the quoted text), so the report reads the same after
the reduction. Workshop tables count each facilitator who recorded at least one point;
their points are counted, not quoted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count

from convenor.errors import NotFound
from convenor.models import User
from convenor.templating import DEFAULT_TZ
from events.models import Event
from plans.adoption import adopted_version, consulted_version
from plans.analysis import VISIBLE, Filters, respondent_conditions, shown_text
from plans.models import (
    CAPACITY_LABELS,
    SUPPORT_LABELS,
    Action,
    Answer,
    Capacity,
    Plan,
    PlanEvent,
    PlanVersion,
    Priority,
    Respondent,
    RespondentKind,
    SessionPriority,
    TablePoint,
)
from plans.replies import ReplyView, reply_views
from plans.tree import load_tree, plan_by_id, plan_by_uuid, snapshot
from plans.versions import PlanComparison, check_may_edit, compare

KIND_LABELS = {
    RespondentKind.DELEGATE: "Summit delegates",
    RespondentKind.PARTNER: "Partner organisations' staff",
    RespondentKind.PUBLIC: "Members of the public",
}
NOT_SAID = "Did not say"
QUOTABLE = VISIBLE  # moderation approved the words, or they never needed it
# Quotes shown per action (and per priority's comments and "what is missing")
QUOTES_PER_ITEM = 5


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class EventLine:
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str


@dataclass
class ActionSaid:
    ref: str
    number: str
    text: str
    support: list[Tally]  # strongly support first, then "No view given"
    answered: int  # respondents who answered this action
    quotes: list[str] = field(default_factory=list)
    points: int = 0  # workshop table points recorded against it

    @property
    def scale(self) -> dict[int, int]:
        """The support counts by value (5 strongly support .. 1 strongly oppose)."""
        return {value: row.count for value, row in zip(SUPPORT_LABELS, self.support, strict=False)}


@dataclass
class PrioritySaid:
    ref: str
    number: int
    title: str
    actions: list[ActionSaid]
    quotes: list[str] = field(default_factory=list)  # on the priority as a whole
    missing: list[str] = field(default_factory=list)  # what is missing from it
    points: int = 0  # table points on the priority, not a single action


@dataclass
class Report:
    plan: Plan
    published: bool
    consulted: PlanVersion | None
    adopted: PlanVersion | None
    time_zone: str
    events: list[EventLine]
    workshops: list[str]  # workshop sessions that discussed the plan's priorities
    respondents: int
    by_kind: list[Tally]
    by_capacity: list[Tally]
    tables: int
    points: int
    priorities: list[PrioritySaid]
    replies: list[ReplyView]
    comparison: PlanComparison | None  # consulted -> adopted (or the draft, in a preview)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def changed_actions(self) -> list:
        return [a for a in self.comparison.actions if a.kind != "same"] if self.comparison else []


def quote_text(text: str, redacted: str | None) -> str:
    """What may be shown of a comment: its redacted copy if one was made. Pure."""
    return shown_text(text, redacted).strip()


def quotable_answers(plan_id: int):
    """The query of answers that may be quoted (sent, consent, moderation passed)."""
    return Answer.filter(
        plan_id=plan_id,
        respondent__submitted_at__isnull=False,
        respondent__may_quote=True,
        moderation__in=QUOTABLE,
    )


async def _who(plan: Plan) -> tuple[int, list[Tally], list[Tally]]:
    # The analysis's own definition of a counted respondent (analyse counts the same way,
    # but works out every action's figures too: 0.6 s at 5,000 responses, here 10 ms).
    people = Respondent.filter(plan_id=plan.id, **respondent_conditions(Filters()))
    rows = (
        await people.annotate(n=Count("id"))
        .group_by("kind", "capacity")
        .values_list("kind", "capacity", "n")
    )
    kinds: Counter = Counter()
    capacities: Counter = Counter()
    for kind, capacity, n in rows:
        kinds[RespondentKind(kind)] += n
        capacities[Capacity(capacity) if capacity else None] += n
    by_kind = [Tally(label, kinds[kind]) for kind, label in KIND_LABELS.items()]
    by_capacity = [Tally(label, capacities[c]) for c, label in CAPACITY_LABELS.items()]
    by_capacity.append(Tally(NOT_SAID, capacities[None]))
    return sum(kinds.values()), by_kind, by_capacity


async def _support(plan: Plan) -> tuple[dict[int, Counter], dict[int, int]]:
    rows = (
        await Answer.filter(
            plan_id=plan.id, action_id__isnull=False, respondent__submitted_at__isnull=False
        )
        .annotate(n=Count("id"))
        .group_by("action_id", "support")
        .values_list("action_id", "support", "n")
    )
    support: dict[int, Counter] = {}
    answered: Counter = Counter()
    for action_id, value, n in rows:
        support.setdefault(action_id, Counter())[value] += n
        answered[action_id] += n
    return support, dict(answered)


Quotes = dict[int, list[str]]


@dataclass
class PublishedQuotes:
    """The quotes the report publishes, and which answers' words they are."""

    by_action: Quotes = field(default_factory=dict)  # action id -> texts
    on_priority: Quotes = field(default_factory=dict)  # priority id -> comments on it
    missing: Quotes = field(default_factory=dict)  # priority id -> "what is missing"
    comment_ids: set[int] = field(default_factory=set)  # answers whose comment is quoted
    missing_ids: set[int] = field(default_factory=set)  # answers whose "missing" is


def _add(quotes: Quotes, key: int, text: str) -> bool:
    shown = quotes.setdefault(key, [])
    if len(shown) >= QUOTES_PER_ITEM:
        return False
    shown.append(text)
    return True


async def published_quotes(plan_id: int) -> PublishedQuotes:
    """The quotes the report publishes: for each action (and each priority's comments and
    "what is missing"), the first ``QUOTES_PER_ITEM`` quotable ones in the order they were
    first saved. Reads only."""
    rows = (
        await quotable_answers(plan_id)
        .filter(Q(comment__not="") | Q(missing__not=""))
        .order_by("id")
        .values_list(
            "id",
            "action_id",
            "priority_id",
            "comment",
            "redacted_comment",
            "missing",
            "redacted_missing",
        )
    )
    found = PublishedQuotes()
    for answer_id, action_id, priority_id, comment, red_comment, gap, red_gap in rows:
        said = quote_text(comment, red_comment)
        if said:
            target = found.by_action if action_id else found.on_priority
            if _add(target, action_id or priority_id, said):
                found.comment_ids.add(answer_id)
        lacking = quote_text(gap, red_gap)
        if lacking and _add(found.missing, priority_id, lacking):
            found.missing_ids.add(answer_id)
    return found


async def _points(plan: Plan) -> tuple[int, int, Counter, Counter]:
    rows = await TablePoint.filter(plan_id=plan.id).values_list(
        "facilitator_id", "priority_id", "action_id"
    )
    by_action: Counter = Counter(a for _, _, a in rows if a)
    on_priority: Counter = Counter(p for _, p, a in rows if not a)
    return len({f for f, _, _ in rows}), len(rows), by_action, on_priority


def _said(
    document: dict,
    ids: dict[str, int],
    priority_ids: dict[str, int],
    support: dict[int, Counter],
    answered: dict[int, int],
    quotes: PublishedQuotes,
    points: tuple[Counter, Counter],
) -> list[PrioritySaid]:
    by_action, on_priority, missing = quotes.by_action, quotes.on_priority, quotes.missing
    said = []
    for p in document["priorities"]:
        pid = priority_ids.get(p["ref"], 0)
        actions = []
        for a in p["actions"]:
            aid = ids.get(a["ref"], 0)
            counts = support.get(aid, Counter())
            shown = [Tally(label, counts[value]) for value, label in SUPPORT_LABELS.items()]
            shown.append(Tally("No view given", counts[None]))
            actions.append(
                ActionSaid(
                    ref=a["ref"],
                    number=a["number"],
                    text=a["text"],
                    support=shown,
                    answered=answered.get(aid, 0),
                    quotes=by_action.get(aid, []),
                    points=points[0][aid],
                )
            )
        said.append(
            PrioritySaid(
                ref=p["ref"],
                number=p["number"],
                title=p["title"],
                actions=actions,
                quotes=on_priority.get(pid, []),
                missing=missing.get(pid, []),
                points=points[1][pid],
            )
        )
    return said


async def _events(plan: Plan) -> list[EventLine]:
    ids = await PlanEvent.filter(plan_id=plan.id).values_list("event_id", flat=True)
    events = await Event.filter(id__in=list(ids)).order_by("starts_at", "id") if ids else []
    return [EventLine(e.title, e.starts_at, e.ends_at, e.time_zone) for e in events]


async def _workshops(plan: Plan) -> list[str]:
    rows = (
        await SessionPriority.filter(priority__plan_id=plan.id)
        .order_by("session__starts_at", "session_id")
        .values_list("session_id", "session__title")
    )
    return list(dict.fromkeys(title for _, title in rows))


def _reply_labels(document: dict, consulted: dict | None, refs: dict[str, int]) -> dict[int, str]:
    """Action labels for replies: as numbered in the adopted plan, else "Removed: ..."."""
    labels = {}
    for source, removed in ((consulted, True), (document, False)):
        for p in (source or {}).get("priorities", []):
            for a in p["actions"]:
                if a["ref"] in refs:
                    text = f"Removed: {a['text']}" if removed else f"{a['number']}: {a['text']}"
                    labels[refs[a["ref"]]] = text
    return labels


async def build_report(plan: Plan, *, published: bool) -> Report:
    """The response report of ``plan`` (read only; see the module docstring)."""
    consulted = await consulted_version(plan.id)
    adopted = await adopted_version(plan.id)
    now_document = adopted.snapshot if adopted else snapshot(await load_tree(plan))
    document = consulted.snapshot if consulted else now_document
    refs = dict(await Action.filter(plan_id=plan.id).values_list("ref", "id"))
    priority_refs = dict(await Priority.filter(plan_id=plan.id).values_list("ref", "id"))
    total, by_kind, by_capacity = await _who(plan)
    support, answered = await _support(plan)
    tables, points, by_action, on_priority = await _points(plan)
    events = await _events(plan)
    labels = _reply_labels(now_document, consulted.snapshot if consulted else None, refs)
    return Report(
        plan=plan,
        published=published,
        consulted=consulted,
        adopted=adopted,
        time_zone=events[0].time_zone if events else DEFAULT_TZ,
        events=events,
        workshops=await _workshops(plan),
        respondents=total,
        by_kind=by_kind,
        by_capacity=by_capacity,
        tables=tables,
        points=points,
        priorities=_said(
            document,
            refs,
            priority_refs,
            support,
            answered,
            await published_quotes(plan.id),
            (by_action, on_priority),
        ),
        replies=await reply_views(plan, labels),
        comparison=compare(consulted.snapshot, now_document) if consulted else None,
    )


async def published_report(plan_uuid: str) -> Report:
    """The public response report; NotFound until the organiser publishes it. Reads only."""
    plan = await plan_by_uuid(plan_uuid)
    if plan.report_published_at is None:
        raise NotFound("No such report.")
    return await build_report(plan, published=True)


async def report_preview(user: User, plan_id: int) -> Report:
    """The report as it would be published (or is), for organisers. Reads only."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    return await build_report(plan, published=plan.report_published_at is not None)
