"""programmes: clashes, speakers who decline, workshop places (issue 16)

A speaker who declines is left out of what is published unless the organiser keeps
them on the programme (``keep_on_programme``). Clashes are worked out from the draft
and, when published anyway, recorded in the version's changelog (no new column).

Revision ID: 2026_12_04_programme_truth
Revises: 2026_12_04_calendar
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean

revision = "2026_12_04_programme_truth"
down_revision = "2026_12_04_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NOT NULL with no default (as Tortoise declares it): existing speakers get false
    # through a temporary default, dropped again (SQLite needs the batch copy for that).
    column = boolean("keep_on_programme")
    column.server_default = sa.schema.DefaultClause(sa.false())
    with op.batch_alter_table("programme_speaker") as batch:
        batch.add_column(column)
    with op.batch_alter_table("programme_speaker") as batch:
        batch.alter_column("keep_on_programme", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("programme_speaker") as batch:
        batch.drop_column("keep_on_programme")
