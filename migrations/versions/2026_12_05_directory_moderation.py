"""directory moderation at scale (issue 17)

- ``directory_entry.kind`` may be NULL: an entry nominated at an event may not know its
  kind yet (it cannot be published until one is chosen: directory.moderation's rule).
  On SQLite that is a table copy, so the search triggers are set aside and restored.
- ``directory_entry.email`` (the public email) is indexed: a possible duplicate with the
  same email is one indexed lookup.
- ``directory_entry_change.base``: what the entry said, for each field a group changed,
  when the change was sent (JSON); NULL for changes sent before.

Revision ID: 2026_12_05_directory_moderation
Revises: 2026_12_05_directory_batches
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "2026_12_05_directory_moderation"
down_revision = "2026_12_05_directory_batches"
branch_labels = None
depends_on = None

BATCH_INDEX = "idx_directory_entry_import_batch_id"
EMAIL_INDEXES = (("ix_directory_entry_email", "email"),)


@contextmanager
def _triggers_set_aside(bind) -> Iterator[None]:
    """SQLite changes a column by copying the table, which trips (and would drop) the
    search triggers on it: they are dropped first and written again afterwards.
    (A copy of the helper in 2026_12_05_directory_keys: revisions stay self-contained.)"""
    triggers = []
    if bind.dialect.name == "sqlite":
        found = bind.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
        triggers = list(found)
    for trigger in triggers:
        op.execute(f'DROP TRIGGER "{trigger.name}"')
    yield
    for trigger in triggers:
        op.execute(trigger.sql)


def _kind_nullable(nullable: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with _triggers_set_aside(bind):
            # Reflection reads the REFERENCES clause the batches revision added with
            # ALTER TABLE without its ON DELETE, so the column is described here.
            batch_fk = sa.Column(
                "import_batch_id",
                sa.Integer(),
                sa.ForeignKey("directory_import_batch.id", ondelete="SET NULL"),
                nullable=True,
            )
            with op.batch_alter_table("directory_entry", reflect_args=[batch_fk]) as batch:
                batch.alter_column("kind", existing_type=sa.String(20), nullable=nullable)
                if not nullable:
                    batch.drop_index(BATCH_INDEX)
                    batch.drop_column("import_batch_id")
    else:
        op.alter_column("directory_entry", "kind", existing_type=sa.String(20), nullable=nullable)


def upgrade() -> None:
    _kind_nullable(True)
    for name, column in EMAIL_INDEXES:
        op.create_index(name, "directory_entry", [column])
    op.add_column("directory_entry_change", sa.Column("base", sa.Text(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE directory_entry_change DROP COLUMN base")
    else:
        op.drop_column("directory_entry_change", "base")
    for name, _column in EMAIL_INDEXES:
        op.drop_index(name, table_name="directory_entry")
    op.execute("UPDATE directory_entry SET kind = 'other' WHERE kind IS NULL")
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        _kind_nullable(False)
        return
    # The table copy writes import_batch_id's REFERENCES as a table constraint, which
    # SQLite's DROP COLUMN (the batches revision's downgrade) refuses: the column is
    # put back as that revision made it (a plain ALTER TABLE), its values kept.
    kept = list(bind.execute(sa.text(
        "SELECT id, import_batch_id FROM directory_entry WHERE import_batch_id IS NOT NULL"
    )))  # fmt: skip
    _kind_nullable(False)
    op.execute(
        "ALTER TABLE directory_entry ADD COLUMN import_batch_id INTEGER "
        "REFERENCES directory_import_batch (id) ON DELETE SET NULL"
    )
    op.create_index(BATCH_INDEX, "directory_entry", ["import_batch_id"])
    if kept:
        bind.execute(
            sa.text("UPDATE directory_entry SET import_batch_id = :batch WHERE id = :entry"),
            [{"batch": row.import_batch_id, "entry": row.id} for row in kept],
        )
