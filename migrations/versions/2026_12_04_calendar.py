"""events and programmes: calendar invitations sent, for updates and cancels (issue 16)

One row per calendar entry (the summit, or a session) sent to an invitee by
METHOD:REQUEST: the SEQUENCE and ORGANIZER last used, and the details a later
METHOD:CANCEL repeats.

Revision ID: 2026_12_04_calendar
Revises: 2026_12_04_mail_lease
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import fk, pk, timestamp

revision = "2026_12_04_calendar"
down_revision = "2026_12_04_mail_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_calendar_invite",
        pk(),
        sa.Column("uid", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("base_sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("organizer_email", sa.String(254), nullable=False),
        sa.Column("organizer_name", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        timestamp("starts_at"),
        timestamp("ends_at"),
        sa.Column("time_zone", sa.String(64), nullable=False),
        timestamp("sent_at"),
        fk("invitation_id", "event_invitation.id"),
        sa.UniqueConstraint("invitation_id", "uid", name="uq_event_calendar_invite_invitation_uid"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("event_calendar_invite")
