"""directory: name keys and confirmed contacts (issue 17)

``directory_entry.name_key`` is the entry's name folded as search folds it (accents and
letters such as ł, ø, ß, æ folded, lower case, words joined by single spaces), indexed:
entries named the same way are found by one lookup (registration's organisations,
moderation's possible duplicates). ``contact_confirmed_at`` is when the entry's contact
confirmed they want to be listed (a self-listed group's confirmed email counts), so the
"you are in the directory" email only goes to a contact who asked.

Revision ID: 2026_12_05_directory_keys
Revises: 2026_12_04_delegate_home
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from directory.search.text import name_key
from migrations.columns import timestamp

revision = "2026_12_05_directory_keys"
down_revision = "2026_12_04_delegate_home"
branch_labels = None
depends_on = None


@contextmanager
def _triggers_set_aside(bind) -> Iterator[None]:
    """SQLite changes a column by copying the table, which trips (and would drop) the
    search triggers on it: they are dropped first and written again afterwards."""
    triggers = []
    if bind.dialect.name == "sqlite":
        found = bind.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        triggers = list(found)
    for trigger in triggers:
        op.execute(f'DROP TRIGGER "{trigger.name}"')
    yield
    for trigger in triggers:
        op.execute(trigger.sql)


def upgrade() -> None:
    bind = op.get_bind()
    key = sa.Column("name_key", sa.String(200), nullable=False, server_default="")
    with _triggers_set_aside(bind):
        with op.batch_alter_table("directory_entry") as batch:
            batch.add_column(key)
            batch.add_column(timestamp("contact_confirmed_at", nullable=True))
        with op.batch_alter_table("directory_entry") as batch:
            batch.alter_column("name_key", server_default=None)
            batch.create_index("ix_directory_entry_name_key", ["name_key"])
    entries = sa.table("directory_entry", sa.column("id", sa.Integer), sa.column("name", sa.String))
    keyed = [
        {"entry_id": row.id, "key": name_key(row.name)}
        for row in bind.execute(sa.select(entries.c.id, entries.c.name))
    ]
    if keyed:
        bind.execute(
            sa.text("UPDATE directory_entry SET name_key = :key WHERE id = :entry_id"), keyed
        )
    # A self-listed group confirmed its listing from the emailed link: its contact asked.
    bind.execute(
        sa.text(
            "UPDATE directory_entry SET contact_confirmed_at = confirmed_at "
            "WHERE confirmed_at IS NOT NULL AND id IN "
            "(SELECT entry_id FROM directory_provenance WHERE how = 'self_listed')"
        )
    )


def downgrade() -> None:
    with _triggers_set_aside(op.get_bind()):
        with op.batch_alter_table("directory_entry") as batch:
            batch.drop_column("contact_confirmed_at")
            batch.drop_index("ix_directory_entry_name_key")
            batch.drop_column("name_key")
