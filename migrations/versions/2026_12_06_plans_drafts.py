"""plans_drafts (issue work in progress; empty until its owner fills it)

Revision ID: 2026_12_06_plans_drafts
Revises: 2026_12_06_plans
"""

revision = "2026_12_06_plans_drafts"
down_revision = "2026_12_06_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
