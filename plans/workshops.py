"""The summit's workshops: sessions linked to priorities, facilitators and table points.

Organisers (``/staff/plans/<id>/workshops``) link each workshop session of the events
linked to the plan (``PlanEvent``) to the priorities it discusses, and add a facilitator
per table (name, email, table label); each facilitator is emailed a personal link
(purpose ``plan-facilitator``, subject ``facilitator:<id>``) to ``/facilitate/<token>``,
where they record the table's points against an action, or a priority as a whole.

The recording window: from ``EARLY`` (30 minutes) before the session starts until the
consultation closes (the end of the close rule every response follows, from
``plans.timing``: the plan is in consultation, ``closed_at`` unset and ``now <
closes_at``, checked inside the saving transaction against the plan's row, the time
taken after the lock); a cancelled session takes no points; a workshop held
before the public opening still counts, as the summit is part of the consultation.
Thirty minutes lets a facilitator open the page
and set up their table; keeping it open after the session lets them type up the
flip-chart before the close, when every other response stops too. Editing and deleting
one's own points follow the same window.

A facilitator sees and changes only their own points; another facilitator's point, a
removed facilitator's link, or a session no longer linked to the plan is NotFound.
Removing a facilitator keeps their points (they are consultation input) and revokes
their links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from convenor.auth import issue_link, normalise_email, now, resolve_link, revoke_links
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.outbox import queue_email
from convenor.models import User
from convenor.settings import Settings
from events.access import check_may_organise, link_expiry
from events.data import multi_line, one_line
from events.models import Event
from plans.consultation import locked_plan
from plans.models import (
    Facilitator,
    Plan,
    PlanEvent,
    PlanStatus,
    SessionPriority,
    TablePoint,
)
from plans.timing import has_closed
from plans.tree import PlanTree, PriorityView, load_tree, plan_by_id
from plans.workshop_emails import facilitator_invitation, facilitator_link
from programmes.models import Session, SessionType

FACILITATOR_LINK = "plan-facilitator"
EARLY = timedelta(minutes=30)  # points are accepted from this long before the session
MAX_POINT = 2000


@dataclass(frozen=True)
class FacilitatorData:
    name: str
    email: str
    table_label: str = ""


@dataclass
class PointView:
    id: int
    facilitator_id: int
    facilitator: str
    table_label: str
    against: str  # "p<priority id>" or "a<action id>", as the form sends it
    label: str  # "Action 1.2: ..." or "Priority 1 as a whole: ..."
    text: str
    created_at: datetime
    updated_at: datetime


@dataclass
class WorkshopSession:
    session: Session
    event: Event
    priority_ids: set[int] = field(default_factory=set)
    facilitators: list[Facilitator] = field(default_factory=list)
    points: list[PointView] = field(default_factory=list)


@dataclass
class WorkshopsPage:
    plan: Plan
    tree: PlanTree
    events: list[Event]
    sessions: list[WorkshopSession]


@dataclass
class FacilitatorPage:
    facilitator: Facilitator
    plan: Plan
    session: Session
    event: Event
    priorities: list[PriorityView]
    points: list[PointView]
    opens_at: datetime  # when points are first accepted
    closes_at: datetime | None
    open_now: bool


def recording_opens(session: Session) -> datetime:
    return session.starts_at - EARLY


def may_record(plan: Plan, session: Session, at: datetime) -> bool:
    """Whether a table point is accepted at ``at`` (see the module docstring)."""
    return (
        plan.status == PlanStatus.CONSULTATION
        and plan.closes_at is not None
        and not has_closed(plan, at)
        and session.cancelled_at is None
        and recording_opens(session) <= at
    )


def _label(tree: PlanTree, priority_id: int, action_id: int | None) -> tuple[str, str]:
    """The point's form value and what it is about, as numbered now."""
    if action_id is not None:
        action = tree.action_by_id(action_id)
        label = f"Action {action.number}: {action.text}" if action else "Removed from the plan"
        return f"a{action_id}", label
    priority = tree.priority_by_id(priority_id)
    if priority is None:
        return f"p{priority_id}", "Removed from the plan"
    return f"p{priority_id}", f"Priority {priority.number} as a whole: {priority.title}"


def _point_view(tree: PlanTree, point: TablePoint, facilitator: Facilitator) -> PointView:
    against, label = _label(tree, point.priority_id, point.action_id)  # type: ignore[attr-defined]
    return PointView(
        point.id,
        facilitator.id,
        facilitator.name,
        facilitator.table_label,
        against,
        label,
        point.text,
        point.created_at,
        point.updated_at,
    )


# The organiser's side


async def _linked_event_ids(plan_id: int) -> list[int]:
    return list(await PlanEvent.filter(plan_id=plan_id).values_list("event_id", flat=True))


async def _workshop_session(plan_id: int, session_id: int) -> Session:
    """A workshop session of an event linked to the plan, or NotFound."""
    session = await Session.get_or_none(
        id=session_id, kind=SessionType.WORKSHOP, event_id__in=await _linked_event_ids(plan_id)
    )
    if session is None:
        raise NotFound("That workshop is not part of this plan's events.")
    return session


async def workshops_page(user: User, plan_id: int) -> WorkshopsPage:
    """The plan's workshop sessions, their priorities, facilitators and points. Reads only."""
    check_may_organise(user)
    plan = await plan_by_id(plan_id)
    tree = await load_tree(plan)  # numbers as everyone sees them; removed items left out
    event_ids = await _linked_event_ids(plan.id)
    events = {e.id: e for e in await Event.filter(id__in=event_ids).order_by("starts_at", "id")}
    sessions = await Session.filter(event_id__in=event_ids, kind=SessionType.WORKSHOP).order_by(
        "starts_at", "id"
    )
    views = {s.id: WorkshopSession(s, events[s.event_id]) for s in sessions}  # type: ignore[attr-defined]
    for link in await SessionPriority.filter(session_id__in=list(views)):
        views[link.session_id].priority_ids.add(link.priority_id)  # type: ignore[attr-defined]
    facilitators = {}
    for person in await Facilitator.filter(plan_id=plan.id).order_by("table_label", "name", "id"):
        facilitators[person.id] = person
        view = views.get(person.session_id)  # type: ignore[attr-defined]
        if view is not None and person.removed_at is None:
            view.facilitators.append(person)
    points = await TablePoint.filter(plan_id=plan.id).order_by("created_at", "id")
    for point in points:
        person = facilitators[point.facilitator_id]  # type: ignore[attr-defined]
        view = views.get(person.session_id)  # type: ignore[attr-defined]
        if view is not None:
            view.points.append(_point_view(tree, point, person))
    return WorkshopsPage(plan, tree, list(events.values()), list(views.values()))


async def set_session_priorities(
    user: User, plan_id: int, session_id: int, priority_ids: list[int]
) -> set[int]:
    """Link a workshop session to exactly these priorities. Side effects: link rows."""
    check_may_organise(user)
    async with in_transaction():
        plan = await plan_by_id(plan_id)
        session = await _workshop_session(plan.id, session_id)
        wanted = set(priority_ids)
        known = set(
            await plan.priorities.filter(id__in=wanted, removed_at__isnull=True).values_list(
                "id", flat=True
            )
        )
        if wanted - known:
            raise Invalid(fields={f"priorities-{session.id}": "Choose priorities of this plan"})
        ours = list(await plan.priorities.all().values_list("id", flat=True))
        await (
            SessionPriority.filter(session_id=session.id, priority_id__in=ours)
            .exclude(priority_id__in=wanted)
            .delete()
        )
        have = set(
            await SessionPriority.filter(session_id=session.id).values_list(
                "priority_id", flat=True
            )
        )
        for priority_id in sorted(wanted - have):
            await SessionPriority.create(session_id=session.id, priority_id=priority_id)
        return wanted


def _facilitator_values(data: FacilitatorData) -> dict:
    errors: dict[str, str] = {}
    values = {
        "name": one_line(data.name, 200),
        "table_label": one_line(data.table_label, 60),
        "email": "",
    }
    if not values["name"]:
        errors["name"] = "Enter the facilitator's name"
    try:
        values["email"] = normalise_email(data.email)
    except Invalid:
        errors["email"] = "Enter an email address like name@example.org"
    if errors:
        raise Invalid(fields=errors)
    return values


async def _send_link(plan: Plan, person: Facilitator, session: Session, settings: Settings):
    event = await Event.get(id=session.event_id)  # type: ignore[attr-defined]
    expires = link_expiry(event)
    if plan.closes_at is not None and plan.closes_at > expires:
        expires = plan.closes_at
    subject = f"facilitator:{person.id}"
    await revoke_links(FACILITATOR_LINK, subject)  # only the newest email's link works
    token = await issue_link(FACILITATOR_LINK, subject, expires_at=expires)
    rendered = facilitator_invitation(
        plan, person, session, event, facilitator_link(settings.base_url, token), EARLY
    )
    return await queue_email(
        to=person.email,
        to_name=person.name,
        rendered=rendered,
        mail_from=settings.mail_from,
        reply_to=plan.contact_email or None,
        category="plan-facilitator",
        related=subject,
    )


async def add_facilitator(
    user: User, plan_id: int, session_id: int, data: FacilitatorData, settings: Settings
) -> Facilitator:
    """Add a facilitator to a workshop and email their link. Side effects: row, link, outbox."""
    check_may_organise(user)
    values = _facilitator_values(data)
    async with in_transaction():
        plan = await plan_by_id(plan_id)
        session = await _workshop_session(plan.id, session_id)
        person = await Facilitator.create(plan=plan, session=session, created_at=now(), **values)
        await _send_link(plan, person, session, settings)
        return person


async def _facilitator_of(plan_id: int, facilitator_id: int) -> Facilitator:
    person = await Facilitator.get_or_none(id=facilitator_id, plan_id=plan_id, removed_at=None)
    if person is None:
        raise NotFound("No such facilitator.")
    return person


async def resend_facilitator_link(
    user: User, plan_id: int, facilitator_id: int, settings: Settings
) -> Facilitator:
    """Email a facilitator a new link; older ones stop. Side effects: links, outbox row."""
    check_may_organise(user)
    async with in_transaction():
        plan = await plan_by_id(plan_id)
        person = await _facilitator_of(plan.id, facilitator_id)
        session = await _workshop_session(plan.id, person.session_id)  # type: ignore[attr-defined]
        await _send_link(plan, person, session, settings)
        return person


async def remove_facilitator(user: User, plan_id: int, facilitator_id: int) -> Facilitator:
    """Remove a facilitator: their links stop, their points stay. Side effects: row, links."""
    check_may_organise(user)
    async with in_transaction():
        person = await _facilitator_of((await plan_by_id(plan_id)).id, facilitator_id)
        person.removed_at = now()
        await person.save(update_fields=["removed_at"])
        await revoke_links(FACILITATOR_LINK, f"facilitator:{person.id}")
        return person


# The facilitator's side


@dataclass
class _Context:
    facilitator: Facilitator
    plan: Plan
    session: Session
    tree: PlanTree
    priorities: list[PriorityView]


async def _context(token: str, *, lock: bool = False) -> _Context:
    """What a live facilitator link is for; NotFound for a dead, revoked or odd link."""
    subject = await resolve_link(token, FACILITATOR_LINK)
    prefix, _, number = (subject or "").partition(":")
    if prefix != "facilitator" or not number.isdigit():
        raise NotFound()
    person = await Facilitator.get_or_none(id=int(number), removed_at=None)
    if person is None:
        raise NotFound()
    plan_id = person.plan_id  # type: ignore[attr-defined]
    # Saving reads the plan's row as committed, share-locked like responses' saves, so
    # the close job and a save under way wait for each other (plans.consultation).
    plan = await (locked_plan(plan_id) if lock else plan_by_id(plan_id))
    session = await _workshop_session(plan.id, person.session_id)  # type: ignore[attr-defined]
    tree = await load_tree(plan)
    linked = set(
        await SessionPriority.filter(session_id=session.id).values_list("priority_id", flat=True)
    )
    # A session nobody linked yet discusses the whole plan: a facilitator is never stuck.
    priorities = [p for p in tree.priorities if p.id in linked] or tree.priorities
    return _Context(person, plan, session, tree, priorities)


async def facilitator_page(token: str, at: datetime | None = None) -> FacilitatorPage:
    """What a facilitator sees: the session, its priorities and actions, their points."""
    ctx = await _context(token)
    rows = await TablePoint.filter(facilitator_id=ctx.facilitator.id).order_by("created_at", "id")
    return FacilitatorPage(
        ctx.facilitator,
        ctx.plan,
        ctx.session,
        await Event.get(id=ctx.session.event_id),  # type: ignore[attr-defined]
        ctx.priorities,
        [_point_view(ctx.tree, row, ctx.facilitator) for row in rows],
        recording_opens(ctx.session),
        ctx.plan.closes_at,
        may_record(ctx.plan, ctx.session, at or now()),
    )


def _check_open(ctx: _Context, at: datetime) -> None:
    if not may_record(ctx.plan, ctx.session, at):
        if at < recording_opens(ctx.session):
            raise Conflict("Points can be recorded from 30 minutes before the session starts.")
        raise Conflict("The consultation has closed: no more points can be recorded.")


def _point_values(ctx: _Context, against: str, text: str) -> dict:
    errors: dict[str, str] = {}
    values: dict = {}
    kind, number = against[:1], against[1:]
    priority = action = None
    if number.isdigit() and kind == "p":
        priority = next((p for p in ctx.priorities if p.id == int(number)), None)
    elif number.isdigit() and kind == "a":
        found = [(p, a) for p in ctx.priorities for a in p.actions if a.id == int(number)]
        priority, action = found[0] if found else (None, None)
    if priority is None:
        errors["against"] = "Choose the action (or priority) the point is about"
    else:
        values = {"priority_id": priority.id, "action_id": action.id if action else None}
    values["text"] = multi_line(text, MAX_POINT + 1)
    if not values["text"]:
        errors["text"] = "Write the table's point"
    elif len(values["text"]) > MAX_POINT:
        errors["text"] = f"Keep a point under {MAX_POINT} characters"
    if errors:
        raise Invalid(fields=errors)
    return values


async def record_point(token: str, against: str, text: str, at: datetime | None = None):
    """Record one of the table's points. Side effects: a table point row."""
    async with in_transaction():
        ctx = await _context(token, lock=True)
        moment = at or now()
        _check_open(ctx, moment)
        values = _point_values(ctx, against, text)
        return await TablePoint.create(
            plan_id=ctx.plan.id,
            facilitator_id=ctx.facilitator.id,
            created_at=moment,
            updated_at=moment,
            **values,
        )


async def _own_point(ctx: _Context, point_id: int) -> TablePoint:
    point = await TablePoint.get_or_none(id=point_id, facilitator_id=ctx.facilitator.id)
    if point is None:
        raise NotFound()
    return point


async def own_point(token: str, point_id: int) -> tuple[FacilitatorPage, PointView]:
    """The facilitator's page and one of their own points (to edit). NotFound otherwise."""
    page = await facilitator_page(token)
    found = next((p for p in page.points if p.id == point_id), None)
    if found is None:
        raise NotFound()
    return page, found


async def update_point(
    token: str, point_id: int, against: str, text: str, at: datetime | None = None
) -> TablePoint:
    """Change one of the facilitator's own points. Side effects: the point row."""
    async with in_transaction():
        ctx = await _context(token, lock=True)
        point = await _own_point(ctx, point_id)
        moment = at or now()
        _check_open(ctx, moment)
        point.update_from_dict(_point_values(ctx, against, text))
        point.updated_at = moment
        await point.save()
        return point


async def delete_point(token: str, point_id: int, at: datetime | None = None) -> None:
    """Delete one of the facilitator's own points. Side effects: the point row goes."""
    async with in_transaction():
        ctx = await _context(token, lock=True)
        point = await _own_point(ctx, point_id)
        _check_open(ctx, at or now())
        await point.delete()
