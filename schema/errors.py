"""Gives every GraphQL error a stable extensions.code and masks unexpected ones."""

from __future__ import annotations

import logging

from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from graph.errors import StoreUnavailable
from resolvers.errors import UserError

log = logging.getLogger("coopgraph.errors")

INTERNAL = "INTERNAL_SERVER_ERROR"


def _with_code(error: GraphQLError, message: str, code: str, **extra: object) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code, **extra},
    )


def classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None:
        if error.extensions and "code" in error.extensions:
            return error
        code = (
            "GRAPHQL_PARSE_FAILED"
            if error.message.startswith("Syntax Error")
            else "GRAPHQL_VALIDATION_FAILED"
        )
        return _with_code(error, error.message, code)
    if isinstance(original, UserError):
        extra = {"argument": original.argument} if original.argument else {}
        return _with_code(error, original.message, original.code, **extra)
    if isinstance(original, StoreUnavailable):
        log.warning("database unavailable: %s", original)
        return _with_code(
            error, "The graph database is not available; try again shortly.", "SERVICE_UNAVAILABLE"
        )
    log.error("unexpected error in %s", error.path, exc_info=original)
    return _with_code(error, "Internal server error.", INTERNAL)


class ErrorCodes(MaskErrors):
    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return [classify(error) for error in errors]
