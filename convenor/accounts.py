"""Staff accounts for admins: who has an account, their API tokens, deactivating people.

Deactivating a user revokes every session and API token of theirs in the same
transaction; a deactivated user cannot sign in and their token gets 401. Reactivating
does not bring anything back: they sign in again and get new tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.functions import Max
from tortoise.transactions import in_transaction

from convenor.auth import now, revoke_credentials
from convenor.errors import Invalid, NotFound
from convenor.models import ApiToken, StaffSession, User

# Ids are 32-bit integers in the database; anything larger names nothing.
MAX_ID = 2**31 - 1


@dataclass
class StaffAccount:
    user: User
    last_sign_in: datetime | None
    tokens: list[ApiToken] = field(default_factory=list)


def token_state(token: ApiToken, at: datetime | None = None) -> str:
    """'revoked', 'expired' or 'active'."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is None or token.expires_at <= (at or now()):
        return "expired"
    return "active"


def parse_id(raw: str | int) -> int:
    """An id from a path or the command line; NotFound if it cannot name a row."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < value <= MAX_ID:
        raise NotFound()
    return value


async def staff_accounts() -> list[StaffAccount]:
    """Every staff user (active first, then by email), their last sign-in and tokens."""
    users = await User.all().order_by("-is_active", "email")
    last = await (
        StaffSession.all()
        .annotate(last=Max("created_at"))
        .group_by("user_id")
        .values("user_id", "last")
    )
    last_by_user = {row["user_id"]: row["last"] for row in last}
    tokens_by_user: dict[int, list[ApiToken]] = {}
    for token in await ApiToken.all().order_by("-id"):
        tokens_by_user.setdefault(token.user_id, []).append(token)  # type: ignore[attr-defined]
    return [
        StaffAccount(user, last_by_user.get(user.id), tokens_by_user.get(user.id, []))
        for user in users
    ]


async def find_user(email: str) -> User:
    """The staff user with this email, active or not; raises Invalid if there is none."""
    user = await User.get_or_none(email=email.strip().lower())
    if user is None:
        raise Invalid(fields={"email": "There is no staff user with this email address"})
    return user


async def deactivate_user(user_id: int, by: User | None = None) -> User:
    """Stop a staff user signing in; revokes all their sessions and API tokens.

    ``by`` is the admin doing it (None from the command line); nobody deactivates
    themselves, so an admin cannot lock the last admin out from the page.
    """
    if by is not None and by.id == user_id:
        raise Invalid(
            "You cannot deactivate your own account.",
            fields={"user": "You cannot deactivate your own account"},
        )
    async with in_transaction():
        if not await User.filter(id=user_id).update(is_active=False):
            raise NotFound("There is no such staff user.")
        await revoke_credentials(user_id)
    return await User.get(id=user_id)


async def reactivate_user(user_id: int) -> User:
    """Let a deactivated staff user sign in again. Sessions and tokens stay revoked
    (any made while the account was inactive, by a sign-in in flight, are revoked too)."""
    async with in_transaction():
        if not await User.filter(id=user_id).update(is_active=True):
            raise NotFound("There is no such staff user.")
        await revoke_credentials(user_id)
    return await User.get(id=user_id)


async def list_tokens(email: str | None = None) -> list[ApiToken]:
    """API tokens, newest first, with their users; only one user's if ``email`` is given."""
    query = ApiToken.all().select_related("user").order_by("-id")
    if email:
        query = query.filter(user_id=(await find_user(email)).id)
    return await query


async def revoke_token(token_id: int) -> tuple[ApiToken, bool]:
    """Revoke one API token; returns it and whether it was live until now."""
    changed = await ApiToken.filter(id=token_id, revoked_at=None).update(revoked_at=now())
    token = await ApiToken.get_or_none(id=token_id).select_related("user")
    if token is None:
        raise NotFound("There is no API token with this id.")
    return token, bool(changed)
