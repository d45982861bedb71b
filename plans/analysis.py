"""The organisers' analysis of a consultation: support per action, who responded, filters.

What counts:
- Only submitted responses (``Respondent.submitted_at`` set). A draft never counts. A
  response changed after it was sent counts once, as it stands now (answers are the
  current rows; there is no history to double count).
- Support counts for every submitted answer to an action whatever the moderation of
  its comment: moderation is about the words shown, not about the view given. A hidden
  or waiting comment is not counted among an action's comments and is not listed.
- A comment is what is shown: the redacted copy when there is one, else the original.
- Workshop table points (``TablePoint``) have no respondent: they count per action as
  points and are left out whenever a filter about respondents (capacity, organisation,
  public/delegate/partner) is set.

Counts are SQL ``GROUP BY``s (``plans.analysis_sql``: support, words, people and the
queue, run at once on PostgreSQL; table points through the ORM), never rows loaded and
counted in Python, and exact on SQLite and PostgreSQL. The response report
(``plans.report``) counts with the same definitions (``respondent_conditions``,
``VISIBLE``, ``shown_text``) and is tested against ``analyse`` and
``quotable_comments``; neither returns a name or an email.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tortoise.expressions import Q
from tortoise.functions import Count

from plans import analysis_sql
from plans.models import CAPACITY_LABELS as CAPACITY_NAMES
from plans.models import (
    Answer,
    Capacity,
    Moderation,
    Plan,
    RespondentKind,
    TablePoint,
    ThemeTag,
)
from plans.tree import ActionView, PlanTree, PriorityView, load_tree

VISIBLE = (Moderation.NOT_NEEDED, Moderation.APPROVED)
SUPPORT_SCALE = (5, 4, 3, 2, 1)  # strongly support .. strongly oppose
CAPACITY_LABELS = {**CAPACITY_NAMES, "": "Not given"}  # "" : no capacity given
SOURCES = {
    "public": "Public",
    "delegate": "Delegates",
    "partner": "Partners",
    "workshop": "Workshop tables",
}
RESPONDENT_SOURCES = {k.value for k in RespondentKind}
MAX_QUERY = 200


@dataclass(frozen=True)
class Filters:
    """What the organiser narrowed the analysis to (all optional)."""

    priority_id: int | None = None
    action_id: int | None = None
    capacity: str = ""  # a Capacity value
    organisation: str = ""  # "entry:<id>" (from the directory) or "name:<text>" (typed)
    event_id: int | None = None
    source: str = ""  # public, delegate, partner or workshop
    theme_id: int | None = None
    q: str = ""  # words every comment listed contains (case and accents ignored)
    page: int = 1

    @property
    def about_respondents(self) -> bool:
        """Whether a filter only respondents can meet is set (table points are left out)."""
        return bool(self.capacity or self.organisation or self.source in RESPONDENT_SOURCES)

    def query(self, **changes: object) -> dict[str, str]:
        """The filters as query parameters (empty ones left out), with ``changes``."""
        values = {
            "priority": self.priority_id,
            "action": self.action_id,
            "capacity": self.capacity,
            "organisation": self.organisation,
            "event": self.event_id,
            "source": self.source,
            "theme": self.theme_id,
            "q": self.q,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _id(value: object) -> int | None:
    text = str(value or "").strip()
    if text.isascii() and text.isdigit() and 0 < len(text) < 10:
        return int(text)
    return None


def parse_filters(params: Mapping[str, str]) -> Filters:
    """Filters from a query string; anything malformed is simply not a filter."""
    capacity = str(params.get("capacity", ""))
    source = str(params.get("source", ""))
    organisation = str(params.get("organisation", ""))[:260]
    if organisation.startswith("entry:"):
        organisation = organisation if _id(organisation[6:]) is not None else ""
    elif not (organisation.startswith("name:") and len(organisation) > 5):
        organisation = ""
    return Filters(
        priority_id=_id(params.get("priority")),
        action_id=_id(params.get("action")),
        capacity=capacity if capacity in {c.value for c in Capacity} else "",
        organisation=organisation,
        event_id=_id(params.get("event")),
        source=source if source in SOURCES else "",
        theme_id=_id(params.get("theme")),
        q=" ".join(str(params.get("q", "")).split())[:MAX_QUERY],
        page=_id(params.get("page")) or 1,
    )


def respondent_conditions(filters: Filters, prefix: str = "") -> dict[str, object]:
    """ORM filters on a submitted respondent (``prefix``: "respondent__" from an answer)."""
    found: dict[str, object] = {f"{prefix}submitted_at__isnull": False}
    if filters.capacity:
        found[f"{prefix}capacity"] = filters.capacity
    if filters.organisation.startswith("entry:"):
        found[f"{prefix}organisation_entry_id"] = int(filters.organisation[6:])
    elif filters.organisation.startswith("name:"):
        found[f"{prefix}organisation"] = filters.organisation[5:]
        found[f"{prefix}organisation_entry_id__isnull"] = True
    if filters.event_id is not None:
        found[f"{prefix}event_id"] = filters.event_id
    if filters.source in RESPONDENT_SOURCES:
        found[f"{prefix}kind"] = filters.source
    return found


def shown_text(original: str, redacted: str | None) -> str:
    """What everyone but the record sees: the redacted copy when there is one."""
    return original if redacted is None else redacted


def _has_shown(column: str, prefix: str) -> Q:
    redacted = f"{prefix}redacted_{column}"
    return Q(**{f"{redacted}__isnull": True, f"{prefix}{column}__not": ""}) | Q(
        **{f"{redacted}__isnull": False, f"{redacted}__not": ""}
    )


def has_shown_comment(prefix: str = "") -> Q:
    """An answer whose shown comment is not empty (``prefix``: "answer__" from a tag)."""
    return _has_shown("comment", prefix)


def has_shown_missing(prefix: str = "") -> Q:
    """An answer whose shown "what is missing" is not empty."""
    return _has_shown("missing", prefix)


def has_shown_text(prefix: str = "") -> Q:
    """An answer with shown words of either kind."""
    return Q(has_shown_comment(prefix), has_shown_missing(prefix), join_type="OR")


@dataclass
class ActionFigures:
    """One action's figures under the filters."""

    action: ActionView
    support: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SUPPORT_SCALE, 0))
    no_view: int = 0  # answered (a comment) without giving support
    by_capacity: dict[str, int] = field(default_factory=dict)  # respondents answering
    comments: int = 0  # shown comments (hidden and waiting ones left out)
    points: int = 0  # workshop table points

    @property
    def answers(self) -> int:
        return sum(self.support.values()) + self.no_view

    @property
    def supported(self) -> int:
        return sum(self.support.values())


@dataclass
class PriorityFigures:
    priority: PriorityView
    actions: list[ActionFigures]
    missing: int = 0  # shown "what is missing" answers
    comments: int = 0  # shown comments on the priority itself


@dataclass
class Analysis:
    plan: Plan
    tree: PlanTree
    filters: Filters
    respondents: int  # submitted responses matching the filters
    by_capacity: dict[str, int]
    by_kind: dict[str, int]
    priorities: list[PriorityFigures]
    drafts: int  # responses saved but never sent: not counted anywhere
    waiting: int  # public answers with words awaiting moderation
    listed: int = 0  # answers the comment list shows under the filters (before theme, words)

    @property
    def actions(self) -> list[ActionFigures]:
        return [a for p in self.priorities for a in p.actions]


def _points(plan_id: int, filters: Filters):
    query = TablePoint.filter(plan_id=plan_id)
    if filters.priority_id is not None:
        query = query.filter(priority_id=filters.priority_id)
    if filters.action_id is not None:
        query = query.filter(action_id=filters.action_id)
    if filters.event_id is not None:
        query = query.filter(facilitator__session__event_id=filters.event_id)
    return query


async def _grouped(query, *columns: str) -> list[tuple]:
    return list(await query.annotate(n=Count("id")).group_by(*columns).values_list(*columns, "n"))


async def analyse(plan_id: int, filters: Filters | None = None) -> Analysis:
    """Support per action, respondents by capacity and kind, comment and point counts,
    under ``filters`` (search, theme and page only narrow the comment list). Reads only."""
    filters = filters or Filters()
    tree = await load_tree(plan_id)
    plan = tree.plan
    figures = {a.id: ActionFigures(a) for a in tree.actions}
    priorities = {
        p.id: PriorityFigures(p, [figures[a.id] for a in p.actions]) for p in tree.priorities
    }
    by_capacity: dict[str, int] = {}
    by_kind: dict[str, int] = {}
    respondents = 0
    listed = waiting = 0
    counted = filters.source != "workshop"
    # The queue's count is the words statement's unless filters narrow it.
    narrowed = filters != Filters(q=filters.q, theme_id=filters.theme_id, page=filters.page)
    support_rows, word_rows, (sent, drafts), queued = await analysis_sql.together(
        analysis_sql.support(plan_id, filters) if counted else None,
        analysis_sql.words(plan_id, filters) if counted else None,
        analysis_sql.people(plan_id, filters),
        analysis_sql.waiting(plan_id) if narrowed or not counted else None,
    )
    for row in support_rows or []:
        found = figures.get(row.action_id)
        if found is None:  # a removed action
            continue
        if row.support in found.support:
            found.support[row.support] += sum(row.by_capacity.values())
        else:
            found.no_view += sum(row.by_capacity.values())
        for key, n in row.by_capacity.items():
            if n:
                found.by_capacity[key] = found.by_capacity.get(key, 0) + n
    for row in word_rows or []:
        listed += row.listed
        waiting += row.waiting
        if row.action_id is not None:
            if row.action_id in figures:
                figures[row.action_id].comments += row.comments
        elif row.priority_id in priorities:
            priorities[row.priority_id].missing += row.missing
            priorities[row.priority_id].comments += row.comments
    if counted:
        for (capacity, kind), n in sent.items():
            by_capacity[capacity] = by_capacity.get(capacity, 0) + n
            by_kind[kind] = by_kind.get(kind, 0) + n
            respondents += n
    if not filters.about_respondents:
        points = _points(plan_id, filters).filter(action_id__isnull=False)
        for action_id, n in await _grouped(points, "action_id"):
            if action_id in figures:
                figures[action_id].points = n
    chosen = [
        p
        for p in priorities.values()
        if filters.priority_id in (None, p.priority.id)
        and (filters.action_id is None or any(a.action.id == filters.action_id for a in p.actions))
    ]
    if filters.action_id is not None:
        for p in chosen:
            p.actions = [a for a in p.actions if a.action.id == filters.action_id]
    if queued is not None:
        waiting = queued
    return Analysis(
        plan, tree, filters, respondents, by_capacity, by_kind, chosen, drafts, waiting, listed
    )


async def waiting_count(plan_id: int) -> int:
    """Submitted answers with words that wait for a moderator. Reads only."""
    return await analysis_sql.waiting(plan_id)


@dataclass(frozen=True)
class Quote:
    """A comment its author agreed to have quoted (never with a name): the shown text."""

    answer_id: int
    priority_id: int
    action_id: int | None
    comment: str  # redacted copy when redacted
    missing: str
    capacity: str  # "" when not given
    kind: str  # public, delegate or partner
    theme_ids: tuple[int, ...]


async def quotable_comments(plan_id: int) -> list[Quote]:
    """Comments that may be quoted in public: the respondent agreed (``may_quote``), the
    response was sent, moderation approved it or was not needed; shown (redacted) text
    only, in the plan's order. Reads only."""
    tree = await load_tree(plan_id)
    order = {p.id: (p.number, 0) for p in tree.priorities}
    for p in tree.priorities:
        for i, a in enumerate(p.actions, start=1):
            order[-a.id] = (p.number, i)
    rows = await (
        Answer.filter(
            plan_id=plan_id,
            respondent__submitted_at__isnull=False,
            respondent__may_quote=True,
            moderation__in=VISIBLE,
        )
        .filter(has_shown_text())
        .order_by("id")
        .values_list(
            "id", "priority_id", "action_id", "comment", "redacted_comment", "missing",
            "redacted_missing", "respondent__capacity", "respondent__kind",
        )
    )  # fmt: skip
    tags: dict[int, list[int]] = {}
    if rows:
        for answer_id, theme_id in await ThemeTag.filter(
            answer__plan_id=plan_id, answer_id__isnull=False
        ).values_list("answer_id", "theme_id"):
            tags.setdefault(answer_id, []).append(theme_id)
    quotes = []
    for a_id, p_id, act_id, comment, r_comment, missing, r_missing, capacity, kind in rows:
        key = -act_id if act_id is not None else p_id
        if key not in order:  # answers to removed priorities or actions
            continue
        quote = Quote(
            a_id, p_id, act_id, shown_text(comment, r_comment), shown_text(missing, r_missing),
            capacity or "", kind, tuple(sorted(tags.get(a_id, []))),
        )  # fmt: skip
        quotes.append(quote)
    quotes.sort(key=lambda q: (order[-q.action_id if q.action_id else q.priority_id], q.answer_id))
    return quotes
