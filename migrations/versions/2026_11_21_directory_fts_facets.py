"""directory (SQLite only): each entry's name and filter tokens in a narrow table for search

Revision ID: 2026_11_21_directory_fts_facets
Revises: 2026_11_21_directory_stamp

A text search reads, for each of up to 501 matches, the entry's name (to break ties in
rank) and its ``facets`` ("spublished kcommunity t3 a12": status, kind, theme and area
ids, for filters and counts). Read from the FTS5 table, each of those reads fetches
and decodes the whole indexed row (description and services included).
``directory_entry_fts_facets`` holds just those two values per entry, kept by triggers
as the FTS rows are (at 100,000 entries the fetch for "polish", 373 matches, went from
2.2 ms to 1.5 ms); the FTS table keeps its ``facets`` column for filtering in MATCH.

PostgreSQL reads the same values from the entries themselves: nothing to do there.
"""

from alembic import op

revision = "2026_11_21_directory_fts_facets"
down_revision = "2026_11_21_directory_stamp"
branch_labels = None
depends_on = None

# The same tokens as the FTS table's ``facets`` column (migration 2026_11_21_directory).
REFRESH = """
INSERT OR REPLACE INTO directory_entry_fts_facets (id, name, facets)
SELECT e.id, e.name, 's' || e.status || ' k' || e.kind
  || COALESCE((SELECT ' ' || group_concat('t' || et.theme_id, ' ')
               FROM directory_entry_theme et WHERE et.entry_id = e.id), '')
  || COALESCE((SELECT ' ' || group_concat('a' || ea.area_id, ' ')
               FROM directory_entry_area ea WHERE ea.entry_id = e.id), '')
FROM directory_entry e WHERE {where};
"""

TRIGGERS = {
    "directory_entry_fts_facets_ai": (
        "AFTER INSERT ON directory_entry",
        REFRESH.format(where="e.id = new.id"),
    ),
    "directory_entry_fts_facets_au": (
        "AFTER UPDATE OF name, status, kind ON directory_entry",
        REFRESH.format(where="e.id = new.id"),
    ),
    "directory_entry_fts_facets_ad": (
        "AFTER DELETE ON directory_entry",
        "DELETE FROM directory_entry_fts_facets WHERE id = old.id;",
    ),
    "directory_entry_fts_facets_theme_ai": (
        "AFTER INSERT ON directory_entry_theme",
        REFRESH.format(where="e.id = new.entry_id"),
    ),
    "directory_entry_fts_facets_theme_ad": (
        "AFTER DELETE ON directory_entry_theme",
        REFRESH.format(where="e.id = old.entry_id"),
    ),
    "directory_entry_fts_facets_area_ai": (
        "AFTER INSERT ON directory_entry_area",
        REFRESH.format(where="e.id = new.entry_id"),
    ),
    "directory_entry_fts_facets_area_ad": (
        "AFTER DELETE ON directory_entry_area",
        REFRESH.format(where="e.id = old.entry_id"),
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        "CREATE TABLE directory_entry_fts_facets "
        "(id INTEGER PRIMARY KEY, name TEXT NOT NULL, facets TEXT NOT NULL)"
    )
    op.execute(REFRESH.format(where="1").rstrip().rstrip(";"))
    for name, (when, body) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS directory_entry_fts_facets")
