"""Errors a client can act on; each has a stable code that appears in extensions.code."""

from __future__ import annotations


class UserError(Exception):
    code: str

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.argument = argument


class NotFound(UserError):
    code = "NOT_FOUND"


class BadInput(UserError):
    code = "BAD_USER_INPUT"


class Conflict(UserError):
    """The write was based on a state that is no longer true: a newer revision, a key taken."""

    code = "CONFLICT"


class Unauthenticated(UserError):
    """No token where one is needed, or one that is unknown or revoked (HTTP 401)."""

    code = "UNAUTHENTICATED"


class Forbidden(UserError):
    """A valid token whose role is too low for what it asks (HTTP 403)."""

    code = "FORBIDDEN"


class Busy(Exception):
    """Too many whole-graph computations are already waiting: the service is overloaded, the
    request is not wrong (SERVICE_UNAVAILABLE; the client may retry)."""
