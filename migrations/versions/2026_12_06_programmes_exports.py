"""programmes_exports (issue work in progress; empty until its owner fills it)

Revision ID: 2026_12_06_programmes_exports
Revises: 2026_12_06_programmes_wall
"""

revision = "2026_12_06_programmes_exports"
down_revision = "2026_12_06_programmes_wall"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
