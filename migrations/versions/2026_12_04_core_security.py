"""core: security of staff accounts (API token expiry, the login throttle)

API tokens get an expiry; tokens issued before this revision expire 90 days after it
(the default of CONVENOR_API_TOKEN_DAYS). The per-failure ``login_failure`` rows give
way to one ``login_throttle`` row per account or client address, whose attempts are
taken with one conditional statement (see convenor/throttle.py).

Revision ID: 2026_12_04_core_security
Revises: 2026_11_21_directory_stamp_text
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from migrations.columns import pk, timestamp

revision = "2026_12_04_core_security"
down_revision = "2026_11_21_directory_stamp_text"
branch_labels = None
depends_on = None

EXISTING_TOKENS_DAYS = 90


def _timestamp_value(value: datetime) -> object:
    """A timestamp as Tortoise stores it: text with its offset on SQLite."""
    if op.get_bind().dialect.name == "sqlite":
        return value.isoformat(" ")
    return value


def upgrade() -> None:
    op.add_column("api_token", timestamp("expires_at", nullable=True))
    expires = datetime.now(UTC) + timedelta(days=EXISTING_TOKENS_DAYS)
    op.get_bind().execute(
        sa.text("UPDATE api_token SET expires_at = :expires WHERE expires_at IS NULL"),
        {"expires": _timestamp_value(expires)},
    )
    op.drop_table("login_failure")
    op.create_table(
        "login_throttle",
        sa.Column("throttle_key", sa.String(64), primary_key=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        timestamp("window_started_at", index=True),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    op.create_table(
        "login_failure",
        pk(),
        sa.Column("account_key", sa.String(64), nullable=False, index=True),
        sa.Column("client_key", sa.String(64), nullable=False, index=True),
        timestamp("created_at", index=True),
        sqlite_autoincrement=True,
    )
    op.drop_column("api_token", "expires_at")
