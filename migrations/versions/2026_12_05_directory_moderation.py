"""directory moderation at scale (issue 17)

Revision ID: 2026_12_05_directory_moderation
Revises: 2026_12_05_directory_batches
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2026_12_05_directory_moderation"
down_revision = "2026_12_05_directory_batches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
