"""Demo plans for the founding example: the draft consulted on at the summit, and the
partnership's earlier plan, adopted, with its actions register.

- The Southampton Safe City Partnership's *Serious Violence delivery plan 2022-2027*
  (draft, in consultation): three priorities with evidence and eight key actions with
  their lead agencies and measures, linked to the demo summit and its two workshops
  (facilitators and table points), with responses in every state (a delegate's draft,
  submitted delegates and partner staff, public comments waiting, approved, hidden and
  redacted), themes and the organiser's first "you said, we did" replies.
- The *Serious Violence delivery plan 2019-2022*, adopted (versions 1 and 2, one action
  reworded between them), whose register has an action in every status (dropped with
  its reason), a timeline of updates, measure readings, lead contacts and two annual
  reviews. A plan has one status, so the adopted plan is the earlier one.

Runs after the events and programmes demos; does nothing without the demo organiser or
when the plans exist. The plans, versions, linked events, opening the consultation,
themes and tags, moderation, replies, adoption, the register and facilitators go
through their services. Responses and table points are written straight into the
tables: the summit is weeks away (no point could be recorded through the service
today) and a respondent's personal link is only ever in their email. Lead agencies are
the directory demo's entries; "Youth Offending Service" is not in it and becomes a
pending entry named in the plan. People are invented; addresses use example.org.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

from convenor.auth import now
from convenor.models import User
from convenor.settings import Settings
from events.models import Event, Registration, RegistrationStatus
from plans import (
    adoption,
    comments,
    consultation,
    drafts,
    lead_contacts,
    register,
    replies,
    reviews,
    workshops,
)
from plans.draft_forms import ActionData, EvidenceData, PartnerChoice, PlanData, PriorityData
from plans.models import (
    Action,
    Answer,
    Capacity,
    Moderation,
    Outcome,
    Plan,
    PlanStatus,
    PlanVersion,
    Respondent,
    RespondentKind,
    TablePoint,
    VersionKind,
)
from plans.tree import load_tree
from plans.versions import publish_version
from programmes.models import Session

ORGANISER = "organiser@example.org"
PARTNERSHIP = "Southampton Safe City Partnership"
TITLE = "Serious Violence delivery plan"
SUMMIT = "Serious Violence Delivery Plan Conference"
POLICE = "Hampshire & Isle of Wight Constabulary"
PROBATION = "Probation Service, Southampton"
COUNCIL = "Southampton City Council"
YOS = "Youth Offending Service"
ALL = "All partners"

# title, why, evidence (value, label, period, source), actions (text, lead, support, measure)
DRAFT = [
    ("Keeping people safe from harm",
     "Violence causes lasting harm to victims, families and neighbourhoods; most of it is "
     "concentrated in a few places and times.",
     [("11,079", "Violent crime incidents, up 779 on the year before", "2018/19",
       "Safe City Strategic Assessment"),
      ("52%", "Residents who feel safe in their area after dark", "2021", "City Survey 2021")],
     [("Target knife crime hot spots with joint police and council patrols", POLICE, COUNCIL,
       "Fewer knife crime offences in the hot-spot areas"),
      ("Give victims of domestic abuse one referral route to specialist support", ALL, "",
       "More victims referred to specialist support within 24 hours"),
      ("Open safe spaces for young people in the evenings in Bevois and Northam", YOS,
       "Bevois Valley Boxing Academy", "Young people using the evening safe spaces")]),
    ("Preventing and reducing offending",
     "A small number of people commit much of the city's serious violence; many first "
     "offend young.",
     [("38%", "Proven reoffending rate of young people", "2019/20", "Youth Justice Board")],
     [("Mentor young people leaving custody for their first year back", PROBATION, "",
       "Reduced reoffending rates for young people"),
      ("Offer diversion to first-time offenders aged 10 to 17", YOS, "",
       "Fewer first-time entrants to the youth justice system"),
      ("Share information on repeat offenders across partners every week", POLICE, PROBATION,
       "Repeat offenders managed jointly by police and probation")]),
    ("Creating safe, stronger communities",
     "Community groups reach young people and families that services do not.",
     [("72%", "Residents who feel safe in their area during the day", "2021",
       "City Survey 2021")],
     [("Fund community groups working with young people through small grants", COUNCIL, "",
       "Community groups funded, and the young people they reach"),
      ("Map community activity and networks with the groups themselves", COUNCIL,
       "Portswood Street Pastors", "Community groups listed in the directory")]),
]  # fmt: skip

# The earlier plan: (priority, [(text, lead, measure, status, progress, reason)])
ADOPTED = [
    ("Keeping people safe from harm",
     [("Run Operation Sceptre weeks of action against knife crime", POLICE,
       "Knife crime offences", "done", 100, ""),
      ("Set up a domestic abuse one-stop shop in the city centre", COUNCIL,
       "Residents who feel safe in their area during the day", "on_track", 60, "")]),
    ("Preventing and reducing offending",
     [("Expand integrated offender management to young adults", PROBATION,
       "Reduced reoffending rates for young people", "at_risk", 40, ""),
      ("Introduce a diversion scheme for first-time offenders", YOS,
       "First-time entrants to the youth justice system", "off_track", 20, "")]),
    ("Creating safe, stronger communities",
     [("Launch a community safety small grants scheme", COUNCIL,
       "Community groups funded", "not_started", None, ""),
      ("Survey street lighting across the city", ALL, "Streets surveyed", "dropped", None,
       "Replaced by the council's own street lighting programme, which surveys every street.")]),
]  # fmt: skip
READINGS = {
    "Residents who feel safe in their area during the day": [
        (68, "%", date(2019, 3, 31), "City Survey 2019"),
        (72, "%", date(2021, 3, 31), "City Survey 2021"),
    ],
    "Knife crime offences": [
        (310, "offences", date(2020, 3, 31), "Hampshire Constabulary recorded crime 2019/20"),
        (265, "offences", date(2022, 3, 31), "Hampshire Constabulary recorded crime 2021/22"),
    ],
    "Reduced reoffending rates for young people": [
        (41, "%", date(2019, 3, 31), "Youth Justice Board 2018/19"),
        (38, "%", date(2021, 3, 31), "Youth Justice Board 2020/21"),
    ],
}

# Responses to the draft: who, kind, capacity, organisation, quote?, submitted?,
# [(action number or priority number, support, comment, missing)], what moderation does
RESPONSES = [
    ("delegate", Capacity.PARTNER_AGENCY, True, True,
     [("1.1", 5, "Joint patrols worked in Bevois last summer.", ""),
      ("2.1", 4, "", ""), ("3.2", 5, "Include faith groups in the mapping.", "")], None),
    ("delegate", Capacity.COMMUNITY_GROUP, True, True,
     [("1.3", 5, "Evening sessions keep our young people off the streets.", ""),
      ("3.1", 4, "Small grants must be simple to apply for.", ""),
      ("3", None, "", "Nothing on youth work funding after the grants end.")], None),
    ("delegate", Capacity.PARTNER_AGENCY, False, False,
     [("2.2", 3, "Still thinking about this one.", "")], None),
    ("partner", Capacity.PARTNER_AGENCY, True, True,
     [("1.2", 5, "One route would stop victims being passed between services.", ""),
      ("2.3", 2, "Weekly sharing needs a data protection agreement first.", "")], None),
    ("public", Capacity.RESIDENT, False, True,
     [("1.1", 4, "More lighting on the underpass by the station, please.", "")], "waiting"),
    ("public", Capacity.RESIDENT, True, True,
     [("1.3", 5, "My son goes to the boxing club; it changed him.", ""),
      ("2.2", 4, "", "")], "approve"),
    ("public", Capacity.OTHER, False, True,
     [("2.3", 1, "Abusive words aimed at named officers.", "")], "hide"),
    ("public", Capacity.BUSINESS, True, True,
     [("3.1", 4, "I run Portswood Stores, call me on 023 8000 0000: shop-front lighting "
       "would help on Portswood Road.", "")], "redact"),
]  # fmt: skip
POINTS = [  # table, action or priority number, text
    ("Table 1", "1.1", "Patrols should include youth workers, not replace them."),
    ("Table 1", "2.1", "Mentors with lived experience are trusted more."),
    ("Table 2", "1", "Ask young people where they feel unsafe before choosing hot spots."),
    ("Table A", "3.2", "Mosques and gurdwaras run youth sessions nobody has mapped."),
]


def _at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


def _action_data(text: str, lead: str, support: str, measure: str, **extra) -> ActionData:
    return ActionData(
        text=text,
        measure=measure,
        all_partners=lead == ALL,
        leads=[] if lead == ALL else [PartnerChoice(name=lead)],
        supports=[PartnerChoice(name=support)] if support else [],
        add_missing=True,
        **extra,
    )


async def load_demo(settings: Settings) -> None:
    """Create the two demo plans once. Side effects: rows, outbox (facilitators, leads)."""
    organiser = await User.get_or_none(email=ORGANISER)
    if organiser is None or await Plan.filter(title=TITLE).exists():
        return
    await _adopted_plan(organiser, settings)
    await _draft_plan(organiser, settings)


async def _new_plan(organiser: User, period: str, summary: str) -> Plan:
    data = PlanData(TITLE, PARTNERSHIP, period, summary, "safer.southampton@example.org")
    return await drafts.create_plan(organiser, data)


async def _draft_plan(organiser: User, settings: Settings) -> None:
    summary = (
        "How the partners will prevent and reduce serious violence in Southampton over the "
        "next five years. **Have your say**: the consultation is open for twelve weeks."
    )
    plan = await _new_plan(organiser, "2022-2027", summary)
    for title, why, evidence, actions in DRAFT:
        priority = await drafts.add_priority(organiser, plan.id, PriorityData(title, why))
        for value, label, period, source in evidence:
            data = EvidenceData(value, label, period, source)
            await drafts.add_evidence(organiser, plan.id, priority.id, data)
        for text, lead, support, measure in actions:
            data = _action_data(text, lead, support, measure, target_date=date(2027, 3, 31))
            await drafts.add_action(organiser, plan.id, priority.id, data)
    summit = await Event.filter(title=SUMMIT).first()
    if summit is not None:
        await drafts.link_event(organiser, plan.id, summit.id)
    stamp = now()
    opened = stamp - timedelta(days=14)  # twelve weeks, two of them gone
    await consultation.open_consultation(
        organiser, plan.id, opened, opened + timedelta(weeks=12), public_may_respond=True
    )
    await PlanVersion.filter(plan_id=plan.id).update(published_at=opened)
    tree = await load_tree(plan.id)
    targets = {
        a.number: (p.id, a.id, f"action:{a.ref}") for p in tree.priorities for a in p.actions
    }
    targets |= {str(p.number): (p.id, None, f"priority:{p.ref}") for p in tree.priorities}
    answers = await _responses(organiser, plan, summit, targets)
    points = await _workshops(organiser, plan, summit, tree, targets, settings)
    await _themes(organiser, plan, answers, points)
    await _replies(organiser, plan, tree)


async def _responses(organiser, plan, summit, targets) -> list[Answer]:
    registrations = []
    if summit is not None:
        registrations = list(
            await Registration.filter(
                event_id=summit.id, status=RegistrationStatus.REGISTERED
            ).order_by("id")
        )
    made: list[Answer] = []
    stamp = now()
    for number, (kind, capacity, quote, sent, said, moderation) in enumerate(RESPONSES):
        values: dict = {"kind": kind, "capacity": capacity, "may_quote": quote}
        if kind == RespondentKind.DELEGATE:
            if not registrations:
                continue
            registration = registrations.pop(0)
            values |= {
                "identity": f"registration:{registration.id}",
                "registration": registration,
                "event_id": summit.id,
                "name": registration.name,
                "organisation": registration.organisation,
            }
        else:
            email = f"respondent{number}@example.org"
            values |= {
                "identity": "email:" + hashlib.sha256(email.casefold().encode()).hexdigest(),
                "email": email,
                "name": f"Respondent {number}",
                "email_confirmed_at": stamp,
            }
        respondent = await Respondent.create(
            plan=plan,
            created_at=stamp,
            updated_at=stamp,
            submitted_at=stamp if sent else None,
            **values,
        )
        for target, support, comment, missing in said:
            priority_id, action_id, key = targets[target]
            waiting = kind == RespondentKind.PUBLIC and (comment or missing)
            answer = await Answer.create(
                respondent=respondent,
                plan=plan,
                target=key,
                priority_id=priority_id,
                action_id=action_id,
                support=support,
                comment=comment,
                missing=missing,
                moderation=Moderation.WAITING if waiting else Moderation.NOT_NEEDED,
                created_at=stamp,
                updated_at=stamp,
            )
            made.append(answer)
            if not waiting:
                continue
            if moderation == "approve":
                await comments.approve(organiser, plan.id, answer.id)
            elif moderation == "hide":
                await comments.hide(organiser, plan.id, answer.id, "Abusive; names officers.")
            elif moderation == "redact":
                shown = "[Personal details removed]: " + comment.split(": ", 1)[1]
                await comments.redact(organiser, plan.id, answer.id, shown, "")
    return made


async def _workshops(organiser, plan, summit, tree, targets, settings) -> list[TablePoint]:
    if summit is None:
        return []
    sessions = list(
        await Session.filter(event_id=summit.id, kind="workshop").order_by("starts_at", "id")
    )
    if not sessions:
        return []
    links = {0: [p.id for p in tree.priorities], 1: [tree.priorities[-1].id]}
    for index, session in enumerate(sessions[:2]):
        await workshops.set_session_priorities(organiser, plan.id, session.id, links[index])
    people = {}
    for index, table, name in ((0, "Table 1", "Tom Hughes"), (0, "Table 2", "Amara Osei"),
                               (1, "Table A", "Amina Hassan")):  # fmt: skip
        if index >= len(sessions):
            continue
        email = f"{name.split()[0].lower()}.facilitator@example.org"
        data = workshops.FacilitatorData(name, email, table)
        people[table] = (
            await workshops.add_facilitator(organiser, plan.id, sessions[index].id, data, settings),
            sessions[index],
        )
    made = []
    for minutes, (table, target, text) in enumerate(POINTS):
        if table not in people:
            continue
        person, session = people[table]
        priority_id, action_id, _ = targets[target]
        when = session.starts_at + timedelta(minutes=20 + 5 * minutes)  # during the session
        made.append(
            await TablePoint.create(
                plan=plan,
                facilitator=person,
                priority_id=priority_id,
                action_id=action_id,
                text=text,
                created_at=when,
                updated_at=when,
            )
        )
    return made


async def _themes(organiser, plan, answers: list[Answer], points: list[TablePoint]) -> None:
    youth = await comments.create_theme(organiser, plan.id, "Youth work and safe spaces")
    lighting = await comments.create_theme(organiser, plan.id, "Lighting and the street scene")
    for answer in answers:
        text = answer.comment.lower()
        if "boxing" in text or "young people" in text or "youth" in text:
            await comments.tag(organiser, plan.id, youth.id, "answer", answer.id)
        if "lighting" in text:
            await comments.tag(organiser, plan.id, lighting.id, "answer", answer.id)
    for point in points:
        if "youth" in point.text.lower() or "young people" in point.text.lower():
            await comments.tag(organiser, plan.id, youth.id, "point", point.id)


async def _replies(organiser: User, plan: Plan, tree) -> None:
    youth = await plan.themes.filter(name="Youth work and safe spaces").first()
    patrols = tree.priorities[0].actions[0]
    rows = [
        (youth.id if youth else None, None, "Youth work must not stop when the grants end.",
         "We will add a measure for youth work still running a year after each grant."),
        (None, patrols.id, "Patrols should include youth workers, not replace them.",
         "Hot-spot patrols will be planned with the Youth Offending Service."),
    ]  # fmt: skip
    for theme_id, action_id, said, did in rows:
        data = replies.ReplyData(said, did, Outcome.CHANGED, theme_id, action_id)
        await replies.add_reply(organiser, plan.id, data)


async def _adopted_plan(organiser: User, settings: Settings) -> None:
    summary = "The partnership's first Serious Violence delivery plan, adopted in April 2019."
    plan = await _new_plan(organiser, "2019-2022", summary)
    actions: list[tuple[Action, tuple]] = []
    for title, items in ADOPTED:
        priority = await drafts.add_priority(organiser, plan.id, PriorityData(title))
        for item in items:
            text, lead, measure = item[:3]
            data = _action_data(text, lead, "", measure, target_date=date(2022, 3, 31))
            actions.append((await drafts.add_action(organiser, plan.id, priority.id, data), item))
    await Plan.filter(id=plan.id).update(
        status=PlanStatus.CONSULTATION,
        opens_at=_at(2019, 1, 7),
        closes_at=_at(2019, 4, 1),
        closed_at=_at(2019, 4, 1),
    )
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION, "Draft for consultation")
    first, item = actions[1]
    reworded = _action_data(
        "Set up a domestic abuse one-stop shop in the city centre, open evenings",
        item[1], "", item[2], target_date=date(2022, 3, 31),
    )  # fmt: skip
    await drafts.update_action(organiser, plan.id, first.id, reworded)
    await adoption.adopt(organiser, plan.id, "Adopted by the board")
    for number, published in ((1, _at(2019, 1, 7)), (2, _at(2019, 4, 25))):
        await PlanVersion.filter(plan_id=plan.id, number=number).update(published_at=published)
    plan = await Plan.get(id=plan.id)
    await _register(organiser, plan, actions, settings)


async def _register(organiser, plan: Plan, actions, settings: Settings) -> None:
    for action, (_text, lead, measure, status, progress, reason) in actions:
        steps = []  # (year, status, progress, text): work started, then where it stands
        if status != "not_started":
            steps.append((2020, "on_track", "10", "Work has started with the partners."))
            figure = "" if progress is None else str(progress)
            text = reason or f"Where the action stands at the 2021 review ({figure or 'no'}%)."
            steps.append((2021, status, figure, text))
        for year, state, figure, text in steps:
            data = register.UpdateData(
                status=state,
                status_reason=reason if state == "dropped" else "",
                progress=figure,
                text=text,
            )
            await register.record_update(
                plan,
                action.id,
                data,
                author_name="Tom Hughes",
                author_organisation=lead if lead != ALL else PARTNERSHIP,
                at=_at(year, 3, 1),
            )
        for value, unit, taken_on, source in READINGS.get(measure, []):
            reading = register.ReadingData(str(value), unit, taken_on.isoformat(), source)
            await register.add_reading(plan, action.id, reading)
    await lead_contacts.set_schedule(organiser, plan.id, "90")
    tree = await load_tree(plan)
    leads = {p.name: p.entry_id for a in tree.actions for p in a.leads}
    contacts = (
        (POLICE, "Priya Shah", "priya.shah@police.example.org"),
        (PROBATION, "Sarah Patel", "sarah.patel@probation.example.org"),
    )
    for name, person, email in contacts:
        if name not in leads:
            continue
        contact = await lead_contacts.add_contact(organiser, plan.id, leads[name], person, email)
        if name == POLICE:  # invited; probation's contact is not yet
            await lead_contacts.invite_contact(organiser, plan.id, contact.id, settings)
    await reviews.take_review(organiser, plan.id, "Annual review 2020", "2020-03-31")
    await reviews.take_review(organiser, plan.id, "Annual review 2021", "2021-03-31")
