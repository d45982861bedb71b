"""directory: the search stamp also changes with the text search reads

Revision ID: 2026_11_21_directory_stamp_text
Revises: 2026_11_21_directory_pg_lexemes

A text search with more than ``CAP`` matches counts them all, and at 100,000 entries
that count is most of its statement (3 to 4 ms of 8 on PostgreSQL for a word in 4,000
entries). Search now keeps such counts under the stamp, so the stamp must change with
everything a count depends on: besides what it already followed (an entry's insert,
delete, name, kind and status; themes, areas and the taxonomy), an entry's alternate
names and description, and its services.
"""

from alembic import op

revision = "2026_11_21_directory_stamp_text"
down_revision = "2026_11_21_directory_pg_lexemes"
branch_labels = None
depends_on = None

# Trigger name -> the changes that fire it, once per statement (as in
# 2026_11_21_directory_stamp).
PG_TRIGGERS = {
    "directory_entry_restamp_text": "UPDATE OF alternate_names, description ON directory_entry",
    "directory_service_restamp_change": "INSERT OR DELETE OR UPDATE ON directory_service",
    "directory_service_restamp_truncate": "TRUNCATE ON directory_service",
}
# SQLite triggers name a single event, and SQLite has no TRUNCATE.
SQLITE_TRIGGERS = {
    "directory_entry_restamp_text": "UPDATE OF alternate_names, description ON directory_entry",
    "directory_service_restamp_insert": "INSERT ON directory_service",
    "directory_service_restamp_delete": "DELETE ON directory_service",
    "directory_service_restamp_update": "UPDATE ON directory_service",
}
SQLITE_RESTAMP = "INSERT OR REPLACE INTO directory_search_stamp (id, stamp) VALUES (1, random());"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, when in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} AFTER {when} BEGIN {SQLITE_RESTAMP} END")
        return
    for name, when in PG_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {name} AFTER {when} "
            "FOR EACH STATEMENT EXECUTE FUNCTION directory_search_restamp()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for name, when in PG_TRIGGERS.items():
        table = when.rsplit(" ON ", 1)[1]
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
