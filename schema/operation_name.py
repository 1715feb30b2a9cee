"""A document with several operations needs `operationName` (GraphQL spec, GetOperation).

Strawberry runs the first operation when none is named; the spec makes that a request error, and
a client that sent two operations by mistake should hear so rather than get one answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

# Whether the HTTP request named its operation (schema/http.py sets it while reading the body).
# The execution context cannot tell: it answers the first operation's name when none was given.
# Unset outside an HTTP request (a direct schema.execute): then nothing is checked.
OPERATION_NAMED: ContextVar[bool | None] = ContextVar("operation_named", default=None)


class OperationNameRequired(SchemaExtension):
    """Refuses, in place of validation, a document of several operations sent without
    `operationName` (GRAPHQL_VALIDATION_FAILED): a verdict set before validation skips it."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and OPERATION_NAMED.get() is False and context.pre_execution_errors is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                message = "The document has several operations: say which to run with `operationName`."
                context.pre_execution_errors = [
                    GraphQLError(message, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})
                ]
        yield
