"""plans_analysis (issue work in progress; empty until its owner fills it)

Revision ID: 2026_12_06_plans_analysis
Revises: 2026_12_06_plans_workshops
"""

revision = "2026_12_06_plans_analysis"
down_revision = "2026_12_06_plans_workshops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
