"""Plan test data: a partnership's draft plan with priorities, actions and lead agencies.

Made straight in the tables (the state a test starts from, not the behaviour under
test); each domain helper that has a service for a step uses it in its own tests.
Helpers add their own factories below, each under a heading of its own.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from directory.models import Entry, Status
from plans.models import Action, ActionPartner, PartnerRole, Plan, PlanStatus, Priority
from tests.directory.factories import make_entry

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)

# The Southampton strategy's priorities and some of their key actions.
PRIORITIES = (
    (
        "Keeping people safe from harm",
        "Violent crime: 11,079 incidents in 2018/19, up 779.",
        (
            ("Target knife crime hot spots with joint patrols", "Hampshire Constabulary"),
            ("Support victims of domestic abuse through one referral route", "All"),
            ("Open safe spaces for young people in the evenings", "Youth Offending Service"),
        ),
    ),
    (
        "Preventing and reducing offending",
        "Reoffending by young people is above the national average.",
        (
            ("Mentor young people leaving custody", "Probation Services"),
            ("Offer diversion to first-time offenders", "Youth Offending Service"),
            ("Share data on repeat offenders across partners", "Hampshire Constabulary"),
        ),
    ),
    (
        "Creating safe, stronger communities",
        "Residents who feel safe after dark: 52%.",
        (
            ("Fund community groups working with young people", "All"),
            ("Map community activity and networks", "Southampton City Council"),
        ),
    ),
)


def new_ref() -> str:
    return secrets.token_hex(4)


async def lead_entry(name: str) -> Entry:
    """A published directory entry for a lead agency (found by name if already made)."""
    found = await Entry.filter(name=name).first()
    if found is not None:
        return found
    return await make_entry(name, status=Status.PUBLISHED, kind="statutory")


async def make_plan(
    status: PlanStatus = PlanStatus.DRAFT,
    priorities: int = 3,
    actions: tuple[int, ...] = (3, 3, 2),
    **fields,
) -> Plan:
    """A plan of ``priorities`` priorities with ``actions[i]`` key actions under each.

    Lead agencies come from the directory (made on demand); an action led by "All" has
    ``all_partners`` set and no lead entry.
    """
    values = {
        "uuid": str(uuid.uuid4()),
        "partnership": "Southampton Safe City Partnership",
        "title": "Serious Violence Delivery Plan",
        "period": "2022-2027",
        "summary": "How partners will prevent and reduce serious violence in the city.",
        "status": status,
        "contact_email": "plans@safercity.example.org",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(fields)
    plan = await Plan.create(**values)
    for p, (title, why, items) in enumerate(PRIORITIES[:priorities]):
        priority = await Priority.create(plan=plan, ref=new_ref(), position=p, title=title, why=why)
        for a in range(actions[p]):
            text, lead = items[a % len(items)]
            if a >= len(items):
                text = f"{text} ({a + 1})"
            action = await Action.create(
                plan=plan,
                priority=priority,
                ref=new_ref(),
                position=a,
                text=text,
                all_partners=lead == "All",
                measure=f"Measure for: {text}",
            )
            if lead != "All":
                entry = await lead_entry(lead)
                await ActionPartner.create(action=action, entry=entry, role=PartnerRole.LEAD)
    return plan


async def open_plan(plan: Plan, *, hours_left: float = 24, public: bool = False) -> Plan:
    """Put ``plan`` in consultation, open now and closing in ``hours_left`` hours."""
    now = datetime.now(UTC)
    plan.status = PlanStatus.CONSULTATION
    plan.opens_at = now - timedelta(hours=1)
    plan.closes_at = now + timedelta(hours=hours_left)
    plan.public_may_respond = public
    await plan.save()
    return plan


async def plan_actions(plan: Plan) -> list[Action]:
    return list(await Action.filter(plan=plan).order_by("priority__position", "position"))


# -- Report (helper D2): consulted plans, respondents and their answers --------------

from events import models as event_tables  # noqa: E402
from plans import models as plan_tables  # noqa: E402
from plans import tree as plan_tree  # noqa: E402
from plans.models import Answer, Respondent  # noqa: E402
from programmes import models as programme_tables  # noqa: E402


async def closed_plan(**fields) -> Plan:
    """A plan consulted on (version 1 frozen, kind consultation) whose consultation has
    closed an hour ago."""
    plan = await make_plan(PlanStatus.CONSULTATION, **fields)
    now = datetime.now(UTC)
    plan.opens_at = now - timedelta(days=30)
    plan.closes_at = plan.closed_at = now - timedelta(hours=1)
    await plan.save()
    await plan_tables.PlanVersion.create(
        plan=plan,
        number=1,
        kind=plan_tables.VersionKind.CONSULTATION,
        snapshot=plan_tree.snapshot(await plan_tree.load_tree(plan)),
        published_at=plan.opens_at,
    )
    return plan


async def make_respondent(
    plan: Plan,
    kind: str = "public",
    capacity: str | None = "resident",
    *,
    name: str = "",
    email: str = "",
    may_quote: bool = False,
    submitted: bool = True,
    organisation: str = "",
):
    """A respondent to ``plan``; a name and email are made up unless given."""
    token = secrets.token_hex(4)
    email = email or f"respondent-{token}@example.net"
    now = datetime.now(UTC)
    return await Respondent.create(
        plan=plan,
        kind=kind,
        identity=f"email:{token}",
        name=name or f"Respondent {token}",
        email=email,
        email_confirmed_at=now,
        capacity=capacity,
        organisation=organisation,
        may_quote=may_quote,
        created_at=now,
        updated_at=now,
        submitted_at=now if submitted else None,
    )


async def make_answer(
    respondent,
    action: Action | None = None,
    *,
    priority: Priority | None = None,
    support: int | None = None,
    comment: str = "",
    missing: str = "",
    moderation: str = "not_needed",
    redacted_comment: str | None = None,
):
    """An answer of ``respondent`` to an action (or, with ``priority``, to a priority)."""
    now = datetime.now(UTC)
    if action is not None:
        target, priority_id = f"action:{action.ref}", action.priority_id  # type: ignore[attr-defined]
    else:
        assert priority is not None
        target, priority_id = f"priority:{priority.ref}", priority.id
    return await Answer.create(
        respondent=respondent,
        plan_id=respondent.plan_id,
        target=target,
        priority_id=priority_id,
        action=action,
        support=support,
        comment=comment,
        missing=missing,
        moderation=moderation,
        redacted_comment=redacted_comment,
        created_at=now,
        updated_at=now,
    )


async def report_workshop(plan: Plan, table: str = "Table 1"):
    """A linked event (published) with a workshop session on the plan's first priority,
    and a facilitator for one of its tables."""
    start = NOW + timedelta(days=3)
    event = await event_tables.Event.create(
        uuid=str(uuid.uuid4()),
        title="Safer City Summit",
        contact_email="events@safercity.example.org",
        capacity=100,
        calendar_uid=f"{secrets.token_hex(8)}@test",
        starts_at=start,
        ends_at=start + timedelta(hours=7),
        created_at=NOW,
        updated_at=NOW,
    )
    await plan_tables.PlanEvent.create(plan=plan, event=event)
    session = await programme_tables.Session.create(
        event=event,
        title="Workshop: keeping people safe",
        kind="workshop",
        starts_at=start + timedelta(hours=1),
        ends_at=start + timedelta(hours=2),
        calendar_uid=f"{secrets.token_hex(8)}@test",
        created_at=NOW,
        updated_at=NOW,
    )
    first = await Priority.filter(plan=plan).order_by("position").first()
    await plan_tables.SessionPriority.create(session=session, priority=first)
    return await plan_tables.Facilitator.create(
        plan=plan,
        session=session,
        name="Fay Facilitator",
        email=f"fay-{secrets.token_hex(3)}@example.org",
        table_label=table,
        created_at=NOW,
    )


async def report_point(facilitator, action: Action, text: str = "A table's point"):
    return await plan_tables.TablePoint.create(
        plan_id=facilitator.plan_id,
        facilitator=facilitator,
        priority_id=action.priority_id,  # type: ignore[attr-defined]
        action=action,
        text=text,
        created_at=NOW,
        updated_at=NOW,
    )


# -- Workshops (helper C): a plan in consultation linked to an event with workshops --

from dataclasses import dataclass  # noqa: E402

from convenor.auth import issue_link  # noqa: E402
from plans.models import PlanEvent  # noqa: E402
from programmes.data import SessionData  # noqa: E402
from programmes.drafts import add_session  # noqa: E402
from tests.events.factories import published_event  # noqa: E402

SUMMIT = "Serious Violence Delivery Plan Conference"


async def summit(organiser, title: str = SUMMIT, **overrides):
    """A published event (``event_data`` with ``overrides``), not yet linked to a plan."""
    return await published_event(organiser, title=title, **overrides)


@dataclass
class WorkshopSetup:
    plan: Plan
    event: object
    workshop: object  # a workshop session of the linked event, starting ``starts_in`` from now
    second: object  # another workshop of the linked event, an hour later
    plenary: object  # a session of the linked event that is not a workshop
    unlinked: object  # a workshop of an event not linked to the plan


async def workshop_plan(
    organiser, *, starts_in: timedelta = timedelta(minutes=10), hours_left: float = 24
) -> WorkshopSetup:
    """A plan open for consultation (closing in ``hours_left`` hours) linked to an event
    happening now, whose workshop starts ``starts_in`` from now; and an unlinked event."""
    start = datetime.now(UTC).replace(microsecond=0) + starts_in
    plan = await open_plan(await make_plan(), hours_left=hours_left)
    hours = {"starts_at": start - timedelta(hours=2), "ends_at": start + timedelta(hours=4)}
    linked = await summit(organiser, SUMMIT, **hours)
    other = await summit(organiser, "Another summit", **hours)
    await PlanEvent.create(plan=plan, event_id=linked.id)

    def session(title, begin, end, kind="workshop"):
        return SessionData(
            title=title,
            starts_at=start + timedelta(minutes=begin),
            ends_at=start + timedelta(minutes=end),
            kind=kind,
        )

    workshop = await add_session(organiser, linked.id, session("Workshop: the draft plan", 0, 60))
    second = await add_session(organiser, linked.id, session("Workshop: networks", 60, 120))
    plenary = await add_session(organiser, linked.id, session("Welcome", -90, -60, kind="plenary"))
    unlinked = await add_session(organiser, other.id, session("Workshop elsewhere", 0, 60))
    return WorkshopSetup(plan, linked, workshop, second, plenary, unlinked)


async def facilitator_token(facilitator) -> str:
    """A live personal link for a facilitator, as their email would carry."""
    return await issue_link("plan-facilitator", f"facilitator:{facilitator.id}")


# ---------------------------------------------------------------------------------
# Responses (analysis): respondents, answers and workshop table points made straight
# in the tables (helper B's responding service is built at the same time).

from events.models import Event  # noqa: E402
from plans.models import Facilitator, TablePoint  # noqa: E402
from programmes.models import Session  # noqa: E402


async def analysis_respondent(
    plan: Plan,
    kind: str = "delegate",
    *,
    capacity: str | None = "partner_agency",
    submitted: bool = True,
    may_quote: bool = False,
    organisation: str = "",
    organisation_entry=None,
    event=None,
    name: str = "Ann Respondent",
    email: str | None = None,
) -> Respondent:
    """A response to ``plan`` (sent unless ``submitted`` is False)."""
    number = secrets.token_hex(4)
    return await Respondent.create(
        plan=plan,
        kind=kind,
        identity=f"test:{number}",
        name=name,
        email=email or f"respondent-{number}@example.org",
        capacity=capacity,
        organisation=organisation,
        organisation_entry=organisation_entry,
        event=event,
        may_quote=may_quote,
        created_at=NOW,
        updated_at=NOW,
        submitted_at=NOW if submitted else None,
    )


async def analysis_answer(
    respondent: Respondent,
    target: Action | Priority,
    *,
    support: int | None = None,
    comment: str = "",
    missing: str = "",
    moderation: str | None = None,
    at: datetime | None = None,
) -> Answer:
    """One answer about an action (support, comment) or a priority (comment, missing).
    Public answers wait for moderation unless ``moderation`` says otherwise."""
    if moderation is None:
        moderation = "waiting" if respondent.kind == "public" else "not_needed"
    is_action = isinstance(target, Action)
    return await Answer.create(
        respondent=respondent,
        plan_id=respondent.plan_id,  # type: ignore[attr-defined]
        target=f"{'action' if is_action else 'priority'}:{target.ref}",
        priority_id=target.priority_id if is_action else target.id,  # type: ignore[attr-defined]
        action=target if is_action else None,
        support=support,
        comment=comment,
        missing=missing,
        moderation=moderation,
        created_at=at or NOW,
        updated_at=at or NOW,
    )


async def workshop_session(title: str = "Workshop: keeping people safe"):
    """A workshop session of a published event (made straight in the tables)."""
    event = await Event.create(
        uuid=str(uuid.uuid4()),
        title="Serious Violence Delivery Plan Conference",
        contact_email="events@safercity.example.org",
        capacity=100,
        calendar_uid=f"{secrets.token_hex(8)}@test",
        starts_at=NOW + timedelta(days=30),
        ends_at=NOW + timedelta(days=30, hours=7),
        created_at=NOW,
        updated_at=NOW,
    )
    return await Session.create(
        event=event,
        title=title,
        kind="workshop",
        starts_at=NOW + timedelta(days=30, hours=1),
        ends_at=NOW + timedelta(days=30, hours=2),
        calendar_uid=f"{secrets.token_hex(8)}@test",
        created_at=NOW,
        updated_at=NOW,
    )


async def analysis_point(
    plan: Plan, target: Action | Priority, text: str, *, session=None, table: str = "Table 1"
) -> TablePoint:
    """A workshop table's point about an action (or a priority) of ``plan``."""
    session = session or await workshop_session()
    facilitator = await Facilitator.create(
        plan=plan,
        session=session,
        name="Fay Facilitator",
        email=f"fay-{secrets.token_hex(3)}@example.org",
        table_label=table,
        created_at=NOW,
    )
    is_action = isinstance(target, Action)
    return await TablePoint.create(
        plan=plan,
        facilitator=facilitator,
        priority_id=target.priority_id if is_action else target.id,  # type: ignore[attr-defined]
        action=target if is_action else None,
        text=text,
        created_at=NOW,
        updated_at=NOW,
    )


# -- Consultation (helper B): linked events, delegates, partner and public links -----

# (issue_link and PlanEvent are imported above, for the workshops' factories)
from plans.consultation import RESPOND_LINK, email_identity  # noqa: E402
from plans.models import Respondent as ConsultationRespondent  # noqa: E402
from plans.models import RespondentKind  # noqa: E402


async def link_event(plan: Plan, event) -> PlanEvent:
    """Link an event to the plan: its registered delegates may respond."""
    return await PlanEvent.create(plan=plan, event=event)


async def respondent_link(plan: Plan, email: str, kind: str = "partner"):
    """A partner (or, with kind="public", a member of the public) with a live link."""
    stamp = datetime.now(UTC)
    respondent = await ConsultationRespondent.create(
        plan=plan, kind=RespondentKind(kind), identity=email_identity(email), email=email,
        created_at=stamp, updated_at=stamp,
    )  # fmt: skip
    return respondent, await issue_link(RESPOND_LINK, f"respondent:{respondent.id}")


# -- Plan edits, readings, themes and facilitators made straight in the tables -------

from plans.models import CommentTheme, MeasureReading  # noqa: E402
from plans.workshops import FacilitatorData, add_facilitator  # noqa: E402


async def lead_entries(*names: str) -> list[Entry]:
    """Published directory entries for these lead agencies (found by name if made)."""
    return [await lead_entry(name) for name in names]


async def add_priority(plan: Plan, title: str, *, ref: str | None = None, position: int = 7):
    """A priority added to ``plan`` outside the drafting service (an edit to compare)."""
    return await Priority.create(plan=plan, ref=ref or new_ref(), position=position, title=title)


async def add_action(
    plan: Plan, priority: Priority, text: str, *, ref: str | None = None, position: int = 9,
    measure: str = "",
) -> Action:  # fmt: skip
    """An action added under ``priority`` outside the drafting service."""
    return await Action.create(
        plan=plan, priority=priority, ref=ref or new_ref(), position=position, text=text,
        measure=measure,
    )  # fmt: skip


async def add_lead(action: Action | int, entry: Entry) -> ActionPartner:
    """``entry`` made a lead agency of the action."""
    action_id = action if isinstance(action, int) else action.id
    return await ActionPartner.create(action_id=action_id, entry=entry, role=PartnerRole.LEAD)


async def measure_reading(
    action: Action, value: float, taken_on, *, unit: str = "%", source: str = "City Survey"
) -> MeasureReading:
    """A reading of the action's measure taken on ``taken_on``."""
    return await MeasureReading.create(
        action=action,
        value=value,
        unit=unit,
        taken_on=taken_on,
        source=source,
        created_at=datetime.now(UTC),
    )


async def comment_theme(plan: Plan, name: str) -> CommentTheme:
    """A theme the plan's organisers tag comments with."""
    return await CommentTheme.create(plan=plan, name=name)


async def table_facilitator(
    plan: Plan, session, *, name: str = "Fay Facilitator", email: str | None = None,
    table: str = "Table 1",
) -> Facilitator:  # fmt: skip
    """A facilitator of a table at ``session`` (a row, with no email sent)."""
    return await Facilitator.create(
        plan=plan,
        session_id=session if isinstance(session, int) else session.id,
        name=name,
        email=email or f"fay-{secrets.token_hex(3)}@example.org",
        table_label=table,
        created_at=datetime.now(UTC),
    )


async def workshop_facilitator(
    organiser, setup: WorkshopSetup, settings, *, name: str = "Femi Bakare", session=None,
    table: str = "",
):  # fmt: skip
    """A facilitator added by the organiser through the workshops service (their email is
    sent) to ``session`` (the setup's workshop unless given); returns (person, link)."""
    data = FacilitatorData(name, f"{name.split()[0].lower()}@example.org", table)
    session = session or setup.workshop
    person = await add_facilitator(organiser, setup.plan.id, session.id, data, settings)
    return person, await facilitator_token(person)


async def partner_respondents(plan: Plan, count: int, prefix: str) -> list[Respondent]:
    """``count`` partners who have started responding to ``plan`` (identities
    ``prefix:0``...), made in one insert; returned in order."""
    stamp = datetime.now(UTC)
    await Respondent.bulk_create(
        [
            Respondent(
                plan_id=plan.id, kind=RespondentKind.PARTNER, identity=f"{prefix}:{n}",
                email=f"{prefix}{n}@example.org", created_at=stamp, updated_at=stamp,
            )
            for n in range(count)
        ]
    )  # fmt: skip
    return list(
        await Respondent.filter(plan_id=plan.id, identity__startswith=f"{prefix}:").order_by("id")
    )


# -- Random consultations (analysis): a few hundred random responses, and what was made --

import random  # noqa: E402

KINDS = ("delegate", "partner", "public")
CAPACITIES = ("resident", "community_group", "partner_agency", "business", "other", None)
ORGANISATIONS = ("", "Millbrook Mums", "Hampshire Constabulary")


@dataclass
class Made:
    respondent_kind: str
    capacity: str | None
    organisation: str
    event_id: int | None
    submitted: bool
    action_id: int | None
    priority_id: int
    support: int | None
    comment: str
    missing: str
    moderation: str
    redacted_comment: str | None


async def random_consultation(seed: int, respondents: int = 240):
    """A plan with ``respondents`` random responses (about one in six a draft)."""
    rng = random.Random(seed)
    plan = await make_plan(PlanStatus.CONSULTATION)
    actions = await plan_actions(plan)
    priorities = {a.priority_id: a.priority_id for a in actions}  # type: ignore[attr-defined]
    sessions = [await workshop_session("Workshop A"), await workshop_session("Workshop B")]
    events = [s.event_id for s in sessions]  # type: ignore[attr-defined]
    made: list[Made] = []
    people: list[tuple] = []
    answers: list[Answer] = []
    for _ in range(respondents):
        kind = rng.choice(KINDS)
        who = await analysis_respondent(
            plan,
            kind,
            capacity=rng.choice(CAPACITIES),
            organisation=rng.choice(ORGANISATIONS),
            submitted=rng.random() > 0.15,
            event=None,
        )
        if kind == "delegate":
            who.event_id = rng.choice(events)  # type: ignore[attr-defined]
            await who.save(update_fields=["event_id"])
        people.append(
            (kind, who.capacity, who.organisation, who.event_id, who.submitted_at is not None)  # type: ignore[attr-defined]
        )
        for action in rng.sample(actions, rng.randint(0, len(actions))):
            support = rng.choice((1, 2, 3, 4, 5, 5, 4, None))
            comment = rng.choice(("", "", "More patrols near the Lodz café", "Łódź sister city"))
            moderation = (
                rng.choice(("waiting", "approved", "hidden")) if kind == "public" else "not_needed"
            )
            redacted = rng.choice((None, None, "", "[redacted] text")) if comment else None
            answers.append(
                Answer(
                    respondent=who,
                    plan=plan,
                    target=f"action:{action.ref}",
                    priority_id=action.priority_id,  # type: ignore[attr-defined]
                    action=action,
                    support=support,
                    comment=comment,
                    moderation=moderation,
                    redacted_comment=redacted,
                    created_at=NOW,
                    updated_at=NOW - timedelta(minutes=rng.randint(0, 300)),
                )
            )
            made.append(
                Made(kind, who.capacity, who.organisation, who.event_id, who.submitted_at  # type: ignore[attr-defined]
                     is not None, action.id, action.priority_id, support, comment, "",  # type: ignore[attr-defined]
                     moderation, redacted)
            )  # fmt: skip
        for priority_id in priorities:
            if rng.random() < 0.3:
                missing = rng.choice(("Nothing on night-time economy", "Street lighting"))
                moderation = "waiting" if kind == "public" else "not_needed"
                answers.append(
                    Answer(
                        respondent=who,
                        plan=plan,
                        target=f"priority:{priority_id}",
                        priority_id=priority_id,
                        missing=missing,
                        moderation=moderation,
                        created_at=NOW,
                        updated_at=NOW,
                    )
                )
                made.append(
                    Made(kind, who.capacity, who.organisation, who.event_id,  # type: ignore[attr-defined]
                         who.submitted_at is not None, None, priority_id, None, "", missing,
                         moderation, None)
                )  # fmt: skip
    await Answer.bulk_create(answers, batch_size=500)
    points = 0
    for action in actions[:4]:
        for session in sessions:
            point = await analysis_point(
                plan, action, f"Point about {action.text}", session=session
            )
            point.updated_at = NOW - timedelta(minutes=rng.randint(0, 300))
            await point.save(update_fields=["updated_at"])
            points += 1
    return plan, actions, made, events, people


# -- A consultation reported on (report, retention): answers in every state, a reply --

from plans.adoption import adopt  # noqa: E402
from plans.replies import add_reply, reply_data  # noqa: E402

NEW_TEXT = "Target knife crime hot spots with joint patrols and youth workers"


async def report_consultation(organiser):
    """A closed consultation with answers in every state, a reply, and an adopted version
    2 in which action 1.1 was reworded."""
    plan = await closed_plan()
    actions = await plan_actions(plan)
    first_priority = await Priority.filter(plan=plan).order_by("position").first()
    people = {}
    people["alice"] = alice = await make_respondent(
        plan,
        "public",
        "resident",
        name="Alice Hiddenname",
        email="alice@private.example",
        may_quote=True,
    )
    await make_answer(
        alice,
        actions[0],
        support=5,
        comment="More patrols near the park, please",
        moderation="approved",
    )
    await make_answer(
        alice,
        actions[1],
        support=2,
        comment="Ring me on 07700 900123",
        redacted_comment="Ring me on [phone number removed]",
        moderation="approved",
    )
    people["bob"] = bob = await make_respondent(
        plan,
        "public",
        "resident",
        name="Bob Secretperson",
        email="bob@private.example",
        organisation="Bob's Corner Shop",
    )
    await make_answer(
        bob, actions[0], support=4, comment="Bob would rather not be quoted", moderation="approved"
    )
    people["cara"] = cara = await make_respondent(plan, "public", "business", may_quote=True)
    await make_answer(
        cara, actions[0], support=1, comment="Still waiting for a moderator", moderation="waiting"
    )
    await make_answer(
        cara, actions[1], support=1, comment="Abuse that was hidden", moderation="hidden"
    )
    people["dana"] = dana = await make_respondent(
        plan, "delegate", "partner_agency", name="Dana Delegate", may_quote=True
    )
    await make_answer(dana, actions[0], support=5, comment="Delegates back this")
    await make_answer(dana, priority=first_priority, missing="Nothing on drug markets")
    people["eve"] = eve = await make_respondent(
        plan, "partner", "community_group", may_quote=True, submitted=False
    )
    await make_answer(eve, actions[0], support=1, comment="A draft never sent")
    people["finn"] = finn = await make_respondent(plan, "partner", None, may_quote=True)
    await make_answer(finn, actions[2], comment="No view, just a comment")
    table = await report_workshop(plan)
    await report_point(table, actions[0])
    await report_point(table, actions[0])
    await Action.filter(id=actions[0].id).update(text=NEW_TEXT)
    reply = reply_data(
        {
            "you_said": "Patrols alone will not stop knife crime.",
            "we_did": "We added youth workers to the patrols.",
            "outcome": "changed",
            "action_id": str(actions[0].id),
        }
    )
    await add_reply(organiser, plan.id, reply)
    await adopt(organiser, plan.id, "Adopted by the board")
    return plan, actions, people
