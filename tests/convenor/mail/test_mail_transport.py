"""Delivery against a real SMTP server (aiosmtpd): replies, reconnects, TLS, mailbox files."""

from __future__ import annotations

import asyncio
import re
import ssl
from email import message_from_bytes, policy

import pytest

from convenor.mail.message import CalendarPart, message_to_bytes
from convenor.mail.transport import (
    PermanentError,
    SmtpTransport,
    TransientError,
    parse_smtp_url,
)
from tests.mailserver import SmtpServer

from .samples import invite_ics, message


def transport(server: SmtpServer, context: ssl.SSLContext | None = None) -> SmtpTransport:
    return SmtpTransport(
        parse_smtp_url(server.url), tls_context=context, local_hostname="client.test"
    )


async def test_send_delivers_invitation_bytes_exactly(smtp_server):
    ics = invite_ics()
    msg = message(html="<p>Dear Ann,</p>", calendar=CalendarPart("REQUEST", ics))

    async with transport(smtp_server) as smtp:
        reply = await smtp.send(msg)

    assert reply == "250 2.0.0 Ok: queued as TEST1"
    [received] = smtp_server.messages
    assert received.mail_from == "noreply@example.org"
    assert received.rcpt_tos == ("ann@example.com",)
    assert received.data == message_to_bytes(msg)


async def test_send_received_message_reparses_with_calendar_intact(smtp_server):
    ics = invite_ics()
    msg = message(html="<p>Dear Ann,</p>", calendar=CalendarPart("REQUEST", ics))

    async with transport(smtp_server) as smtp:
        await smtp.send(msg)

    data = smtp_server.messages[0].data
    assert all(line.endswith(b"\r\n") for line in data.splitlines(keepends=True))
    parsed = message_from_bytes(data, policy=policy.SMTP)
    parts = [(p.get_content_type(), p.get_param("method")) for p in parsed.walk()]
    assert parts == [
        ("multipart/mixed", None),
        ("multipart/alternative", None),
        ("text/plain", None),
        ("text/html", None),
        ("text/calendar", "REQUEST"),
        ("application/ics", "REQUEST"),
    ]
    calendars = [p.get_payload(decode=True) for p in parsed.walk() if p.get_param("method")]
    assert calendars == [ics, ics]
    assert all(line.endswith(b"\r\n") for line in ics.splitlines(keepends=True))


async def test_send_reuses_one_connection_for_many_messages(smtp_server):
    async with transport(smtp_server) as smtp:
        for number in range(3):
            await smtp.send(message(number=number))

    assert smtp_server.connections == 1
    assert [m.data.split(b"\r\n")[2] for m in smtp_server.messages] == [
        b"Subject: Invitation 0",
        b"Subject: Invitation 1",
        b"Subject: Invitation 2",
    ]


async def test_send_4xx_reply_is_transient_with_reply_text(smtp_server):
    smtp_server.reply_next("451 4.3.0 Try later")

    async with transport(smtp_server) as smtp:
        with pytest.raises(TransientError) as raised:
            await smtp.send(message())

    assert str(raised.value) == "451 4.3.0 Try later"
    assert raised.value.code == 451
    assert smtp_server.messages == []


async def test_send_5xx_data_reply_is_permanent_with_reply_text(smtp_server):
    smtp_server.reply_next("554 5.6.0 Message rejected")

    async with transport(smtp_server) as smtp:
        with pytest.raises(PermanentError) as raised:
            await smtp.send(message())

    assert (raised.value.reply, raised.value.code) == ("554 5.6.0 Message rejected", 554)


async def test_send_refused_recipient_5xx_is_permanent(smtp_server):
    smtp_server.reply_next("550 5.1.1 No such user", stage="RCPT")

    async with transport(smtp_server) as smtp:
        with pytest.raises(PermanentError) as raised:
            await smtp.send(message())

    assert str(raised.value) == "550 5.1.1 No such user"


async def test_send_refused_recipient_4xx_is_transient(smtp_server):
    smtp_server.reply_next("450 4.2.1 Mailbox busy", stage="RCPT")

    async with transport(smtp_server) as smtp:
        with pytest.raises(TransientError, match=re.escape("450 4.2.1 Mailbox busy")):
            await smtp.send(message())


async def test_send_after_refusal_reuses_the_connection(smtp_server):
    smtp_server.reply_next("550 5.1.1 No such user", stage="RCPT")

    async with transport(smtp_server) as smtp:
        with pytest.raises(PermanentError):
            await smtp.send(message(to="nobody@example.com", number=1))
        await smtp.send(message(number=2))

    assert smtp_server.connections == 1
    assert [m.rcpt_tos for m in smtp_server.messages] == [("ann@example.com",)]


async def test_send_session_reply_530_is_transient(smtp_server):
    smtp_server.reply_next("530 5.7.0 Authentication required", stage="MAIL")

    async with transport(smtp_server) as smtp:
        with pytest.raises(TransientError, match=re.escape("530 5.7.0")):
            await smtp.send(message())


async def test_send_when_server_down_is_transient(smtp_server):
    smtp_server.stop()

    async with transport(smtp_server) as smtp:
        with pytest.raises(TransientError, match="Connect call failed") as raised:
            await smtp.send(message())

    assert raised.value.code is None


async def test_send_after_server_comes_back_delivers(smtp_server):
    smtp_server.stop()
    async with transport(smtp_server) as smtp:
        with pytest.raises(TransientError):
            await smtp.send(message(number=1))
        smtp_server.start()
        await smtp.send(message(number=2))

    assert [m.data.split(b"\r\n")[2] for m in smtp_server.messages] == [b"Subject: Invitation 2"]


async def test_send_server_that_never_greets_times_out_transient():
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # Say nothing until the client gives up.
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config = parse_smtp_url(f"smtp://127.0.0.1:{port}?tls=none&timeout=0.3")
    try:
        async with SmtpTransport(config, local_hostname="client.test") as smtp:
            with pytest.raises(TransientError, match="SMTPConnectTimeoutError"):
                await smtp.send(message())
    finally:
        server.close()
        await server.wait_closed()


async def test_send_server_that_stops_answering_mid_transaction_is_transient():
    async def stalls_after_ehlo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 slow.example.org ESMTP\r\n")
        await reader.readline()  # EHLO
        writer.write(b"250 slow.example.org\r\n")
        await reader.read()  # MAIL FROM, never answered
        writer.close()

    server = await asyncio.start_server(stalls_after_ehlo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config = parse_smtp_url(f"smtp://127.0.0.1:{port}?tls=none&timeout=0.3")
    try:
        async with SmtpTransport(config, local_hostname="client.test") as smtp:
            with pytest.raises(TransientError, match="SMTPReadTimeoutError"):
                await smtp.send(message())
    finally:
        server.close()
        await server.wait_closed()


async def test_send_reconnects_when_server_dropped_the_connection(smtp_server):
    async with transport(smtp_server) as smtp:
        await smtp.send(message(number=1))
        smtp_server.drop_connections()  # The client has not noticed yet.
        await smtp.send(message(number=2))

    assert smtp_server.connections == 2
    assert [m.data.split(b"\r\n")[2] for m in smtp_server.messages] == [
        b"Subject: Invitation 1",
        b"Subject: Invitation 2",
    ]


async def test_send_reconnects_after_client_noticed_the_drop(smtp_server):
    async with transport(smtp_server) as smtp:
        await smtp.send(message(number=1))
        smtp_server.drop_connections()
        await asyncio.sleep(0.05)  # Let the client see the connection close.
        await smtp.send(message(number=2))

    assert smtp_server.connections == 2
    assert len(smtp_server.messages) == 2


async def test_send_reconnects_after_421_service_closing(smtp_server):
    async with transport(smtp_server) as smtp:
        await smtp.send(message(number=1))
        smtp_server.reply_next("421 4.4.2 Idle timeout, closing", stage="MAIL")
        await smtp.send(message(number=2))

    assert smtp_server.connections == 2
    assert len(smtp_server.messages) == 2


async def test_send_421_on_fresh_connection_is_transient(smtp_server):
    smtp_server.reply_next("421 4.3.2 Shutting down", stage="MAIL")

    async with transport(smtp_server) as smtp:
        with pytest.raises(TransientError, match=re.escape("421 4.3.2 Shutting down")):
            await smtp.send(message())

    assert smtp_server.connections == 1


async def test_send_reconnects_only_once(smtp_server):
    async with transport(smtp_server) as smtp:
        await smtp.send(message(number=1))
        smtp_server.reply_next("421 4.4.2 Closing", stage="MAIL", times=2)
        with pytest.raises(TransientError, match=re.escape("421 4.4.2 Closing")):
            await smtp.send(message(number=2))

    assert smtp_server.connections == 2
    assert len(smtp_server.messages) == 1


async def test_send_injected_name_adds_no_recipient_or_header(smtp_server):
    msg = message(to_name='Eve "\r\nBcc: x@example.com', subject="Hi\r\nCc: y@example.com")

    async with transport(smtp_server) as smtp:
        await smtp.send(msg)

    [received] = smtp_server.messages
    assert received.rcpt_tos == ("ann@example.com",)
    parsed = message_from_bytes(received.data, policy=policy.SMTP)
    assert "Bcc" not in parsed
    assert "Cc" not in parsed
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ann@example.com"]


async def test_send_ignores_bcc_header_for_envelope_and_content(smtp_server):
    msg = message()
    msg["Bcc"] = "spy@example.com"

    async with transport(smtp_server) as smtp:
        await smtp.send(msg)

    [received] = smtp_server.messages
    assert received.rcpt_tos == ("ann@example.com",)
    assert b"spy@example.com" not in received.data


async def test_send_starttls_with_trusted_ca_uses_tls(smtp_server_starttls, tls_client_context):
    async with transport(smtp_server_starttls, tls_client_context) as smtp:
        await smtp.send(message())

    assert [m.tls for m in smtp_server_starttls.messages] == [True]


async def test_send_starttls_with_untrusted_certificate_is_transient(smtp_server_starttls):
    async with transport(smtp_server_starttls) as smtp:
        with pytest.raises(TransientError, match="CERTIFICATE_VERIFY_FAILED"):
            await smtp.send(message())

    assert smtp_server_starttls.messages == []


async def test_send_starttls_without_validation_when_configured(smtp_server_starttls):
    config = parse_smtp_url(smtp_server_starttls.url + "&validate_certs=false")

    async with SmtpTransport(config, local_hostname="client.test") as smtp:
        await smtp.send(message())

    assert [m.tls for m in smtp_server_starttls.messages] == [True]


async def test_send_plain_to_server_requiring_starttls_is_transient(smtp_server_starttls):
    config = parse_smtp_url(smtp_server_starttls.url.replace("tls=starttls", "tls=none"))

    async with SmtpTransport(config, local_hostname="client.test") as smtp:
        with pytest.raises(TransientError, match="530"):
            await smtp.send(message())


async def test_send_implicit_tls_with_trusted_ca(smtp_server_implicit_tls, tls_client_context):
    async with transport(smtp_server_implicit_tls, tls_client_context) as smtp:
        await smtp.send(message(number=1))
        await smtp.send(message(number=2))

    assert [m.tls for m in smtp_server_implicit_tls.messages] == [True, True]
    assert smtp_server_implicit_tls.connections == 1


async def test_send_logs_in_over_starttls(make_smtp_server, tls_client_context):
    server = make_smtp_server(tls="starttls", credentials=("mailer", "s3cret"))

    async with transport(server, tls_client_context) as smtp:
        await smtp.send(message())

    assert len(server.messages) == 1


async def test_send_wrong_password_is_transient(make_smtp_server, tls_client_context):
    server = make_smtp_server(tls="starttls", credentials=("mailer", "s3cret"))
    config = parse_smtp_url(server.url.replace("s3cret", "wrong"))

    async with SmtpTransport(config, tls_context=tls_client_context) as smtp:
        with pytest.raises(TransientError, match="535"):
            await smtp.send(message())
