"""The programme's part of the delegate's home (``events.home``): the programme, the
delegate's agenda, workshops with the places left, and their calendar downloads.

The full pages stay where they are (``/i/<token>/programme`` and ``/i/<token>/agenda``);
this part summarises them on the home and links there.
"""

from __future__ import annotations

from dataclasses import dataclass

from convenor.settings import Settings
from events.delegates import DelegateView
from events.home import HomeSection
from events.models import InvitationStatus, RegistrationStatus
from programmes.agenda import saved_agenda_feed_link
from programmes.emails import webcal
from programmes.models import AgendaPick, Session
from programmes.view import SessionEntry, published_programme

TEMPLATE = "programmes/_home_programme.html"


@dataclass(frozen=True)
class Workshop:
    session: SessionEntry
    places_left: int
    mine: bool


def _registered(view: DelegateView) -> bool:
    mine = view.registration
    return (
        mine is not None
        and mine.status == RegistrationStatus.REGISTERED
        and view.invitation.status == InvitationStatus.REGISTERED
    )


async def programme_section(view: DelegateView, token: str, settings: Settings) -> HomeSection:
    """The programme part: what is published, and for a registered delegate their
    agenda and workshop places. No side effects."""
    published = await published_programme(view.event.id)
    section = HomeSection("programme", "Programme", TEMPLATE, {"published": published is not None})
    if published is None:
        return section
    registered = _registered(view)
    sessions = published.view.sessions if registered else published.view.public_sessions()
    context = {**section.context, "sessions": sessions, "registered": registered}
    if registered:
        assert view.registration is not None
        picks = dict(
            await AgendaPick.filter(registration_id=view.registration.id).values_list(
                "session_id", "has_place"
            )
        )
        offered = [s for s in sessions if s.places is not None]
        taken = dict(
            await Session.filter(id__in=[s.id for s in offered]).values_list("id", "places_taken")
        )
        feed = await saved_agenda_feed_link(token, settings)
        context.update(
            mine=[s for s in sessions if s.id in picks],
            workshops=[
                Workshop(s, max((s.places or 0) - taken.get(s.id, 0), 0), bool(picks.get(s.id)))
                for s in offered
            ],
            feed=feed,
            webcal=webcal(feed) if feed else "",
        )
    return HomeSection(section.anchor, section.title, TEMPLATE, context)


sections = [programme_section]
