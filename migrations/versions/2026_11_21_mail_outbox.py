"""mail: the outbox of emails waiting to be delivered

Revision ID: 2026_11_21_mail
Revises: 2026_11_21_core
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import pk, timestamp

revision = "2026_11_21_mail"
down_revision = "2026_11_21_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        pk(),
        sa.Column("message_id", sa.String(255), nullable=False, unique=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("category", sa.String(50), nullable=False),
        sa.Column("related", sa.String(100), nullable=False, index=True),
        sa.Column("to_address", sa.String(254), nullable=False),
        sa.Column("to_name", sa.String(200), nullable=False),
        sa.Column("reply_to", sa.String(254), nullable=True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("calendar_method", sa.String(10), nullable=True),
        sa.Column("calendar_ics", sa.Text(), nullable=True),
        sa.Column("raw_message", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        timestamp("next_attempt_at"),
        timestamp("claimed_at", nullable=True),
        sa.Column("claim_token", sa.String(32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        timestamp("created_at"),
        timestamp("sent_at", nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_outbox_message_status_next_attempt_at",
        "outbox_message",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_table("outbox_message")
