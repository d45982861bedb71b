"""programmes: clashes, speakers who decline, workshop places (issue 16)

Revision ID: 2026_12_04_programme_truth
Revises: 2026_12_04_calendar
"""

revision = "2026_12_04_programme_truth"
down_revision = "2026_12_04_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
