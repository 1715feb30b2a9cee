"""The database's exceptions turned into the project's own, in one place."""

from __future__ import annotations

from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)


class GraphError(Exception):
    """Base for errors raised by graph/."""


class StoreUnavailable(GraphError):
    """The database does not answer (down, restarting, unreachable, bad credentials)."""


class ConstraintViolation(GraphError):
    """A write broke a uniqueness constraint."""


class QueryTimeout(GraphError):
    """A statement ran longer than the server or the driver allows."""


class QueryFailed(GraphError):
    """The database rejected or failed a statement."""


def translate(exc: BaseException) -> GraphError:
    code = getattr(exc, "code", None) or ""
    message = str(exc)
    if "TransactionTimedOut" in code or ("timeout" in message.lower() and isinstance(exc, Neo4jError)):
        return QueryTimeout(message)
    if isinstance(exc, ConstraintError):
        return ConstraintViolation(str(exc))
    if isinstance(exc, (ServiceUnavailable, SessionExpired, AuthError, OSError)):
        return StoreUnavailable(str(exc) or type(exc).__name__)
    if isinstance(exc, ClientError) and "already exists" in (exc.message or ""):
        # ArcadeDB reports unique-index violations as a plain client error at commit.
        return ConstraintViolation(exc.message or str(exc))
    if isinstance(exc, (Neo4jError, TransientError, DriverError)):
        return QueryFailed(str(exc))
    return QueryFailed(repr(exc))
