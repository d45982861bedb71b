"""The delegate's home (``/i/<token>``): the parts of it that later domains add.

The home shows the delegate's status, their check-in code, calendar downloads, their
data and the ways to change or cancel. Events cannot import the layers above it, so a
later domain adds its part of the page (the programme and the delegate's agenda)
through the domain convention of ``convenor.domains``: a module ``<domain>.home`` with
``sections``, a list of async functions ``(view, token, settings) -> HomeSection | None``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from convenor.domains import domain_offers
from convenor.settings import Settings
from events.delegates import DelegateView
from events.models import InvitationStatus, RegistrationStatus


@dataclass(frozen=True)
class HomeSection:
    """One part of the delegate's home: a heading with an anchor and a template."""

    anchor: str  # the part's id on the page, e.g. "programme" for /i/<token>#programme
    title: str
    template: str  # included with the page's context plus ``section.context``
    context: dict[str, Any] = field(default_factory=dict)


def delegate_status(view: DelegateView) -> str:
    """invited, registered, waitlisted, declined or cancelled (their own registration)."""
    mine = view.registration
    if mine is not None and mine.status != RegistrationStatus.CANCELLED:
        return mine.status.value
    if view.invitation.status == InvitationStatus.DECLINED:
        return "declined"
    return "invited" if mine is None else "cancelled"


SectionMaker = Callable[[DelegateView, str, Settings], Awaitable[HomeSection | None]]


async def home_sections(view: DelegateView, token: str, settings: Settings) -> list[HomeSection]:
    """The parts the configured domains add to this delegate's home, in domain order.
    No side effects."""
    return await domain_offers(settings.domains, "home", "sections", view, token, settings)
