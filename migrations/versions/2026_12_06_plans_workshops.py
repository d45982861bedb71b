"""plans_workshops (issue work in progress; empty until its owner fills it)

Revision ID: 2026_12_06_plans_workshops
Revises: 2026_12_06_plans_consultation
"""

revision = "2026_12_06_plans_workshops"
down_revision = "2026_12_06_plans_consultation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
