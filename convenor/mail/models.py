"""The outbox: every email Convenor sends is first a row here.

A row is written in the same transaction as the change that causes it, so an email
exists exactly when its cause does. The delivery worker moves rows through
queued -> sending -> sent, or back to queued with a later ``next_attempt_at`` after a
transient failure, or to failed after a permanent one.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Model):
    id = fields.IntField(primary_key=True)
    message_id = fields.CharField(max_length=255, unique=True)
    status = fields.CharEnumField(OutboxStatus, max_length=10, default=OutboxStatus.QUEUED)
    category = fields.CharField(max_length=50, default="")
    related = fields.CharField(max_length=100, default="", db_index=True)
    to_address = fields.CharField(max_length=254)
    to_name = fields.CharField(max_length=200, default="")
    reply_to = fields.CharField(max_length=254, null=True)
    subject = fields.CharField(max_length=300)
    text_body = fields.TextField()
    html_body = fields.TextField(null=True)
    calendar_method = fields.CharField(max_length=10, null=True)
    calendar_ics = fields.TextField(null=True)
    # The whole message as sent (ASCII, CRLF), built once when queued so every attempt
    # sends the same bytes and the worker does no MIME work.
    raw_message = fields.TextField()
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    # Which worker's claim this row belongs to, so a worker updates only its own rows.
    claim_token = fields.CharField(max_length=32, null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_message"
        indexes = (("status", "next_attempt_at"),)
