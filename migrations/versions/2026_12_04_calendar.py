"""events and programmes: calendar invitations sent, for updates and cancels (issue 16)

Revision ID: 2026_12_04_calendar
Revises: 2026_12_04_mail_lease
"""

revision = "2026_12_04_calendar"
down_revision = "2026_12_04_mail_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
