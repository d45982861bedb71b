"""events: reminders and the delegate's home (issue 16)

Revision ID: 2026_12_04_delegate_home
Revises: 2026_12_04_programme_truth
"""

revision = "2026_12_04_delegate_home"
down_revision = "2026_12_04_programme_truth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
