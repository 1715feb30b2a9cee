"""The GraphQL schema: Strawberry types and inputs, the typed context, error handling."""

from __future__ import annotations

import strawberry
from graphql import DocumentNode, GraphQLError
from strawberry.types import ExecutionContext

from schema import execution
from schema.caching import (
    PARSE_CACHE_BYTES,
    VALIDATION_CACHE_BYTES,
    ByteBoundedCache,
    ParseOnce,
    ValidateOnce,
)
from schema.errors import ErrorCodes, log_errors
from schema.limits import LIMIT_EXTENSIONS
from schema.mutation import Mutation
from schema.operation_name import OperationNameRequired
from schema.query import Query
from schema.types.entities import ENTITY_TYPES


class Schema(strawberry.Schema):
    """Strawberry's schema, except that errors are logged as their codes say (schema.errors):
    Strawberry logs every one at ERROR with a traceback, the client's mistakes included."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors, execution_context.query if execution_context is not None else None)


# Dashboards repeat the same documents: parse and validate each once per process.
parse_cache = ByteBoundedCache[DocumentNode](PARSE_CACHE_BYTES)
validation_cache = ByteBoundedCache[list[GraphQLError]](VALIDATION_CACHE_BYTES)

schema = Schema(
    query=Query,
    mutation=Mutation,
    types=ENTITY_TYPES,
    execution_context_class=execution.ExecutionContext,
    extensions=[
        ErrorCodes,
        OperationNameRequired,
        *LIMIT_EXTENSIONS,
        lambda: ParseOnce(parse_cache),
        lambda: ValidateOnce(validation_cache),
    ],
)

__all__ = ["parse_cache", "schema", "validation_cache"]
