"""Bounds on what one GraphQL operation may ask for: depth, aliases, tokens and cost.

Strawberry's own limiters do the work for depth, aliases and tokens; the wrappers here only give
their errors the stable ``extensions.code`` QUERY_TOO_COMPLEX (``schema.errors.classify`` keeps a
code that is already set, so without these wrappers they would come out as
GRAPHQL_VALIDATION_FAILED / GRAPHQL_PARSE_FAILED). The cost (schema.cost) is checked once the
document is valid and the variables are known, before anything is executed.

Every entry of LIMIT_EXTENSIONS is a class, so Strawberry makes a fresh instance per operation
(passing instances is deprecated in Strawberry and shares state between concurrent requests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.validation import ASTValidationRule, KnownFragmentNamesRule, ValidationContext, ValidationRule
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from schema.cost import MAX_COST, MAX_WALK, operation_cost, schema_types

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


def _mark(error: GraphQLError) -> None:
    error.extensions = {**(error.extensions or {}), "code": QUERY_TOO_COMPLEX}


def _coded(rule: type[ASTValidationRule]) -> type[ValidationRule]:
    """The rule, run on a validation context of its own that codes every error it reports.

    The inner rule gets a complete visit of the document (with its own TypeInfo), so it does
    not matter whether it reports from its constructor (as Strawberry's limiters do) or while
    visiting; its errors reach the real context, tagged, and only its errors are tagged.

    The limiters take every fragment spread to name a fragment of the document (Strawberry's
    depth limiter raises KeyError otherwise); a document where one does not is invalid anyway,
    and graphql-core's KnownFragmentNamesRule says so, so the inner rule is not run on it.
    """

    class CodedRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            type_info = TypeInfo(context.schema)
            if not _spreads_known(context, type_info):
                return

            def report(error: GraphQLError) -> None:
                _mark(error)
                context.report_error(error)

            own = ValidationContext(context.schema, context.document, type_info, report)
            visit(context.document, TypeInfoVisitor(type_info, rule(own)))

    CodedRule.__name__ = CodedRule.__qualname__ = f"Coded{rule.__name__}"
    return CodedRule


def _spreads_known(context: ValidationContext, type_info: TypeInfo) -> bool:
    """True when every fragment spread of the document names one of its fragments."""
    unknown: list[GraphQLError] = []
    own = ValidationContext(context.schema, context.document, type_info, unknown.append)
    visit(context.document, KnownFragmentNamesRule(own))
    return not unknown


# Strawberry's limiters build a new rule class for every instance, that is for every request;
# the validation cache is keyed by the rule classes, so it would never hit (and building the
# classes costs tens of microseconds a request). The coded rules are built once per process,
# from one limiter instance each, and every request's extension reuses them.
_RULES: dict[str, list[type[ASTValidationRule]]] = {}


def _once(name: str, limiter: Callable[[], AddValidationRules]) -> list[type[ASTValidationRule]]:
    if name not in _RULES:
        _RULES[name] = [_coded(rule) for rule in limiter().validation_rules]
    return _RULES[name]


class DepthLimit(AddValidationRules):
    """At most MAX_DEPTH levels of nested selections (introspection fields are not counted,
    as in Strawberry's limiter, so the playground's introspection query always passes)."""

    def __init__(self) -> None:
        super().__init__(_once("depth", lambda: QueryDepthLimiter(max_depth=MAX_DEPTH)))


class AliasLimit(AddValidationRules):
    """At most MAX_ALIASES aliased fields in the document, fragments included."""

    def __init__(self) -> None:
        super().__init__(_once("aliases", lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES)))


class TokenLimit(MaxTokensLimiter):
    """At most MAX_TOKENS tokens: the parser stops there, before building the rest of the AST."""

    def __init__(self) -> None:
        super().__init__(max_token_count=MAX_TOKENS)

    def on_parse(self) -> Iterator[None]:
        yield
        # Strawberry catches the parser's GraphQLSyntaxError and keeps it on the execution
        # context; graphql-core words it "Document contains more than N tokens. Parsing aborted."
        marker = f"Document contains more than {self.max_token_count} tokens."
        for error in self.execution_context.pre_execution_errors or ():
            if isinstance(error, GraphQLSyntaxError) and marker in error.message:
                _mark(error)


class ValidationBudget(SchemaExtension):
    """graphql-core's own bound: validation that runs out of its work budget (e.g. the
    overlapping-fields check on a thousand copies of one field) is aborted with a lone
    ValidationAbortedError; that is a too-complex query. One that follows a hundred other errors
    (graphql-core's error limit) ends an invalid document's list: GRAPHQL_VALIDATION_FAILED."""

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors or ()
        aborted = [error for error in errors if isinstance(error, ValidationAbortedError)]
        if aborted and len(aborted) == len(errors):
            for error in aborted:
                _mark(error)


def expanded_fields(document: DocumentNode, limit: int) -> int:
    """How many fields the operations select with every fragment spread expanded, counted with
    each fragment's size worked out once; counting stops past `limit`."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sizes: dict[str, int] = {}

    def size(selections: SelectionSetNode | None, seen: frozenset[str]) -> int:
        total = 0
        for selection in selections.selections if selections is not None else ():
            if isinstance(selection, FieldNode):
                total += 1 + size(selection.selection_set, seen)
            elif isinstance(selection, InlineFragmentNode):
                total += size(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen or name not in fragments:
                    continue  # cycles and unknown fragments: graphql-core's own rules report them
                if name not in sizes:
                    sizes[name] = size(fragments[name].selection_set, seen | {name})
                total += sizes[name]
            if total > limit:
                break
        return total

    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            total += size(definition.selection_set, frozenset())
    return total


class FragmentFanOut(SchemaExtension):
    """Refuses, before validation, a document whose fragments spread into more than MAX_WALK
    fields. Strawberry's depth and alias limiters walk a fragment again at every spread: a few
    hundred tokens of fragments each spreading the next twice would keep them (and the worker's
    event loop, which validation runs on) busy for ever. A verdict set here skips validation."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            fields = expanded_fields(document, MAX_WALK)
            if fields > MAX_WALK:
                message = f"The document's fragments spread into more than {MAX_WALK:,} fields."
                context.pre_execution_errors = [GraphQLError(message, extensions={"code": QUERY_TOO_COMPLEX})]
        yield


class CostLimit(SchemaExtension):
    """Refuses an operation that would cost more than the request's budget (the context's
    ``max_cost``, else MAX_COST), with the cost and the budget in the message and in
    ``extensions``. It answers in place of execution, so no resolver, and no database read, runs."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        budget = getattr(context.context, "max_cost", None) or MAX_COST
        document = context.graphql_document
        if document is not None:
            types = schema_types(context.schema)
            cost = operation_cost(types, document, context.operation_name, context.variables)
            if cost is None or cost > budget:
                context.result = GraphQLExecutionResult(data=None, errors=[_over_budget(cost, budget)])
        yield


def _over_budget(cost: int | None, budget: int) -> GraphQLError:
    if cost is None:
        message = "The query is too intricate to estimate (fragments spread in too many places)."
    else:
        message = (
            f"The query would cost {cost:,} and the budget is {budget:,}: ask for fewer results "
            "(first, maxNodes, maxLength), fewer aliases of the expensive fields or less nesting."
        )
    extensions: dict[str, object] = {"code": QUERY_TOO_COMPLEX, "budget": budget}
    if cost is not None:
        extensions["cost"] = cost
    return GraphQLError(message, extensions=extensions)


LIMIT_EXTENSIONS: list[type[SchemaExtension]] = [
    TokenLimit,
    FragmentFanOut,
    DepthLimit,
    AliasLimit,
    ValidationBudget,
    CostLimit,
]

__all__ = ["LIMIT_EXTENSIONS", "MAX_ALIASES", "MAX_COST", "MAX_DEPTH", "MAX_TOKENS", "QUERY_TOO_COMPLEX"]
