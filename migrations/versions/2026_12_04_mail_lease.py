"""mail: the outbox worker's lease on the rows it is sending; no live links in old rows

No schema change: the lease is ``claimed_at``, which the worker now renews while it
works (``convenor.mail.worker``). The upgrade removes personal-link tokens from
messages already delivered, as the worker now does once it has sent one: a sent
message's raw copy is cleared and its bodies redacted; a failed message's bodies are
redacted (its raw copy stays for the admin's "Retry"). The downgrade cannot bring the
tokens back and changes nothing.

Revision ID: 2026_12_04_mail_lease
Revises: 2026_12_04_events_sensitive
"""

import sqlalchemy as sa
from alembic import op

from convenor.redact import redact, redact_calendar

revision = "2026_12_04_mail_lease"
down_revision = "2026_12_04_events_sensitive"
branch_labels = None
depends_on = None

SELECT = sa.text(
    "SELECT id, status, text_body, html_body, calendar_ics, raw_message FROM outbox_message "
    "WHERE status IN ('sent', 'failed') ORDER BY id"
)
UPDATE = sa.text(
    "UPDATE outbox_message SET text_body = :text_body, html_body = :html_body, "
    "calendar_ics = :calendar_ics, raw_message = :raw_message WHERE id = :id"
)


def upgrade() -> None:
    conn = op.get_bind()
    for row in conn.execute(SELECT).mappings().all():
        changed = {
            "id": row["id"],
            "text_body": redact(row["text_body"]),
            "html_body": redact(row["html_body"]) if row["html_body"] else row["html_body"],
            "calendar_ics": (
                redact_calendar(row["calendar_ics"]) if row["calendar_ics"] else row["calendar_ics"]
            ),
            "raw_message": "" if row["status"] == "sent" else row["raw_message"],
        }
        if any(changed[key] != row[key] for key in changed if key != "id"):
            conn.execute(UPDATE, changed)


def downgrade() -> None:
    pass
