"""Delivering built messages: over SMTP, or into a local mailbox directory.

Both transports are async context managers with one method, ``send(msg)``. The
delivery worker decides what to do with a failure from its class alone:
``TransientError`` (4xx replies, refused or dropped connections, timeouts, TLS
and login problems) is retried with back-off; ``PermanentError`` (a 5xx reply to
this message's envelope or content) is not.

SMTP settings come from one URL, read by ``parse_smtp_url`` (re-exported here
from ``convenor.mail.smtp_config``).
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Self

import aiosmtplib

from convenor.mail.message import InvalidAddress, message_to_bytes, validate_address
from convenor.mail.smtp_config import SmtpConfig, parse_smtp_url

if TYPE_CHECKING:
    from convenor.settings import Settings

__all__ = [
    "MailboxTransport",
    "PermanentError",
    "SmtpConfig",
    "SmtpTransport",
    "TransientError",
    "Transport",
    "check",
    "check_settings",
    "parse_smtp_url",
]

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# 421 means "service closing": the server is hanging up, as when it drops an
# idle connection, so it is handled like a disconnect.
_CLOSING = 421
# Replies about the session rather than the message ("530 Must issue a STARTTLS
# command first", "530 Authentication required"): wrong settings must not fail
# the whole outbox for good.
_SESSION_REPLIES = frozenset({_CLOSING, 530})


class _DeliveryError(Exception):
    """A failed delivery, carrying the server's reply (code and text) when there was one."""

    def __init__(self, reply: str, code: int | None = None) -> None:
        super().__init__(reply)
        self.reply = reply
        self.code = code


class TransientError(_DeliveryError):
    """Delivery failed for now (4xx, connection trouble); try again later."""


class PermanentError(_DeliveryError):
    """The server refused this message for good (5xx); retrying will not help."""


class Transport(Protocol):
    """What the delivery worker needs from a transport."""

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...

    async def send(self, msg: EmailMessage) -> str: ...

    async def send_bytes(
        self, sender: str, recipients: list[str], data: bytes, message_id: str = ""
    ) -> str: ...


def _client(
    config: SmtpConfig, tls_context: ssl.SSLContext | None, local_hostname: str | None
) -> aiosmtplib.SMTP:
    return aiosmtplib.SMTP(
        hostname=config.host,
        port=config.port,
        username=config.username,
        password=config.password if config.username is not None else None,
        local_hostname=local_hostname,
        timeout=config.timeout,
        use_tls=config.tls == "implicit",
        # True, not None: never fall back to plain text if the server stops
        # offering STARTTLS (a downgrade an attacker on the path could force).
        start_tls=config.tls == "starttls",
        validate_certs=config.validate_certs,
        tls_context=tls_context,
    )


def _reply(exc: aiosmtplib.SMTPResponseException) -> str:
    return f"{exc.code} {exc.message}"


def _classify(exc: Exception) -> _DeliveryError:
    """Turn an aiosmtplib (or socket) error raised while sending into our two kinds."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        # One recipient per message: its refusal decides.
        return _classify(exc.recipients[0])
    if isinstance(
        exc,
        aiosmtplib.SMTPSenderRefused | aiosmtplib.SMTPRecipientRefused | aiosmtplib.SMTPDataError,
    ):
        permanent = exc.code >= 500 and exc.code not in _SESSION_REPLIES
        kind = PermanentError if permanent else TransientError
        return kind(_reply(exc), exc.code)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        # Greeting, EHLO, STARTTLS and login replies concern the server or our
        # settings, not this message: fail it for now, not for good.
        return TransientError(_reply(exc), exc.code)
    return TransientError(f"{type(exc).__name__}: {exc}")


class SmtpTransport:
    """One SMTP connection reused for many messages, reconnected once when it has gone stale.

    The connection is opened on the first ``send``, so entering the context never
    fails; ``send`` raises TransientError or PermanentError.
    """

    def __init__(
        self,
        config: SmtpConfig,
        *,
        tls_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        self.config = config
        self._tls_context = tls_context
        self._local_hostname = local_hostname
        self._smtp: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Say QUIT if still connected, then drop the connection."""
        smtp, self._smtp = self._smtp, None
        if smtp is None or not smtp.is_connected:
            return
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError):
            pass  # We are leaving anyway; a rude server changes nothing.
        finally:
            smtp.close()

    async def _connect(self) -> aiosmtplib.SMTP:
        smtp = _client(self.config, self._tls_context, self._local_hostname)
        try:
            await smtp.connect()
        except (aiosmtplib.SMTPException, OSError) as exc:
            smtp.close()
            raise _classify(exc) from exc
        self._smtp = smtp
        return smtp

    async def send(self, msg: EmailMessage) -> str:
        """Deliver ``msg`` to the addresses in its To header; returns the server's reply."""
        sender, recipients = _envelope(msg)
        return await self.send_bytes(sender, recipients, message_to_bytes(msg))

    async def send_bytes(
        self, sender: str, recipients: list[str], data: bytes, message_id: str = ""
    ) -> str:
        """Deliver an already built message with this envelope; returns the server's reply."""
        # One transaction at a time on the one connection.
        async with self._lock:
            smtp = self._smtp
            reused = smtp is not None and smtp.is_connected
            if not reused:
                smtp = await self._connect()
            try:
                return await self._transaction(smtp, sender, recipients, data)
            except _StaleConnection as stale:
                smtp.close()
                self._smtp = None
                if not reused:
                    raise _classify(stale.cause) from stale.cause
            # The server had dropped the idle connection before it saw anything
            # of this message, so sending it again cannot duplicate it.
            smtp = await self._connect()
            try:
                return await self._transaction(smtp, sender, recipients, data)
            except _StaleConnection as stale:
                smtp.close()
                self._smtp = None
                raise _classify(stale.cause) from stale.cause

    async def _transaction(
        self, smtp: aiosmtplib.SMTP, sender: str, recipients: list[str], data: bytes
    ) -> str:
        """MAIL, RCPT, DATA; a disconnect before DATA is reported as _StaleConnection."""
        try:
            await smtp.mail(sender)
            for recipient in recipients:
                await smtp.rcpt(recipient)
        except (aiosmtplib.SMTPServerDisconnected, ConnectionError) as exc:
            raise _StaleConnection(exc) from exc
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code == _CLOSING:
                raise _StaleConnection(exc) from exc
            await self._reset(smtp)
            raise _classify(exc) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            # A read timeout or similar: the server is slow, not gone, so no
            # quick retry; aiosmtplib has already closed the connection.
            smtp.close()
            self._smtp = None
            raise _classify(exc) from exc
        try:
            response = await smtp.data(data)
        except aiosmtplib.SMTPDataError as exc:
            await self._reset(smtp)
            raise _classify(exc) from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            # Lost during DATA: the server may or may not have the message, so
            # this is not retried here; the worker's next attempt decides.
            smtp.close()
            self._smtp = None
            raise _classify(exc) from exc
        return f"{response.code} {response.message}"

    async def _reset(self, smtp: aiosmtplib.SMTP) -> None:
        # Clear the refused envelope so the connection can carry the next message.
        try:
            await smtp.rset()
        except (aiosmtplib.SMTPException, OSError):
            smtp.close()
            self._smtp = None


class _StaleConnection(Exception):
    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _envelope(msg: EmailMessage) -> tuple[str, list[str]]:
    """Envelope sender and recipients, from From and To only (never Cc or Bcc)."""
    try:
        sender = validate_address(msg["From"].addresses[0].addr_spec, allow_local_domain=True)
        recipients = [validate_address(a.addr_spec) for a in msg["To"].addresses]
    except (AttributeError, IndexError, TypeError, InvalidAddress) as exc:
        raise PermanentError(f"message has no valid From or To address: {exc}") from exc
    if not recipients:
        raise PermanentError("message has no To address")
    return sender, recipients


async def check(
    config: SmtpConfig,
    *,
    tls_context: ssl.SSLContext | None = None,
    local_hostname: str | None = None,
) -> str:
    """Connect, greet (TLS, login) and quit; returns one line describing the server.

    Raises TransientError when any step fails.
    """
    smtp = _client(config, tls_context, local_hostname)
    try:
        await smtp.connect()
        if smtp.is_ehlo_or_helo_needed:
            await smtp.ehlo()
        greeting = (smtp.last_ehlo_response or smtp.last_helo_response).message.splitlines()
        await smtp.quit()
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise _classify(exc) from exc
    finally:
        smtp.close()
    security = {"starttls": "STARTTLS", "implicit": "TLS", "none": "no TLS"}[config.tls]
    login = f", logged in as {config.username}" if config.username else ""
    server = greeting[0] if greeting else "?"
    return f"{config.host}:{config.port} ({security}{login}) answered as {server}"


async def check_settings(settings: Settings) -> str:
    """One line for ``convenor check`` about where mail goes; never raises, never shows secrets."""
    if not settings.smtp_url:
        return f"mail: no SMTP configured, messages are written to {settings.mail_dir}"
    try:
        config = parse_smtp_url(settings.smtp_url)
    except ValueError as exc:
        return f"mail: CONVENOR_SMTP_URL is invalid: {exc}"
    try:
        return f"mail: {await check(config)}"
    except TransientError as exc:
        return f"mail: {config.masked()} FAILED: {exc}"


class MailboxTransport:
    """Writes each message as an .eml file in ``directory``, for development and demos."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    async def send(self, msg: EmailMessage) -> str:
        """Write ``msg`` to a new file; returns its path."""
        sender, recipients = _envelope(msg)  # Refuse what SMTP would refuse.
        return await self.send_bytes(
            sender, recipients, message_to_bytes(msg), str(msg.get("Message-ID", ""))
        )

    async def send_bytes(
        self, sender: str, recipients: list[str], data: bytes, message_id: str = ""
    ) -> str:
        """Write an already built message to a new file; returns its path.

        Raises TransientError when the file cannot be written (a full disk, a
        read-only directory), so the message waits in the queue and is tried again.
        """
        try:
            path = await asyncio.to_thread(self._write, data, message_id)
        except OSError as exc:
            raise TransientError(f"cannot write to the mailbox {self.directory}: {exc}") from exc
        return str(path)

    def _write(self, data: bytes, message_id: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        safe_id = _SAFE_NAME.sub("_", message_id.strip("<> ")).strip("._")[:120] or "message"
        final = self.directory / f"{stamp}-{safe_id}.eml"
        # Written under a hidden temporary name and renamed, so a reader (the
        # admin page) never sees half a message.
        handle, temp_name = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as temp:
                temp.write(data)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, final)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return final
