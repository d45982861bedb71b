"""directory: a search stamp that changes with every change search may have cached

Revision ID: 2026_11_21_directory_stamp
Revises: 2026_11_21_programmes

``directory_search_stamp`` holds one row whose ``stamp`` is set to a new random number
by triggers, in the same transaction as any insert or delete of an entry, any change to
an entry's name, kind or status, to its themes or areas, or to the taxonomy. Search
keeps what depends only on those (counts per filter value when browsing without words,
the taxonomy) under the stamp it read first, so a cached answer is never older than the
data a reader can see.

The stamp is random rather than a counter so that a reset table (tests empty every
table; a restored backup) cannot bring back a number a running process has cached
under. Without the row (after such a reset, before the next change) nothing is cached.
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import pk

revision = "2026_11_21_directory_stamp"
down_revision = "2026_11_21_programmes"
branch_labels = None
depends_on = None

# (table, the changes that matter to search's caches)
WATCHED = (
    ("directory_entry", "INSERT OR DELETE OR UPDATE OF name, kind, status"),
    ("directory_entry_theme", "INSERT OR DELETE OR UPDATE"),
    ("directory_entry_area", "INSERT OR DELETE OR UPDATE"),
    ("directory_theme", "INSERT OR DELETE OR UPDATE"),
    ("directory_area", "INSERT OR DELETE OR UPDATE"),
)

SQLITE_RESTAMP = "INSERT OR REPLACE INTO directory_search_stamp (id, stamp) VALUES (1, random());"

PG_RANDOM = "(random() * 9.0e18)::bigint"
PG_RESTAMP = f"""
CREATE FUNCTION directory_search_restamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO directory_search_stamp (id, stamp) VALUES (1, {PG_RANDOM})
  ON CONFLICT (id) DO UPDATE SET stamp = EXCLUDED.stamp;
  RETURN NULL;
END $$
"""


def _sqlite_triggers() -> list[tuple[str, str]]:
    """One trigger per table and event (SQLite triggers name a single event)."""
    found = []
    for table, events in WATCHED:
        for event in events.split(" OR "):
            name = f"{table}_restamp_{event.split()[0].lower()}"
            found.append((name, f"AFTER {event} ON {table}"))
    return found


def upgrade() -> None:
    op.create_table(
        "directory_search_stamp",
        pk(),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sqlite_autoincrement=True,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(SQLITE_RESTAMP.rstrip(";"))
        for name, when in _sqlite_triggers():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {SQLITE_RESTAMP} END")
        return
    op.execute(PG_RESTAMP)
    op.execute(f"INSERT INTO directory_search_stamp (id, stamp) VALUES (1, {PG_RANDOM})")
    for table, events in WATCHED:
        # Once per statement: a bulk import changes the stamp once, not once a row.
        for event in (events, "TRUNCATE"):
            suffix = "truncate" if event == "TRUNCATE" else "change"
            op.execute(
                f"CREATE TRIGGER {table}_restamp_{suffix} AFTER {event} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION directory_search_restamp()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, _ in _sqlite_triggers():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for table, _ in WATCHED:
            for suffix in ("change", "truncate"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_restamp_{suffix} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS directory_search_restamp()")
    op.drop_table("directory_search_stamp")
