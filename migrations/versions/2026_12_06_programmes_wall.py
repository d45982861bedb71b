"""programmes_wall (issue work in progress; empty until its owner fills it)

Revision ID: 2026_12_06_programmes_wall
Revises: 2026_12_06_plans_register
"""

revision = "2026_12_06_programmes_wall"
down_revision = "2026_12_06_plans_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
