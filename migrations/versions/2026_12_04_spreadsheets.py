"""imports and exports of spreadsheets (issue 18)

Revision ID: 2026_12_04_spreadsheets
Revises: 2026_12_04_delegate_home
"""

revision = "2026_12_04_spreadsheets"
down_revision = "2026_12_04_delegate_home"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
