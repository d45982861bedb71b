"""Tests for the local mailbox transport (development and demos: files under var/mail)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from convenor.mail.message import CalendarPart
from convenor.mail.transport import MailboxTransport, PermanentError

from .samples import invite_ics, message


async def test_mailbox_writes_parseable_eml_files(tmp_path):
    ics = invite_ics()
    directory = tmp_path / "var" / "mail"

    async with MailboxTransport(directory) as mailbox:
        first = await mailbox.send(message(number=1, calendar=CalendarPart("REQUEST", ics)))
        second = await mailbox.send(message(number=2))

    files = sorted(directory.iterdir())
    assert [str(f) for f in files] == [first, second]
    assert [f.name.split("-", 1)[1] for f in files] == [
        "invitation-1_example.org.eml",
        "invitation-2_example.org.eml",
    ]
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.SMTP)
    assert parsed["Message-ID"] == "<invitation-1@example.org>"
    calendar = next(p for p in parsed.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_payload(decode=True) == ics


async def test_mailbox_file_name_starts_with_utc_timestamp(tmp_path):
    before = datetime.now(UTC).replace(microsecond=0)

    async with MailboxTransport(tmp_path) as mailbox:
        path = await mailbox.send(message())

    stamp = datetime.strptime(path.rsplit("/", 1)[1][:22], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC) + timedelta(seconds=1)


async def test_mailbox_file_name_is_safe_for_hostile_message_id(tmp_path):
    async with MailboxTransport(tmp_path) as mailbox:
        path = await mailbox.send(message(message_id="<../../etc/passwd@example.org>"))

    [written] = tmp_path.iterdir()
    assert str(written) == path
    assert written.name.endswith("-etc_passwd_example.org.eml")


async def test_mailbox_leaves_no_temporary_files(tmp_path):
    async with MailboxTransport(tmp_path) as mailbox:
        for number in range(3):
            await mailbox.send(message(number=number))

    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".eml", ".eml", ".eml"]


async def test_mailbox_refuses_message_without_recipient(tmp_path):
    msg = message()
    del msg["To"]

    async with MailboxTransport(tmp_path) as mailbox:
        with pytest.raises(PermanentError, match="no valid From or To"):
            await mailbox.send(msg)

    assert list(tmp_path.iterdir()) == []
    async with MailboxTransport(tmp_path) as mailbox:  # control: with its To
        path = await mailbox.send(message())
    assert [str(p) for p in tmp_path.iterdir()] == [path]


async def test_mailbox_accepts_local_development_sender(tmp_path):
    msg = message(sender="Convenor <convenor@localhost>")

    async with MailboxTransport(tmp_path) as mailbox:
        path = await mailbox.send(msg)

    parsed = message_from_bytes(Path(path).read_bytes(), policy=policy.SMTP)
    assert parsed["From"] == "Convenor <convenor@localhost>"
