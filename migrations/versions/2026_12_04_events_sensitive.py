"""events: custom questions marked sensitive, purged with dietary and access answers

Revision ID: 2026_12_04_events_sensitive
Revises: 2026_12_04_core_security
"""

revision = "2026_12_04_events_sensitive"
down_revision = "2026_12_04_core_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
