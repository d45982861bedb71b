"""plans_consultation (issue work in progress; empty until its owner fills it)

Revision ID: 2026_12_06_plans_consultation
Revises: 2026_12_06_plans_drafts
"""

revision = "2026_12_06_plans_consultation"
down_revision = "2026_12_06_plans_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
