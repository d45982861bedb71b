"""Every comment of a consultation for the organisers, filtered, searched and paged.

A comment is either an answer's words (its comment and "what is missing", the redacted
copy when there is one) from a submitted response whose moderation is not needed or
approved, or a point a workshop table made. Hidden and waiting answers are never
listed here (waiting ones are in the moderation queue).

The list is newest first (the time the words were last saved, then the id), answers and
table points merged. Without search words, each source is counted in SQL and only the
first ``offset + PAGE_SIZE`` keys of each are read to merge the page. Search folds case
and accents in Python (``directory.search.text.fold``: "Lodz" finds "Łódź"), so it is the
same on SQLite and PostgreSQL: the filtered candidates' texts are read (the answers' in
one plain-SQL statement, ``plans.analysis_sql.listed_texts``) and every word of
the query (a run of letters and digits) must occur in the comment's shown text (the
redacted copy, never the original). Totals and pages are exact either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from directory.search.text import fold
from directory.search.text import words as query_words
from events.models import Event
from plans.analysis import (
    VISIBLE,
    Analysis,
    Filters,
    analyse,
    has_shown_text,
    respondent_conditions,
    shown_text,
)
from plans.analysis_sql import listed_texts, together
from plans.comments import ThemeCount, themes
from plans.models import Answer, PlanEvent, Respondent, TablePoint, ThemeTag
from plans.tree import ActionView, PriorityView

PAGE_SIZE = 25
ANSWER = "answer"
POINT = "point"


@dataclass
class Comment:
    """One comment as the organiser's list shows it (no names or emails)."""

    source: str  # "answer" or "point"
    id: int
    priority_id: int
    action_id: int | None
    comment: str  # shown text: redacted when redacted
    missing: str
    redacted: bool  # the original is kept for the record (shown to staff with a marker)
    original_comment: str
    original_missing: str
    kind: str  # public, delegate, partner or workshop
    capacity: str
    organisation: str
    support: int | None
    moderation: str
    at: datetime
    where: str  # an event's title, or "session, table" for a workshop point
    themes: list[tuple[int, str]]


@dataclass(frozen=True)
class CommentPage:
    comments: list[Comment]
    total: int
    page: int
    pages: int
    answers: int  # of the total, answers
    points: int  # of the total, workshop points


def answer_query(plan_id: int, filters: Filters):
    """Listed answers under the filters, or None when the filters leave none."""
    if filters.source == "workshop":
        return None
    query = Answer.filter(
        plan_id=plan_id, moderation__in=VISIBLE, **respondent_conditions(filters, "respondent__")
    ).filter(has_shown_text())
    if filters.priority_id is not None:
        query = query.filter(priority_id=filters.priority_id)
    if filters.action_id is not None:
        query = query.filter(action_id=filters.action_id)
    if filters.theme_id is not None:
        query = query.filter(tags__theme_id=filters.theme_id)
    return query


def point_query(plan_id: int, filters: Filters):
    """Listed workshop points under the filters, or None when the filters leave none."""
    if filters.about_respondents:
        return None
    query = TablePoint.filter(plan_id=plan_id).exclude(text="")
    if filters.priority_id is not None:
        query = query.filter(priority_id=filters.priority_id)
    if filters.action_id is not None:
        query = query.filter(action_id=filters.action_id)
    if filters.event_id is not None:
        query = query.filter(facilitator__session__event_id=filters.event_id)
    if filters.theme_id is not None:
        query = query.filter(tags__theme_id=filters.theme_id)
    return query


def matches(words: list[str], *texts: str) -> bool:
    """Whether every folded word occurs in the folded texts."""
    haystack = fold(" ".join(texts))
    return all(word in haystack for word in words)


Key = tuple[datetime, str, int]  # newest first: (at, source, id) sorted descending


async def _keys(query, source: str, limit: int | None) -> list[Key]:
    if query is None:
        return []
    ordered = query.order_by("-updated_at", "-id")
    if limit is not None:
        ordered = ordered.limit(limit)
    return [(at, source, i) for i, at in await ordered.values_list("id", "updated_at")]


async def _searched(plan_id: int, filters: Filters, points, words: list[str]):
    found: list[Key] = []
    n_answers = n_points = 0
    if filters.source != "workshop":
        for i, at, comment, missing in await listed_texts(plan_id, filters):
            if matches(words, comment, missing):
                found.append((at, ANSWER, i))
                n_answers += 1
    if points is not None:
        for i, at, text in await points.values_list("id", "updated_at", "text"):
            if matches(words, text):
                found.append((at, POINT, i))
                n_points += 1
    return found, n_answers, n_points


async def comment_page(
    plan_id: int, filters: Filters, answers_total: int | None = None
) -> CommentPage:
    """The page of comments the filters, search words and page number ask for, with
    exact totals (``answers_total``: the answers listed under these filters, when the
    caller has counted them already: ``Analysis.listed``). Reads only."""
    answers = answer_query(plan_id, filters)
    points = point_query(plan_id, filters)
    words = query_words(filters.q)
    if words:
        keys, n_answers, n_points = await _searched(plan_id, filters, points, words)
    else:
        if answers is None:
            n_answers = 0
        elif answers_total is not None and filters.theme_id is None:
            n_answers = answers_total
        else:
            n_answers = await answers.count()
        n_points = await points.count() if points is not None else 0
        keys = []
    total = n_answers + n_points
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    offset = (page - 1) * PAGE_SIZE
    if not words:
        keys = await _keys(answers, ANSWER, offset + PAGE_SIZE)
        keys += await _keys(points, POINT, offset + PAGE_SIZE)
    keys.sort(reverse=True)
    chosen = keys[offset : offset + PAGE_SIZE]
    comments = await _load(plan_id, chosen)
    return CommentPage(comments, total, page, pages, n_answers, n_points)


async def _themes(source: str, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    if not ids:
        return {}
    column = "answer_id" if source == ANSWER else "point_id"
    rows = await (
        ThemeTag.filter(**{f"{column}__in": ids})
        .order_by("theme__name", "theme_id")
        .values_list(column, "theme_id", "theme__name")
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for owner, theme_id, name in rows:
        found.setdefault(owner, []).append((theme_id, name))
    return found


async def _load(plan_id: int, keys: list[Key]) -> list[Comment]:
    """The comments for these keys, in the keys' order."""
    answer_ids = [i for _, s, i in keys if s == ANSWER]
    point_ids = [i for _, s, i in keys if s == POINT]
    made: dict[tuple[str, int], Comment] = {}
    if answer_ids:
        rows = await Answer.filter(plan_id=plan_id, id__in=answer_ids).select_related(
            "respondent", "respondent__organisation_entry"
        )
        event_ids = {r.respondent.event_id for r in rows if r.respondent.event_id}  # type: ignore[attr-defined]
        events = dict(await Event.filter(id__in=event_ids).values_list("id", "title"))
        themes = await _themes(ANSWER, answer_ids)
        for a in rows:
            who = a.respondent
            entry = who.organisation_entry
            made[(ANSWER, a.id)] = Comment(
                source=ANSWER,
                id=a.id,
                priority_id=a.priority_id,  # type: ignore[attr-defined]
                action_id=a.action_id,  # type: ignore[attr-defined]
                comment=shown_text(a.comment, a.redacted_comment),
                missing=shown_text(a.missing, a.redacted_missing),
                redacted=a.redacted_comment is not None or a.redacted_missing is not None,
                original_comment=a.comment,
                original_missing=a.missing,
                kind=str(who.kind.value),
                capacity=who.capacity.value if who.capacity else "",
                organisation=entry.name if entry is not None else who.organisation,
                support=a.support,
                moderation=str(a.moderation.value),
                at=a.updated_at,
                where=events.get(who.event_id, ""),  # type: ignore[attr-defined]
                themes=themes.get(a.id, []),
            )
    if point_ids:
        rows = await TablePoint.filter(plan_id=plan_id, id__in=point_ids).select_related(
            "facilitator", "facilitator__session"
        )
        themes = await _themes(POINT, point_ids)
        for p in rows:
            table = p.facilitator.table_label
            session = p.facilitator.session.title
            made[(POINT, p.id)] = Comment(
                source=POINT,
                id=p.id,
                priority_id=p.priority_id,  # type: ignore[attr-defined]
                action_id=p.action_id,  # type: ignore[attr-defined]
                comment=p.text,
                missing="",
                redacted=False,
                original_comment=p.text,
                original_missing="",
                kind="workshop",
                capacity="",
                organisation="",
                support=None,
                moderation="not_needed",
                at=p.updated_at,
                where=f"{session}, {table}" if table else session,
                themes=themes.get(p.id, []),
            )
    return [made[(s, i)] for _, s, i in keys if (s, i) in made]


# The organiser's page -----------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisPage:
    """Everything the analysis page shows: figures, the comment page, filter choices."""

    analysis: Analysis
    comments: CommentPage
    themes: list[ThemeCount]
    organisations: list[tuple[str, str]]  # (filter key, label)
    events: list[tuple[int, str]]
    actions: dict[int, ActionView]  # every action of the plan by id (for comment labels)
    priorities: dict[int, PriorityView]


async def _organisations(plan_id: int) -> list[tuple[str, str]]:
    rows = await (
        Respondent.filter(plan_id=plan_id, submitted_at__isnull=False)
        .distinct()
        .values_list("organisation_entry_id", "organisation_entry__name", "organisation")
    )
    found: dict[str, str] = {}
    for entry_id, entry_name, typed in rows:
        if entry_id is not None:
            found[f"entry:{entry_id}"] = entry_name or typed
        elif typed:
            found[f"name:{typed}"] = typed
    return sorted(found.items(), key=lambda item: (fold(item[1]), item[0]))


async def _events(plan_id: int) -> list[tuple[int, str]]:
    linked = set(await PlanEvent.filter(plan_id=plan_id).values_list("event_id", flat=True))
    linked |= set(
        await Respondent.filter(plan_id=plan_id, event_id__isnull=False)
        .distinct()
        .values_list("event_id", flat=True)
    )
    rows = await Event.filter(id__in=linked).order_by("starts_at", "id").values_list("id", "title")
    return list(rows)


async def analysis_page(plan_id: int, filters: Filters) -> AnalysisPage:
    """The analysis page of a plan under ``filters`` (NotFound for no such plan). Reads
    only."""
    analysis, theme_counts, organisations, events = await together(
        analyse(plan_id, filters), themes(plan_id), _organisations(plan_id), _events(plan_id)
    )
    return AnalysisPage(
        analysis=analysis,
        comments=await comment_page(plan_id, filters, analysis.listed),
        themes=theme_counts,
        organisations=organisations,
        events=events,
        actions={a.id: a for a in analysis.tree.actions},
        priorities={p.id: p for p in analysis.tree.priorities},
    )
