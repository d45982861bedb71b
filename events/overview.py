"""What organisers watch: the dashboard counts, the delegate list, catering and access.

Only organisers of the event (and admins) reach these. ``needs_summary`` reads dietary
and access answers for the catering and access page, which ``events.privacy.needs_page``
builds and logs; the exports with needs (``events.export``) and the API's registrations
list are the only other reads of them, each logged too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TypeVar

from tortoise.expressions import Q

from convenor.errors import Invalid
from convenor.models import User
from directory.models import Entry
from events.access import get_event_for
from events.data import one_line
from events.models import (
    Event,
    Invitation,
    InvitationStatus,
    Nomination,
    Registration,
    RegistrationStatus,
)
from events.registration import CODE_LENGTH

S = TypeVar("S", InvitationStatus, RegistrationStatus)


def status_filter(kind: type[S], status: str) -> S:
    """The status a list is filtered by; an unknown one is a field error, not a 500."""
    try:
        return kind(status)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise Invalid(
            "Choose a status from the list.", fields={"status": f"One of: {choices}"}
        ) from None


@dataclass(frozen=True)
class OrganisationCount:
    organisation: str
    invited: int
    registered: int
    attended: int


@dataclass(frozen=True)
class Dashboard:
    event: Event
    invited: int  # everyone on the list, whatever their answer
    awaiting_reply: int
    awaiting_approval: int  # substitutes an organiser has to let in
    registered: int
    declined: int
    waitlisted: int
    cancelled: int
    revoked: int
    attended: int
    capacity_left: int
    by_organisation: list[OrganisationCount]


async def dashboard(user: User, event_id: int) -> Dashboard:
    """Counts for the event dashboard, with a breakdown by organisation. No side effects."""
    event = await get_event_for(user, event_id)
    invitations = await Invitation.filter(event=event).values("status", "organisation")
    statuses = Counter(i["status"] for i in invitations)
    registrations = await Registration.filter(event=event).values(
        "status", "organisation", "checked_in_at", "invitation__organisation"
    )
    invited = Counter(i["organisation"] or "(none given)" for i in invitations)
    registered: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    for r in registrations:
        if r["status"] == RegistrationStatus.REGISTERED:
            # Counted under the organisation on the invite list, so rows line up.
            name = r["invitation__organisation"] or "(none given)"
            registered[name] += 1
            attended[name] += r["checked_in_at"] is not None
    return Dashboard(
        event=event,
        invited=len(invitations),
        awaiting_reply=statuses[InvitationStatus.INVITED],
        awaiting_approval=statuses[InvitationStatus.PROPOSED],
        registered=statuses[InvitationStatus.REGISTERED],
        declined=statuses[InvitationStatus.DECLINED],
        waitlisted=statuses[InvitationStatus.WAITLISTED],
        cancelled=statuses[InvitationStatus.CANCELLED],
        revoked=statuses[InvitationStatus.REVOKED],
        attended=sum(attended.values()),
        capacity_left=event.seats_left,
        by_organisation=[
            OrganisationCount(name, count, registered[name], attended[name])
            for name, count in sorted(invited.items(), key=lambda kv: (-kv[1], kv[0].lower()))
        ],
    )


async def invitation_list(
    user: User, event_id: int, search: str = "", status: str | None = None
) -> list[Invitation]:
    """Invitations with their answers (decline reasons included). No side effects."""
    event = await get_event_for(user, event_id)
    query = Invitation.filter(event=event)
    if status:
        query = query.filter(status=status_filter(InvitationStatus, status))
    search = one_line(search, 200)
    if search:
        query = query.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(organisation__icontains=search)
        )
    return list(await query.order_by("name", "id"))


async def delegate_list(
    user: User, event_id: int, search: str = "", status: str | None = None
) -> list[Registration]:
    """Registrations with their invitations, filtered and searched. No side effects."""
    event = await get_event_for(user, event_id)
    query = Registration.filter(event=event)
    if status:
        query = query.filter(status=status_filter(RegistrationStatus, status))
    search = one_line(search, 200)
    if search:
        matches = (
            Q(name__icontains=search)
            | Q(organisation__icontains=search)
            | Q(invitation__email__icontains=search)
        )
        code = "".join(search.split()).upper()
        if len(code) <= CODE_LENGTH:  # a longer search cannot be a code
            matches |= Q(check_in_code=code)
        query = query.filter(matches)
    return list(await query.select_related("invitation").order_by("name", "id"))


@dataclass(frozen=True)
class NeedsSummary:
    """Dietary and access needs of registered delegates (only counts once purged)."""

    purged: bool
    dietary_count: int
    access_needs_count: int
    dietary: list[tuple[str, str]] = field(default_factory=list)  # (name, answer)
    access_needs: list[tuple[str, str]] = field(default_factory=list)


async def needs_summary(user: User, event_id: int) -> NeedsSummary:
    """The catering and access summary for organisers of the event. No side effects."""
    event = await get_event_for(user, event_id)
    if event.sensitive_purged_at is not None:
        return NeedsSummary(True, event.dietary_count or 0, event.access_needs_count or 0)
    rows = await Registration.filter(event=event, status=RegistrationStatus.REGISTERED).order_by(
        "name", "id"
    )
    dietary = [(r.name, r.dietary) for r in rows if r.dietary]
    access = [(r.name, r.access_needs) for r in rows if r.access_needs]
    return NeedsSummary(False, len(dietary), len(access), dietary, access)


async def entries_found_at(user: User, event_id: int) -> list[Entry]:
    """Directory entries this event brought to light (delegates' organisations and their
    nominations), for staff; who named which is not part of the answer. No side effects."""
    event = await get_event_for(user, event_id)
    ids = set(
        await Registration.filter(event=event, organisation_entry_id__not_isnull=True).values_list(
            "organisation_entry_id", flat=True
        )
    )
    ids |= set(
        await Nomination.filter(event=event, entry_id__not_isnull=True).values_list(
            "entry_id", flat=True
        )
    )
    return list(await Entry.filter(id__in=ids).order_by("name", "id")) if ids else []
