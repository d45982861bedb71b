"""directory: entries, services, themes, areas, provenance, proposed edits, search index

Revision ID: 2026_11_21_directory
Revises: 2026_11_21_mail

The search index is what Tortoise cannot declare: on SQLite an FTS5 table
``directory_entry_fts`` (plus ``directory_entry_fts_names``, unstemmed names, whose
vocabulary ``directory_entry_fts_names_vocab`` feeds the misspelling fallback) kept in
sync by triggers; on PostgreSQL a ``search_vector``
tsvector column kept by triggers (unaccented, weighted), with a GIN index, and a
pg_trgm index on names.
"""

import sqlalchemy as sa
from alembic import op

from migrations.columns import boolean, fk, pk, timestamp

revision = "2026_11_21_directory"
down_revision = "2026_11_21_mail"
branch_labels = None
depends_on = None


def indexed(column: sa.Column) -> sa.Column:
    """The search triggers look services up by entry, so their foreign keys need an index."""
    column.index = True
    return column


def _tables() -> None:
    for name, extra in (
        ("directory_theme", [sa.Column("description", sa.Text(), nullable=False)]),
        ("directory_area", []),
    ):
        op.create_table(
            name,
            pk(),
            sa.Column("uuid", sa.String(36), nullable=False, unique=True),
            sa.Column("name", sa.String(100), nullable=False, unique=True),
            sa.Column("slug", sa.String(100), nullable=False, unique=True),
            *extra,
            sqlite_autoincrement=True,
        )
    op.create_table(
        "directory_entry",
        pk(),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("alternate_names", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("website", sa.String(300), nullable=False),
        sa.Column("website_domain", sa.String(200), nullable=False, index=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False, index=True),
        boolean("hide_address"),
        sa.Column("charity_number", sa.String(20), nullable=False, index=True),
        sa.Column("company_number", sa.String(20), nullable=False),
        sa.Column("opening_times", sa.Text(), nullable=False),
        sa.Column("accessibility", sa.Text(), nullable=False),
        sa.Column("languages", sa.String(300), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(254), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        timestamp("confirmed_at", nullable=True),
        timestamp("published_at", nullable=True),
        timestamp("reviewed_at", nullable=True),
        sa.Column("moderation_note", sa.Text(), nullable=False),
        timestamp("created_at"),
        timestamp("updated_at"),
        fk("merged_into_id", "directory_entry.id", nullable=True, ondelete="SET NULL"),
        fk("reviewed_by_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "directory_service",
        pk(),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("who_for", sa.Text(), nullable=False),
        sa.Column("how_to_access", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        indexed(fk("entry_id", "directory_entry.id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "directory_provenance",
        pk(),
        sa.Column("how", sa.String(20), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        timestamp("created_at"),
        indexed(fk("entry_id", "directory_entry.id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "directory_entry_change",
        pk(),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        timestamp("submitted_at"),
        timestamp("decided_at", nullable=True),
        fk("decided_by_id", "staff_user.id", nullable=True, ondelete="SET NULL"),
        indexed(fk("entry_id", "directory_entry.id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "directory_public_attempt",
        pk(),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("client_key", sa.String(64), nullable=False),
        timestamp("created_at"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_directory_public_attempt_action_client_created",
        "directory_public_attempt",
        ["action", "client_key", "created_at"],
    )
    for through, target in (("directory_entry_theme", "theme"), ("directory_entry_area", "area")):
        op.create_table(
            through,
            fk("entry_id", "directory_entry.id"),
            fk(f"{target}_id", f"directory_{target}.id"),
        )
        op.create_index(
            f"ux_{through}_entry_{target}", through, ["entry_id", f"{target}_id"], unique=True
        )


# --- SQLite: FTS5 tables kept in sync by triggers -------------------------------------

# ``facets`` holds the entry's status, kind, theme ids and area ids as tokens
# ("spublished kcommunity t3 a12"), so that search can filter inside MATCH and read what
# its counts need from the FTS row alone. Search restricts people's words to the text
# columns, so these tokens are never matched by what someone types.
SQLITE_REFRESH = """
DELETE FROM directory_entry_fts WHERE rowid IN ({ids});
INSERT INTO directory_entry_fts
  (rowid, name, alternate_names, description, services, themes, facets)
SELECT e.id, e.name, e.alternate_names, e.description,
  COALESCE((SELECT group_concat(s.name || ' ' || s.description || ' ' || s.who_for, ' ')
            FROM directory_service s WHERE s.entry_id = e.id), ''),
  COALESCE((SELECT group_concat(t.name, ' ') FROM directory_entry_theme et
            JOIN directory_theme t ON t.id = et.theme_id WHERE et.entry_id = e.id), ''),
  's' || e.status || ' k' || e.kind
  || COALESCE((SELECT ' ' || group_concat('t' || et.theme_id, ' ')
               FROM directory_entry_theme et WHERE et.entry_id = e.id), '')
  || COALESCE((SELECT ' ' || group_concat('a' || ea.area_id, ' ')
               FROM directory_entry_area ea WHERE ea.entry_id = e.id), '')
FROM directory_entry e WHERE e.id IN ({ids});
"""

SQLITE_TRIGGERS = {
    "directory_entry_fts_ai": (
        "AFTER INSERT ON directory_entry",
        SQLITE_REFRESH.format(ids="new.id") + "INSERT INTO directory_entry_fts_names (rowid, name) "
        "VALUES (new.id, new.name);",
    ),
    "directory_entry_fts_au": (
        "AFTER UPDATE OF name, alternate_names, description, status, kind ON directory_entry",
        SQLITE_REFRESH.format(ids="new.id")
        + "DELETE FROM directory_entry_fts_names WHERE rowid = old.id;"
        "INSERT INTO directory_entry_fts_names (rowid, name) "
        "VALUES (new.id, new.name);",
    ),
    "directory_entry_fts_ad": (
        "AFTER DELETE ON directory_entry",
        "DELETE FROM directory_entry_fts WHERE rowid = old.id;"
        "DELETE FROM directory_entry_fts_names WHERE rowid = old.id;",
    ),
    "directory_entry_fts_service_ai": (
        "AFTER INSERT ON directory_service",
        SQLITE_REFRESH.format(ids="new.entry_id"),
    ),
    "directory_entry_fts_service_au": (
        "AFTER UPDATE ON directory_service",
        SQLITE_REFRESH.format(ids="old.entry_id, new.entry_id"),
    ),
    "directory_entry_fts_service_ad": (
        "AFTER DELETE ON directory_service",
        SQLITE_REFRESH.format(ids="old.entry_id"),
    ),
    "directory_entry_fts_theme_ai": (
        "AFTER INSERT ON directory_entry_theme",
        SQLITE_REFRESH.format(ids="new.entry_id"),
    ),
    "directory_entry_fts_theme_ad": (
        "AFTER DELETE ON directory_entry_theme",
        SQLITE_REFRESH.format(ids="old.entry_id"),
    ),
    "directory_entry_fts_area_ai": (
        "AFTER INSERT ON directory_entry_area",
        SQLITE_REFRESH.format(ids="new.entry_id"),
    ),
    "directory_entry_fts_area_ad": (
        "AFTER DELETE ON directory_entry_area",
        SQLITE_REFRESH.format(ids="old.entry_id"),
    ),
    "directory_entry_fts_theme_au": (
        "AFTER UPDATE OF name ON directory_theme",
        SQLITE_REFRESH.format(
            ids="SELECT entry_id FROM directory_entry_theme WHERE theme_id = new.id"
        ),
    ),
}


def _sqlite_search() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE directory_entry_fts USING fts5("
        "name, alternate_names, description, services, themes, facets, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE directory_entry_fts_names USING fts5("
        "name, tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE directory_entry_fts_names_vocab "
        "USING fts5vocab(directory_entry_fts_names, 'row')"
    )
    for name, (when, body) in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END")


# --- PostgreSQL: a weighted tsvector column kept by triggers, and pg_trgm ------------

PG_DOCUMENT = """
CREATE FUNCTION directory_entry_search_document(
    entry integer, name text, alternate_names text, description text
) RETURNS tsvector LANGUAGE sql STABLE AS $$
  SELECT setweight(to_tsvector('english', unaccent(name)), 'A')
      || setweight(to_tsvector('english', unaccent(alternate_names)), 'B')
      || setweight(to_tsvector('english', unaccent(
           COALESCE((SELECT string_agg(s.name || ' ' || s.description || ' ' || s.who_for, ' ')
                     FROM directory_service s WHERE s.entry_id = entry), '') || ' ' ||
           COALESCE((SELECT string_agg(t.name, ' ') FROM directory_entry_theme et
                     JOIN directory_theme t ON t.id = et.theme_id WHERE et.entry_id = entry), '')
         )), 'C')
      || setweight(to_tsvector('english', unaccent(description)), 'D')
$$
"""

PG_ENTRY_TRIGGER = """
CREATE FUNCTION directory_entry_search_own() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := directory_entry_search_document(
      NEW.id, NEW.name, NEW.alternate_names, NEW.description);
  RETURN NEW;
END $$
"""

PG_CHILD_TRIGGER = """
CREATE FUNCTION directory_entry_search_child() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE target integer;
BEGIN
  IF TG_OP = 'DELETE' THEN target := OLD.entry_id; ELSE target := NEW.entry_id; END IF;
  UPDATE directory_entry e SET search_vector = directory_entry_search_document(
      e.id, e.name, e.alternate_names, e.description) WHERE e.id = target;
  IF TG_OP = 'UPDATE' AND OLD.entry_id <> NEW.entry_id THEN
    UPDATE directory_entry e SET search_vector = directory_entry_search_document(
        e.id, e.name, e.alternate_names, e.description) WHERE e.id = OLD.entry_id;
  END IF;
  RETURN NULL;
END $$
"""

PG_THEME_TRIGGER = """
CREATE FUNCTION directory_entry_search_theme() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE directory_entry e SET search_vector = directory_entry_search_document(
      e.id, e.name, e.alternate_names, e.description)
  WHERE e.id IN (SELECT entry_id FROM directory_entry_theme WHERE theme_id = NEW.id);
  RETURN NULL;
END $$
"""


def _postgres_search() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Queries are folded to unaccented words in Python; the index must match them.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("ALTER TABLE directory_entry ADD COLUMN search_vector tsvector")
    op.execute(
        "CREATE INDEX ix_directory_entry_search_vector ON directory_entry USING gin (search_vector)"
    )
    op.execute(
        "CREATE INDEX trgm_directory_entry_name ON directory_entry USING gin (name gin_trgm_ops)"
    )
    for sql in (PG_DOCUMENT, PG_ENTRY_TRIGGER, PG_CHILD_TRIGGER, PG_THEME_TRIGGER):
        op.execute(sql)
    op.execute(
        "CREATE TRIGGER directory_entry_search_own BEFORE INSERT OR UPDATE OF "
        "name, alternate_names, description ON directory_entry "
        "FOR EACH ROW EXECUTE FUNCTION directory_entry_search_own()"
    )
    for table in ("directory_service", "directory_entry_theme"):
        op.execute(
            f"CREATE TRIGGER {table}_search AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION directory_entry_search_child()"
        )
    op.execute(
        "CREATE TRIGGER directory_theme_search AFTER UPDATE OF name ON directory_theme "
        "FOR EACH ROW EXECUTE FUNCTION directory_entry_search_theme()"
    )


def upgrade() -> None:
    _tables()
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_search()
    else:
        _postgres_search()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS directory_entry_fts_names_vocab")
        op.execute("DROP TABLE IF EXISTS directory_entry_fts_names")
        op.execute("DROP TABLE IF EXISTS directory_entry_fts")
    for table in (
        "directory_entry_area",
        "directory_entry_theme",
        "directory_public_attempt",
        "directory_entry_change",
        "directory_provenance",
        "directory_service",
        "directory_entry",
        "directory_area",
        "directory_theme",
    ):
        op.drop_table(table)
    if dialect != "sqlite":
        for function in (
            "directory_entry_search_theme()",
            "directory_entry_search_child()",
            "directory_entry_search_own()",
            "directory_entry_search_document(integer, text, text, text)",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
        op.execute("DROP EXTENSION IF EXISTS pg_trgm")
        op.execute("DROP EXTENSION IF EXISTS unaccent")
