"""plans_register (issue work in progress; empty until its owner fills it)

Revision ID: 2026_12_06_plans_register
Revises: 2026_12_06_plans_report
"""

revision = "2026_12_06_plans_register"
down_revision = "2026_12_06_plans_report"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
