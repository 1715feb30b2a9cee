"""The execution context: graphql-core's, with a shortcut for objects whose selection is leaves alone.

A nested selection ends in thousands of small objects (`other { key name }` under two levels of
100): graphql-core gives each of their scalar fields the full treatment (a path, a resolve info,
a resolver call, completion), which measured as most of the Python time of such a request. When
every field selected on an object is a plain attribute (Strawberry's basic field: no resolver,
arguments, permissions or extensions) of a scalar or enum type, the answer is those attributes
coerced by their types, which is what this computes directly, with the result graphql-core would
give. Anything else, and any value that would be an error (a null in a non-null field, a value the
type cannot coerce), takes graphql-core's own path, so errors read exactly as before.

Strawberry takes this class through its public `execution_context_class`; graphql-core documents
subclassing ExecutionContext as its extension point. `execute_fields` is a method of that class
whose signature changed in graphql-core 3.3, hence the pinned range in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

# Strawberry's key for the field a GraphQL field was made from (GraphQLField.extensions).
_DEFINITION = "strawberry-definition"

# One selected leaf: its response name, how to read it, how to coerce it, whether null may stand.
Leaf = tuple[str, Callable[..., Any], Callable[[Any], Any], bool]
# A parent type's leaves, or None: the selection needs graphql-core's path.
Plan = tuple[Leaf, ...] | None


def _typename(name: str) -> Callable[..., str]:
    return lambda _source, _info: name


def _leaf(parent_type: GraphQLObjectType, name: str, fields: Any) -> Leaf | None:
    details = fields[0]
    node = details.node
    if node.arguments or node.directives or details.fragment_variable_values is not None:
        return None
    if node.name.value == "__typename":
        return name, _typename(parent_type.name), str, False
    field_def = parent_type.fields.get(node.name.value)
    if field_def is None or field_def.args or field_def.resolve is None:
        return None
    definition = (field_def.extensions or {}).get(_DEFINITION)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    nullable = not isinstance(field_def.type, GraphQLNonNull)
    leaf_type = field_def.type if nullable else field_def.type.of_type
    if not is_leaf_type(leaf_type):
        return None
    assert isinstance(leaf_type, GraphQLLeafType)
    return name, field_def.resolve, leaf_type.coerce_output_value, nullable


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plans by the identity of the grouped field set (memoized by graphql-core per request),
        # which is kept alive beside its plan so that the identity cannot be reused.
        self._plans: dict[tuple[int, int], tuple[GroupedFieldSet, Plan]] = {}

    def _plan(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> Plan:
        key = (id(parent_type), id(fields))
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        plan: Plan = None
        # Strawberry passes a manager always; it has middlewares when an extension wraps every
        # resolver (SchemaExtension.resolve), and then every field must go through them.
        manager = self.middleware_manager
        if manager is None or not manager.middlewares:
            leaves = [_leaf(parent_type, name, details) for name, details in fields.items()]
            if leaves and all(leaf is not None for leaf in leaves):
                plan = tuple(leaf for leaf in leaves if leaf is not None)
        self._plans[key] = (fields, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = self._plan(parent_type, grouped_field_set)
        if plan is not None:
            results = _leaves(plan, source_value)
            if results is not None:
                return results
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)


def _leaves(plan: tuple[Leaf, ...], source: Any) -> dict[str, Any] | None:
    """The object's answer, or None where graphql-core must answer (it reports the error)."""
    results: dict[str, Any] = {}
    try:
        for name, resolve, coerce, nullable in plan:
            value = resolve(source, None)
            if value is None:
                if not nullable:
                    return None
                results[name] = None
                continue
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                return None
            results[name] = coerced
    except Exception:
        return None
    return results
