"""Importing an invite list from a spreadsheet: preview, import (all, or the good rows),
the rows with problems as a file to fix, and re-importing an updated list.

Re-importing matches people already invited by email (case does not matter): their
name, job title and organisation are updated, new people are added, and people on the
event but not in the file are listed as left out. Nobody's status changes. An import
is one transaction: it saves every row it says it saves, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from convenor.errors import Invalid
from convenor.models import User
from convenor.spreadsheet import Sheet
from convenor.tables import Table
from events.access import get_event_for, locked_event_for
from events.data import InviteeData
from events.invitations import create_invitations
from events.invitee_csv import (
    ADD,
    UPDATE,
    InviteePreview,
    LeftOut,
    PreviewRow,
    check_invitees,
    problem_rows_sheet,
    read_invitees,
)
from events.models import Invitation

JUST_INVITED = "Someone on this list has just been invited; check the list again."
NOTHING_IMPORTED = "Nothing was imported: correct the rows with problems and try again."


@dataclass
class ImportResult:
    added: int
    updated: int
    unchanged: int


async def _on_the_list(event_id: int) -> dict[str, Invitation]:
    return {i.email.lower(): i for i in await Invitation.filter(event_id=event_id)}


def _details(invitation: Invitation) -> InviteeData:
    return InviteeData(
        invitation.name, invitation.email.lower(), invitation.organisation, invitation.job_title
    )


async def _checked(event_id: int, table: Table) -> tuple[InviteePreview, dict[str, Invitation]]:
    sheet = read_invitees(table)
    invited = await _on_the_list(event_id)
    details = {email: _details(i) for email, i in invited.items()}
    rows = check_invitees(sheet.rows, set(invited), details)
    in_file = {row.invitee.email for row in rows}
    left_out = [
        LeftOut(i.name, i.email, i.status.value)
        for email, i in sorted(invited.items(), key=lambda item: (item[1].name, item[0]))
        if email not in in_file
    ]
    preview = InviteePreview(
        rows, sheet.file_problems, sheet.columns, table.format, left_out if rows else []
    )
    return preview, invited


async def preview_invitee_table(user: User, event_id: int, table: Table) -> InviteePreview:
    """Every row of the list with its problem or what importing it would do. No side effects."""
    event = await get_event_for(user, event_id)
    preview, _ = await _checked(event.id, table)
    return preview


async def problem_rows(user: User, event_id: int, table: Table) -> Sheet:
    """The rows with problems, with a Problem column, as a sheet to download. No side
    effects."""
    event = await get_event_for(user, event_id)
    sheet = read_invitees(table)
    invited = await _on_the_list(event.id)
    details = {email: _details(i) for email, i in invited.items()}
    return problem_rows_sheet(sheet, check_invitees(sheet.rows, set(invited), details))


async def import_invitee_table(
    user: User, event_id: int, table: Table, *, good_rows_only: bool = False
) -> ImportResult:
    """Add new invitees and update the details of those already invited, in one
    transaction. Side effects: invitation rows (not emailed). Raises Invalid and saves
    nothing when a row has a problem (unless ``good_rows_only``) or no row is good."""
    async with in_transaction():
        event = await locked_event_for(user, event_id)
        preview, invited = await _checked(event.id, table)
        if preview.file_problems:
            raise Invalid(NOTHING_IMPORTED, fields={"file": preview.file_problems[0]})
        bad = {f"row_{r.line}": "; ".join(r.problems) for r in preview.rows if not r.ok}
        good: list[PreviewRow] = [r for r in preview.rows if r.ok]
        if (bad and not good_rows_only) or not good:
            raise Invalid(NOTHING_IMPORTED, fields=bad or {"rows": "There are no invitees"})
        await create_invitations(event, [r.invitee for r in good if r.action == ADD])
        for row in good:
            if row.action == UPDATE:
                invitation = invited[row.invitee.email]
                invitation.name = row.invitee.name
                invitation.organisation = row.invitee.organisation
                invitation.job_title = row.invitee.job_title
                await invitation.save(update_fields=["name", "organisation", "job_title"])
    return ImportResult(preview.count(ADD), preview.count(UPDATE), preview.count("same"))
