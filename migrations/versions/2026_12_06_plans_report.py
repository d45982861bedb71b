"""plans_report (issue work in progress; empty until its owner fills it)

Revision ID: 2026_12_06_plans_report
Revises: 2026_12_06_plans_analysis
"""

revision = "2026_12_06_plans_report"
down_revision = "2026_12_06_plans_analysis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
