"""Domain errors raised by services; the app maps them to pages or JSON.

Services never return HTTP objects; they raise one of these and the route (or the
app's exception handlers) decides how it looks to the user.
"""

from __future__ import annotations

import socket
import sqlite3

import asyncpg
from tortoise.exceptions import BaseORMException, DBConnectionError


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, str] | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields or {}

    default_message = "The request could not be completed."


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_message = "We could not find that page."


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"
    default_message = "You do not have permission to do that."


class Invalid(DomainError):
    status_code = 422
    code = "invalid"
    default_message = "Some answers need correcting."


class Gone(DomainError):
    """Something that existed and has ended for good, such as a personal link after its
    event's data was deleted."""

    status_code = 410
    code = "gone"
    default_message = "This link has expired."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_message = "That conflicts with something that already exists."


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"
    default_message = "Too many attempts. Please wait a few minutes and try again."


class Unauthorised(DomainError):
    status_code = 401
    code = "unauthorised"
    default_message = "Sign in, or send a valid API token."


class Unavailable(DomainError):
    status_code = 503
    code = "unavailable"
    default_message = "The service is unavailable. Please try again in a few minutes."


# asyncpg's errors for a server that is there but will not take the connection
_POSTGRES_REFUSALS = (
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InvalidCatalogNameError,
    asyncpg.InvalidAuthorizationSpecificationError,
    asyncpg.InvalidPasswordError,
    asyncpg.ConnectionDoesNotExistError,
)
# What the app's handlers look at: each is a 503 if database_unavailable() says so
DATABASE_ERRORS = (
    OSError,
    sqlite3.Error,
    BaseORMException,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)
_SQLITE_CANNOT_OPEN = ("unable to open database file",)


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps) means the database cannot be reached or opened,
    as opposed to a bad query: those become 503, not 500."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(
            current,
            DBConnectionError | ConnectionError | TimeoutError | socket.gaierror,
        ) or isinstance(current, _POSTGRES_REFUSALS):
            return True
        if isinstance(current, sqlite3.OperationalError) and str(current) in _SQLITE_CANNOT_OPEN:
            return True
        current = current.__cause__ or current.__context__
    return False
