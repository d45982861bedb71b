"""Delegate list as CSV for organisers: UTF-8 with a byte order mark so Excel reads it,
and formula cells neutralised (``convenor.spreadsheet.safe_cell``). An export that
includes dietary and access answers is logged (who, when, how many rows), in the same
transaction as it is read.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.models import User
from convenor.spreadsheet import safe_cell
from convenor.templating import localtime
from events.access import get_event_for
from events.models import DelegateExport, Event, Registration
from events.overview import delegate_list
from events.questions import questions_for

BOM = "\ufeff"
COLUMNS = (
    "Name", "Email", "Job title", "Organisation", "Status", "Check-in code",
    "Registered at", "Checked in at", "On shared list",
)  # fmt: skip
NEEDS_COLUMNS = ("Dietary requirements", "Access needs")


def _time(moment: datetime | None, event: Event) -> str:
    local = localtime(moment, event.time_zone)
    return local.strftime("%Y-%m-%d %H:%M") if local else ""


def _row(event: Event, r: Registration, include_needs: bool, question_ids: list[str]) -> list:
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
    cells += [r.answers.get(key, "") for key in question_ids]
    return [safe_cell(cell) for cell in cells]


async def delegate_csv(
    user: User,
    event_id: int,
    *,
    include_needs: bool = False,
    search: str = "",
    status: str | None = None,
) -> tuple[Event, str]:
    """The (filtered) delegate list as CSV text starting with a BOM.

    Side effects: when dietary and access answers are included, an export log row.
    """
    async with in_transaction():
        registrations = await delegate_list(user, event_id, search, status)
        event = await Event.get(id=event_id)
        questions = await questions_for(event_id)
        out = io.StringIO()
        writer = csv.writer(out)
        needs = NEEDS_COLUMNS if include_needs else ()
        heading = [*COLUMNS, *needs, *(q.label for q in questions)]
        writer.writerow([safe_cell(cell) for cell in heading])
        keys = [str(q.id) for q in questions]
        for registration in registrations:
            writer.writerow(_row(event, registration, include_needs, keys))
        if include_needs:
            await DelegateExport.create(
                event_id=event_id,
                user_id=user.id,
                user_email=user.email,
                included_needs=True,
                row_count=len(registrations),
                created_at=now(),
            )
    return event, BOM + out.getvalue()


async def export_log(user: User, event_id: int) -> list[DelegateExport]:
    """Exports of this event that included sensitive answers, newest first. No side effects."""
    await get_event_for(user, event_id)
    return list(await DelegateExport.filter(event_id=event_id).order_by("-created_at", "-id"))
