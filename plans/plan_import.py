"""Importing a draft plan from a spreadsheet: priorities, key actions, leads and measures.

The file is read by the core's one reader (``convenor.tables.read_table``: .xlsx, CSV
in the encodings Excel writes) and its columns found by heading or synonym
(``match_columns``). Each row is one key action under the priority it names; rows of
the same priority (by its name key) are grouped, and a priority the plan already has is
added to rather than repeated. The preview shows each row's problems next to it and
the lead agencies not in the directory; the import is one transaction, all or nothing,
and creates those organisations as pending entries only when the organiser confirms.
A file of more than ``MAX_ACTIONS`` rows is refused before any row is checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.cleaning import clean_name
from convenor.errors import Invalid
from convenor.models import User
from convenor.tables import Columns, Table, match_columns
from directory.models import Entry, How, Status
from directory.search.text import name_key
from directory.service import add_pending_entry
from plans.draft_forms import (
    ActionData,
    PartnerChoice,
    PriorityData,
    action_problems,
    parse_date,
    partner_names,
    priority_problems,
    split_all_partners,
)
from plans.draft_partners import CHOOSABLE, write_partners
from plans.drafts import editable_plan, new_ref
from plans.models import Action, Plan, Priority
from plans.tree import plan_by_id
from plans.versions import check_may_edit

MAX_ACTIONS = 500
SYNONYMS = {
    "priority": ("priority title", "strategic priority", "theme", "objective", "priorities"),
    "why": ("why it matters", "why this matters", "rationale", "priority description"),
    "action": ("key action", "key actions", "actions", "action text", "what we will do"),
    "lead": ("lead agency", "lead agencies", "lead partner", "lead organisation", "owner"),
    "supports": ("supporting partners", "supporting partner", "partners", "support"),
    "measure": ("measure of success", "measures", "success measure", "how we will know", "kpi"),
    "target": ("target date", "by when", "deadline", "due date", "due"),
}
LABELS = {
    "priority": "Priority",
    "why": "Why it matters",
    "action": "Action",
    "lead": "Lead agency",
    "supports": "Supporting partners",
    "measure": "Measure of success",
    "target": "Target date",
}
REQUIRED = ("priority", "action", "lead", "measure")
_FIELD_COLUMN = {"text": "action", "leads": "lead", "supports": "supports", "measure": "measure"}


@dataclass
class ImportRow:
    line: int
    priority: str
    why: str
    action: ActionData
    lead_text: str
    supports_text: str
    target_text: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class DraftPreview:
    file_format: str
    columns: list[str] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # lead/supporting names not in the directory
    existing: list[str] = field(default_factory=list)  # priorities the plan already has

    @property
    def problem_count(self) -> int:
        return sum(1 for r in self.rows if r.problems)

    @property
    def ok(self) -> bool:
        return not self.file_problems and self.problem_count == 0 and bool(self.rows)

    @property
    def priorities(self) -> list[str]:
        return list({name_key(r.priority): r.priority for r in self.rows}.values())


def _row(line: int, cells: list[str], columns: Columns) -> ImportRow:
    get = columns.get
    typed_all, leads = split_all_partners(partner_names(get(cells, "lead")))
    target, date_problem = parse_date(get(cells, "target"))
    data = ActionData(
        text=get(cells, "action"),
        measure=get(cells, "measure"),
        target_date=target,
        all_partners=typed_all,
        leads=[PartnerChoice(n) for n in leads],
        supports=[PartnerChoice(n) for n in partner_names(get(cells, "supports"))],
    )
    row = ImportRow(
        line, get(cells, "priority"), get(cells, "why"), data,
        get(cells, "lead"), get(cells, "supports"), get(cells, "target"),
    )  # fmt: skip
    problems = {
        f"Priority: {m}" if k == "title" else f"Why it matters: {m}"
        for k, m in priority_problems(PriorityData(row.priority, row.why)).items()
    }
    row.problems += sorted(problems)
    for name, message in action_problems(data).items():
        label = LABELS[_FIELD_COLUMN.get(name, "target")]
        row.problems.append(f"{label}: {message}")
    if date_problem:
        row.problems.append(f"Target date: {date_problem}")
    if (
        not data.leads
        and not data.all_partners
        and not any("Lead agency" in p for p in row.problems)
    ):
        row.problems.append("Lead agency: enter the lead agency, or \u201cAll\u201d")
    return row


def read_draft(table: Table) -> DraftPreview:
    """Every row as an action with its problems, or the file's own problems. Pure."""
    preview = DraftPreview(table.format)
    if not table.rows:
        preview.file_problems.append("The file has no rows.")
        return preview
    heading, *body = table.rows
    columns = match_columns(heading.cells, SYNONYMS)
    preview.columns = columns.described(LABELS)
    missing = [LABELS[name] for name in REQUIRED if name not in columns.index]
    if missing:
        preview.file_problems.append(
            "The first row must name the columns Priority, Action, Lead agency and Measure of "
            "success; not found: " + ", ".join(missing) + "."
        )
        return preview
    if len(body) > MAX_ACTIONS:
        preview.file_problems.append(
            f"The file has {len(body):,} rows; a draft imports at most {MAX_ACTIONS} actions at "
            "a time. Split the file, or leave out rows that are not key actions."
        )
        return preview
    if not body:
        preview.file_problems.append("The file has a heading row but no actions under it.")
    seen: dict[tuple[str, str], int] = {}
    for raw in body:
        row = _row(raw.number, raw.cells, columns)
        key = (name_key(row.priority), name_key(row.action.text))
        if row.ok and key in seen:
            row.problems.append(f"Action: the same as row {seen[key]}")
        seen.setdefault(key, raw.number)
        preview.rows.append(row)
    return preview


def _names(preview: DraftPreview) -> dict[str, str]:
    """Every organisation named in good rows, by name key."""
    return {
        name_key(choice.name): clean_name(choice.name)
        for row in preview.rows
        for choice in (*row.action.leads, *row.action.supports)
        if name_key(choice.name)
    }


async def _directory(keys: list[str]) -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    rows = await Entry.filter(
        name_key__in=keys, status__in=CHOOSABLE, merged_into_id__isnull=True
    ).order_by("id")
    for entry in sorted(rows, key=lambda e: e.status != Status.PUBLISHED):
        found.setdefault(entry.name_key, entry)
    return found


async def _priorities(plan_id: int) -> dict[str, Priority]:
    rows = await Priority.filter(plan_id=plan_id, removed_at__isnull=True).order_by("position")
    return {name_key(p.title): p for p in rows}


async def preview_draft(user: User, plan_id: int, table: Table) -> DraftPreview:
    """Check the file against the directory and the plan; nothing is saved."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    preview = read_draft(table)
    if preview.file_problems:
        return preview
    names = _names(preview)
    known = await _directory(list(names))
    preview.unknown = sorted((n for k, n in names.items() if k not in known), key=str.casefold)
    have = await _priorities(plan.id)
    preview.existing = [t for t in preview.priorities if name_key(t) in have]
    return preview


@dataclass
class ImportResult:
    priorities: int  # new priorities
    actions: int
    new_entries: int  # pending directory entries made


async def import_draft(
    user: User, plan_id: int, table: Table, *, add_missing: bool
) -> ImportResult:
    """Import every row, or nothing: Invalid when a row has a problem or a named
    organisation is not in the directory and ``add_missing`` is not set. Side effects:
    priorities, actions, partners, pending directory entries ("Named in <plan>")."""
    preview = await preview_draft(user, plan_id, table)
    if preview.file_problems or not preview.ok:
        raise Invalid(
            "Nothing was imported: the file has problems. Preview it again.",
            {"file": "Correct the rows with problems and preview the file again"},
        )
    if preview.unknown and not add_missing:
        raise Invalid(
            "Nothing was imported: confirm adding the organisations not in the directory.",
            {"add_missing": "Tick to add them to the directory as pending entries"},
        )
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        entries = await _directory(list(_names(preview)))
        made = 0
        for key, name in _names(preview).items():
            if key in entries:
                continue
            if not add_missing:  # archived or merged since the preview
                raise Invalid(
                    f"Nothing was imported: \u201c{name}\u201d is no longer in the directory.",
                    {"file": "Preview the file again"},
                )
            entries[key] = await _pending(plan, name)
            made += 1
        priorities = await _priorities(plan.id)
        new_priorities, actions = await _write_rows(plan, preview.rows, priorities, entries)
    return ImportResult(new_priorities, actions, made)


async def _pending(plan: Plan, name: str) -> Entry:
    source = f"Named in {plan.title}"[:300]
    return await add_pending_entry(name, provenance=How.NOMINATED, source=source)


def _entries(
    choices: list[PartnerChoice], entries: dict[str, Entry], skip: set[int]
) -> list[Entry]:
    chosen = {entries[name_key(c.name)].id: entries[name_key(c.name)] for c in choices}
    return [e for e in chosen.values() if e.id not in skip]


async def _write_rows(
    plan: Plan, rows: list[ImportRow], priorities: dict[str, Priority], entries: dict[str, Entry]
) -> tuple[int, int]:
    last = await Priority.filter(plan_id=plan.id).order_by("-position").first()
    position = (last.position + 1) if last else 0
    next_action: dict[int, int] = {}
    made = 0
    for row in rows:
        key = name_key(row.priority)
        priority = priorities.get(key)
        if priority is None:
            priority = await Priority.create(
                plan=plan, ref=new_ref(), position=position, title=row.priority, why=row.why
            )
            priorities[key], position, made = priority, position + 1, made + 1
        if priority.id not in next_action:
            end = await Action.filter(priority_id=priority.id).order_by("-position").first()
            next_action[priority.id] = (end.position + 1) if end else 0
        data = row.action
        action = await Action.create(
            plan=plan,
            priority=priority,
            ref=new_ref(),
            position=next_action[priority.id],
            text=data.text,
            measure=data.measure,
            target_date=data.target_date,
            all_partners=data.all_partners,
        )
        next_action[priority.id] += 1
        leads = _entries(data.leads, entries, set())
        supports = _entries(data.supports, entries, {e.id for e in leads})
        await write_partners(action, leads, supports)
    await Plan.filter(id=plan.id).update(updated_at=now())
    return made, len(rows)
