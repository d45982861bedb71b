"""``convenor directory import`` (issue 17): --by records who ran the batch (an unknown
address is refused before anything is read in), and a database it cannot use is one
sentence on standard error, never a traceback."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from convenor.models import Role
from directory.models import Entry, ImportBatch
from tests.commands import database_env, run_async
from tests.conftest import make_staff

CSV = "name,kind,description\nWoolston Warriors,community,Football\n"


async def run(env: dict[str, str], path: Path, *options: str) -> tuple[int, str, str]:
    done = await run_async(["directory", "import", str(path), *options], env, path.parent)
    return done.returncode, done.stdout, done.stderr


async def test_by_records_the_staff_member(taxonomy, settings, tmp_path):
    moderator = await make_staff(Role.MODERATOR)
    path = tmp_path / "groups.csv"
    path.write_text(CSV)

    code, out, err = await run(database_env(settings, tmp_path), path, "--by", moderator.email)

    assert (code, err) == (0, "")
    batch = await ImportBatch.get()
    assert batch.created_by_id == moderator.id
    assert out.splitlines()[-1].startswith(f"Import batch {batch.id}: 1 entries, pending")


async def test_by_an_unknown_address_is_refused(taxonomy, settings, tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text(CSV)

    code, out, err = await run(database_env(settings, tmp_path), path, "--by", "nobody@example.org")

    assert (code, out, err) == (
        2,
        "",
        "There is no user with the email address nobody@example.org.\n",
    )
    assert (await Entry.all().count(), await ImportBatch.all().count()) == (0, 0)


async def test_a_database_it_cannot_use_is_one_sentence(taxonomy, settings, tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text(CSV)
    env = database_env(settings, tmp_path)
    if settings.database_url.startswith("sqlite"):
        env["CONVENOR_DATABASE_URL"] = f"sqlite://{tmp_path}/never-migrated.sqlite3"
    else:
        missing = urlsplit(settings.database_url)._replace(path="/convenor_no_such_database")
        env["CONVENOR_DATABASE_URL"] = missing.geturl()

    code, out, err = await run(env, path)

    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1, err
    assert err.startswith("groups.csv: the import stopped (")
    assert err.endswith("); nothing was imported.\n")
    assert "Traceback" not in err
