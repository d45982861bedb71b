"""directory search: one portable word index (issue 17)

Revision ID: 2026_12_05_directory_search
Revises: 2026_12_05_directory_keys

Search no longer uses FTS5 on SQLite nor tsvector and pg_trgm on PostgreSQL: both
databases hold the same two tables, written in Python by ``directory.search.index``:

- ``directory_search_word(entry_id, word, weight)``: each folded word of an entry once,
  with the weight of its best field; primary key (word, entry_id), so a prefix is a
  range of the key (``COLLATE "C"`` on PostgreSQL: code-point order, as on SQLite), and
  an index on entry_id for rewriting an entry's words;
- ``directory_search_text(entry_id, name_key, text)``: the name key (sorted by code
  point on both) and the entry's folded text, each field value after its weight's
  marker, for phrases.

Both are built here for existing entries with ``directory.search.index.document``, the
function the writers use. Everything the old search kept is dropped: the FTS5 tables
and their triggers, the facets table, the tsvector column with its functions, triggers
and indexes, the lexeme and word lists, pg_trgm and unaccent, and the search stamp with
its triggers. The downgrade drops the new tables and builds the old objects again from
their own revisions (best effort: the old search works again over the entries present).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "2026_12_05_directory_search"
down_revision = "2026_12_05_directory_keys"
branch_labels = None
depends_on = None

CHUNK = 500

PG_TRIGGERS = {
    "directory_entry": (
        "directory_entry_search_own",
        "directory_entry_fts_words",
        "directory_entry_fts_lexemes_inserted",
        "directory_entry_fts_lexemes_updated",
        "directory_entry_restamp_change",
        "directory_entry_restamp_truncate",
        "directory_entry_restamp_text",
    ),
    "directory_service": (
        "directory_service_search",
        "directory_service_restamp_change",
        "directory_service_restamp_truncate",
    ),
    "directory_entry_theme": (
        "directory_entry_theme_search",
        "directory_entry_theme_search_facets",
        "directory_entry_theme_restamp_change",
        "directory_entry_theme_restamp_truncate",
    ),
    "directory_entry_area": (
        "directory_entry_area_search_facets",
        "directory_entry_area_restamp_change",
        "directory_entry_area_restamp_truncate",
    ),
    "directory_theme": (
        "directory_theme_search",
        "directory_theme_restamp_change",
        "directory_theme_restamp_truncate",
    ),
    "directory_area": ("directory_area_restamp_change", "directory_area_restamp_truncate"),
}
PG_FUNCTIONS = (
    "directory_entry_search_theme()",
    "directory_entry_search_child()",
    "directory_entry_search_own()",
    "directory_entry_search_document(integer, text, text, text)",
    "directory_entry_search_facets_link()",
    "directory_entry_search_facets(integer)",
    "directory_entry_fts_words_add()",
    "directory_entry_name_words(text)",
    "directory_entry_fts_lexemes_inserted()",
    "directory_entry_fts_lexemes_updated()",
    "directory_search_match(text[])",
    "directory_search_restamp()",
)
SQLITE_TABLES = (
    "directory_entry_fts_names_vocab",
    "directory_entry_fts_names",
    "directory_entry_fts",
    "directory_entry_fts_facets",
)


def _drop_old(dialect: str) -> None:
    bind = op.get_bind()
    if dialect == "sqlite":
        triggers = bind.execute(
            sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND (name LIKE 'directory%fts%' OR name LIKE 'directory%restamp%')"
            )
        )
        for (name,) in list(triggers):
            op.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        for table in SQLITE_TABLES:
            op.execute(f"DROP TABLE IF EXISTS {table}")
    else:
        for table, names in PG_TRIGGERS.items():
            for name in names:
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for function in PG_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
        op.execute("DROP TABLE IF EXISTS directory_entry_fts_words")
        op.execute("DROP TABLE IF EXISTS directory_entry_fts_lexemes")
        op.execute("DROP INDEX IF EXISTS trgm_directory_entry_name")
        op.execute("ALTER TABLE directory_entry DROP COLUMN IF EXISTS search_vector")
        op.execute("ALTER TABLE directory_entry DROP COLUMN IF EXISTS search_facets")
        op.execute("DROP EXTENSION IF EXISTS pg_trgm")
        op.execute("DROP EXTENSION IF EXISTS unaccent")
    op.execute("DROP TABLE IF EXISTS directory_search_stamp")


def _create(dialect: str) -> None:
    collate = ' COLLATE "C"' if dialect != "sqlite" else ""
    # SQLite keeps the rows in the key's order (a prefix's rows are read together); on
    # PostgreSQL the key also holds the weight, so a prefix is read from the index alone.
    rowid = " WITHOUT ROWID" if dialect == "sqlite" else ""
    include = " INCLUDE (weight)" if dialect != "sqlite" else ""
    op.execute(
        "CREATE TABLE directory_search_word ("
        "entry_id INTEGER NOT NULL REFERENCES directory_entry (id) ON DELETE CASCADE, "
        f"word VARCHAR(40){collate} NOT NULL, "
        "weight SMALLINT NOT NULL, "
        f"PRIMARY KEY (word, entry_id){include}){rowid}"
    )
    op.execute("CREATE INDEX ix_directory_search_word_entry ON directory_search_word (entry_id)")
    op.execute(
        "CREATE TABLE directory_search_text ("
        "entry_id INTEGER NOT NULL PRIMARY KEY "
        "REFERENCES directory_entry (id) ON DELETE CASCADE, "
        f"name_key VARCHAR(200){collate} NOT NULL, "
        "text TEXT NOT NULL, "
        # Where the markers of weights 6, 4, 2 and 1 are in the text (index.MARK_COLUMNS).
        "b6 INTEGER NOT NULL, b4 INTEGER NOT NULL, b2 INTEGER NOT NULL, b1 INTEGER NOT NULL)"
    )
    # Browsing without words pages by name key.
    op.execute("CREATE INDEX ix_directory_search_text_name_key ON directory_search_text (name_key)")


def _fill() -> None:
    """Index every entry, with the writers' own code."""
    from directory.search.index import document

    bind = op.get_bind()
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM directory_entry ORDER BY id"))]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        params = {"ids": chunk}
        expanding = sa.bindparam("ids", expanding=True)

        def read(sql: str, params=params, expanding=expanding) -> list:
            return list(bind.execute(sa.text(sql).bindparams(expanding), params))

        themes: dict[int, list[str]] = {}
        areas: dict[int, list[str]] = {}
        services: dict[int, list[tuple[str, str, str]]] = {}
        for entry_id, name in read(
            "SELECT x.entry_id, t.name FROM directory_entry_theme x "
            "JOIN directory_theme t ON t.id = x.theme_id WHERE x.entry_id IN :ids"
        ):
            themes.setdefault(entry_id, []).append(name)
        for entry_id, name in read(
            "SELECT x.entry_id, t.name FROM directory_entry_area x "
            "JOIN directory_area t ON t.id = x.area_id WHERE x.entry_id IN :ids"
        ):
            areas.setdefault(entry_id, []).append(name)
        for entry_id, *service in read(
            "SELECT entry_id, name, description, who_for FROM directory_service "
            "WHERE entry_id IN :ids ORDER BY entry_id, position, id"
        ):
            services.setdefault(entry_id, []).append(tuple(service))
        made = [
            document(
                entry_id,
                name,
                alternate,
                description,
                themes.get(entry_id, ()),
                areas.get(entry_id, ()),
                services.get(entry_id, ()),
            )
            for entry_id, name, alternate, description in read(
                "SELECT id, name, alternate_names, description FROM directory_entry "
                "WHERE id IN :ids"
            )
        ]
        word_rows = [
            {"entry_id": d.entry_id, "word": w, "weight": weight}
            for d in made
            for w, weight in d.words.items()
        ]
        if word_rows:
            bind.execute(
                sa.text(
                    "INSERT INTO directory_search_word (entry_id, word, weight) "
                    "VALUES (:entry_id, :word, :weight)"
                ),
                word_rows,
            )
        if made:
            bind.execute(
                sa.text(
                    "INSERT INTO directory_search_text (entry_id, name_key, text, b6, b4, b2, b1) "
                    "VALUES (:entry_id, :name_key, :text, :b6, :b4, :b2, :b1)"
                ),
                [
                    {"entry_id": d.entry_id, "name_key": d.name_key, "text": d.text}
                    | dict(zip(("b6", "b4", "b2", "b1"), d.marks, strict=True))
                    for d in made
                ],
            )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_old(dialect)
    _create(dialect)
    _fill()


def _revision(name: str):
    """An earlier revision's module (the downgrade builds the old search with its code)."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_convenor_revision_{name}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DROP TABLE IF EXISTS directory_search_text")
    op.execute("DROP TABLE IF EXISTS directory_search_word")
    first = _revision("2026_11_21_directory")
    if dialect == "sqlite":
        first._sqlite_search()  # noqa: SLF001 (the old revision's own code)
        for statement in first.SQLITE_REFRESH.format(ids="SELECT id FROM directory_entry").split(
            ";"
        ):
            if statement.strip():
                op.execute(statement)
        op.execute(
            "INSERT INTO directory_entry_fts_names (rowid, name) "
            "SELECT id, name FROM directory_entry"
        )
    else:
        first._postgres_search()  # noqa: SLF001
        op.execute(
            "UPDATE directory_entry SET search_vector = directory_entry_search_document("
            "id, name, alternate_names, description)"
        )
    for name in (
        "2026_11_21_directory_stamp",
        "2026_11_21_directory_fts_facets",
        "2026_11_21_directory_pg_search",
        "2026_11_21_directory_pg_lexemes",
        "2026_11_21_directory_stamp_text",
    ):
        _revision(name).upgrade()
