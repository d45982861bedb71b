"""events: a log of delegate-list exports that include dietary and access answers

Revision ID: 2026_11_21_events_exports
Revises: 2026_11_21_events
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean, fk, pk, timestamp

revision = "2026_11_21_events_exports"
down_revision = "2026_11_21_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_export",
        pk(),
        sa.Column("user_email", sa.String(254), nullable=False),
        boolean("included_needs"),
        sa.Column("row_count", sa.Integer(), nullable=False),
        timestamp("created_at"),
        fk("event_id", "event.id"),
        fk("user_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("event_export")
