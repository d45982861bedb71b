"""directory imports as batches (issue 17)

Revision ID: 2026_12_05_directory_batches
Revises: 2026_12_05_directory_search
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2026_12_05_directory_batches"
down_revision = "2026_12_05_directory_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
