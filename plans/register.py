"""The actions register of an adopted plan: statuses, updates, measure readings, the public view.

Every change of an action's status goes through ``record_update``: one row in the
action's timeline (``ActionUpdate``) and the action's current status, reason, progress and
``last_update_at`` in the same transaction. The rules (``check_update``):

- the status is one of not started, on track, at risk, off track, done, dropped;
- dropped needs a reason; the reason is kept for any status (why it is at risk...);
- progress is a whole percentage 0-100 or blank (no figure fits); done means 100, so a
  done action with a blank figure gets 100 and any other figure is refused;
- the update's text says what happened (required); an evidence link is optional and only
  ``http``/``https`` with a host.

Only adopted plans have a register that changes; an archived plan's register is shown
(read-only). The public register reads the plan through ``plans.tree.load_tree`` and
filters in Python: a plan has tens of actions, and the counts are exact by construction.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from markupsafe import Markup
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, Invalid, NotFound
from events.data import multi_line, one_line
from plans.measure_chart import measure_svg
from plans.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    LeadContact,
    MeasureReading,
    Plan,
    PlanStatus,
    Review,
)
from plans.tree import ActionView, PlanTree, PriorityView, load_tree, plan_by_uuid

STATUS_LABELS = {
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.ON_TRACK: "On track",
    ActionStatus.AT_RISK: "At risk",
    ActionStatus.OFF_TRACK: "Off track",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}
REGISTER_STATUSES = (PlanStatus.ADOPTED, PlanStatus.ARCHIVED)
MAX_TEXT = 5000
MAX_REASON = 2000
MAX_URL = 500
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:,[0-9]{3})*|[0-9]*)(?:\.[0-9]+)?")


@dataclass(frozen=True)
class UpdateData:
    """An update as typed: every field a string, checked by ``check_update``."""

    status: str = ""
    status_reason: str = ""
    progress: str = ""
    text: str = ""
    evidence_url: str = ""


@dataclass(frozen=True)
class ReadingData:
    """A measure reading as typed: value, unit, date (YYYY-MM-DD) and source."""

    value: str = ""
    unit: str = ""
    taken_on: str = ""
    source: str = ""


def evidence_problem(url: str) -> str | None:
    """Why an evidence link is refused, or None: http(s) with a host, no spaces."""
    if len(url) > MAX_URL:
        return f"Keep the link under {MAX_URL} characters"
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "Enter a web address without spaces, like https://example.org/report"
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "Enter a web address starting with https:// or http://"
    return None


def check_update(data: UpdateData) -> dict:
    """The update's values for ``ActionUpdate`` (status, status_reason, progress, text,
    evidence_url), or Invalid with a message per field. No side effects."""
    errors: dict[str, str] = {}
    values: dict = {
        "status_reason": multi_line(data.status_reason, MAX_REASON),
        "text": multi_line(data.text, MAX_TEXT),
        "evidence_url": data.evidence_url.strip(),
        "progress": None,
    }
    try:
        values["status"] = ActionStatus(data.status.strip())
    except ValueError:
        errors["status"] = "Choose the action's status"
    if values.get("status") == ActionStatus.DROPPED and not values["status_reason"]:
        errors["status_reason"] = "Say why the action was dropped"
    progress = data.progress.strip().removesuffix("%").strip()
    if progress:
        if not progress.isdigit() or not 0 <= int(progress) <= 100:
            errors["progress"] = "Enter progress as a whole number from 0 to 100, or leave it blank"
        else:
            values["progress"] = int(progress)
    if values.get("status") == ActionStatus.DONE and "progress" not in errors:
        if values["progress"] is None:
            values["progress"] = 100
        elif values["progress"] != 100:
            errors["progress"] = "A done action is 100% complete: enter 100 or leave it blank"
    if not values["text"]:
        errors["text"] = "Say what has happened since the last update"
    if values["evidence_url"] and (problem := evidence_problem(values["evidence_url"])):
        errors["evidence_url"] = problem
    if errors:
        raise Invalid(fields=errors)
    return values


def check_reading(data: ReadingData, today: date) -> dict:
    """The reading's values (value, unit, taken_on, source), or Invalid per field."""
    errors: dict[str, str] = {}
    values: dict = {"unit": one_line(data.unit, 20), "source": one_line(data.source, 300)}
    raw = data.value.strip()
    if raw.endswith("%"):
        raw = raw[:-1].strip()
        values["unit"] = values["unit"] or "%"
    number = None
    if raw and NUMBER.fullmatch(raw) and any(c.isdigit() for c in raw):
        number = float(raw.replace(",", ""))
    if number is None or not math.isfinite(number):
        errors["value"] = "Enter the reading as a number, like 72 or 1,250.5"
    else:
        values["value"] = number
    try:
        taken_on = date.fromisoformat(data.taken_on.strip())
    except ValueError:
        errors["taken_on"] = "Enter the date of the reading, like 2027-03-31"
    else:
        if taken_on > today:
            errors["taken_on"] = "The reading's date cannot be in the future"
        values["taken_on"] = taken_on
    if errors:
        raise Invalid(fields=errors)
    return values


async def _live_action(plan_id: int, action_id: int) -> Action:
    action = await Action.get_or_none(id=action_id, plan_id=plan_id, removed_at__isnull=True)
    if action is None:
        raise NotFound()
    return action


async def record_update(
    plan: Plan,
    action_id: int,
    data: UpdateData,
    *,
    author_name: str,
    author_organisation: str = "",
    contact: LeadContact | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
) -> ActionUpdate:
    """Add an update to an action's timeline and make it the action's current state.
    Side effects: update row, action's status/reason/progress/last_update_at, the
    contact's last_update_at (one transaction)."""
    values = check_update(data)
    at = at or now()
    async with in_transaction():
        fresh = await Plan.get(id=plan.id)
        if fresh.status != PlanStatus.ADOPTED:
            raise Conflict("Only an adopted plan's actions can be updated.")
        action = await _live_action(plan.id, action_id)
        update = await ActionUpdate.create(
            action=action,
            posted_at=at,
            author_name=author_name[:200],
            author_organisation=author_organisation[:200],
            contact=contact,
            user_id=user_id,
            **values,
        )
        await Action.filter(id=action.id).update(
            status=values["status"],
            status_reason=values["status_reason"],
            progress=values["progress"],
            last_update_at=at,
        )
        if contact is not None:
            await LeadContact.filter(id=contact.id).update(last_update_at=at)
    return update


async def add_reading(plan: Plan, action_id: int, data: ReadingData) -> MeasureReading:
    """Add a reading of an action's measure of success. Side effects: reading row."""
    stamp = now()
    values = check_reading(data, stamp.date())
    async with in_transaction():
        fresh = await Plan.get(id=plan.id)
        if fresh.status != PlanStatus.ADOPTED:
            raise Conflict("Only an adopted plan's actions can be updated.")
        action = await _live_action(plan.id, action_id)
        return await MeasureReading.create(action=action, created_at=stamp, **values)


# The public register ---------------------------------------------------------------


@dataclass
class RegisterAction:
    """An action as the register shows it: the plan's view plus its timeline and readings."""

    view: ActionView
    priority: PriorityView
    updates: list[ActionUpdate]  # newest first
    readings: list[MeasureReading]  # oldest first
    chart: Markup | None = None

    @property
    def latest(self) -> ActionUpdate | None:
        return self.updates[0] if self.updates else None

    @property
    def latest_reading(self) -> MeasureReading | None:
        return self.readings[-1] if self.readings else None


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int  # actions shown if this option were chosen, the other filters kept
    selected: bool


@dataclass(frozen=True)
class Filters:
    priority: str = ""  # a priority's ref
    lead: int | None = None  # a lead organisation's directory entry id
    status: str = ""

    @property
    def active(self) -> bool:
        return bool(self.priority or self.lead is not None or self.status)


@dataclass
class RegisterView:
    plan: Plan
    tree: PlanTree
    actions: list[RegisterAction]  # every action, in plan order
    filters: Filters = field(default_factory=Filters)
    reviews: list[Review] = field(default_factory=list)  # newest date first

    def matches(self, action: RegisterAction, *, skip: str = "") -> bool:
        f = self.filters
        if skip != "priority" and f.priority and action.priority.ref != f.priority:
            return False
        if skip != "lead" and f.lead is not None and f.lead not in lead_ids(action.view):
            return False
        return not (skip != "status" and f.status and action.view.status != f.status)

    @property
    def shown(self) -> list[RegisterAction]:
        return [a for a in self.actions if self.matches(a)]

    def shown_by_priority(self) -> list[tuple[PriorityView, list[RegisterAction]]]:
        shown = self.shown
        groups = [(p, [a for a in shown if a.priority.id == p.id]) for p in self.tree.priorities]
        return [(p, items) for p, items in groups if items]

    def _count(self, facet: str, test) -> int:
        return sum(1 for a in self.actions if self.matches(a, skip=facet) and test(a))

    def priority_options(self) -> list[Option]:
        return [
            Option(
                p.ref,
                f"{p.number}. {p.title}",
                self._count("priority", lambda a, p=p: a.priority.id == p.id),
                self.filters.priority == p.ref,
            )
            for p in self.tree.priorities
        ]

    def lead_options(self) -> list[Option]:
        leads: dict[int, str] = {}
        for a in self.actions:
            for partner in a.view.leads:
                leads.setdefault(partner.entry_id, partner.name)
        ordered = sorted(leads.items(), key=lambda item: (item[1].casefold(), item[0]))
        return [
            Option(
                str(entry_id),
                name,
                self._count("lead", lambda a, e=entry_id: e in lead_ids(a.view)),
                self.filters.lead == entry_id,
            )
            for entry_id, name in ordered
        ]

    def status_options(self) -> list[Option]:
        return [
            Option(
                status.value,
                label,
                self._count("status", lambda a, s=status: a.view.status == s),
                self.filters.status == status.value,
            )
            for status, label in STATUS_LABELS.items()
        ]


def lead_ids(view: ActionView) -> set[int]:
    return {p.entry_id for p in view.leads}


def parse_filters(priority: str, lead: str, status: str) -> Filters:
    """Filters from the query string; an unreadable lead or status is no filter."""
    lead_id = int(lead) if lead.strip().isdigit() and len(lead.strip()) < 10 else None
    known = {s.value for s in ActionStatus}
    return Filters(priority.strip()[:12], lead_id, status if status in known else "")


async def register_actions(tree: PlanTree, *, charts: bool = True) -> list[RegisterAction]:
    """Each action of the tree with its updates (newest first) and readings. Reads only."""
    ids = [a.id for a in tree.actions]
    updates: dict[int, list[ActionUpdate]] = {}
    readings: dict[int, list[MeasureReading]] = {}
    if ids:
        for row in await ActionUpdate.filter(action_id__in=ids).order_by("-posted_at", "-id"):
            updates.setdefault(row.action_id, []).append(row)  # type: ignore[attr-defined]
        for row in await MeasureReading.filter(action_id__in=ids).order_by("taken_on", "id"):
            readings.setdefault(row.action_id, []).append(row)  # type: ignore[attr-defined]
    found = []
    for priority in tree.priorities:
        for view in priority.actions:
            item = RegisterAction(
                view, priority, updates.get(view.id, []), readings.get(view.id, [])
            )
            if charts and item.readings:
                item.chart = measure_svg(
                    item.readings, f"action-{view.id}", f"Action {view.number}", view.measure
                )
            found.append(item)
    return found


async def public_plan(plan_uuid: str) -> Plan:
    """An adopted or archived plan by its public id; NotFound for any other. Reads only."""
    plan = await plan_by_uuid(plan_uuid)
    if plan.status not in REGISTER_STATUSES:
        raise NotFound()
    return plan


async def public_register(plan_uuid: str, filters: Filters | None = None) -> RegisterView:
    """The public register of an adopted (or archived) plan, filtered. Reads only."""
    plan = await public_plan(plan_uuid)
    tree = await load_tree(plan)
    reviews = list(await Review.filter(plan_id=plan.id).order_by("-as_of", "-id"))
    return RegisterView(plan, tree, await register_actions(tree), filters or Filters(), reviews)


async def recent_updates(
    plan_uuid: str, limit: int = 50
) -> tuple[Plan, list[tuple[ActionUpdate, ActionView]]]:
    """A public register's plan and its latest updates (newest first) with their actions,
    for the feed. Reads only."""
    plan = await public_plan(plan_uuid)
    tree = await load_tree(plan)
    views = {a.id: a for a in tree.actions}
    if not views:
        return plan, []
    rows = (
        await ActionUpdate.filter(action_id__in=list(views))
        .order_by("-posted_at", "-id")
        .limit(limit)
    )
    return plan, [(row, views[row.action_id]) for row in rows]  # type: ignore[attr-defined]
