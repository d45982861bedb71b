"""Typed settings, read from ``CONVENOR_*`` environment variables and an optional ``.env``.

There is no import-time singleton: ``Settings.from_env()`` is called by the CLI and the
tests, and the result is handed to ``create_app``. A bad value raises ``SettingsError``
whose message is one line naming the variable and what is wrong with it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

ENVIRONMENTS = ("development", "production")
# CONVENOR_PASSWORD_HASHING: "standard" is argon2id with the library's recommended costs;
# "fast" is argon2id with the smallest costs, for test suites only (refused in production).
PASSWORD_HASHING = ("standard", "fast")
DEFAULT_DOMAINS = ("directory", "events", "programmes", "plans")
DEFAULT_API_TOKEN_DAYS = 90


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str = ""
    mail_from: str = "Convenor <convenor@example.org>"
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    login_window_minutes: int = 15
    api_token_days: int = DEFAULT_API_TOKEN_DAYS  # CONVENOR_API_TOKEN_DAYS: life of a new API token
    max_body_bytes: int = 10 * 1024 * 1024
    mail_retry_hours: int = 24
    password_hashing: str = "standard"
    domains: tuple[str, ...] = field(default=DEFAULT_DOMAINS)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
    ) -> Settings:
        """Read settings from the environment (which wins) and an optional .env file."""
        values: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            values.update(read_dotenv(dotenv))
        values.update(os.environ if environ is None else environ)
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Settings:
        kwargs: dict[str, object] = {}
        for f in fields(cls):
            name = f"CONVENOR_{f.name.upper()}"
            if name not in values or f.name == "domains":
                continue
            raw = values[name].strip()
            if f.type in ("int",):
                try:
                    kwargs[f.name] = int(raw)
                except ValueError:
                    raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
            elif f.type == "Path":
                kwargs[f.name] = Path(raw)
            else:
                kwargs[f.name] = raw
        settings = cls(**kwargs)  # type: ignore[arg-type]
        settings.validate()
        return settings.with_defaults()

    def validate(self) -> None:
        if self.env not in ENVIRONMENTS:
            raise SettingsError(
                f"CONVENOR_ENV must be one of {', '.join(ENVIRONMENTS)}, not {self.env!r}"
            )
        if self.database_url:
            scheme = self.database_url.split(":", 1)[0]
            if scheme not in ("sqlite", "postgres", "postgresql"):
                raise SettingsError(
                    "CONVENOR_DATABASE_URL must start with sqlite:// or postgres://, "
                    f"not {scheme!r}"
                )
        base = urlsplit(self.base_url)
        if base.scheme not in ("http", "https") or not base.netloc:
            raise SettingsError(
                f"CONVENOR_BASE_URL must be an http:// or https:// address, not {self.base_url!r}"
            )
        if self.smtp_url:
            scheme = self.smtp_url.split(":", 1)[0]
            if scheme not in ("smtp", "smtps"):
                raise SettingsError(
                    f"CONVENOR_SMTP_URL must start with smtp:// or smtps://, not {scheme!r}"
                )
        if "@" not in self.mail_from:
            raise SettingsError(
                f"CONVENOR_MAIL_FROM must contain an email address, not {self.mail_from!r}"
            )
        if self.password_hashing not in PASSWORD_HASHING:
            raise SettingsError(
                f"CONVENOR_PASSWORD_HASHING must be one of {', '.join(PASSWORD_HASHING)}, "
                f"not {self.password_hashing!r}"
            )
        if self.is_production and self.password_hashing != "standard":
            raise SettingsError(
                "CONVENOR_PASSWORD_HASHING=fast is for tests only; "
                "it is refused when CONVENOR_ENV=production"
            )
        if self.secret_key and len(self.secret_key) < 32:
            raise SettingsError("CONVENOR_SECRET_KEY must be at least 32 characters long")
        if self.is_production and not self.secret_key:
            raise SettingsError("CONVENOR_SECRET_KEY is required when CONVENOR_ENV=production")
        for name in (
            "session_idle_minutes",
            "session_absolute_hours",
            "max_body_bytes",
            "mail_retry_hours",
            "api_token_days",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"CONVENOR_{name.upper()} must be greater than zero")

    def with_defaults(self) -> Settings:
        """Fill in the database URL; the secret key is filled by ``with_secret_key``."""
        url = self.database_url or f"sqlite://{self.data_dir / 'convenor.sqlite3'}"
        return replace(self, database_url=url)

    def with_secret_key(self) -> Settings:
        """In development, generate a secret key once and keep it under the data dir."""
        if self.secret_key:
            return self
        if self.is_production:
            raise SettingsError("CONVENOR_SECRET_KEY is required when CONVENOR_ENV=production")
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
        return replace(self, secret_key=path.read_text().strip())

    def masked(self) -> dict[str, str]:
        """The effective configuration with secrets hidden, for ``convenor check``."""
        shown: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "secret_key":
                value = "*** (set)" if value else "(not set)"
            elif f.name in ("database_url", "smtp_url"):
                value = mask_url_password(str(value)) if value else "(not set)"
            elif isinstance(value, tuple):
                value = ", ".join(value)
            shown[f"CONVENOR_{f.name.upper()}"] = str(value)
        return shown


def mask_url_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; blank lines and # comments are ignored, quotes stripped."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values
