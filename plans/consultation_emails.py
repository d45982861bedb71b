"""Pure builders of the consultation's emails (no database, no I/O).

- ``respond_confirm``: a member of the public asked to respond; the link confirms their
  email address and opens their own response form;
- ``respond_invitation``: the organiser invites a partner's staff member to respond.

Names reach the body and headers only through ``convenor.cleaning.clean_name``; links
are built on ``settings.base_url`` by the caller (``plans.consultation.respond_url``).
"""

from __future__ import annotations

from convenor.cleaning import clean_name
from convenor.mail.outbox import RenderedEmail, render_email
from plans.models import Plan

TEMPLATES = "plans/emails"
CATEGORY = "plan-respond"


def related(plan: Plan) -> str:
    """The outbox's ``related`` tag of the consultation's emails."""
    return f"plan:{plan.id}"


def respond_confirm(plan: Plan, link: str, name: str = "") -> RenderedEmail:
    """The email that confirms a member of the public's address and carries their link."""
    return render_email(
        f"{TEMPLATES}/respond_confirm", {"plan": plan, "link": link, "name": clean_name(name)}
    )


def respond_invitation(plan: Plan, link: str) -> RenderedEmail:
    """A partner's invitation to respond, with their personal link."""
    return render_email(f"{TEMPLATES}/respond_invitation", {"plan": plan, "link": link})
