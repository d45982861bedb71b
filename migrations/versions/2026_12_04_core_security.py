"""core: security of staff accounts (API token expiry, the login throttle)

Revision ID: 2026_12_04_core_security
Revises: 2026_11_21_directory_stamp_text
"""

revision = "2026_12_04_core_security"
down_revision = "2026_11_21_directory_stamp_text"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
