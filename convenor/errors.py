"""Domain errors raised by services; the app maps them to pages or JSON.

Services never return HTTP objects; they raise one of these and the route (or the
app's exception handlers) decides how it looks to the user.
"""

from __future__ import annotations


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
