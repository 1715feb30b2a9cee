"""Gives every GraphQL error a stable extensions.code and masks unexpected ones.

Errors are told apart by what they are, never by their wording:

* GRAPHQL_PARSE_FAILED: a ``graphql.GraphQLSyntaxError`` (the parser's only error type).
* BAD_USER_INPUT for a literal of the wrong type: graphql-core's ValuesOfCorrectTypeRule reports
  those; ErrorCodes swaps it for CodedValuesRule, which codes what it reports and names the
  argument (or variable, for a default value) the literal was given for.
* BAD_USER_INPUT for a variable value that does not coerce: graphql-core reports it before
  execution, so with no path, on the VariableDefinitionNode, with the coercion error as its
  original error; ``argument`` is the variable's name, taken from that node.
* GRAPHQL_VALIDATION_FAILED: any other error with no original error (every other validation rule;
  the limits in schema.limits code their own errors QUERY_TOO_COMPLEX).
* Errors a resolver raised (with a path and an original error): by the original error's class,
  INTERNAL_SERVER_ERROR (masked) for anything unexpected.

The errors the server causes (INTERNAL_SERVER_ERROR, SERVICE_UNAVAILABLE, TIMEOUT) carry
``extensions.requestId``, the id of the request (REQUEST_ID, set by the web app for each request
and sent back as its X-Request-Id header), so that a report can be matched with the log.
``log_errors`` logs every error once: the client's at INFO, one line, no traceback; the server's
at ERROR (a traceback only for the unexpected ones, not for an unavailable database); each
with the request id and the start of the query (QUERY_SHOWN characters).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from graphql import GraphQLSyntaxError, VariableDefinitionNode
from graphql.error import GraphQLError
from graphql.language import ArgumentNode
from graphql.validation import ValidationContext, ValuesOfCorrectTypeRule
from strawberry.extensions import SchemaExtension

from graph.errors import QueryTimeout, StoreUnavailable
from resolvers.errors import Busy, UserError

log = logging.getLogger("coopgraph.errors")

INTERNAL = "INTERNAL_SERVER_ERROR"
UNAVAILABLE = "SERVICE_UNAVAILABLE"
TIMEOUT = "TIMEOUT"
BAD_USER_INPUT = "BAD_USER_INPUT"
# The errors that are the server's doing, not the client's.
SERVER_ERRORS = frozenset({INTERNAL, UNAVAILABLE, TIMEOUT})
# How much of a query a log line shows: enough to recognise it, never megabytes.
QUERY_SHOWN = 200

# The id of the request being answered (coopgraph.middleware sets it; None outside a request).
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


def _with_code(error: GraphQLError, message: str, code: str, **extra: object) -> GraphQLError:
    request_id = REQUEST_ID.get() if code in SERVER_ERRORS else None
    if request_id is not None:
        extra["requestId"] = request_id
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code, **extra},
    )


class CodedValuesRule(ValuesOfCorrectTypeRule):
    """graphql-core's ValuesOfCorrectTypeRule, its errors coded BAD_USER_INPUT with ``argument``:
    the argument whose value is being visited, or the variable whose default value is."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.argument: str | None = None

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.argument = node.name.value

    def leave_argument(self, node: ArgumentNode, *_args: Any) -> None:
        self.argument = None

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        self.argument = node.variable.name.value

    def leave_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        self.argument = None

    def report_error(self, error: GraphQLError) -> None:
        extra = {"argument": self.argument} if self.argument else {}
        error.extensions = {**(error.extensions or {}), "code": BAD_USER_INPUT, **extra}
        super().report_error(error)


def _coerced_variable(error: GraphQLError) -> str | None:
    """The variable whose value failed to coerce, if that is what the error is about."""
    if error.original_error is None or error.path is not None or not error.nodes:
        return None
    node = error.nodes[0]
    return node.variable.name.value if isinstance(node, VariableDefinitionNode) else None


def classify(error: GraphQLError) -> GraphQLError:  # noqa: PLR0911 - one return per class of error
    original = error.original_error
    if original is None and error.extensions and "code" in error.extensions:
        return error  # classified already, or coded by the rule that reported it
    if isinstance(error, GraphQLSyntaxError):
        return _with_code(error, error.message, "GRAPHQL_PARSE_FAILED")
    variable = _coerced_variable(error)
    if variable is not None:
        # The client's input, not a bug.
        return _with_code(error, error.message, BAD_USER_INPUT, argument=variable)
    if original is None:
        return _with_code(error, error.message, "GRAPHQL_VALIDATION_FAILED")
    if isinstance(original, UserError):
        extra = {"argument": original.argument} if original.argument else {}
        return _with_code(error, original.message, original.code, **extra)
    if isinstance(original, QueryTimeout):
        return _with_code(
            error,
            "The question took too long to answer; narrow it (fewer hops, a smaller network, a period).",
            TIMEOUT,
        )
    if isinstance(original, Busy):
        return _with_code(error, f"The service is busy: {original}.", UNAVAILABLE)
    if isinstance(original, StoreUnavailable):
        return _with_code(error, "The graph database is not available; try again shortly.", UNAVAILABLE)
    return _with_code(error, "Internal server error.", INTERNAL)


def shorten(text: str | None, limit: int = QUERY_SHOWN) -> str:
    """The start of a text for a log line: at most `limit` characters, and how long it was."""
    if text is None:
        return ""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def log_errors(errors: Iterable[GraphQLError], query: str | None) -> None:
    """Log each error of an operation once, as its code says (see the module's docstring)."""
    request_id = REQUEST_ID.get() or "-"
    for error in errors:
        code = (classify(error).extensions or {}).get("code")
        original = error.original_error
        if code == INTERNAL:
            log.error(
                "request %s: unexpected error at %s: %s; query: %r",
                request_id,
                error.path,
                shorten(error.message),
                shorten(query),
                exc_info=original,
            )
        elif code in SERVER_ERRORS:
            log.error(
                "request %s: %s at %s: %s; query: %r", request_id, code, error.path, original, shorten(query)
            )
        else:
            log.info(
                "request %s: client error %s: %s; query: %r",
                request_id,
                code,
                shorten(error.message),
                shorten(query),
            )


class ErrorCodes(SchemaExtension):
    """Codes every error of a result once the operation is done (parse and validation errors
    included), having put CodedValuesRule in place of ValuesOfCorrectTypeRule first.

    Strawberry's MaskErrors does the same through a runtime-checked Protocol, ~8 µs per request
    even without errors, and also handles streamed results: the endpoint offers no streaming
    (schema/http.py), which also classifies what an extension hook raised, since that ends the
    operation before this runs."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = tuple(
            CodedValuesRule if rule is ValuesOfCorrectTypeRule else rule for rule in context.validation_rules
        )
        yield
        result = context.result
        errors = getattr(result, "errors", None)  # an incremental result has none of its own
        if result is not None and errors:
            result.errors = [classify(error) for error in errors]
