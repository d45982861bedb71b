"""directory: name keys and confirmed contacts (issue 17)

Revision ID: 2026_12_05_directory_keys
Revises: 2026_12_04_delegate_home
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2026_12_05_directory_keys"
down_revision = "2026_12_04_delegate_home"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
