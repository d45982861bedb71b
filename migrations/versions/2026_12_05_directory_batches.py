"""directory imports as batches (issue 17)

Each run of the spreadsheet import is a row of ``directory_import_batch`` (what it read,
what it made, whether it failed or was undone), and every entry it made points back to it
through ``directory_entry.import_batch_id`` (NULL for every other way in).

``directory_entry.merged_into_id`` is indexed: deleting an entry (undoing an import
deletes thousands) makes the database look for entries merged into it, a scan of the
whole table per entry without the index (55 s to undo 20,000 entries; 3 s with it).

On SQLite the column is added with a plain ALTER TABLE (a nullable column whose
REFERENCES clause SQLite accepts), not batch mode: batch mode copies the table, which
would drop the triggers other revisions keep on ``directory_entry``.

Revision ID: 2026_12_05_directory_batches
Revises: 2026_12_05_directory_search
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean, fk, pk, timestamp

revision = "2026_12_05_directory_batches"
down_revision = "2026_12_05_directory_search"
branch_labels = None
depends_on = None

INDEX = "idx_directory_entry_import_batch_id"
MERGED_INDEX = "idx_directory_entry_merged_into_id"


def upgrade() -> None:
    op.create_table(
        "directory_import_batch",
        pk(),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("source", sa.String(300), nullable=False),
        timestamp("created_at"),
        fk("created_by_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        boolean("publish"),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        timestamp("finished_at", nullable=True),
        timestamp("undone_at", nullable=True),
        fk("undone_by_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE directory_entry ADD COLUMN import_batch_id INTEGER "
            "REFERENCES directory_import_batch (id) ON DELETE SET NULL"
        )
    else:
        op.add_column(
            "directory_entry",
            fk("import_batch_id", "directory_import_batch.id", nullable=True, ondelete="SET NULL"),
        )
    op.create_index(INDEX, "directory_entry", ["import_batch_id"])
    op.create_index(MERGED_INDEX, "directory_entry", ["merged_into_id"])


def downgrade() -> None:
    op.drop_index(MERGED_INDEX, table_name="directory_entry")
    op.drop_index(INDEX, table_name="directory_entry")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE directory_entry DROP COLUMN import_batch_id")
    else:
        op.drop_column("directory_entry", "import_batch_id")
    op.drop_table("directory_import_batch")
