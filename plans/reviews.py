"""Annual reviews: the register frozen at a date, kept, and compared with the one before.

``take_review`` stores a snapshot (``Review.snapshot``) of every action at the end of
the review's date (in the plan's time zone, Europe/London): its status, reason and
progress from the latest update posted by then (an action never updated keeps its
current state; one whose every update came later was not started), and its latest
measure reading taken on or before the date. The snapshot is plain JSON::

    {"as_of": "YYYY-MM-DD", "plan": {"title", "partnership", "period"},
     "counts": {status: n},
     "actions": [{"ref", "number", "priority", "text", "leads": [names], "status",
                  "status_reason", "progress", "update": {"posted_at", "text"} | None,
                  "reading": {"value", "unit", "taken_on", "source"} | None}]}

``compare(old, new)`` says, by each action's stable ref, what changed status or
progress, which readings are new, and which actions were added or left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from convenor.auth import now
from convenor.errors import Invalid, NotFound
from convenor.models import User
from events.data import one_line
from plans.models import ActionStatus, ActionUpdate, MeasureReading, Plan, Review
from plans.register import REGISTER_STATUSES, STATUS_LABELS, public_plan
from plans.tree import load_tree, plan_by_id
from plans.versions import check_may_edit

TIME_ZONE = "Europe/London"


def end_of_day(day: date, tz: str = TIME_ZONE) -> datetime:
    """The first instant after ``day`` in the zone, in UTC: updates before it count."""
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(tz)).astimezone(UTC)


async def register_snapshot(plan: Plan, as_of: date) -> dict[str, Any]:
    """The register as it stood at the end of ``as_of`` (see the module docstring)."""
    tree = await load_tree(plan)
    cutoff = end_of_day(as_of)
    ids = [a.id for a in tree.actions]
    updates: dict[int, list[ActionUpdate]] = {}
    readings: dict[int, MeasureReading] = {}
    if ids:
        for row in await ActionUpdate.filter(action_id__in=ids).order_by("posted_at", "id"):
            updates.setdefault(row.action_id, []).append(row)  # type: ignore[attr-defined]
        rows = MeasureReading.filter(action_id__in=ids, taken_on__lte=as_of)
        for row in await rows.order_by("taken_on", "id"):
            readings[row.action_id] = row  # type: ignore[attr-defined]
    actions = []
    counts = {s.value: 0 for s in ActionStatus}
    for priority in tree.priorities:
        for action in priority.actions:
            history = updates.get(action.id, [])
            before = [u for u in history if u.posted_at < cutoff]
            if before:
                last = before[-1]
                state = (last.status.value, last.status_reason, last.progress)
                update = {"posted_at": last.posted_at.isoformat(), "text": last.text}
            elif not history:
                state = (action.status.value, action.status_reason, action.progress)
                update = None
            else:
                state, update = (ActionStatus.NOT_STARTED.value, "", None), None
            reading = readings.get(action.id)
            counts[state[0]] += 1
            actions.append(
                {
                    "ref": action.ref,
                    "number": action.number,
                    "priority": priority.title,
                    "text": action.text,
                    "leads": ["All partners"]
                    if action.all_partners
                    else [p.name for p in action.leads],
                    "status": state[0],
                    "status_reason": state[1],
                    "progress": state[2],
                    "update": update,
                    "reading": None
                    if reading is None
                    else {
                        "value": reading.value,
                        "unit": reading.unit,
                        "taken_on": reading.taken_on.isoformat(),
                        "source": reading.source,
                    },
                }
            )
    return {
        "as_of": as_of.isoformat(),
        "plan": {"title": plan.title, "partnership": plan.partnership, "period": plan.period},
        "counts": counts,
        "actions": actions,
    }


async def take_review(user: User | None, plan_id: int, title: str, as_of: str) -> Review:
    """Freeze the register at a date as a review. Side effects: review row."""
    check_may_edit(user)
    errors = {}
    clean_title = one_line(title, 200)
    if not clean_title:
        errors["title"] = "Give the review a title, like Annual review 2027"
    try:
        day = date.fromisoformat(as_of.strip())
    except ValueError:
        errors["as_of"] = "Enter the date the review describes, like 2027-03-31"
        day = None
    else:
        if day > now().date():
            errors["as_of"] = "A review describes a date that has passed (or today)"
    plan = await plan_by_id(plan_id)
    if plan.status not in REGISTER_STATUSES:
        errors["title"] = "A review is taken of an adopted plan's register"
    if errors:
        raise Invalid(fields=errors)
    assert day is not None
    snapshot = await register_snapshot(plan, day)
    return await Review.create(
        plan=plan, title=clean_title, as_of=day, snapshot=snapshot, taken_at=now(), taken_by=user
    )


async def reviews_of(plan_id: int) -> list[Review]:
    """The plan's reviews, newest date first. Reads only."""
    return list(await Review.filter(plan_id=plan_id).order_by("-as_of", "-id"))


@dataclass(frozen=True)
class Change:
    ref: str
    number: str
    text: str
    old_status: str | None
    new_status: str | None
    old_progress: int | None
    new_progress: int | None
    new_reading: dict | None  # the reading, when it is not the one the old review had
    old_reading: dict | None


@dataclass
class Comparison:
    old: dict | None
    new: dict
    status_changes: list[Change] = field(default_factory=list)
    progress_changes: list[Change] = field(default_factory=list)
    new_readings: list[Change] = field(default_factory=list)
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)

    @property
    def count_rows(self) -> list[tuple[str, int, int]]:
        old = (self.old or {}).get("counts", {})
        return [
            (label, old.get(s.value, 0), self.new["counts"].get(s.value, 0))
            for s, label in STATUS_LABELS.items()
        ]


def compare(old: dict | None, new: dict) -> Comparison:
    """What changed between two review snapshots, by each action's ref. Pure."""
    result = Comparison(old, new)
    before = {a["ref"]: a for a in (old or {}).get("actions", [])}
    after = {a["ref"]: a for a in new["actions"]}
    for action in new["actions"]:
        prior = before.get(action["ref"])
        if prior is None:
            if old is not None:
                result.added.append(action)
            continue
        change = Change(
            action["ref"],
            action["number"],
            action["text"],
            prior["status"],
            action["status"],
            prior["progress"],
            action["progress"],
            action["reading"],
            prior["reading"],
        )
        if prior["status"] != action["status"]:
            result.status_changes.append(change)
        if prior["progress"] != action["progress"]:
            result.progress_changes.append(change)
        if action["reading"] is not None and action["reading"] != prior["reading"]:
            result.new_readings.append(change)
    result.removed = [a for ref, a in before.items() if ref not in after]
    return result


@dataclass
class ReviewPage:
    plan: Plan
    review: Review
    previous: Review | None
    comparison: Comparison


async def _review_of(plan: Plan, review_id: int) -> Review:
    review = await Review.get_or_none(id=review_id, plan_id=plan.id)
    if review is None:
        raise NotFound()
    return review


async def previous_review(review: Review) -> Review | None:
    """The plan's review before this one (by date, then by when it was taken)."""
    earlier = Review.filter(plan_id=review.plan_id).exclude(id=review.id)  # type: ignore[attr-defined]
    same_day_earlier = earlier.filter(as_of=review.as_of, id__lt=review.id)
    candidates = list(await earlier.filter(as_of__lt=review.as_of)) + list(await same_day_earlier)
    return max(candidates, key=lambda r: (r.as_of, r.id), default=None)


async def public_review(plan_uuid: str, review_id: int) -> ReviewPage:
    """A review of a public register, compared with the one before. Reads only."""
    plan = await public_plan(plan_uuid)
    review = await _review_of(plan, review_id)
    previous = await previous_review(review)
    return ReviewPage(
        plan, review, previous, compare(previous.snapshot if previous else None, review.snapshot)
    )


async def public_comparison(plan_uuid: str, from_id: str, to_id: str) -> ReviewPage:
    """Any two reviews of a public register compared (``from`` older). Reads only."""
    plan = await public_plan(plan_uuid)
    if not (from_id.isdigit() and to_id.isdigit()) or len(from_id) > 9 or len(to_id) > 9:
        raise NotFound()
    old = await _review_of(plan, int(from_id))
    new = await _review_of(plan, int(to_id))
    return ReviewPage(plan, new, old, compare(old.snapshot, new.snapshot))
