"""Tests for reading CONVENOR_SMTP_URL into an SmtpConfig."""

from __future__ import annotations

import pytest

from convenor.mail.transport import SmtpConfig, parse_smtp_url


def test_parse_smtp_url_full_form():
    config = parse_smtp_url("smtp://mailer:s3cret@smtp.example.org:2525?tls=starttls&timeout=12.5")

    assert config == SmtpConfig(
        host="smtp.example.org",
        port=2525,
        username="mailer",
        password="s3cret",
        tls="starttls",
        timeout=12.5,
        validate_certs=True,
    )


@pytest.mark.parametrize(
    ("url", "tls", "port"),
    [
        ("smtp://smtp.example.org", "starttls", 587),
        ("smtp://smtp.example.org?tls=starttls", "starttls", 587),
        ("smtp://smtp.example.org?tls=implicit", "implicit", 465),
        ("smtp://smtp.example.org?tls=none", "none", 25),
        ("smtp://smtp.example.org?tls=NONE", "none", 25),
        ("smtps://smtp.example.org", "implicit", 465),
        ("smtps://smtp.example.org:1465", "implicit", 1465),
        ("SMTP://smtp.example.org/", "starttls", 587),
    ],
)
def test_parse_smtp_url_default_ports_follow_tls(url, tls, port):
    config = parse_smtp_url(url)

    assert (config.tls, config.port) == (tls, port)


def test_parse_smtp_url_defaults_without_credentials():
    config = parse_smtp_url("smtp://smtp.example.org")

    assert (config.username, config.password, config.timeout, config.validate_certs) == (
        None,
        None,
        30.0,
        True,
    )


def test_parse_smtp_url_percent_decodes_user_and_password():
    config = parse_smtp_url("smtp://ann%40example.org:p%40ss%3Aw%2Frd%25@smtp.example.org")

    assert (config.username, config.password) == ("ann@example.org", "p@ss:w/rd%")


def test_parse_smtp_url_user_without_password():
    config = parse_smtp_url("smtp://mailer@smtp.example.org")

    assert (config.username, config.password) == ("mailer", None)


def test_parse_smtp_url_ipv6_host():
    config = parse_smtp_url("smtp://[::1]:2525?tls=none")

    assert (config.host, config.port) == ("::1", 2525)


@pytest.mark.parametrize(("value", "expected"), [("false", False), ("0", False), ("TRUE", True)])
def test_parse_smtp_url_validate_certs(value, expected):
    config = parse_smtp_url(f"smtp://smtp.example.org?validate_certs={value}")

    assert config.validate_certs is expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://smtp.example.org", "must start with smtp:// or smtps://, not http"),
        ("smtp.example.org:587", "must start with smtp:// or smtps://"),
        ("smtp://", "no host name"),
        ("smtp://:pw@smtp.example.org", "password but no user name"),
        ("smtp://smtp.example.org:0", "port must be a number from 1 to 65535"),
        ("smtp://smtp.example.org:70000", "port must be a number from 1 to 65535"),
        ("smtp://smtp.example.org:abc", "port must be a number from 1 to 65535"),
        ("smtp://smtp.example.org?tls=ssl", "tls must be starttls, implicit or none"),
        ("smtps://smtp.example.org?tls=starttls", "smtps:// means implicit TLS"),
        ("smtp://smtp.example.org?timeout=soon", "timeout must be a number of seconds"),
        ("smtp://smtp.example.org?timeout=-1", "timeout must be a positive number"),
        ("smtp://smtp.example.org?timeout=nan", "timeout must be a positive number"),
        ("smtp://smtp.example.org?validate_certs=maybe", "validate_certs must be true or false"),
        ("smtp://smtp.example.org?tsl=none", "unknown SMTP URL option tsl"),
        ("smtp://smtp.example.org?tls=none&tls=starttls", "repeats an option"),
        ("smtp://smtp.example.org/relay", "no path"),
    ],
)
def test_parse_smtp_url_rejects_bad_urls_with_one_line_message(url, message):
    with pytest.raises(ValueError, match=message) as raised:
        parse_smtp_url(url)

    assert "\n" not in str(raised.value)


def test_parse_smtp_url_error_never_shows_the_password():
    with pytest.raises(ValueError) as raised:
        parse_smtp_url("smtp://mailer:hunter2@smtp.example.org:99999")

    assert "hunter2" not in str(raised.value)
    assert parse_smtp_url("smtp://mailer:hunter2@smtp.example.org:587").password == "hunter2"


def test_masked_replaces_password():
    config = parse_smtp_url("smtp://mailer:s3cret@smtp.example.org:587?tls=starttls&timeout=30")

    assert config.masked() == "smtp://mailer:***@smtp.example.org:587?tls=starttls&timeout=30"


def test_masked_without_credentials_and_with_options():
    config = parse_smtp_url("smtps://smtp.example.org?timeout=2.5&validate_certs=false")

    assert config.masked() == (
        "smtp://smtp.example.org:465?tls=implicit&timeout=2.5&validate_certs=false"
    )


def test_masked_quotes_user_and_brackets_ipv6():
    config = parse_smtp_url("smtp://ann%40example.org:pw@[::1]:25?tls=none")

    assert config.masked() == "smtp://ann%40example.org:***@[::1]:25?tls=none&timeout=30"


def test_masked_round_trips_through_parse_except_password():
    config = parse_smtp_url("smtp://mailer:s3cret@smtp.example.org:2525?tls=none&timeout=7")

    again = parse_smtp_url(config.masked())

    assert again == SmtpConfig(
        host="smtp.example.org",
        port=2525,
        username="mailer",
        password="***",
        tls="none",
        timeout=7.0,
    )


def test_smtp_config_repr_hides_password():
    config = parse_smtp_url("smtp://mailer:s3cret@smtp.example.org")

    assert "s3cret" not in repr(config)
