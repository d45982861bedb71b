"""Core tables: staff users, their sessions, API tokens, login failures, personal links.

Fields only; the rules live in ``convenor.auth``. Secrets (session keys, API tokens,
personal-link tokens) are stored only as SHA-256 hashes.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    MODERATOR = "moderator"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, default="")
    role = fields.CharEnumField(Role, max_length=20)
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    password_changed_at = fields.DatetimeField()

    class Meta:
        table = "staff_user"

    def __str__(self) -> str:
        return self.email


class StaffSession(Model):
    """A signed-in staff session; the cookie carries only the random key."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_session"


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class LoginFailure(Model):
    """One failed login, kept for the rate limit window; keys are hashes, not addresses."""

    id = fields.IntField(primary_key=True)
    account_key = fields.CharField(max_length=64, db_index=True)
    client_key = fields.CharField(max_length=64, db_index=True)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_failure"


class PersonalLink(Model):
    """A token in an emailed link, bound to one person (``subject``) and one purpose."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    purpose = fields.CharField(max_length=40)
    subject = fields.CharField(max_length=100)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "personal_link"
        indexes = (("purpose", "subject"),)
