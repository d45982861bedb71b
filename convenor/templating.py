"""One Jinja2 environment for pages and emails, with the project's filters.

Autoescaping is on for every HTML template (pages and HTML emails alike); text email
templates (``.txt``) are plain. Dates are shown in the event's time zone.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from convenor.text import render_markdown


def templates_dir() -> Path:
    """Where the templates are: installed from a wheel, they are the package data
    ``convenor/templates``; in the checkout (and an editable install) they are the
    repository's ``templates/`` beside the ``convenor`` package."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    return installed if installed.is_dir() else here.parent / "templates"


TEMPLATES = templates_dir()
DEFAULT_TZ = "Europe/London"


def localtime(value: datetime | None, tz: str = DEFAULT_TZ) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime reached a template; store aware UTC times")
    return value.astimezone(ZoneInfo(tz))


def format_datetime(value: datetime | None, tz: str = DEFAULT_TZ, fmt: str = "long") -> str:
    """'Tuesday 3 March 2026, 9:30am' in the given zone; 'short' drops the weekday."""
    local = localtime(value, tz)
    if local is None:
        return ""
    hour = local.strftime("%I").lstrip("0") or "12"
    clock = f"{hour}:{local:%M}{local.strftime('%p').lower()}"
    if fmt == "time":
        return clock
    date = f"{local.day} {local:%B %Y}"
    if fmt == "date":
        return f"{local:%A} {date}"
    if fmt == "short":
        return f"{date}, {clock}"
    return f"{local:%A} {date}, {clock}"


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "xml"), disabled_extensions=("txt", "ics"), default=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship with the code: a change needs a restart, as a code change
        # does, instead of every page asking the disk whether its templates changed.
        auto_reload=False,
    )
    env.filters["localtime"] = localtime
    env.filters["datetime"] = format_datetime
    env.filters["markdown"] = render_markdown
    return env


def _request_context(request: Request) -> dict[str, Any]:
    state = request.state
    return {
        "current_user": getattr(state, "user", None),
        # A CsrfToken: rendering it is what sets the CSRF cookie for a new visitor.
        "csrf_token": getattr(state, "csrf_token", ""),
        "request_id": getattr(state, "request_id", ""),
    }


def make_templates() -> Jinja2Templates:
    return Jinja2Templates(env=make_environment(), context_processors=[_request_context])
