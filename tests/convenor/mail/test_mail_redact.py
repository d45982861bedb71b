"""Personal-link tokens redacted: every URL shape that carries one, the Outbox pages,
delivered rows, the request log line and uvicorn's access log configuration."""

from __future__ import annotations

import logging

import pytest

from convenor.auth import new_secret
from convenor.cli import serve_logging
from convenor.mail.message import CalendarPart
from convenor.mail.models import OutboxMessage, OutboxStatus
from convenor.mail.outbox import RenderedEmail
from convenor.mail.worker import deliver_due
from convenor.models import Role
from convenor.redact import RedactFilter, redact, redact_calendar
from tests.conftest import make_staff, sign_in
from tests.convenor.factories import queue, smtp_settings

TOKEN = new_secret()
SHAPES = [
    "/i/{t}",
    "/i/{t}/register",
    "/i/{t}/agenda?done=feed#feed",
    "/i/{t}/programme/sessions/12.ics",
    "/speaker/{t}",
    "/speaker/{t}/programme",
    "/agenda/{t}.ics",
    "webcal://convenor.example.org/agenda/{t}.ics",
    "/directory/confirm/{t}",
    "/directory/edit/{t}",
    "https://convenor.example.org/i/{t}",
    '<a href="https://convenor.example.org/i/{t}">Register</a>',
    "/login?next=%2Fi%2F{t}",
    "/anything?token={t}&x=1",
]


@pytest.mark.parametrize("shape", SHAPES)
def test_redact_removes_the_token_from_every_link_shape(shape):
    text = shape.format(t=TOKEN)

    redacted = redact(text)

    assert TOKEN not in redacted
    assert redacted == shape.format(t="[redacted]")


@pytest.mark.parametrize(
    "text",
    [
        "/events/6f1c2a8e-1b2c-4d5e-8f90-123456789abc",  # an unlisted event's UUID
        "/directory/harbour-womens-refuge-southampton-west",
        "/staff/events/12/programme/sessions/34",
        "GET /static/convenor.css 200 request_id=5e0c1a2b3c4d5e6f",
        "Dear Ann, the summit is on Wednesday.",
    ],
)
def test_redact_leaves_text_without_tokens_alone(text):
    assert redact(text) == text


def test_redact_removes_every_token_generated():
    tokens = [new_secret() for _ in range(2000)]

    kept = [t for t in tokens if t in redact(f"/i/{t}/register")]

    assert kept == []


def folded_invite(link: str) -> str:
    """An invite whose DESCRIPTION holds ``link``, folded at 75 octets."""
    description = f"DESCRIPTION:Manage: {link}\\nSee you there."
    lines = ["BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:VEVENT", "UID:abc@convenor", description]
    folded = []
    for line in lines:
        while len(line) > 75:
            folded.append(line[:75])
            line = " " + line[75:]
        folded.append(line)
    return "\r\n".join([*folded, "END:VEVENT", "END:VCALENDAR", ""])


def test_redact_calendar_finds_a_token_split_by_line_folding():
    ics = folded_invite(f"https://convenor.example.org/i/{TOKEN}")
    assert TOKEN not in ics  # folded across two lines

    redacted = redact_calendar(ics)

    unfolded = redacted.replace("\r\n ", "")
    assert TOKEN not in unfolded
    assert "Manage: https://convenor.example.org/i/[redacted]\\nSee you there." in unfolded
    assert all(len(line.encode()) <= 75 for line in redacted.split("\r\n"))


def test_redact_calendar_without_a_token_is_unchanged():
    ics = folded_invite("https://convenor.example.org/events/3/programme")

    assert redact_calendar(ics) == ics


def test_log_filter_redacts_the_arguments_of_an_access_log_record():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/agenda/{TOKEN}.ics", "1.1", 200),
        None,
    )

    RedactFilter().filter(record)

    assert record.getMessage() == '127.0.0.1:5000 - "GET /agenda/[redacted].ics HTTP/1.1" 200'


def test_serve_logging_puts_the_redacting_filter_on_every_uvicorn_handler():
    # The real access log of `convenor serve` is read in
    # tests/programmes/test_programmes_no_tokens_kept.py; configuring logging here
    # would change it for the rest of the run.
    config = serve_logging()

    assert config["filters"] == {"redact": {"()": "convenor.redact.RedactFilter"}}
    assert {name: h.get("filters") for name, h in config["handlers"].items()} == {
        "default": ["redact"],
        "access": ["redact"],
    }
    assert config["loggers"]["uvicorn.access"]["handlers"] == ["access"]
    assert config["disable_existing_loggers"] is False


async def test_request_log_line_shows_the_path_without_its_token(client, caplog):
    caplog.set_level(logging.INFO, logger="convenor.request")

    await client.get(f"/i/{TOKEN}/registered")
    await client.get("/events/3/programme")

    lines = [r.getMessage() for r in caplog.records if r.name == "convenor.request"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /i/[redacted]/registered ")
    assert lines[1].startswith("GET /events/3/programme ")
    assert TOKEN not in caplog.text


def linked_email(link: str) -> RenderedEmail:
    return RenderedEmail(
        subject="Invitation",
        text=f"Dear Ann,\n\nRegister or decline:\n{link}\n",
        html=f'<p><a href="{link}">Register or decline</a></p>',
    )


async def test_outbox_pages_show_links_redacted(client):
    link = f"https://convenor.example.org/i/{TOKEN}"
    ics = folded_invite(link).encode()
    row = await queue(
        to="ann@example.com", rendered=linked_email(link), calendar=CalendarPart("REQUEST", ics)
    )
    await sign_in(client, await make_staff(Role.ADMIN))

    pages = [
        await client.get("/staff/outbox"),
        await client.get(f"/staff/outbox/{row.id}"),
        await client.get(f"/staff/outbox/{row.id}/html"),
        await client.get(f"/staff/outbox/{row.id}/invite.ics"),
    ]

    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    assert "https://convenor.example.org/i/[redacted]" in pages[1].text
    assert pages[2].text == (
        '<p><a href="https://convenor.example.org/i/[redacted]">Register or decline</a></p>'
    )
    assert "https://convenor.example.org/i/[redacted]" in pages[3].text.replace("\r\n ", "")
    for page in pages:
        assert TOKEN not in page.text.replace("\r\n ", "")


async def test_delivered_row_keeps_no_token_but_the_recipient_gets_the_link(
    app, settings, smtp_server
):
    link = f"https://convenor.example.org/i/{TOKEN}"
    row = await queue(
        to="ann@example.com",
        rendered=linked_email(link),
        calendar=CalendarPart("REQUEST", folded_invite(link).encode()),
    )
    queued = await OutboxMessage.get(id=row.id)

    await deliver_due(smtp_settings(settings, smtp_server))

    await row.refresh_from_db()
    assert TOKEN in queued.raw_message.replace("=\r\n", "")  # kept while it may be retried
    assert row.status == OutboxStatus.SENT
    assert row.raw_message == ""
    assert row.text_body == (
        "Dear Ann,\n\nRegister or decline:\nhttps://convenor.example.org/i/[redacted]\n"
    )
    for value in (row.text_body, row.html_body, row.calendar_ics.replace("\r\n ", "")):
        assert TOKEN not in value
    [received] = smtp_server.messages
    assert TOKEN.encode() in received.data.replace(b"=\r\n", b"")


async def test_failed_row_keeps_its_raw_message_for_retry_with_bodies_redacted(
    app, settings, smtp_server
):
    speaker_link = f"https://convenor.example.org/speaker/{TOKEN}"
    row = await queue(to="ann@example.com", rendered=linked_email(speaker_link))
    smtp_server.reply_next("550 5.1.1 No such user here", stage="RCPT")

    await deliver_due(smtp_settings(settings, smtp_server))

    await row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
    assert TOKEN not in row.text_body and TOKEN not in row.html_body
    assert TOKEN in row.raw_message.replace("=\r\n", "")


async def test_message_without_links_is_delivered_and_kept_as_it_was(app, settings, smtp_server):
    row = await queue(
        to="ann@example.com",
        rendered=RenderedEmail(subject="Hello", text="No links here.\n", html=None),
    )

    await deliver_due(smtp_settings(settings, smtp_server))

    await row.refresh_from_db()
    assert (row.status, row.text_body, row.raw_message) == (
        OutboxStatus.SENT,
        "No links here.\n",
        "",
    )
