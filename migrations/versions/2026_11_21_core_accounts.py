"""core: staff users, sessions, API tokens, login failures, personal links

Revision ID: 2026_11_21_core
Revises:
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean, fk, pk, timestamp

revision = "2026_11_21_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_user",
        pk(),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        boolean("is_active"),
        timestamp("created_at"),
        timestamp("password_changed_at"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "staff_session",
        pk(),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        timestamp("created_at"),
        timestamp("last_seen_at"),
        timestamp("revoked_at", nullable=True),
        fk("user_id", "staff_user.id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "api_token",
        pk(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        timestamp("created_at"),
        timestamp("last_used_at", nullable=True),
        timestamp("revoked_at", nullable=True),
        fk("user_id", "staff_user.id"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "login_failure",
        pk(),
        sa.Column("account_key", sa.String(64), nullable=False, index=True),
        sa.Column("client_key", sa.String(64), nullable=False, index=True),
        timestamp("created_at", index=True),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "personal_link",
        pk(),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        timestamp("created_at"),
        timestamp("expires_at", nullable=True),
        timestamp("revoked_at", nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_personal_link_purpose_subject", "personal_link", ["purpose", "subject"])


def downgrade() -> None:
    op.drop_table("personal_link")
    op.drop_table("login_failure")
    op.drop_table("api_token")
    op.drop_table("staff_session")
    op.drop_table("staff_user")
