"""Staff users, sessions, API tokens, login rate limits and personal-link tokens.

Passwords are hashed with argon2id. Every secret handed out (session key, API token,
personal-link token) is 256 random bits from ``secrets`` and stored only as its SHA-256
hash, so a copy of the database cannot be used to sign in.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from tortoise.transactions import in_transaction

from convenor import plainsql
from convenor.errors import Invalid, RateLimited
from convenor.mail.outbox import queue_email, render_email
from convenor.models import ApiToken, LoginFailure, PersonalLink, Role, StaffSession, User
from convenor.settings import Settings

MIN_PASSWORD_LENGTH = 12
# Only touch a session's last_seen_at once a minute, so page views rarely write.
LAST_SEEN_GRANULARITY = timedelta(minutes=1)

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs
_DUMMY_HASH = _hasher.hash("not a real password, used to even out timings")
WRONG_LOGIN = "The email address or password is not right."


def now() -> datetime:
    return datetime.now(UTC)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    """Validate an address and return it with the domain lower-cased; raises Invalid."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(fields={"email": "Enter an email address like name@example.org"}) from None
    return result.normalized.lower()


def check_new_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            fields={field: f"Use at least {MIN_PASSWORD_LENGTH} characters for the password"}
        )


async def create_user(email: str, role: Role | str, password: str, name: str = "") -> User:
    """Create a staff user with an argon2id password hash. Raises Invalid on bad input."""
    email = normalise_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise Invalid(fields={"role": "Choose admin, organiser or moderator"}) from None
    check_new_password(password)
    if await User.filter(email=email).exists():
        raise Invalid(fields={"email": "There is already a user with this email address"})
    stamp = now()
    return await User.create(
        email=email,
        role=role,
        name=name.strip(),
        password_hash=hash_password(password),
        created_at=stamp,
        password_changed_at=stamp,
    )


def _client_key(client_address: str) -> str:
    return hash_secret(f"client:{client_address}")


def _account_key(email: str) -> str:
    return hash_secret(f"account:{email.strip().lower()}")


async def _check_rate_limit(account_key: str, client_key: str, settings: Settings) -> None:
    since = now() - timedelta(minutes=settings.login_window_minutes)
    recent = LoginFailure.filter(created_at__gte=since)
    if await recent.filter(account_key=account_key).count() >= settings.login_failures_per_account:
        raise RateLimited(
            f"Too many failed sign-ins for this account. Try again in "
            f"{settings.login_window_minutes} minutes."
        )
    if await recent.filter(client_key=client_key).count() >= settings.login_failures_per_address:
        raise RateLimited(
            f"Too many failed sign-ins from your network. Try again in "
            f"{settings.login_window_minutes} minutes."
        )


async def authenticate(email: str, password: str, client_address: str, settings: Settings) -> User:
    """Check a sign-in; records a failure (and prunes old ones). Raises RateLimited or Invalid.

    An unknown email and a wrong password get the same message and take about the same
    time (a dummy hash is verified), so the form does not reveal who has an account.
    """
    account_key, client_key = _account_key(email), _client_key(client_address)
    await _check_rate_limit(account_key, client_key, settings)
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
    ok = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok:
        await LoginFailure.create(account_key=account_key, client_key=client_key, created_at=now())
        cutoff = now() - timedelta(minutes=settings.login_window_minutes)
        await LoginFailure.filter(created_at__lt=cutoff).delete()
        raise Invalid(WRONG_LOGIN, fields={"email": WRONG_LOGIN})
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        await user.save(update_fields=["password_hash"])
    await LoginFailure.filter(account_key=account_key).delete()
    return user


async def start_session(user: User) -> str:
    """Open a new server-side session; returns the raw key for the signed cookie."""
    key = new_secret()
    stamp = now()
    await StaffSession.create(
        key_hash=hash_secret(key), user=user, created_at=stamp, last_seen_at=stamp
    )
    return key


async def session_user(key: str, settings: Settings) -> tuple[User, StaffSession] | None:
    """The user behind a session key, if the session is live; ends idle or old sessions."""
    session = await StaffSession.get_or_none(key_hash=hash_secret(key)).select_related("user")
    if session is None or session.revoked_at is not None or not session.user.is_active:
        return None
    stamp = now()
    idle = timedelta(minutes=settings.session_idle_minutes)
    absolute = timedelta(hours=settings.session_absolute_hours)
    if stamp - session.last_seen_at > idle or stamp - session.created_at > absolute:
        session.revoked_at = stamp
        await session.save(update_fields=["revoked_at"])
        return None
    if stamp - session.last_seen_at > LAST_SEEN_GRANULARITY:
        session.last_seen_at = stamp
        await session.save(update_fields=["last_seen_at"])
    return session.user, session


async def end_session(key: str) -> None:
    """Revoke one session (logout)."""
    await StaffSession.filter(key_hash=hash_secret(key), revoked_at=None).update(revoked_at=now())


async def change_password(
    user: User, current: str, new: str, keep_session_key: str, mail_from: str
) -> None:
    """Change a password, revoke every other session of the user and email them."""
    errors = {}
    if not verify_password(user.password_hash, current):
        errors["current_password"] = "Your current password is not right"
    if len(new) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = f"Use at least {MIN_PASSWORD_LENGTH} characters for the password"
    if errors:
        raise Invalid(fields=errors)
    async with in_transaction():
        user.password_hash = hash_password(new)
        user.password_changed_at = now()
        await user.save(update_fields=["password_hash", "password_changed_at"])
        await (
            StaffSession.filter(user=user, revoked_at=None)
            .exclude(key_hash=hash_secret(keep_session_key))
            .update(revoked_at=now())
        )
        context = {
            "name": user.name or user.email,
            "email": user.email,
            "changed_at": user.password_changed_at,
        }
        await queue_email(
            to=user.email,
            to_name=user.name,
            rendered=render_email("convenor/emails/password_changed", context),
            mail_from=mail_from,
            category="password_changed",
            related=f"user:{user.id}",
        )


async def create_api_token(email: str, name: str = "") -> str:
    """Issue an API bearer token for a staff user; returns the raw token (shown once)."""
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
    if user is None:
        raise Invalid(fields={"email": "There is no active staff user with this email address"})
    token = f"cvn_{new_secret()}"
    await ApiToken.create(token_hash=hash_secret(token), user=user, name=name, created_at=now())
    return token


async def api_token_user(token: str) -> User | None:
    record = await ApiToken.get_or_none(token_hash=hash_secret(token), revoked_at=None)
    if record is None:
        return None
    user = await User.get_or_none(id=record.user_id, is_active=True)  # type: ignore[attr-defined]
    if user is not None and (
        record.last_used_at is None or now() - record.last_used_at > LAST_SEEN_GRANULARITY
    ):
        await ApiToken.filter(id=record.id).update(last_used_at=now())
    return user


async def issue_link(purpose: str, subject: str, expires_at: datetime | None = None) -> str:
    """Create a personal-link token bound to one subject and purpose; returns it raw."""
    token = new_secret()
    await PersonalLink.create(
        token_hash=hash_secret(token),
        purpose=purpose,
        subject=subject,
        created_at=now(),
        expires_at=expires_at,
    )
    return token


@functools.cache
def _link_by_hash() -> str:
    table = plainsql.table(PersonalLink)
    return f"SELECT {plainsql.columns(PersonalLink)} FROM {table} WHERE token_hash = ?"  # noqa: S608


async def unrevoked_link(token: str, purpose: str) -> PersonalLink | None:
    """The unrevoked link of this purpose behind a token, whatever its ``expires_at``, or
    None. For links whose expiry follows something that can move (an event's end), which
    the caller checks itself; any other link goes through ``resolve_link``."""
    if not token or len(token) > 200:
        return None
    # Plain SQL: every personal-link page and form starts here (see convenor.plainsql).
    rows = await plainsql.select(_link_by_hash(), [hash_secret(token)])
    link = plainsql.model_from(PersonalLink, rows[0]) if rows else None
    if link is None or not hmac.compare_digest(link.purpose, purpose):
        return None
    return None if link.revoked_at is not None else link


async def resolve_link(token: str, purpose: str) -> str | None:
    """The subject a live token of this purpose is bound to, or None."""
    link = await unrevoked_link(token, purpose)
    if link is None or (link.expires_at and link.expires_at <= now()):
        return None
    return link.subject


async def revoke_links(purpose: str, subject: str) -> int:
    """Revoke every live link of this purpose for a subject; returns how many."""
    return await PersonalLink.filter(purpose=purpose, subject=subject, revoked_at=None).update(
        revoked_at=now()
    )
