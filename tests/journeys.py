"""Steps the browser journeys share: signing in, visiting and submitting with axe-core
checking each page, and the SMTP server's mailbox read step by step."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace

from convenor.mail.worker import deliver_due
from tests.browser import assert_accessible
from tests.conftest import STAFF_PASSWORD


async def sign_in(page, organiser) -> None:
    """Sign a staff member in through the login page; ends on their staff home."""
    await page.goto("/login")
    await page.get_by_label("Email address").fill(organiser.email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff")


async def submit(page, button) -> None:
    """Click a form's button and wait for the page it leads to; axe-core checks it."""
    async with page.expect_navigation():
        await button.click()
    await assert_accessible(page)


async def visit(page, url: str) -> None:
    await page.goto(url)
    await assert_accessible(page)


class Mailbox:
    """The SMTP server's messages, delivered step by step: ``step()`` returns what
    arrived since the last step, by recipient."""

    def __init__(self, settings, smtp_server) -> None:
        self.settings = replace(settings, smtp_url=smtp_server.url)
        self.server = smtp_server
        self.seen = 0

    async def step(self) -> dict[str, list[email.message.EmailMessage]]:
        await deliver_due(self.settings)
        new = self.server.messages[self.seen :]
        self.seen = len(self.server.messages)
        by_recipient: dict[str, list[email.message.EmailMessage]] = {}
        for received in new:
            message = email.message_from_bytes(received.data, policy=email.policy.default)
            for to in received.rcpt_tos:
                by_recipient.setdefault(to, []).append(message)
        return by_recipient


def counts(step: dict[str, list]) -> dict[str, int]:
    return {to: len(messages) for to, messages in step.items()}


def part(message, content_type: str) -> str:
    for piece in message.walk():
        if piece.get_content_type() == content_type:
            return piece.get_content()
    raise AssertionError(f"no {content_type} part in {message['Subject']!r}")


def link_in(message, pattern: str) -> str:
    return re.search(pattern, part(message, "text/plain")).group(1)
