"""directory entries from events (issue 17)

``directory_entry.contact_asked_at``: when the contact a delegate named for an entry
nominated at (or typed at registration for) an event was asked to confirm they are happy
to be listed (at most once per entry); ``contact_declined_at``: when they said no.

Plain ALTER TABLE on both databases (nullable columns): SQLite's batch mode would copy
the table and drop the search triggers on ``directory_entry``.

Revision ID: 2026_12_05_directory_nominations
Revises: 2026_12_05_directory_moderation
"""

from alembic import op

from migrations.columns import timestamp

revision = "2026_12_05_directory_nominations"
down_revision = "2026_12_05_directory_moderation"
branch_labels = None
depends_on = None

COLUMNS = ("contact_asked_at", "contact_declined_at")


SEARCH_INDEX = "ix_directory_entry_search"  # what search reads of an entry (models.Entry)


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("directory_entry", timestamp(name, nullable=True))
    op.create_index(SEARCH_INDEX, "directory_entry", ["id", "status", "kind", "name_key"])


def downgrade() -> None:
    op.drop_index(SEARCH_INDEX, table_name="directory_entry")
    for name in COLUMNS:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE directory_entry DROP COLUMN {name}")
        else:
            op.drop_column("directory_entry", name)
