"""`convenor create-token`, `tokens list|revoke`, `deactivate-user` and `reactivate-user`
in real processes on a SQLite database of their own."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.commands import command_env, copy_data_dir, run


def env_for(data_dir):
    return command_env(data_dir, CONVENOR_API_TOKEN_DAYS="7")


TABLE_HEADER = ["ID", "USER", "NAME", "CREATED", "LAST", "USED", "EXPIRES", "REVOKED"]


@pytest.fixture(scope="module")
def with_lead(tmp_path_factory, migrated_data_dir):
    """A migrated data directory with one staff user, made once for this module."""
    path = tmp_path_factory.mktemp("lead")
    copy_data_dir(migrated_data_dir, path)
    user = run(["create-user", "lead@example.org", "--role", "organiser"], env_for(path), path)
    assert user.returncode == 0, user.stderr
    return path


@pytest.fixture
def cli(tmp_path, with_lead):
    """Run `convenor ...` against a copy of a migrated database with one staff user."""
    copy_data_dir(with_lead, tmp_path)
    return lambda *args: run(list(args), env_for(tmp_path), tmp_path)


def test_create_token_prints_the_token_alone_and_its_expiry_apart(cli):
    result = cli("create-token", "lead@example.org", "--name", "reports")

    assert result.returncode == 0
    assert re.fullmatch(r"cvn_[\w-]{43}\n", result.stdout)
    expected = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%d")
    assert f"Token 1 expires {expected} " in result.stderr
    assert "(in 7 days). Revoke it with: convenor tokens revoke 1" in result.stderr


def test_create_token_for_chosen_days(cli):
    result = cli("create-token", "lead@example.org", "--days", "1")

    assert result.returncode == 0
    expected = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert f"Token 1 expires {expected} " in result.stderr
    assert "(in 1 day)." in result.stderr


def test_tokens_list_shows_each_token_but_never_the_token(cli):
    first = cli("create-token", "lead@example.org", "--name", "reports").stdout.strip()
    cli("create-user", "other@example.org", "--role", "moderator")
    second = cli("create-token", "other@example.org").stdout.strip()

    everyone = cli("tokens", "list")
    one_user = cli("tokens", "list", "other@example.org")

    assert everyone.returncode == 0
    lines = everyone.stdout.splitlines()
    assert lines[0].split() == TABLE_HEADER
    assert [line.split()[:3] for line in lines[1:]] == [
        ["2", "other@example.org", "-"],
        ["1", "lead@example.org", "reports"],
    ]
    assert lines[2].split()[-1] == "no" and "never" in lines[2]
    assert first not in everyone.stdout and second not in everyone.stdout
    assert "cvn_" not in everyone.stdout
    assert [line.split()[0] for line in one_user.stdout.splitlines()] == ["ID", "2"]


def test_tokens_list_for_unknown_user_fails(cli):
    result = cli("tokens", "list", "nobody@example.org")

    assert result.returncode == 1
    assert result.stderr.strip() == "Error: There is no staff user with this email address"
    assert cli("tokens", "list", "lead@example.org").returncode == 0  # control: a known user


def test_tokens_revoke_marks_the_token_revoked(cli):
    cli("create-token", "lead@example.org")
    cli("create-token", "lead@example.org")

    revoked = cli("tokens", "revoke", "1")
    again = cli("tokens", "revoke", "1")
    listed = cli("tokens", "list").stdout.splitlines()

    assert revoked.returncode == 0
    assert revoked.stdout.strip() == "Revoked token 1 of lead@example.org."
    assert again.stdout.strip() == "Token 1 of lead@example.org was already revoked."
    rows = {line.split()[0]: line for line in listed[1:]}
    assert rows["1"].endswith("UTC") and not rows["1"].endswith(" no")
    assert rows["2"].endswith(" no")


@pytest.mark.parametrize("token_id", ["99", "abc", "99999999999999999999"])
def test_tokens_revoke_of_unknown_id_fails(cli, token_id):
    result = cli("tokens", "revoke", token_id)

    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: There is no API token with ID {token_id}"
    cli("create-token", "lead@example.org")
    assert cli("tokens", "revoke", "1").returncode == 0  # control: a token that exists


def test_deactivate_user_revokes_tokens_and_stops_new_ones(cli):
    cli("create-token", "lead@example.org")

    deactivated = cli("deactivate-user", "lead@example.org")
    refused = cli("create-token", "lead@example.org")
    listed = cli("tokens", "list").stdout.splitlines()

    assert deactivated.returncode == 0
    assert deactivated.stdout.strip() == (
        "Deactivated lead@example.org: their sessions and API tokens have ended."
    )
    assert refused.returncode == 1
    assert "There is no active staff user with this email address" in refused.stderr
    assert not listed[1].endswith(" no")


def test_reactivate_user_lets_them_have_tokens_again(cli):
    cli("deactivate-user", "lead@example.org")

    reactivated = cli("reactivate-user", "lead@example.org")
    token = cli("create-token", "lead@example.org")

    assert reactivated.returncode == 0
    assert reactivated.stdout.startswith("Reactivated lead@example.org")
    assert token.returncode == 0 and token.stdout.startswith("cvn_")


def test_deactivate_unknown_user_fails(cli):
    result = cli("deactivate-user", "nobody@example.org")

    assert result.returncode == 1
    assert result.stderr.strip() == "Error: There is no staff user with this email address"
    assert cli("deactivate-user", "lead@example.org").returncode == 0  # control: a known user
