"""Tests for checking SMTP settings against a real server (``convenor check``)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from convenor.mail.transport import TransientError, check, check_settings, parse_smtp_url
from tests.mailserver import SERVER_NAME


async def test_check_describes_a_working_server(smtp_server_starttls, tls_client_context):
    config = parse_smtp_url(smtp_server_starttls.url)

    description = await check(config, tls_context=tls_client_context, local_hostname="client.test")

    assert description == f"127.0.0.1:{config.port} (STARTTLS) answered as {SERVER_NAME}"
    assert smtp_server_starttls.messages == []


# aiosmtpd does not count implicit TLS as TLS for AUTH and warns about it.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
async def test_check_mentions_login(make_smtp_server, tls_client_context):
    server = make_smtp_server(tls="implicit", credentials=("mailer", "s3cret"))
    config = parse_smtp_url(server.url)

    description = await check(config, tls_context=tls_client_context)

    assert (
        description
        == f"127.0.0.1:{config.port} (TLS, logged in as mailer) answered as {SERVER_NAME}"
    )


async def test_check_server_down_is_transient(smtp_server):
    smtp_server.stop()

    with pytest.raises(TransientError, match="Connect call failed"):
        await check(parse_smtp_url(smtp_server.url))


async def test_check_settings_without_smtp_names_the_mailbox(tmp_path):
    settings = SimpleNamespace(smtp_url="", mail_dir=tmp_path / "mail")

    line = await check_settings(settings)

    assert line == f"mail: no SMTP configured, messages are written to {tmp_path / 'mail'}"


async def test_check_settings_reports_a_working_server(make_smtp_server):
    server = make_smtp_server()
    settings = SimpleNamespace(smtp_url=server.url, mail_dir=None)

    line = await check_settings(settings)

    assert line == f"mail: 127.0.0.1:{server.port} (no TLS) answered as {SERVER_NAME}"


async def test_check_settings_failure_masks_the_password(smtp_server):
    smtp_server.stop()
    url = f"smtp://mailer:hunter2@127.0.0.1:{smtp_server.port}?tls=none&timeout=5"

    line = await check_settings(SimpleNamespace(smtp_url=url, mail_dir=None))

    assert line.startswith(
        f"mail: smtp://mailer:***@127.0.0.1:{smtp_server.port}?tls=none&timeout=5 FAILED: "
    )
    assert "hunter2" not in line


async def test_check_settings_invalid_url_is_reported():
    line = await check_settings(SimpleNamespace(smtp_url="smtp://host?tls=ssl", mail_dir=None))

    assert (
        line
        == "mail: CONVENOR_SMTP_URL is invalid: SMTP URL tls must be starttls, implicit or none"
    )
