"""SMTP settings, read from one URL (``CONVENOR_SMTP_URL``)::

    smtp://user:pass@host:587?tls=starttls&timeout=30&validate_certs=true
    smtp://host:25?tls=none
    smtps://host            (implicit TLS, port 465)

Ports default by TLS mode: 587 for STARTTLS, 465 for implicit TLS, 25 for none.
User name and password are percent-decoded. Errors are one line and never
repeat the password.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlsplit

__all__ = ["SmtpConfig", "TlsMode", "parse_smtp_url"]

TlsMode = Literal["starttls", "implicit", "none"]
_DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "implicit": 465, "none": 25}
_DEFAULT_TIMEOUT = 30.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to reach the SMTP server; the password stays out of repr()."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: TlsMode = "starttls"
    timeout: float = _DEFAULT_TIMEOUT
    validate_certs: bool = True

    def masked(self) -> str:
        """The settings as a URL that is safe to show or log (password as ***)."""
        userinfo = ""
        if self.username is not None:
            userinfo = quote(self.username, safe="")
            if self.password is not None:
                userinfo += ":***"
            userinfo += "@"
        host = f"[{self.host}]" if ":" in self.host else self.host
        timeout = int(self.timeout) if self.timeout.is_integer() else self.timeout
        query = f"tls={self.tls}&timeout={timeout}"
        if not self.validate_certs:
            query += "&validate_certs=false"
        return f"smtp://{userinfo}{host}:{self.port}?{query}"


def parse_smtp_url(url: str) -> SmtpConfig:
    """Read ``smtp://[user[:pass]@]host[:port][?tls=..&timeout=..&validate_certs=..]``.

    Raises ValueError with a one-line message (never containing the password).
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in {"smtp", "smtps"}:
        raise ValueError(f"SMTP URL must start with smtp:// or smtps://, not {scheme or 'nothing'}")
    if parts.path not in {"", "/"} or parts.fragment:
        raise ValueError("SMTP URL takes no path or #fragment")
    host = parts.hostname
    if not host:
        raise ValueError("SMTP URL has no host name")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("SMTP URL port must be a number from 1 to 65535") from None
    if port == 0:
        raise ValueError("SMTP URL port must be a number from 1 to 65535")

    options = dict(_parse_query(parts.query))
    tls = options.pop("tls", "implicit" if scheme == "smtps" else "starttls").lower()
    if tls not in _DEFAULT_PORTS:
        raise ValueError("SMTP URL tls must be starttls, implicit or none")
    if scheme == "smtps" and tls != "implicit":
        raise ValueError("smtps:// means implicit TLS; use smtp:// with tls=starttls or tls=none")
    timeout = _parse_timeout(options.pop("timeout", str(_DEFAULT_TIMEOUT)))
    validate_certs = _parse_bool(options.pop("validate_certs", "true"))
    if options:
        raise ValueError(
            f"unknown SMTP URL option {sorted(options)[0]}; use tls, timeout or validate_certs"
        )

    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and username is None:
        raise ValueError("SMTP URL has a password but no user name")
    return SmtpConfig(
        host=host,
        port=port or _DEFAULT_PORTS[tls],
        username=username,
        password=password,
        tls=tls,  # type: ignore[arg-type]  # checked against _DEFAULT_PORTS above
        timeout=timeout,
        validate_certs=validate_certs,
    )


def _parse_query(query: str) -> list[tuple[str, str]]:
    pairs = parse_qsl(query, keep_blank_values=True)
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValueError("SMTP URL repeats an option")
    return pairs


def _parse_timeout(value: str) -> float:
    try:
        timeout = float(value)
    except ValueError:
        raise ValueError("SMTP URL timeout must be a number of seconds") from None
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError("SMTP URL timeout must be a positive number of seconds")
    return timeout


def _parse_bool(value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError("SMTP URL validate_certs must be true or false")
