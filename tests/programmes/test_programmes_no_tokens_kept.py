"""No personal-link token is kept where it should not be, after a whole journey.

An organiser invites a delegate and a speaker, a community group lists itself and asks
for an edit link; the delegate registers through their link and reads their agenda
feed, the speaker confirms, the group confirms and opens its edit link; the worker
delivers every email to a real SMTP server. Every token is collected from the emails
received (and the feed's from the delegate's own page). None may appear in the logs
(the request log in-process; uvicorn's access log of a real ``convenor serve``), in
any outbox row or on any Outbox page; the emails themselves carry working links.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import os
import re
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx

from convenor.mail.models import OutboxMessage, OutboxStatus
from convenor.mail.worker import deliver_due
from convenor.models import Role
from directory.taxonomy import ensure_taxonomy
from events.invitations import send_invitations
from programmes.publishing import publish_programme
from programmes.speakers import invite_speaker
from tests.conftest import TEST_SECRET, csrf_token, make_staff, sign_in
from tests.directory.factories import GROUP_FORM, make_entry
from tests.events.factories import ANSWERS, invite

LINK = re.compile(
    r"/(i|speaker|agenda|directory/confirm|directory/edit)/([A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])"
)
Deliver = Callable[[], Awaitable[list[email.message.EmailMessage]]]


@dataclass
class Tokens:
    """Every token the journey's people were given, by the kind of link."""

    by_kind: dict[str, set[str]] = field(default_factory=dict)

    def add_from(self, text: str) -> None:
        for kind, token in LINK.findall(text):
            self.by_kind.setdefault(kind, set()).add(token)

    def one(self, kind: str, text: str) -> str:
        found = [t for k, t in LINK.findall(text) if k == kind]
        assert found, f"no /{kind}/ link in {text!r}"
        self.add_from(text)
        return found[0]

    @property
    def all(self) -> set[str]:
        return set().union(*self.by_kind.values())


def readable(message: email.message.EmailMessage) -> str:
    """The message's text, HTML and calendar parts, decoded and unfolded."""
    parts = [
        part.get_content()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html", "text/calendar")
    ]
    return re.sub(r"\r?\n[ \t]", "", "\n".join(parts))


async def post_form(client: httpx.AsyncClient, path: str, data: dict, page: str | None = None):
    token = await csrf_token(client, page or path)
    return await client.post(path, data={**data, "csrf_token": token})


async def journey(client, organiser, event, programme, settings, deliver: Deliver) -> Tokens:
    """The people's journey through their links; returns every token they were given."""
    tokens = Tokens()
    await ensure_taxonomy()
    await invite(organiser, event, 1)
    await send_invitations(organiser, event.id, settings)
    await publish_programme(organiser, event.id, settings)
    [invitation] = [m for m in await deliver() if "delegate1@" in m["To"]]
    delegate = tokens.one("i", readable(invitation))

    # The delegate registers through their link and subscribes to their agenda.
    assert (await client.get(f"/i/{delegate}")).status_code == 200
    registered = await post_form(client, f"/i/{delegate}/register", ANSWERS, f"/i/{delegate}")
    assert registered.status_code == 303, registered.text
    assert (await client.get(f"/i/{delegate}/registered")).status_code == 200
    made = await post_form(client, f"/i/{delegate}/agenda/feed", {}, f"/i/{delegate}/agenda")
    assert made.status_code == 303
    feed = tokens.one("agenda", (await client.get(f"/i/{delegate}/agenda")).text)
    subscribed = await client.get(f"/agenda/{feed}.ics")
    assert subscribed.status_code == 200
    assert subscribed.text.startswith("BEGIN:VCALENDAR")

    # The speaker confirms through theirs.
    vru = programme["speakers"][2]
    await invite_speaker(organiser, event.id, vru.id, settings)
    [to_speaker] = [m for m in await deliver() if "li@vru.example.org" in m["To"]]
    speaker = tokens.one("speaker", readable(to_speaker))
    confirmed = await post_form(client, f"/speaker/{speaker}/confirm", {}, f"/speaker/{speaker}")
    assert confirmed.status_code == 303

    # A group lists itself and confirms; a listed group asks for an edit link.
    listed = await post_form(client, "/directory/list-your-group", GROUP_FORM)
    assert listed.status_code == 303
    entry = await make_entry("Freemantle Friends")
    asked = await post_form(
        client,
        f"/directory/{entry.id}/edit-link",
        {"edit_email": "sam@example.org"},
        page=f"/directory/{entry.id}",
    )
    assert asked.status_code in (200, 303)
    directory_mail = await deliver()
    confirm = tokens.one(
        "directory/confirm", "\n".join(readable(m) for m in directory_mail if "mo@" in m["To"])
    )
    edit = tokens.one(
        "directory/edit", "\n".join(readable(m) for m in directory_mail if "sam@" in m["To"])
    )
    assert (await post_form(client, f"/directory/confirm/{confirm}", {})).status_code == 200
    assert (await client.get(f"/directory/edit/{edit}")).status_code == 200

    for message in await deliver():  # the rest: confirmations, programme emails
        tokens.add_from(readable(message))
    return tokens


async def outbox_pages(client, organiser) -> list[str]:
    """Every Outbox page an admin can open: the lists and each message in full."""
    await sign_in(client, await make_staff(Role.ADMIN))
    shown = []
    for status in ("", "queued", "sending", "sent", "failed"):
        page = await client.get(f"/staff/outbox?status={status}")
        assert page.status_code == 200
        shown.append(page.text)
    for row in await OutboxMessage.all().order_by("id"):
        for suffix in ("", "/html", "/invite.ics"):
            page = await client.get(f"/staff/outbox/{row.id}{suffix}")
            assert page.status_code == (404 if suffix and page.status_code == 404 else 200)
            shown.append(page.text)
    return shown


async def outbox_rows() -> list[str]:
    """Every stored outbox message as text: bodies, calendar and raw copy, unfolded."""
    stored = []
    for row in await OutboxMessage.all().order_by("id"):
        assert row.status == OutboxStatus.SENT, (row.id, row.status, row.last_error)
        for value in (row.subject, row.text_body, row.html_body, row.calendar_ics):
            stored.append(re.sub(r"\r?\n[ \t]", "", value or ""))
        stored.append(row.raw_message.replace("=\r\n", ""))
        if row.raw_message:
            stored.append(
                readable(email.message_from_string(row.raw_message, policy=email.policy.SMTP))
            )
    return stored


def assert_journey_gave_links(tokens: Tokens) -> None:
    """Positive control: the emails carried a link of every kind."""
    assert {k: len(v) for k, v in tokens.by_kind.items()} == {
        "i": 1,
        "agenda": 1,
        "speaker": 1,
        "directory/confirm": 1,
        "directory/edit": 1,
    }


def received(smtp_server, seen: list[int]) -> list[email.message.EmailMessage]:
    """Messages the SMTP server accepted since the last call."""
    new = smtp_server.messages[seen[0] :]
    seen[0] = len(smtp_server.messages)
    return [email.message_from_bytes(m.data, policy=email.policy.default) for m in new]


async def test_journey_leaves_no_token_in_logs_outbox_or_outbox_pages(
    client, event, programme, organiser, settings, smtp_server, caplog
):
    caplog.set_level(logging.INFO)  # as `convenor serve` logs
    configured = replace(settings, smtp_url=smtp_server.url)
    seen = [0]

    async def deliver() -> list[email.message.EmailMessage]:
        await deliver_due(configured)
        return received(smtp_server, seen)

    tokens = await journey(client, organiser, event, programme, settings, deliver)
    rows = await outbox_rows()
    pages = await outbox_pages(client, organiser)
    delivered = [readable(m) for m in received(smtp_server, [0])]

    assert_journey_gave_links(tokens)
    assert len(rows) > 20
    # The server's log: every record but the test client's own (httpx logs each URL).
    server_log = "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    request_lines = [r.getMessage() for r in caplog.records if r.name == "convenor.request"]
    assert any(line.startswith("POST /i/[redacted]/register 303") for line in request_lines)
    assert any(line.startswith("GET /agenda/[redacted].ics 200") for line in request_lines)
    for token in tokens.all:
        assert token not in server_log
        assert not [text for text in rows if token in text]
        assert not [text for text in pages if token in text]
        # The people themselves got working links.
        assert any(token in text for text in delivered) or token in tokens.by_kind["agenda"]
    still_works = await client.get(f"/i/{next(iter(tokens.by_kind['i']))}")
    assert still_works.status_code == 200


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_convenor_serve_access_log_shows_no_token(
    event, programme, organiser, settings, smtp_server, tmp_path
):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CONVENOR_DATABASE_URL": settings.database_url,
        "CONVENOR_SECRET_KEY": TEST_SECRET,
        "CONVENOR_BASE_URL": base_url,
        "CONVENOR_SMTP_URL": smtp_server.url,
        "CONVENOR_MAIL_FROM": settings.mail_from,
        "CONVENOR_DATA_DIR": str(tmp_path / "data"),
        "CONVENOR_ENV": "development",
    }
    log_path = tmp_path / "serve.log"
    convenor = Path(sys.executable).with_name("convenor")
    with log_path.open("wb") as log_file:
        server = subprocess.Popen(
            [str(convenor), "serve", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
                await wait_until_up(client, server)
                seen = [0]

                async def deliver() -> list[email.message.EmailMessage]:
                    # The worker inside `convenor serve` delivers; wait until it has.
                    for _ in range(200):
                        busy = await OutboxMessage.filter(
                            status__in=[OutboxStatus.QUEUED, OutboxStatus.SENDING]
                        ).count()
                        if not busy:
                            break
                        await asyncio.sleep(0.1)
                    return received(smtp_server, seen)

                tokens = await journey(client, organiser, event, programme, settings, deliver)
                pages = await outbox_pages(client, organiser)
        finally:
            server.terminate()
            server.wait(timeout=30)
    log = log_path.read_text()

    assert_journey_gave_links(tokens)
    assert re.search(r'"POST /i/\[redacted\]/register HTTP/1.1" 303', log), log
    assert re.search(r'"GET /agenda/\[redacted\].ics HTTP/1.1" 200', log), log
    assert re.search(r'"GET /speaker/\[redacted\] HTTP/1.1" 200', log), log
    assert re.search(r'"GET /directory/edit/\[redacted\] HTTP/1.1" 200', log), log
    for token in tokens.all:
        assert token not in log
        assert not [text for text in pages if token in text]
    assert not [text for text in await outbox_rows() if any(t in text for t in tokens.all)]


async def wait_until_up(client: httpx.AsyncClient, server: subprocess.Popen) -> None:
    for _ in range(300):
        assert server.poll() is None, "convenor serve stopped"
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("convenor serve did not answer /healthz")
