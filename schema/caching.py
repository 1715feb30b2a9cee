"""Parse and validate each distinct document once per process."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator

from graphql import GraphQLError
from graphql.validation import ASTValidationRule
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.schema.schema import validate_document

ValidationKey = tuple[str, tuple[type[ASTValidationRule], ...]]


class ParseOnce(ParserCache):
    """Strawberry's parser cache, except that a document that fails to parse is left to
    Strawberry's own parse, which reports the syntax error like any other (with its code);
    raised from the cache, it would skip the error handling of the other extensions."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        except GraphQLError:
            context.graphql_document = None
        yield


class ValidateOnce(SchemaExtension):
    """Validation results per query text and rule set, kept by the factory: one factory per
    schema (the schema is not part of the key).

    Strawberry's ValidationCache keys on the parsed document, and graphql-core hashes a
    document by walking its whole syntax tree, on every request (~15 µs for a partners page,
    measured with py-spy). The query text decides the document (ParseOnce), so it keys the
    result just as well, and Python caches a string's hash. There is no await between the
    lookup and the update, so concurrent requests on the event loop cannot interleave there.
    """

    def __init__(self, results: OrderedDict[ValidationKey, list[GraphQLError]], maxsize: int) -> None:
        self.results = results
        self.maxsize = maxsize

    @classmethod
    def factory(cls, maxsize: int) -> Callable[[], ValidateOnce]:
        results: OrderedDict[ValidationKey, list[GraphQLError]] = OrderedDict()
        return lambda: cls(results, maxsize)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.query is None or document is None:
            yield  # nothing to key on (or nothing parsed): Strawberry validates as usual
            return
        key = (context.query, context.validation_rules)
        errors = self.results.get(key)
        if errors is None:
            errors = validate_document(context.schema._schema, document, context.validation_rules)
            self.results[key] = errors
            if len(self.results) > self.maxsize:
                self.results.popitem(last=False)
        else:
            self.results.move_to_end(key)
        context.pre_execution_errors = errors
        yield
