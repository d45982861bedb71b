"""Exports for the analysts: every answer of the submitted responses, and the workshop
tables' notes, as CSV or .xlsx (``convenor.spreadsheet``: formula cells neutralised).

Without personal details (the plain download, a GET, nothing logged): no names, no
emails, no organisation of a resident or of someone who gave no capacity (it could name
them), and only words a moderator let through: the redacted copy when redacted; the
words of a hidden or waiting public answer are left out (its row, support and moderation
state stay). With personal details (a POST, admins only): the respondent's name, email
and organisation, and the original words of every answer beside the shown ones; each
such export writes a ``CommentExport`` row (who, what, how many rows) in the same
transaction as it is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Forbidden
from convenor.models import Role, User
from convenor.spreadsheet import Cell, Sheet
from convenor.templating import localtime
from events.models import Event
from plans.analysis import CAPACITY_LABELS, VISIBLE, shown_text
from plans.models import SUPPORT_LABELS, Answer, CommentExport, TablePoint, ThemeTag
from plans.tree import load_tree

TIME_ZONE = "Europe/London"
PERSONAL_ROLES = {Role.ADMIN}  # who may export names and emails
ORGANISERS = {Role.ADMIN, Role.ORGANISER}
RESPONSE_COLUMNS = (
    "Priority number", "Priority", "Action number", "Action", "Respondent kind", "Capacity",
    "Organisation", "Event", "Support", "Support label", "Comment", "What is missing", "Redacted",
    "Moderation", "Themes", "Submitted at",
)  # fmt: skip
PERSONAL_COLUMNS = ("Name", "Email", "Original comment", "Original what is missing")
POINT_COLUMNS = (
    "Session", "Table", "Priority", "Action number", "Action", "Point", "Themes",
    "Recorded at",
)  # fmt: skip
POINT_PERSONAL_COLUMNS = ("Facilitator", "Facilitator email")
PRIVATE_ORGANISATION = {"resident", ""}  # capacities whose organisation stays private


def may_export_personal(user: User) -> bool:
    return user.role in PERSONAL_ROLES


def _wall_clock(moment: datetime | None) -> datetime | None:
    local = localtime(moment, TIME_ZONE)
    return local.replace(tzinfo=None) if local else None


async def _themes(column: str, plan_id: int) -> dict[int, str]:
    rows = await (
        ThemeTag.filter(theme__plan_id=plan_id, **{f"{column}__isnull": False})
        .order_by("theme__name", "theme_id")
        .values_list(column, "theme__name")
    )
    found: dict[int, list[str]] = {}
    for owner, name in rows:
        found.setdefault(owner, []).append(name)
    return {owner: "; ".join(names) for owner, names in found.items()}


async def _log(user: User, plan_id: int, what: str, rows: int) -> None:
    await CommentExport.create(
        plan_id=plan_id,
        user_id=user.id,
        user_email=user.email,
        what=what,
        with_personal_details=True,
        row_count=rows,
        created_at=now(),
    )


def _check(user: User, personal: bool) -> None:
    if user.role not in ORGANISERS:
        raise Forbidden()
    if personal and not may_export_personal(user):
        raise Forbidden("Only an administrator may export personal details.")


async def responses_sheet(
    user: User, plan_id: int, *, fmt: str = "csv", personal: bool = False
) -> Sheet:
    """One row per answer of a submitted response, in the plan's order. Side effects:
    with ``personal`` (admins only, else Forbidden), a CommentExport row."""
    _check(user, personal)
    async with in_transaction():
        tree = await load_tree(plan_id)
        priorities = {p.id: p for p in tree.priorities}
        actions = {a.id: a for a in tree.actions}
        rows = await (
            Answer.filter(plan_id=plan_id, respondent__submitted_at__isnull=False)
            .order_by("id")
            .values_list(
                "id", "priority_id", "action_id", "support", "comment", "redacted_comment",
                "missing", "redacted_missing", "moderation", "respondent__kind",
                "respondent__capacity", "respondent__organisation",
                "respondent__organisation_entry__name", "respondent__event_id",
                "respondent__submitted_at", "respondent__name", "respondent__email",
            )
        )  # fmt: skip
        themes = await _themes("answer_id", plan_id)
        event_ids = {row[13] for row in rows if row[13]}
        events = dict(await Event.filter(id__in=event_ids).values_list("id", "title"))
        keyed = []
        for row in rows:
            priority = priorities.get(row[1])
            action = actions.get(row[2]) if row[2] is not None else None
            if priority is None or (row[2] is not None and action is None):
                continue  # about something removed from the plan
            position = int(action.number.rsplit(".", 1)[1]) if action else 0
            head: list[Cell] = [
                priority.number,
                priority.title,
                action.number if action else "",
                action.text if action else "",
            ]
            keyed.append(
                (
                    (priority.number, position, row[0]),
                    head + _answer_cells(row, themes, events, personal),
                )
            )
        keyed.sort(key=lambda item: item[0])
        if personal:
            await _log(user, plan_id, f"responses.{fmt}", len(keyed))
    header = [*RESPONSE_COLUMNS, *(PERSONAL_COLUMNS if personal else ())]
    return Sheet("Responses", header, [cells for _, cells in keyed])


def _value(choice: object) -> str:
    return str(getattr(choice, "value", choice) or "")


def _answer_cells(row: Sequence, themes: dict, events: dict, personal: bool) -> list[Cell]:
    (answer_id, _p, _a, support, comment, r_comment, missing, r_missing, moderation, kind,
     capacity, organisation, entry_name, event_id, submitted_at, name, email) = row  # fmt: skip
    moderation, capacity = _value(moderation), _value(capacity)
    cleared = moderation in {m.value for m in VISIBLE}
    organisation = entry_name or organisation
    if capacity in PRIVATE_ORGANISATION and not personal:
        organisation = ""
    cells: list[Cell] = [
        _value(kind),
        CAPACITY_LABELS.get(capacity, capacity),
        organisation,
        events.get(event_id, ""),
        support,
        SUPPORT_LABELS.get(support, "") if support is not None else "",
        shown_text(comment, r_comment) if cleared else "",
        shown_text(missing, r_missing) if cleared else "",
        "yes" if r_comment is not None or r_missing is not None else "no",
        moderation,
        themes.get(answer_id, ""),
        _wall_clock(submitted_at),
    ]
    if personal:
        cells += [name, email, comment, missing]
    return cells


async def workshop_sheet(
    user: User, plan_id: int, *, fmt: str = "csv", personal: bool = False
) -> Sheet:
    """One row per workshop table point, by session, table and the plan's order. Side
    effects: with ``personal`` (facilitators' names and emails; admins only), a
    CommentExport row."""
    _check(user, personal)
    async with in_transaction():
        tree = await load_tree(plan_id)
        priorities = {p.id: p for p in tree.priorities}
        actions = {a.id: a for a in tree.actions}
        rows = await (
            TablePoint.filter(plan_id=plan_id)
            .order_by("id")
            .values_list(
                "id", "priority_id", "action_id", "text", "updated_at",
                "facilitator__session__title", "facilitator__session__starts_at",
                "facilitator__session_id", "facilitator__table_label", "facilitator__name",
                "facilitator__email",
            )
        )  # fmt: skip
        themes = await _themes("point_id", plan_id)
        keyed = []
        for point_id, p_id, a_id, text, at, session, starts, s_id, table, name, email in rows:
            priority = priorities.get(p_id)
            action = actions.get(a_id) if a_id is not None else None
            if priority is None or (a_id is not None and action is None):
                continue
            position = int(action.number.rsplit(".", 1)[1]) if action else 0
            cells: list[Cell] = [
                session, table, f"{priority.number}. {priority.title}",
                action.number if action else "", action.text if action else "", text,
                themes.get(point_id, ""), _wall_clock(at),
            ]  # fmt: skip
            if personal:
                cells += [name, email]
            keyed.append(((starts, s_id, table, priority.number, position, point_id), cells))
        keyed.sort(key=lambda item: item[0])
        if personal:
            await _log(user, plan_id, f"workshop-notes.{fmt}", len(keyed))
    header = [*POINT_COLUMNS, *(POINT_PERSONAL_COLUMNS if personal else ())]
    return Sheet("Workshop notes", header, [cells for _, cells in keyed])


async def export_log(user: User, plan_id: int) -> list[CommentExport]:
    """The plan's logged exports with personal details, newest first. No side effects."""
    _check(user, False)
    return list(await CommentExport.filter(plan_id=plan_id).order_by("-created_at", "-id"))
