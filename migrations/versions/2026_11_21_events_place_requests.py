"""events: invitations that people asked for from a public or unlisted event's page

Revision ID: 2026_11_21_events_place_requests
Revises: 2026_11_21_directory_pg_search
"""

from alembic import op

from migrations.columns import timestamp

revision = "2026_11_21_events_place_requests"
down_revision = "2026_11_21_directory_pg_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("event_invitation", timestamp("requested_at", nullable=True))


def downgrade() -> None:
    op.drop_column("event_invitation", "requested_at")
