"""Organisers' exports of an event, as CSV or .xlsx (``convenor.spreadsheet`` writes
both, formula cells neutralised): the delegate list with or without catering and access
answers, and the invite list with each invitee's status.

A read that includes sensitive answers (dietary, access, answers to sensitive
questions), as CSV, .xlsx or through the API, is logged (who, when, how many rows, how)
in the same transaction as it is read; a plain read leaves them out and is not logged.

Later domains add columns to the delegate list through the domain convention of
``convenor.domains`` (events cannot import them): a module ``<domain>.delegate_columns``
with ``columns``, a list of async functions ``(event_id) -> (heading, {registration id:
text}) | None`` (None: no such column for this event), called after the organiser's
access is checked. Programmes adds "Workshops" this way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from convenor.domains import domain_offers
from convenor.models import User
from convenor.settings import DEFAULT_DOMAINS
from convenor.spreadsheet import Cell, Sheet
from convenor.templating import localtime
from events.access import get_event_for
from events.models import DelegateExport, Event, Invitation, Question, ReadVia, Registration
from events.overview import delegate_list, invitation_list
from events.privacy import log_sensitive_read
from events.questions import questions_for

COLUMNS = (
    "Name", "Email", "Job title", "Organisation", "Status", "Check-in code",
    "Registered at", "Checked in at", "On shared list",
)  # fmt: skip
NEEDS_COLUMNS = ("Dietary requirements", "Access needs")
INVITEE_COLUMNS = (
    "Name", "Email", "Job title", "Organisation", "Status", "Added at", "Invitation sent at",
    "Reminded at", "Answered at", "Reason for declining",
)  # fmt: skip
VIA = {"csv": ReadVia.CSV, "xlsx": ReadVia.XLSX}

DelegateColumn = Callable[[int], Awaitable[tuple[str, dict[int, str]] | None]]


async def domain_columns(
    event_id: int, domains: Iterable[str] = DEFAULT_DOMAINS
) -> list[tuple[str, dict[int, str]]]:
    """The columns the configured domains add to this event's delegate list (heading,
    text by registration id), in domain order. No side effects."""
    return await domain_offers(domains, "delegate_columns", "columns", event_id)


def _time(moment: datetime | None, event: Event) -> datetime | None:
    """The moment as wall-clock time in the event's zone (a spreadsheet has no zones)."""
    local = localtime(moment, event.time_zone)
    return local.replace(tzinfo=None) if local else None


def _row(event: Event, r: Registration, include_needs: bool, question_ids: list[str]) -> list[Cell]:
    cells = [
        r.name,
        r.invitation.email,
        r.job_title,
        r.organisation,
        r.status.value,
        r.check_in_code,
        _time(r.registered_at, event),
        _time(r.checked_in_at, event),
        "yes" if r.consent_to_list else "no",
    ]
    if include_needs:
        cells += [r.dietary, r.access_needs]
    cells += [(r.answers or {}).get(key, "") for key in question_ids]
    return cells


@dataclass(frozen=True)
class DelegateRead:
    """Registrations as an organiser reads them: with sensitive answers or without."""

    event: Event
    registrations: list[Registration]
    questions: list[Question]  # the questions whose answers are included
    include_needs: bool


async def read_delegates(
    user: User,
    event_id: int,
    *,
    via: ReadVia,
    include_needs: bool = False,
    search: str = "",
    status: str | None = None,
) -> DelegateRead:
    """The (filtered) registrations, with or without sensitive answers; call inside a
    transaction. Side effects: with sensitive answers, a read-log row."""
    registrations = await delegate_list(user, event_id, search, status)
    event = await Event.get(id=event_id)
    questions = await questions_for(event_id)
    if include_needs:
        await log_sensitive_read(user, event_id, len(registrations), via)
    else:
        questions = [q for q in questions if not q.sensitive]
    return DelegateRead(event, registrations, questions, include_needs)


async def api_read(
    user: User,
    event_id: int,
    *,
    include_needs: bool,
    search: str = "",
    status: str | None = None,
) -> DelegateRead:
    """The registrations for the JSON API. Side effects: with sensitive answers, a
    read-log row."""
    async with in_transaction():
        return await read_delegates(
            user,
            event_id,
            via=ReadVia.API,
            include_needs=include_needs,
            search=search,
            status=status,
        )


async def delegate_sheet(
    user: User,
    event_id: int,
    *,
    fmt: str = "csv",
    include_needs: bool = False,
    search: str = "",
    status: str | None = None,
    domains: Iterable[str] = DEFAULT_DOMAINS,
) -> tuple[Event, Sheet]:
    """The (filtered) delegate list as a sheet for ``fmt`` ("csv" or "xlsx"); answers
    to sensitive questions only with ``include_needs``; then the columns ``domains``
    add (``domain_columns``: programmes' "Workshops" when the event has workshops).

    Side effects: when sensitive answers are included, a read-log row naming the format.
    """
    async with in_transaction():
        read = await read_delegates(
            user,
            event_id,
            via=VIA.get(fmt, ReadVia.CSV),
            include_needs=include_needs,
            search=search,
            status=status,
        )
        extra = await domain_columns(read.event.id, domains)
    needs = NEEDS_COLUMNS if include_needs else ()
    heading = [*COLUMNS, *needs, *(q.label for q in read.questions), *(h for h, _ in extra)]
    keys = [str(q.id) for q in read.questions]
    rows = [
        _row(read.event, r, include_needs, keys) + [values.get(r.id, "") for _, values in extra]
        for r in read.registrations
    ]
    return read.event, Sheet("Delegates", heading, rows)


def _invitee_row(event: Event, invitation: Invitation) -> list[Cell]:
    return [
        invitation.name,
        invitation.email,
        invitation.job_title,
        invitation.organisation,
        invitation.status.value,
        _time(invitation.created_at, event),
        _time(invitation.sent_at, event),
        _time(invitation.reminded_at, event),
        _time(invitation.responded_at, event),
        invitation.decline_reason,
    ]


async def invitee_sheet(
    user: User, event_id: int, *, search: str = "", status: str | None = None
) -> tuple[Event, Sheet]:
    """The (filtered) invite list with each invitee's status, as a sheet. No side effects."""
    invitations = await invitation_list(user, event_id, search, status)
    event = await Event.get(id=event_id)
    rows = [_invitee_row(event, invitation) for invitation in invitations]
    return event, Sheet("Invitees", INVITEE_COLUMNS, rows)


async def export_log(user: User, event_id: int) -> list[DelegateExport]:
    """Logged reads of this event's sensitive answers, newest first. No side effects."""
    await get_event_for(user, event_id)
    return list(await DelegateExport.filter(event_id=event_id).order_by("-created_at", "-id"))
