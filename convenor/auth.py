"""Staff users, sessions, API tokens, login rate limits and personal-link tokens.

Passwords are hashed with argon2id, off the event loop on a pool of two threads (see
``PASSWORD_CHECKS_AT_ONCE``). Every secret handed out (session key, API token,
personal-link token) is 256 random bits from ``secrets`` and stored only as its SHA-256
hash, so a copy of the database cannot be used to sign in. API tokens expire; a
password change or deactivation revokes a user's tokens and sessions.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from tortoise.transactions import in_transaction

from convenor import plainsql, throttle
from convenor.cleaning import clean_name, name_problem
from convenor.errors import Invalid, RateLimited
from convenor.mail.outbox import queue_email, render_email
from convenor.models import ApiToken, PersonalLink, Role, StaffSession, User
from convenor.settings import DEFAULT_API_TOKEN_DAYS, Settings

MIN_PASSWORD_LENGTH = 12
# Only touch a session's last_seen_at once a minute, so page views rarely write.
LAST_SEEN_GRANULARITY = timedelta(minutes=1)


def password_hasher(settings: Settings) -> PasswordHasher:
    """The hasher ``CONVENOR_PASSWORD_HASHING`` names: "standard" (the default) is argon2id
    with the library's recommended costs; "fast", for test suites only and refused in
    production, is argon2id with the smallest costs. Verifying reads the costs from the
    stored hash, so either checks hashes made by the other; a sign-in rehashes a password
    whose hash was made with other costs than the hasher in use."""
    if settings.password_hashing == "fast" and not settings.is_production:
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    if settings.password_hashing != "standard":
        settings.validate()  # raises SettingsError naming CONVENOR_PASSWORD_HASHING
    return PasswordHasher()


def use_password_hashing(settings: Settings) -> None:
    """Hash this process's passwords as ``settings`` say (``create_app`` and the CLI call
    this; until then the standard costs apply)."""
    global _hasher
    _hasher = password_hasher(settings)
    _dummy_hash.cache_clear()


_hasher = PasswordHasher()  # argon2id with the library's current recommended costs
WRONG_LOGIN = "The email address or password is not right."
MAX_TOKEN_NAME_LENGTH = 100

# One argon2 hash takes 100-200 ms of CPU (on four threads of its own) and 64 MiB.
# Run on the loop, 48 sign-ins at once held /healthz at 220 ms; run on this pool, at
# most this many hashes run at a time (the rest queue here, not on the loop's default
# threads, which SQLite's connection and others use), and at a lower CPU priority, so
# that the loop's thread is scheduled first when a request arrives while they work.
PASSWORD_CHECKS_AT_ONCE = 2
PASSWORD_CHECK_NICENESS = 10


def _lower_priority() -> None:
    """Lower this pool thread's priority; on Linux niceness is per thread and argon2's
    own threads inherit it. Where that is not possible, carry on at normal priority."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), PASSWORD_CHECK_NICENESS)
    except (AttributeError, OSError):
        pass


_password_pool = ThreadPoolExecutor(
    max_workers=PASSWORD_CHECKS_AT_ONCE,
    thread_name_prefix="convenor-argon2",
    initializer=_lower_priority,
)
T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


async def _off_loop(work: Callable[..., T], *args: object) -> T:
    return await asyncio.get_running_loop().run_in_executor(_password_pool, work, *args)


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not a real password, used to even out timings")


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    """An argon2id hash of ``password``, computed off the event loop (bounded pool)."""
    return await _off_loop(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``None`` checks a dummy hash (same time, False)."""
    return await _off_loop(_verify, password_hash, password)


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
    # A staff name reaches email headers (password emails): one line, no '=?'.
    if problem := name_problem(name):
        raise Invalid(fields={"name": problem})
    if await User.filter(email=email).exists():
        raise Invalid(fields={"email": "There is already a user with this email address"})
    password_hash = await hash_password(password)
    stamp = now()
    return await User.create(
        email=email,
        role=role,
        name=clean_name(name),
        password_hash=password_hash,
        created_at=stamp,
        password_changed_at=stamp,
    )


async def authenticate(email: str, password: str, client_address: str, settings: Settings) -> User:
    """Check a sign-in; raises RateLimited or Invalid. Side effects: the login throttle.

    An attempt is taken for the account and for the client address before the password
    is checked (one atomic statement each), so no more than the limits are ever checked,
    however many arrive at once; a success gives the client's attempt back and clears
    the account's. An unknown email and a wrong password get the same message and take
    about the same time (a dummy hash is verified), so the form does not reveal who has
    an account; a deactivated user's sign-in fails the same way.
    """
    account, client = throttle.account_key(email), throttle.client_key(client_address)
    window = timedelta(minutes=settings.login_window_minutes)
    if not await throttle.take(account, settings.login_failures_per_account, window, now()):
        raise RateLimited(
            f"Too many failed sign-ins for this account. Try again in "
            f"{settings.login_window_minutes} minutes."
        )
    if not await throttle.take(client, settings.login_failures_per_address, window, now()):
        await throttle.release(account)
        raise RateLimited(
            f"Too many failed sign-ins from your network. Try again in "
            f"{settings.login_window_minutes} minutes."
        )
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
    ok = await verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        await throttle.prune(window, now())
        raise Invalid(WRONG_LOGIN, fields={"email": WRONG_LOGIN})
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
        await user.save(update_fields=["password_hash"])
    await throttle.clear(account)
    await throttle.release(client)
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
    """Change a password; revokes every other session and every API token of the user
    and emails them."""
    errors = {}
    if not await verify_password(user.password_hash, current):
        errors["current_password"] = "Your current password is not right"
    if len(new) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = f"Use at least {MIN_PASSWORD_LENGTH} characters for the password"
    if errors:
        raise Invalid(fields=errors)
    new_hash = await hash_password(new)
    async with in_transaction():
        user.password_hash = new_hash
        user.password_changed_at = now()
        await user.save(update_fields=["password_hash", "password_changed_at"])
        await revoke_credentials(user.id, keep_session_key=keep_session_key)
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


async def revoke_credentials(user_id: int, keep_session_key: str | None = None) -> None:
    """Revoke every live session (but ``keep_session_key``'s) and API token of a user."""
    stamp = now()
    sessions = StaffSession.filter(user_id=user_id, revoked_at=None)
    if keep_session_key:
        sessions = sessions.exclude(key_hash=hash_secret(keep_session_key))
    await sessions.update(revoked_at=stamp)
    await ApiToken.filter(user_id=user_id, revoked_at=None).update(revoked_at=stamp)


async def issue_api_token(
    email: str, name: str = "", days: int = DEFAULT_API_TOKEN_DAYS
) -> tuple[str, ApiToken]:
    """Issue an API bearer token for an active staff user, expiring after ``days``.

    Returns the raw token (shown once; only its hash is kept) and its record.
    """
    if days <= 0:
        raise Invalid(fields={"days": "A token must last at least one day"})
    if len(name) > MAX_TOKEN_NAME_LENGTH:
        raise Invalid(fields={"name": f"Use at most {MAX_TOKEN_NAME_LENGTH} characters"})
    user = await User.get_or_none(email=email.strip().lower(), is_active=True)
    if user is None:
        raise Invalid(fields={"email": "There is no active staff user with this email address"})
    token = f"cvn_{new_secret()}"
    stamp = now()
    record = await ApiToken.create(
        token_hash=hash_secret(token),
        user=user,
        name=name,
        created_at=stamp,
        expires_at=stamp + timedelta(days=days),
    )
    return token, record


async def create_api_token(email: str, name: str = "", days: int = DEFAULT_API_TOKEN_DAYS) -> str:
    """Issue an API bearer token for a staff user; returns the raw token (shown once)."""
    token, _ = await issue_api_token(email, name, days)
    return token


async def api_token_user(token: str) -> User | None:
    """The active user behind a live (unrevoked, unexpired) token; notes when it was used."""
    if not token or len(token) > 200:
        return None
    record = await ApiToken.get_or_none(token_hash=hash_secret(token), revoked_at=None)
    if record is None or record.expires_at is None or record.expires_at <= now():
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
