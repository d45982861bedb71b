"""Core tables: staff users, their sessions, API tokens, the login throttle, personal links.

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
    # Always set when a token is issued; a token without one is refused.
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class LoginThrottle(Model):
    """Sign-in attempts in the current window for one account or one client address.

    The key is a hash of the email or the address, never the text. An attempt is taken
    by one conditional statement before the password is checked (``convenor.throttle``).
    """

    throttle_key = fields.CharField(max_length=64, primary_key=True)
    attempts = fields.IntField()
    window_started_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_throttle"


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
