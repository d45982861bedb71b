"""The register's emails to lead agencies' contacts: the invitation and the reminder.

Pure builders (no database): each renders a template trio under
``templates/plans/emails/`` (``lead_invitation``, ``lead_reminder``) with the contact's
personal link, which uses ``settings.base_url``. The services queue them in the
transaction of the change that causes them.
"""

from __future__ import annotations

from convenor.mail.outbox import RenderedEmail, render_email
from convenor.settings import Settings
from plans.models import LeadContact, Plan
from plans.tree import ActionView

TEMPLATES = "plans/emails"


def lead_link(settings: Settings, token: str) -> str:
    """The address of a contact's update page (the token is the only secret in it)."""
    return f"{settings.base_url}/lead/{token}"


def register_link(settings: Settings, plan: Plan) -> str:
    return f"{settings.base_url}/plans/{plan.uuid}/register"


def _context(
    settings: Settings,
    plan: Plan,
    contact: LeadContact,
    organisation: str,
    actions: list[ActionView],
    token: str,
) -> dict:
    return {
        "plan": plan,
        "contact": contact,
        "organisation": organisation,
        "actions": actions,
        "link": lead_link(settings, token),
        "register": register_link(settings, plan),
        "every_days": plan.update_every_days,
    }


def invitation(
    settings: Settings,
    plan: Plan,
    contact: LeadContact,
    organisation: str,
    actions: list[ActionView],
    token: str,
) -> RenderedEmail:
    """The email asking a contact to keep their organisation's actions up to date."""
    context = _context(settings, plan, contact, organisation, actions, token)
    return render_email(f"{TEMPLATES}/lead_invitation", context)


def reminder(
    settings: Settings,
    plan: Plan,
    contact: LeadContact,
    organisation: str,
    actions: list[ActionView],
    token: str,
) -> RenderedEmail:
    """The email reminding a contact that their organisation's actions are due an update."""
    context = _context(settings, plan, contact, organisation, actions, token)
    return render_email(f"{TEMPLATES}/lead_reminder", context)
