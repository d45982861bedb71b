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

# As in 2026_11_21_directory_stamp: (table, the changes that matter), one statement each.
WATCHED = (
    ("directory_entry", "text", "UPDATE OF alternate_names, description"),
    ("directory_service", "change", "INSERT OR DELETE OR UPDATE"),
    ("directory_service", "truncate", "TRUNCATE"),
)
SQLITE_RESTAMP = "INSERT OR REPLACE INTO directory_search_stamp (id, stamp) VALUES (1, random());"


def _sqlite_triggers() -> list[tuple[str, str]]:
    """SQLite triggers name a single event, and there is no TRUNCATE."""
    found = []
    for table, suffix, events in WATCHED:
        if suffix == "truncate":
            continue
        for event in events.split(" OR "):
            name = f"{table}_restamp_{event.split()[0].lower()}"
            if suffix == "text":
                name = f"{table}_restamp_text"
            found.append((name, f"AFTER {event} ON {table}"))
    return found


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, when in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {SQLITE_RESTAMP} END")
        return
    for table, suffix, events in WATCHED:
        op.execute(
            f"CREATE TRIGGER {table}_restamp_{suffix} AFTER {events} ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION directory_search_restamp()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, _ in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for table, suffix, _ in WATCHED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_restamp_{suffix} ON {table}")
