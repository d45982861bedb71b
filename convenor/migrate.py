"""Running Alembic from Python: ``convenor migrate`` and the test fixtures use this.

In the checkout (and an editable install) the repository's ``alembic.ini`` and
``migrations/`` are used, as the ``alembic`` command uses them. Installed from a wheel,
there is no ``alembic.ini``: the revisions are the installed ``migrations`` package, and
the configuration (the revisions' folder) is built here.
"""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from convenor.db import sqlite_path

ROOT = Path(__file__).resolve().parent.parent
CHECKOUT_INI = ROOT / "alembic.ini"


def alembic_config(database_url: str) -> Config:
    if CHECKOUT_INI.is_file():
        # The revisions import `migrations.columns`: the checkout's own package wins.
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        config = Config(str(CHECKOUT_INI))
    else:
        config = Config()
        config.set_main_option("script_location", str(files("migrations")))
        config.set_main_option("path_separator", "os")
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision``; creates the SQLite file if needed."""
    if database_url.startswith("sqlite"):
        path = sqlite_path(database_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def current_heads(database_url: str) -> list[str]:
    config = alembic_config(database_url)
    return list(ScriptDirectory.from_config(config).get_heads())
