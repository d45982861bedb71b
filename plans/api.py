"""The plans JSON API under /api/v1: drafting a plan (priorities, evidence, key actions
with their lead agencies and supporting partners) and publishing versions.

Organisers' and admins' bearer tokens only (a moderator's is 403). Each route calls the
same service function as the organiser's pages (``plans.drafts``, ``plans.versions``),
so the rules and transactions are the same: bad values are 422 with a message per
field, an organisation not in the directory is 422 unless ``add_missing`` is sent (it
then becomes a pending entry), an unknown plan, priority or action is 404. Partners are
chosen by ``entry_id`` or by ``name`` (matched by name, case and accents aside).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field
from spectree import Response as SpecResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from convenor.api import DatabaseId, ErrorResponse, api_user, spec
from convenor.cleaning import CheckedInput
from convenor.errors import Invalid
from convenor.models import Role, User
from plans import draft_views, drafts, versions
from plans.draft_forms import ActionData, EvidenceData, PartnerChoice, PlanData, PriorityData
from plans.tree import ActionView, PartnerView, PlanTree, PriorityView

TAGS = ["plans"]


class PlanIn(CheckedInput):
    title: str = Field(max_length=300)
    partnership: str = Field(max_length=200)
    period: str = Field("", max_length=40, description="Such as 2022-2027")
    summary: str = Field("", max_length=10_000, description="Markdown")
    contact_email: str = Field("", max_length=254)


class EvidenceIn(CheckedInput):
    value: str = Field(max_length=100, description="Such as 11,079")
    label: str = Field(max_length=300, description="Such as Violent crime incidents")
    period: str = Field("", max_length=60)
    source: str = Field("", max_length=300)


class PriorityIn(CheckedInput):
    title: str = Field(max_length=300)
    why: str = Field("", max_length=5000, description="Why it matters")
    evidence: list[EvidenceIn] | None = Field(
        None, max_length=50, description="Replaces the priority's figures; null keeps them"
    )


class PartnerIn(CheckedInput):
    entry_id: DatabaseId | None = Field(None, description="A published or pending entry")
    name: str = Field("", max_length=200, description="Or its name, when entry_id is null")


class ActionIn(CheckedInput):
    text: str = Field(max_length=5000)
    measure: str = Field("", max_length=5000, description="Measure of success")
    target_date: date | None = None
    all_partners: bool = Field(False, description="Led by all partners (no lead agencies)")
    leads: list[PartnerIn] = Field([], max_length=30)
    supports: list[PartnerIn] = Field([], max_length=30)
    add_missing: bool = Field(
        False, description="Add organisations named but not in the directory as pending entries"
    )
    priority_id: DatabaseId | None = Field(
        None, description="On update: move the action to the end of this priority"
    )


class PublishIn(CheckedInput):
    note: str = Field("", max_length=2000)


class PlanSummaryOut(BaseModel):
    id: int
    uuid: str
    title: str
    partnership: str
    period: str
    status: str


class PlanList(BaseModel):
    items: list[PlanSummaryOut]


class EvidenceOut(BaseModel):
    value: str
    label: str
    period: str
    source: str


class PartnerOut(BaseModel):
    entry_id: int
    name: str
    published: bool


class ActionOut(BaseModel):
    id: int
    ref: str
    number: str
    text: str
    all_partners: bool
    leads: list[PartnerOut]
    supports: list[PartnerOut]
    measure: str
    target_date: date | None


class PriorityOut(BaseModel):
    id: int
    ref: str
    number: int
    title: str
    why: str
    evidence: list[EvidenceOut]
    actions: list[ActionOut]


class PlanOut(PlanSummaryOut):
    summary: str
    contact_email: str
    priorities: list[PriorityOut]


class VersionOut(BaseModel):
    number: int
    kind: str
    note: str
    published_at: datetime
    published_by: str


class VersionList(BaseModel):
    items: list[VersionOut]


# -- JSON from the plan's tree ----------------------------------------------------


def _partner(p: PartnerView) -> dict:
    return {"entry_id": p.entry_id, "name": p.name, "published": p.published}


def action_json(a: ActionView) -> dict:
    return {
        "id": a.id,
        "ref": a.ref,
        "number": a.number,
        "text": a.text,
        "all_partners": a.all_partners,
        "leads": [_partner(p) for p in a.leads],
        "supports": [_partner(p) for p in a.supports],
        "measure": a.measure,
        "target_date": a.target_date.isoformat() if a.target_date else None,
    }


def priority_json(p: PriorityView) -> dict:
    return {
        "id": p.id,
        "ref": p.ref,
        "number": p.number,
        "title": p.title,
        "why": p.why,
        "evidence": [vars(e) for e in p.evidence],
        "actions": [action_json(a) for a in p.actions],
    }


def summary_json(plan) -> dict:
    return {
        "id": plan.id,
        "uuid": plan.uuid,
        "title": plan.title,
        "partnership": plan.partnership,
        "period": plan.period,
        "status": str(plan.status.value if hasattr(plan.status, "value") else plan.status),
    }


def plan_json(tree: PlanTree) -> dict:
    plan = tree.plan
    return {
        **summary_json(plan),
        "summary": plan.summary,
        "contact_email": plan.contact_email,
        "priorities": [priority_json(p) for p in tree.priorities],
    }


def version_json(v: versions.VersionSummary) -> dict:
    return {
        "number": v.number,
        "kind": v.kind.value,
        "note": v.note,
        "published_at": v.published_at.isoformat(),
        "published_by": v.published_by,
    }


# -- Handlers ------------------------------------------------------------------------


async def organiser(request: Request) -> User:
    return await api_user(request, roles={Role.ORGANISER})


def body_of(request: Request, what: str):
    body = request.context.json  # type: ignore[attr-defined]
    if body is None:
        raise Invalid(f"Send the {what} as a JSON body.", fields={"body": "Missing JSON body"})
    return body


def responses(ok: str, model=None, *errors: int) -> SpecResponse:
    codes = {f"HTTP_{code}": ErrorResponse for code in (401, 403, 404, *errors)}
    if model is None:
        return SpecResponse(ok, **codes)
    return SpecResponse(**{ok: model}, **codes)


def _plan_data(body: PlanIn) -> PlanData:
    return PlanData(**{k: v.strip() for k, v in body.model_dump().items()})


def _evidence(items: list[EvidenceIn] | None) -> list[EvidenceData] | None:
    if items is None:
        return None
    return [EvidenceData(**{k: v.strip() for k, v in e.model_dump().items()}) for e in items]


def _choices(items: list[PartnerIn]) -> list[PartnerChoice]:
    return [PartnerChoice(" ".join(p.name.split()), p.entry_id) for p in items]


def _action_data(body: ActionIn) -> ActionData:
    return ActionData(
        text=body.text.strip(),
        measure=body.measure.strip(),
        target_date=body.target_date,
        all_partners=body.all_partners,
        leads=_choices(body.leads),
        supports=_choices(body.supports),
        add_missing=body.add_missing,
        priority_id=body.priority_id,
    )


@spec.validate(resp=responses("HTTP_200", PlanList), tags=TAGS)
async def list_plans(request: Request) -> Response:
    """Every plan, newest first."""
    plans = await drafts.plans_for(await organiser(request))
    return JSONResponse({"items": [summary_json(p) for p in plans]})


@spec.validate(json=PlanIn, resp=responses("HTTP_201", PlanOut, 422), tags=TAGS)
async def create_plan(request: Request) -> Response:
    """Start a draft plan."""
    user = await organiser(request)
    plan = await drafts.create_plan(user, _plan_data(body_of(request, "plan")))
    return JSONResponse(plan_json(await draft_views.plan_tree(user, plan.id)), status_code=201)


@spec.validate(resp=responses("HTTP_200", PlanOut), tags=TAGS)
async def read_plan(request: Request) -> Response:
    """The draft: priorities in order with their evidence and key actions."""
    tree = await draft_views.plan_tree(await organiser(request), request.path_params["plan_id"])
    return JSONResponse(plan_json(tree))


@spec.validate(json=PlanIn, resp=responses("HTTP_200", PlanOut, 409, 422), tags=TAGS)
async def update_plan(request: Request) -> Response:
    """Replace the plan's title, partnership, period, summary and contact email."""
    user, plan_id = await organiser(request), request.path_params["plan_id"]
    await drafts.update_plan(user, plan_id, _plan_data(body_of(request, "plan")))
    return JSONResponse(plan_json(await draft_views.plan_tree(user, plan_id)))


async def _priority_reply(user: User, plan_id: int, priority_id: int, status: int = 200):
    tree = await draft_views.plan_tree(user, plan_id)
    return JSONResponse(priority_json(tree.priority_by_id(priority_id)), status_code=status)  # type: ignore[arg-type]


@spec.validate(json=PriorityIn, resp=responses("HTTP_201", PriorityOut, 409, 422), tags=TAGS)
async def create_priority(request: Request) -> Response:
    """Add a priority after the others, with its evidence."""
    user, plan_id = await organiser(request), request.path_params["plan_id"]
    body: PriorityIn = body_of(request, "priority")
    data = PriorityData(body.title.strip(), body.why.strip())
    priority = await drafts.add_priority(user, plan_id, data, _evidence(body.evidence))
    return await _priority_reply(user, plan_id, priority.id, 201)


@spec.validate(json=PriorityIn, resp=responses("HTTP_200", PriorityOut, 409, 422), tags=TAGS)
async def update_priority(request: Request) -> Response:
    """Replace a priority's title and why it matters (and its evidence, when sent)."""
    user, plan_id = await organiser(request), request.path_params["plan_id"]
    priority_id = request.path_params["priority_id"]
    body: PriorityIn = body_of(request, "priority")
    data = PriorityData(body.title.strip(), body.why.strip())
    await drafts.update_priority(user, plan_id, priority_id, data, _evidence(body.evidence))
    return await _priority_reply(user, plan_id, priority_id)


@spec.validate(resp=responses("HTTP_204", None, 409), tags=TAGS)
async def delete_priority(request: Request) -> Response:
    """Remove a priority and its actions (kept as removed once a version exists)."""
    user = await organiser(request)
    await drafts.remove_priority(
        user, request.path_params["plan_id"], request.path_params["priority_id"]
    )
    return Response(status_code=204)


async def _action_reply(user: User, plan_id: int, action_id: int, status: int = 200):
    tree = await draft_views.plan_tree(user, plan_id)
    return JSONResponse(action_json(tree.action_by_id(action_id)), status_code=status)  # type: ignore[arg-type]


@spec.validate(json=ActionIn, resp=responses("HTTP_201", ActionOut, 409, 422), tags=TAGS)
async def create_action(request: Request) -> Response:
    """Add a key action at the end of a priority, with its lead agencies and partners."""
    user, plan_id = await organiser(request), request.path_params["plan_id"]
    data = _action_data(body_of(request, "action"))
    action = await drafts.add_action(user, plan_id, request.path_params["priority_id"], data)
    return await _action_reply(user, plan_id, action.id, 201)


@spec.validate(json=ActionIn, resp=responses("HTTP_200", ActionOut, 409, 422), tags=TAGS)
async def update_action(request: Request) -> Response:
    """Replace a key action (text, partners, measure, target date), or move it."""
    user, plan_id = await organiser(request), request.path_params["plan_id"]
    action_id = request.path_params["action_id"]
    await drafts.update_action(user, plan_id, action_id, _action_data(body_of(request, "action")))
    return await _action_reply(user, plan_id, action_id)


@spec.validate(resp=responses("HTTP_204", None, 409), tags=TAGS)
async def delete_action(request: Request) -> Response:
    """Remove a key action (kept as removed once a version exists)."""
    user = await organiser(request)
    await drafts.remove_action(
        user, request.path_params["plan_id"], request.path_params["action_id"]
    )
    return Response(status_code=204)


@spec.validate(resp=responses("HTTP_200", VersionList), tags=TAGS)
async def list_versions(request: Request) -> Response:
    """Every published version, oldest first."""
    _, items = await versions.versions_for(await organiser(request), request.path_params["plan_id"])
    return JSONResponse({"items": [version_json(v) for v in items]})


@spec.validate(json=PublishIn, resp=responses("HTTP_201", VersionOut, 409, 422), tags=TAGS)
async def publish(request: Request) -> Response:
    """Publish the draft as the next version; 409 when nothing changed since the last."""
    user, plan_id = await organiser(request), request.path_params["plan_id"]
    body: PublishIn | None = request.context.json  # type: ignore[attr-defined]
    made = await versions.publish_revision(user, plan_id, body.note.strip() if body else "")
    summary = await versions.version_summary(plan_id, made.number)
    return JSONResponse(version_json(summary), status_code=201)


PLAN = "/plans/{plan_id:int}"
PRIORITY = f"{PLAN}/priorities/{{priority_id:int}}"
ACTION = f"{PLAN}/actions/{{action_id:int}}"

routes = [
    Route("/plans", list_plans, methods=["GET"]),
    Route("/plans", create_plan, methods=["POST"]),
    Route(PLAN, read_plan, methods=["GET"]),
    Route(PLAN, update_plan, methods=["PUT"]),
    Route(f"{PLAN}/priorities", create_priority, methods=["POST"]),
    Route(PRIORITY, update_priority, methods=["PUT"]),
    Route(PRIORITY, delete_priority, methods=["DELETE"]),
    Route(f"{PRIORITY}/actions", create_action, methods=["POST"]),
    Route(ACTION, update_action, methods=["PUT"]),
    Route(ACTION, delete_action, methods=["DELETE"]),
    Route(f"{PLAN}/versions", list_versions, methods=["GET"]),
    Route(f"{PLAN}/versions", publish, methods=["POST"]),
]
