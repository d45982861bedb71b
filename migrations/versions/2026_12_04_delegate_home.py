"""events: reminders and the delegate's home (issue 16)

Each event says whether registered delegates get a reminder and how many hours before
the start; each registration records when its reminder went, so it goes once.

Revision ID: 2026_12_04_delegate_home
Revises: 2026_12_04_programme_truth
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean, timestamp

revision = "2026_12_04_delegate_home"
down_revision = "2026_12_04_programme_truth"
branch_labels = None
depends_on = None


def _add_not_null(table: str, column: sa.Column, existing: sa.TextClause) -> None:
    """Add a NOT NULL column with no default (as Tortoise declares it): existing rows
    get ``existing`` through a temporary default, which is then dropped (SQLite needs the
    batch mode's table copy to drop it)."""
    column.server_default = sa.schema.DefaultClause(existing)
    with op.batch_alter_table(table) as batch:
        batch.add_column(column)
    with op.batch_alter_table(table) as batch:
        batch.alter_column(column.name, server_default=None)


def upgrade() -> None:
    _add_not_null("event", boolean("reminders_enabled"), sa.true())
    hours = sa.Column("reminder_hours_before", sa.Integer(), nullable=False)
    _add_not_null("event", hours, sa.text("48"))
    op.add_column("event_registration", timestamp("reminded_at", nullable=True))


def downgrade() -> None:
    op.drop_column("event_registration", "reminded_at")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("reminder_hours_before")
        batch.drop_column("reminders_enabled")
