"""Parse and validate each distinct document once per process, with Strawberry's own caches.

Validation is Strawberry's ValidationCache as it is: keyed by the schema, the parsed document and
the validation rules, so a repeated document gets the same verdict, the query limits' included
(their rule classes are built once per process: schema.limits). Parsing needs the one change
below.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache


class ParseOnce(ParserCache):
    """Strawberry's parser cache, except that a document that fails to parse is left to
    Strawberry's own parse, which reports the syntax error like any other. Raised from the
    cache, the error would end the operation as a failed extension hook: the other extensions'
    parse hooks would not see it, so the token limit's error would not be coded
    QUERY_TOO_COMPLEX (schema.limits.TokenLimit)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        except GraphQLError:
            context.graphql_document = None
        yield


__all__ = ["ParseOnce"]
