"""Pure builders for the workshops' emails (no database): a facilitator's invitation."""

from __future__ import annotations

from datetime import timedelta

from convenor.mail.outbox import RenderedEmail, render_email
from convenor.templating import format_datetime

TEMPLATES = "plans/emails"


def facilitator_link(base_url: str, token: str) -> str:
    return f"{base_url}/facilitate/{token}"


def facilitator_invitation(plan, facilitator, session, event, link: str, early: timedelta):
    """The email with a facilitator's personal link: the session, when recording opens."""
    zone = event.time_zone
    context = {
        "plan": plan,
        "facilitator": facilitator,
        "session": session,
        "event": event,
        "link": link,
        "when": format_datetime(session.starts_at, zone, "long"),
        "until": format_datetime(session.ends_at, zone, "time"),
        "opens": format_datetime(session.starts_at - early, zone, "time"),
        "closes": format_datetime(plan.closes_at, zone, "long") if plan.closes_at else "",
    }
    rendered: RenderedEmail = render_email(f"{TEMPLATES}/facilitator_invitation", context)
    return rendered
