"""mail: the outbox worker's lease on the rows it is sending

Revision ID: 2026_12_04_mail_lease
Revises: 2026_12_04_events_sensitive
"""

revision = "2026_12_04_mail_lease"
down_revision = "2026_12_04_events_sensitive"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
