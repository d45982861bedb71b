"""directory search: one portable word index (issue 17)

Revision ID: 2026_12_05_directory_search
Revises: 2026_12_05_directory_keys
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2026_12_05_directory_search"
down_revision = "2026_12_05_directory_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
