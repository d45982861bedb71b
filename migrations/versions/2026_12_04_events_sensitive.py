"""events: custom questions marked sensitive, purged with dietary and access answers;
the purge's counts of their answers; how a logged read of sensitive answers was made

Revision ID: 2026_12_04_events_sensitive
Revises: 2026_12_04_core_security
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean, json

revision = "2026_12_04_events_sensitive"
down_revision = "2026_12_04_core_security"
branch_labels = None
depends_on = None


def _add_not_null(table: str, column: sa.Column, existing: sa.TextClause) -> None:
    """Add a NOT NULL column with no default (as Tortoise declares it): existing rows
    get ``existing`` through a temporary default, which is then dropped (SQLite needs the
    batch mode's table copy to drop it)."""
    column.server_default = sa.schema.DefaultClause(existing)
    with op.batch_alter_table(table) as batch:
        batch.add_column(column)
    with op.batch_alter_table(table) as batch:
        batch.alter_column(column.name, server_default=None)


def upgrade() -> None:
    _add_not_null("event_question", boolean("sensitive"), sa.false())
    op.add_column("event", json("sensitive_answer_counts", nullable=True))
    # Every read logged so far was a CSV download.
    _add_not_null("event_export", sa.Column("via", sa.String(8), nullable=False), sa.text("'csv'"))


def downgrade() -> None:
    with op.batch_alter_table("event_export") as batch:
        batch.drop_column("via")
    op.drop_column("event", "sensitive_answer_counts")
    with op.batch_alter_table("event_question") as batch:
        batch.drop_column("sensitive")
