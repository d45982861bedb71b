"""A real SMTP server (aiosmtpd) and real TLS certificates (trustme) for mail tests.

Registered for the whole suite by ``pytest_plugins`` in tests/conftest.py. Typical use::

    async def test_x(smtp_server):
        smtp_server.reply_next("451 4.3.0 Try later")      # refuse the next DATA
        ... send to parse_smtp_url(smtp_server.url) ...
        assert smtp_server.messages[0].rcpt_tos == ("ann@example.com",)
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SERVER_NAME = "mail.example.org"
Stage = Literal["MAIL", "RCPT", "DATA"]


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the server accepted it: envelope and exact bytes."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    tls: bool


class RecordingHandler:
    """aiosmtpd handler that records envelopes and connections and can refuse on cue.

    Its hooks run on the server's thread; the lists are only appended to there and
    read by tests after a send has returned, which the SMTP reply orders.
    """

    def __init__(self) -> None:
        self.messages: list[ReceivedMail] = []
        # One entry per TCP connection that greeted us (aiosmtpd's SMTP object
        # is per connection and survives STARTTLS, unlike its Session).
        self.connections: list[Any] = []
        self._replies: dict[str, deque[str]] = {"MAIL": deque(), "RCPT": deque(), "DATA": deque()}
        self._lock = threading.Lock()

    def reply_next(self, reply: str, *, stage: Stage = "DATA", times: int = 1) -> None:
        """Answer the next ``times`` commands of ``stage`` with ``reply`` instead of accepting."""
        with self._lock:
            self._replies[stage].extend([reply] * times)

    def _take(self, stage: str) -> str | None:
        with self._lock:
            return self._replies[stage].popleft() if self._replies[stage] else None

    def _greeted(self, server: Any) -> None:
        if not any(seen is server for seen in self.connections):
            self.connections.append(server)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self._greeted(server)
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        session.host_name = hostname
        self._greeted(server)
        return f"250 {server.hostname}"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if reply := self._take("MAIL"):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if reply := self._take("RCPT"):
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if reply := self._take("DATA"):
            return reply
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.messages.append(
            ReceivedMail(
                envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content, tls
            )
        )
        return "250 2.0.0 Ok: queued as TEST1"


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1, on its own thread, that can be stopped and restarted."""

    def __init__(
        self,
        *,
        tls: Literal["none", "starttls", "implicit"] = "none",
        tls_context: ssl.SSLContext | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        if tls != "none" and tls_context is None:
            raise ValueError("a TLS server needs tls_context")
        self.tls = tls
        self.host = "127.0.0.1"
        self.port = free_port()
        self.handler = RecordingHandler()
        self._tls_context = tls_context
        self._credentials = credentials
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ReceivedMail]:
        return self.handler.messages

    @property
    def connections(self) -> int:
        return len(self.handler.connections)

    @property
    def url(self) -> str:
        """An smtp:// URL for this server (credentials included when it has them)."""
        userinfo = f"{self._credentials[0]}:{self._credentials[1]}@" if self._credentials else ""
        return f"smtp://{userinfo}{self.host}:{self.port}?tls={self.tls}&timeout=5"

    def reply_next(self, reply: str, *, stage: Stage = "DATA", times: int = 1) -> None:
        self.handler.reply_next(reply, stage=stage, times=times)

    def start(self) -> None:
        kwargs: dict[str, Any] = {"server_hostname": SERVER_NAME, "ready_timeout": 5.0}
        if self.tls == "implicit":
            kwargs["ssl_context"] = self._tls_context
        elif self.tls == "starttls":
            kwargs["tls_context"] = self._tls_context
            kwargs["require_starttls"] = True
        if self._credentials is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_required"] = True
            # aiosmtpd only counts STARTTLS as TLS; with implicit TLS the whole
            # connection is encrypted already.
            kwargs["auth_require_tls"] = self.tls == "starttls"
        self._controller = Controller(self.handler, hostname=self.host, port=self.port, **kwargs)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening and close every open connection (clients see the server gone)."""
        if self._controller is None:
            return
        self.drop_connections()
        self._controller.stop()
        self._controller = None

    def drop_connections(self) -> None:
        """Close every client connection from the server's side, as an idle timeout would."""
        if self._controller is None:
            return
        servers = list(self.handler.connections)

        async def close_all() -> None:
            for server in servers:
                if server.transport is not None:
                    server.transport.close()
            # Wait for connection_lost, so the sockets are really shut when we return.
            for _ in range(100):
                if all(server.transport is None for server in servers):
                    return
                await asyncio.sleep(0.01)

        asyncio.run_coroutine_threadsafe(close_all(), self._controller.loop).result(timeout=5)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        expected = self._credentials
        ok = (
            isinstance(auth_data, LoginPassword)
            and expected is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == expected
        )
        # handled=False makes aiosmtpd answer "535 ... credentials invalid" itself.
        return AuthResult(success=ok, handled=False)


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def tls_ca() -> trustme.CA:
    """A throw-away certificate authority."""
    return trustme.CA()


@pytest.fixture(scope="session")
def tls_server_context(tls_ca: trustme.CA) -> ssl.SSLContext:
    """Server side: a certificate for localhost and 127.0.0.1 signed by ``tls_ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="session")
def tls_client_context(tls_ca: trustme.CA) -> ssl.SSLContext:
    """Client side: verifies certificates and trusts ``tls_ca`` (and nothing else)."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    tls_ca.configure_trust(context)
    return context


@pytest.fixture
def make_smtp_server(tls_server_context: ssl.SSLContext) -> Iterator[Callable[..., SmtpServer]]:
    """Factory: ``make_smtp_server(tls="none"|"starttls"|"implicit", credentials=None)``.

    Servers are started on creation and stopped after the test.
    """
    servers: list[SmtpServer] = []

    def make(**kwargs: Any) -> SmtpServer:
        if kwargs.get("tls", "none") != "none":
            kwargs.setdefault("tls_context", tls_server_context)
        server = SmtpServer(**kwargs)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def smtp_server(make_smtp_server: Callable[..., SmtpServer]) -> SmtpServer:
    """A plain SMTP server (no TLS, no login)."""
    return make_smtp_server()


@pytest.fixture
def smtp_server_starttls(make_smtp_server: Callable[..., SmtpServer]) -> SmtpServer:
    """An SMTP server that refuses mail until the client has done STARTTLS."""
    return make_smtp_server(tls="starttls")


@pytest.fixture
def smtp_server_implicit_tls(make_smtp_server: Callable[..., SmtpServer]) -> SmtpServer:
    """An SMTP server that speaks TLS from the first byte (as on port 465)."""
    return make_smtp_server(tls="implicit")
