"""The public register as a spreadsheet (CSV/.xlsx), as JSON, and its updates as Atom.

Pure functions over a ``plans.register.RegisterView`` (the filters apply to the
spreadsheet and JSON as to the page). Spreadsheet cells go through
``convenor.spreadsheet`` (formula cells neutralised). The Atom feed (RFC 4287) is built
with ``convenor.atom``: ElementTree escapes every text, and characters XML 1.0 cannot
hold are dropped first. Times in the spreadsheet are the plan's wall-clock time (Europe/London).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from convenor import atom
from convenor.spreadsheet import Sheet
from convenor.templating import localtime
from plans.models import ActionUpdate, Plan
from plans.register import STATUS_LABELS, RegisterView
from plans.tree import ActionView

TIME_ZONE = "Europe/London"
HEADER = (
    "Priority number",
    "Priority",
    "Action number",
    "Action",
    "Lead organisations",
    "Status",
    "Status reason",
    "Progress (%)",
    "Last update",
    "Latest update",
    "Evidence link",
    "Measure of success",
    "Latest reading",
    "Reading unit",
    "Reading date",
    "Reading source",
)


def _wall(moment: datetime | None) -> datetime | None:
    local = localtime(moment, TIME_ZONE)
    return local.replace(tzinfo=None) if local else None


def register_sheet(view: RegisterView) -> Sheet:
    """The shown actions, one row each (the filters applied)."""
    rows = []
    for item in view.shown:
        action, latest, reading = item.view, item.latest, item.latest_reading
        rows.append(
            (
                item.priority.number,
                item.priority.title,
                action.number,
                action.text,
                action.lead_names,
                STATUS_LABELS[action.status],
                action.status_reason,
                action.progress,
                _wall(action.last_update_at),
                latest.text if latest else "",
                latest.evidence_url if latest else "",
                action.measure,
                reading.value if reading else None,
                reading.unit if reading else "",
                reading.taken_on if reading else None,
                reading.source if reading else "",
            )
        )
    return Sheet("Actions register", HEADER, rows)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def register_json(view: RegisterView, base_url: str) -> dict[str, Any]:
    """The shown actions with their timelines and readings, grouped by priority."""
    plan = view.plan
    return {
        "plan": {
            "uuid": plan.uuid,
            "title": plan.title,
            "partnership": plan.partnership,
            "period": plan.period,
            "status": plan.status.value,
            "url": f"{base_url}/plans/{plan.uuid}/register",
        },
        "filters": {
            "priority": view.filters.priority or None,
            "lead": view.filters.lead,
            "status": view.filters.status or None,
        },
        "priorities": [
            {
                "ref": priority.ref,
                "number": priority.number,
                "title": priority.title,
                "actions": [_action_json(item) for item in items],
            }
            for priority, items in view.shown_by_priority()
        ],
    }


def _action_json(item) -> dict[str, Any]:
    action = item.view
    return {
        "ref": action.ref,
        "number": action.number,
        "text": action.text,
        "all_partners": action.all_partners,
        "leads": [{"entry_id": p.entry_id, "name": p.name} for p in action.leads],
        "status": action.status.value,
        "status_reason": action.status_reason,
        "progress": action.progress,
        "last_update_at": _iso(action.last_update_at),
        "measure": action.measure,
        "target_date": action.target_date.isoformat() if action.target_date else None,
        "updates": [
            {
                "posted_at": u.posted_at.isoformat(),
                "text": u.text,
                "author": u.author_name,
                "organisation": u.author_organisation,
                "status": u.status.value,
                "progress": u.progress,
                "evidence_url": u.evidence_url or None,
            }
            for u in item.updates
        ],
        "readings": [
            {
                "value": r.value,
                "unit": r.unit,
                "taken_on": r.taken_on.isoformat(),
                "source": r.source,
            }
            for r in item.readings
        ],
    }


def updates_feed(
    plan: Plan, updates: list[tuple[ActionUpdate, ActionView]], base_url: str
) -> bytes:
    """The plan's latest updates as an Atom 1.0 feed (newest first)."""
    register = f"{base_url}/plans/{plan.uuid}/register"
    feed = atom.feed()
    atom.add(feed, "id", f"urn:uuid:{plan.uuid}")
    atom.add(feed, "title", f"{plan.title}: actions register updates")
    atom.add(feed, "updated", (updates[0][0].posted_at if updates else plan.updated_at).isoformat())
    author = atom.add(feed, "author")
    atom.add(author, "name", plan.partnership or plan.title)
    atom.add(feed, "link", rel="alternate", type="text/html", href=register)
    atom.add(feed, "link", rel="self", type="application/atom+xml", href=f"{register}/feed.atom")
    for update, action in updates:
        entry = atom.add(feed, "entry")
        atom.add(entry, "id", f"{register}#update-{update.id}")
        status = STATUS_LABELS[update.status]
        atom.add(entry, "title", f"Action {action.number}: {status}")
        atom.add(entry, "updated", update.posted_at.isoformat())
        atom.add(entry, "published", update.posted_at.isoformat())
        who = atom.add(entry, "author")
        atom.add(who, "name", update.author_organisation or update.author_name)
        atom.add(
            entry, "link", rel="alternate", type="text/html", href=f"{register}#action-{action.ref}"
        )
        lines = [action.text, "", f"Status: {status}"]
        if update.progress is not None:
            lines.append(f"Progress: {update.progress}%")
        if update.status_reason:
            lines.append(f"Reason: {update.status_reason}")
        lines += ["", update.text]
        if update.evidence_url:
            lines.append(f"Evidence: {update.evidence_url}")
        atom.add(entry, "content", "\n".join(lines), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
