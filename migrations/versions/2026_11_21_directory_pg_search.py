"""directory (PostgreSQL only): filter tokens in each entry's row, a names index, and a
word list for "did you mean"

Revision ID: 2026_11_21_directory_pg_search
Revises: 2026_11_21_directory_fts_facets

- ``directory_entry.search_facets`` ("t3 t7 a12": theme and area ids) is kept by
  triggers on the link tables. A text search reads each match's filters from its own
  row; two sub-selects per match on the link tables were most of its time (at 100,000
  entries, 373 matches: 4 ms of a 4.5 ms statement).
- ``ix_directory_entry_search_names`` indexes the name and alternate-name lexemes of
  ``search_vector`` (``ts_filter`` to weights A and B), so "the words are in a name" is
  answered by the index instead of rechecking every row that has the words anywhere.
- ``directory_entry_fts_words`` holds every word ever used in a name, with a trigram
  index that returns the nearest words first: a misspelt word is compared with a few
  of those instead of every entry's name (a long nonsense word took about 80 ms).
  Words are only ever added; search checks candidates against the entries before
  using them. It replaces the trigram index on names, which nothing else used.
"""

from alembic import op

revision = "2026_11_21_directory_pg_search"
down_revision = "2026_11_21_directory_fts_facets"
branch_labels = None
depends_on = None

FACETS = """
CREATE FUNCTION directory_entry_search_facets(entry integer) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT concat_ws(' ',
    (SELECT string_agg('t' || theme_id, ' ' ORDER BY theme_id)
     FROM directory_entry_theme WHERE entry_id = entry),
    (SELECT string_agg('a' || area_id, ' ' ORDER BY area_id)
     FROM directory_entry_area WHERE entry_id = entry))
$$
"""

FACETS_TRIGGER = """
CREATE FUNCTION directory_entry_search_facets_link() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE directory_entry SET search_facets = directory_entry_search_facets(id)
    WHERE id = OLD.entry_id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE directory_entry SET search_facets = directory_entry_search_facets(id)
    WHERE id = NEW.entry_id;
  END IF;
  RETURN NULL;
END $$
"""

# The same words the names' trigram look-up used to see: lower case, no accents.
WORDS = """
CREATE FUNCTION directory_entry_name_words(name text) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
  SELECT unnest(tsvector_to_array(to_tsvector('simple', unaccent(name))))
$$
"""

WORDS_TRIGGER = """
CREATE FUNCTION directory_entry_fts_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO directory_entry_fts_words (word)
  SELECT DISTINCT directory_entry_name_words(NEW.name) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$
"""

LINKS = ("directory_entry_theme", "directory_entry_area")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("ALTER TABLE directory_entry ADD COLUMN search_facets text NOT NULL DEFAULT ''")
    op.execute(FACETS)
    op.execute(FACETS_TRIGGER)
    for table in LINKS:
        op.execute(
            f"CREATE TRIGGER {table}_search_facets AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION directory_entry_search_facets_link()"
        )
    op.execute(
        "UPDATE directory_entry SET search_facets = directory_entry_search_facets(id) "
        "WHERE id IN (SELECT entry_id FROM directory_entry_theme "
        "UNION SELECT entry_id FROM directory_entry_area)"
    )
    op.execute(
        "CREATE INDEX ix_directory_entry_search_names ON directory_entry "
        "USING gin (ts_filter(search_vector, '{a,b}'))"
    )
    op.execute("CREATE TABLE directory_entry_fts_words (word text PRIMARY KEY)")
    op.execute(
        # GiST, not GIN: it hands back the nearest words first (ORDER BY word <-> ?).
        "CREATE INDEX trgm_directory_entry_fts_words_word ON directory_entry_fts_words "
        "USING gist (word gist_trgm_ops)"
    )
    op.execute(WORDS)
    op.execute(WORDS_TRIGGER)
    op.execute(
        "CREATE TRIGGER directory_entry_fts_words AFTER INSERT OR UPDATE OF name "
        "ON directory_entry FOR EACH ROW EXECUTE FUNCTION directory_entry_fts_words_add()"
    )
    op.execute(
        "INSERT INTO directory_entry_fts_words (word) "
        "SELECT DISTINCT directory_entry_name_words(name) FROM directory_entry"
    )
    op.execute("DROP INDEX trgm_directory_entry_name")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        "CREATE INDEX trgm_directory_entry_name ON directory_entry USING gin (name gin_trgm_ops)"
    )
    op.execute("DROP TRIGGER directory_entry_fts_words ON directory_entry")
    op.execute("DROP FUNCTION directory_entry_fts_words_add()")
    op.execute("DROP FUNCTION directory_entry_name_words(text)")
    op.execute("DROP TABLE directory_entry_fts_words")
    op.execute("DROP INDEX ix_directory_entry_search_names")
    for table in LINKS:
        op.execute(f"DROP TRIGGER {table}_search_facets ON {table}")
    op.execute("DROP FUNCTION directory_entry_search_facets_link()")
    op.execute("DROP FUNCTION directory_entry_search_facets(integer)")
    op.execute("ALTER TABLE directory_entry DROP COLUMN search_facets")
