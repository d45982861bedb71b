"""Every page of the plans domain: one table of every URL, its methods and handler.

Order matters: Starlette takes the first route whose path and method match. Handlers
live in modules by audience and step; each one parses the request, calls one service
function and renders. The JSON API has its own table in ``plans.api``.

- ``staff_routes``: organisers' plans: the list, the draft editor, linked events,
  versions and comparing them;
- ``plan_import_routes``: importing a draft from a spreadsheet (upload, preview,
  confirm);
- ``public_routes``: a plan's public page, its versions and comparisons;
- ``consultation_routes``: the consultation's settings (staff) and responding to it
  (delegates from their personal link, partner staff, the confirmed public);
- ``workshop_routes``: workshop sessions linked to priorities, facilitators and their
  table points;
- ``analysis_routes``: organisers' analysis of the responses, themes, moderation and exports;
- ``report_routes``: "you said, we did", adopting the plan and the public response report;
- ``register_routes``: the actions register: lead agencies' updates, measure readings,
  the public register, its exports and feed, and annual reviews.
"""

from __future__ import annotations

from starlette.routing import Route

from plans import analysis_routes as ar
from plans import consultation_routes as cr
from plans import plan_import_routes as ir
from plans import public_routes as pu
from plans import register_routes as rr
from plans import report_routes as rp
from plans import staff_routes as sr
from plans import workshop_routes as wr

# Each block below is the table of one module, in the order Starlette tries them.

# -- staff_routes (and plan_import_routes): organisers' plans: list, editor, import, versions --
STAFF_PLAN = "/staff/plans/{plan_id:int}"
drafts: list = [
    Route("/staff/plans", sr.plan_list, methods=["GET"]),
    Route("/staff/plans", sr.create_plan, methods=["POST"]),
    Route(STAFF_PLAN, sr.editor, methods=["GET"]),
    Route(STAFF_PLAN, sr.save_plan, methods=["POST"]),
    Route(f"{STAFF_PLAN}/priorities", sr.add_priority, methods=["POST"]),
    Route(f"{STAFF_PLAN}/priorities/{{priority_id:int}}", sr.priority, methods=["GET"]),
    Route(f"{STAFF_PLAN}/priorities/{{priority_id:int}}", sr.save_priority, methods=["POST"]),
    Route(
        f"{STAFF_PLAN}/priorities/{{priority_id:int}}/remove", sr.remove_priority, methods=["POST"]
    ),
    Route(f"{STAFF_PLAN}/priorities/{{priority_id:int}}/move", sr.move_priority, methods=["POST"]),
    Route(
        f"{STAFF_PLAN}/priorities/{{priority_id:int}}/evidence", sr.add_evidence, methods=["POST"]
    ),
    Route(
        f"{STAFF_PLAN}/priorities/{{priority_id:int}}/evidence/{{evidence_id:int}}",
        sr.evidence,
        methods=["GET"],
    ),
    Route(
        f"{STAFF_PLAN}/priorities/{{priority_id:int}}/evidence/{{evidence_id:int}}",
        sr.save_evidence,
        methods=["POST"],
    ),
    Route(
        f"{STAFF_PLAN}/priorities/{{priority_id:int}}/evidence/{{evidence_id:int}}/remove",
        sr.remove_evidence,
        methods=["POST"],
    ),
    Route(
        f"{STAFF_PLAN}/priorities/{{priority_id:int}}/evidence/{{evidence_id:int}}/move",
        sr.move_evidence,
        methods=["POST"],
    ),
    Route(
        f"{STAFF_PLAN}/priorities/{{priority_id:int}}/actions/new", sr.new_action, methods=["GET"]
    ),
    Route(f"{STAFF_PLAN}/priorities/{{priority_id:int}}/actions", sr.add_action, methods=["POST"]),
    Route(f"{STAFF_PLAN}/actions/{{action_id:int}}", sr.action, methods=["GET"]),
    Route(f"{STAFF_PLAN}/actions/{{action_id:int}}", sr.save_action, methods=["POST"]),
    Route(f"{STAFF_PLAN}/actions/{{action_id:int}}/remove", sr.remove_action, methods=["POST"]),
    Route(f"{STAFF_PLAN}/actions/{{action_id:int}}/move", sr.move_action, methods=["POST"]),
    Route(f"{STAFF_PLAN}/events", sr.link_event, methods=["POST"]),
    Route(f"{STAFF_PLAN}/events/{{event_id:int}}/unlink", sr.unlink_event, methods=["POST"]),
    Route(f"{STAFF_PLAN}/import", ir.import_form, methods=["GET"]),
    Route(f"{STAFF_PLAN}/import", ir.import_preview, methods=["POST"]),
    Route(f"{STAFF_PLAN}/import/confirm", ir.import_confirm, methods=["POST"]),
    Route(f"{STAFF_PLAN}/versions", sr.versions_list, methods=["GET"]),
    Route(f"{STAFF_PLAN}/versions", sr.publish, methods=["POST"]),
    Route(f"{STAFF_PLAN}/versions/{{number:int}}", sr.staff_version, methods=["GET"]),
]

# -- public_routes: the public plan page, versions, comparisons --
public: list = [
    Route("/plans/{plan_uuid}", pu.plan_page, methods=["GET"]),
    Route("/plans/{plan_uuid}/versions/{n:int}", pu.version_page, methods=["GET"]),
    Route("/plans/{plan_uuid}/compare", pu.compare_page, methods=["GET"]),
]

# -- consultation_routes: settings, responding (delegates, partners, public) --
consultation: list = [
    Route("/staff/plans/{plan_id:int}/consultation", cr.consultation_page, methods=["GET"]),
    Route("/staff/plans/{plan_id:int}/consultation", cr.consultation_save, methods=["POST"]),
    Route("/staff/plans/{plan_id:int}/consultation/partners", cr.invite_partners, methods=["POST"]),
    Route("/staff/plans/{plan_id:int}/consultation/close", cr.close_consultation, methods=["POST"]),
    Route("/i/{token}/plans/{plan_uuid}", cr.delegate_form, methods=["GET"]),
    Route("/i/{token}/plans/{plan_uuid}", cr.delegate_save, methods=["POST"]),
    Route("/i/{token}/plans/{plan_uuid}/my-response.{fmt}", cr.delegate_download, methods=["GET"]),
    Route("/plans/respond/{token}", cr.link_form, methods=["GET"]),
    Route("/plans/respond/{token}", cr.link_save, methods=["POST"]),
    Route("/plans/respond/{token}/my-response.{fmt}", cr.link_download, methods=["GET"]),
    Route("/plans/{plan_uuid}/respond", cr.public_start, methods=["GET"]),
    Route("/plans/{plan_uuid}/respond", cr.public_start_submit, methods=["POST"]),
    Route("/plans/{plan_uuid}/respond/sent", cr.public_start_sent, methods=["GET"]),
]

# -- workshop_routes: sessions and priorities, facilitators, table points --
workshops: list = [
    Route("/staff/plans/{plan_id:int}/workshops", wr.staff_workshops, methods=["GET"]),
    Route(
        "/staff/plans/{plan_id:int}/workshops/sessions/{session_id:int}/priorities",
        wr.staff_session_priorities,
        methods=["POST"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/workshops/sessions/{session_id:int}/facilitators",
        wr.staff_add_facilitator,
        methods=["POST"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/workshops/facilitators/{facilitator_id:int}/resend",
        wr.staff_resend_facilitator,
        methods=["POST"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/workshops/facilitators/{facilitator_id:int}/remove",
        wr.staff_remove_facilitator,
        methods=["POST"],
    ),
    Route("/facilitate/{token}", wr.facilitate, methods=["GET"]),
    Route("/facilitate/{token}/points", wr.facilitate_record, methods=["POST"]),
    Route("/facilitate/{token}/points/{point_id:int}", wr.facilitate_point, methods=["GET"]),
    Route("/facilitate/{token}/points/{point_id:int}", wr.facilitate_update, methods=["POST"]),
    Route(
        "/facilitate/{token}/points/{point_id:int}/delete", wr.facilitate_delete, methods=["POST"]
    ),
]

# -- analysis_routes: analysis, themes, moderation, exports --
ANALYSIS = "/staff/plans/{plan_id:int}/analysis"
COMMENTS = "/staff/plans/{plan_id:int}/comments"
analysis: list = [
    Route(ANALYSIS, ar.analysis, methods=["GET"]),
    Route(f"{ANALYSIS}/themes", ar.theme_create, methods=["POST"]),
    Route(f"{ANALYSIS}/themes/{{theme_id:int}}/delete", ar.theme_delete, methods=["POST"]),
    Route(f"{ANALYSIS}/tags", ar.tag, methods=["POST"]),
    Route(f"{ANALYSIS}/responses.{{fmt:str}}", ar.responses_export, methods=["GET"]),
    Route(f"{ANALYSIS}/responses.{{fmt:str}}", ar.responses_export_personal, methods=["POST"]),
    Route(f"{ANALYSIS}/workshop-notes.{{fmt:str}}", ar.workshop_export, methods=["GET"]),
    Route(f"{ANALYSIS}/workshop-notes.{{fmt:str}}", ar.workshop_export_personal, methods=["POST"]),
    Route(COMMENTS, ar.moderation_queue, methods=["GET"]),
    Route(f"{COMMENTS}/{{answer_id:int}}", ar.comment, methods=["GET"]),
    Route(f"{COMMENTS}/{{answer_id:int}}/approve", ar.approve, methods=["POST"]),
    Route(f"{COMMENTS}/{{answer_id:int}}/hide", ar.hide, methods=["POST"]),
    Route(f"{COMMENTS}/{{answer_id:int}}/redact", ar.redact, methods=["POST"]),
]

# -- report_routes: replies, adoption, the response report --
report: list = [
    Route("/staff/plans/{plan_id:int}/response", rp.response, methods=["GET"]),
    Route("/staff/plans/{plan_id:int}/response/replies", rp.add_reply, methods=["POST"]),
    Route(
        "/staff/plans/{plan_id:int}/response/replies/{reply_id:int}",
        rp.reply_page,
        methods=["GET"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/response/replies/{reply_id:int}",
        rp.update_reply,
        methods=["POST"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/response/replies/{reply_id:int}/delete",
        rp.delete_reply,
        methods=["POST"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/response/replies/{reply_id:int}/move",
        rp.move_reply,
        methods=["POST"],
    ),
    Route("/staff/plans/{plan_id:int}/response/adopt", rp.adopt, methods=["POST"]),
    Route("/staff/plans/{plan_id:int}/response/publish", rp.publish, methods=["POST"]),
    Route("/staff/plans/{plan_id:int}/response/preview", rp.preview, methods=["GET"]),
    Route("/plans/{plan_uuid}/report", rp.report_page, methods=["GET"]),
    Route("/plans/{plan_uuid}/report.pdf", rp.report_pdf_download, methods=["GET"]),
]

# -- register_routes: the actions register, lead agencies, readings, reviews --
register: list = [
    Route("/staff/plans/{plan_id:int}/register", rr.staff_register, methods=["GET"]),
    Route("/staff/plans/{plan_id:int}/register/schedule", rr.save_schedule, methods=["POST"]),
    Route("/staff/plans/{plan_id:int}/register/contacts", rr.add_contact, methods=["POST"]),
    Route(
        "/staff/plans/{plan_id:int}/register/contacts/{contact_id:int}/invite",
        rr.invite_contact,
        methods=["POST"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/register/contacts/{contact_id:int}/remove",
        rr.remove_contact,
        methods=["POST"],
    ),
    Route("/staff/plans/{plan_id:int}/register/reviews", rr.take_review, methods=["POST"]),
    Route(
        "/staff/plans/{plan_id:int}/register/actions/{action_id:int}",
        rr.staff_action,
        methods=["GET"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/register/actions/{action_id:int}",
        rr.staff_action_update,
        methods=["POST"],
    ),
    Route(
        "/staff/plans/{plan_id:int}/register/actions/{action_id:int}/readings",
        rr.staff_action_reading,
        methods=["POST"],
    ),
    Route("/plans/{plan_uuid}/register", rr.register_page, methods=["GET"]),
    Route("/plans/{plan_uuid}/register.{fmt}", rr.register_download, methods=["GET"]),
    Route("/plans/{plan_uuid}/register/feed.atom", rr.register_feed, methods=["GET"]),
    Route("/plans/{plan_uuid}/reviews/compare", rr.review_compare, methods=["GET"]),
    Route("/plans/{plan_uuid}/reviews/{review_id:int}", rr.review_page, methods=["GET"]),
    Route("/plans/{plan_uuid}/reviews/{review_id:int}.pdf", rr.review_download, methods=["GET"]),
    Route("/lead/{token}", rr.lead_home, methods=["GET"]),
    Route("/lead/{token}/actions/{action_id:int}", rr.lead_update, methods=["POST"]),
    Route("/lead/{token}/actions/{action_id:int}/readings", rr.lead_reading, methods=["POST"]),
]

routes = [*drafts, *public, *consultation, *workshops, *analysis, *report, *register]
