"""directory entries from events (issue 17)

Revision ID: 2026_12_05_directory_nominations
Revises: 2026_12_05_directory_moderation
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "2026_12_05_directory_nominations"
down_revision = "2026_12_05_directory_moderation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
