"""The execution context: graphql-core's, with a shortcut for selections of plain fields.

A nested selection ends in thousands of small objects (`edges { other { key name } }` under two
levels of 100): graphql-core gives each of their fields the full treatment (a path, a resolve
info, a resolver call, completion, the runtime type of an interface), which measured as most of
the Python time of such a request. When every field selected on an object is a plain attribute
(Strawberry's basic field: no resolver, arguments, permissions or extensions) of a scalar or enum
type, or of an object type whose own selection is such fields again, the answer is those
attributes coerced by their types, which is what this computes directly, with the result
graphql-core would give. An interface qualifies when its runtime type is named by the object's
own class (`type_by_class`). Anything else, and any value that would be an error (a null in a
non-null field, a value its type cannot coerce), takes graphql-core's path for the whole object,
so errors read exactly as before.

Strawberry takes this class through its public `execution_context_class`; graphql-core documents
subclassing ExecutionContext as its extension point. `execute_fields` and `collect_subfields` are
methods of that class whose signatures changed in graphql-core 3.3, hence the pinned range in
pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetails, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import get_object_definition
from strawberry.types.field import StrawberryField

# Strawberry's key for the field a GraphQL field was made from (GraphQLField.extensions).
_DEFINITION = "strawberry-definition"

_type_names: dict[type, str] = {}


def type_by_class(obj: Any, _info: object, _abstract_type: object) -> str:
    """An interface's `resolve_type` (Strawberry's hook) for one whose every object is built as
    its own concrete type: the name of the object's class. Faster than Strawberry's general search
    (casts, generics, subclasses), and it lets the shortcut below name the type without an info."""
    cls = type(obj)
    name = _type_names.get(cls)
    if name is None:
        name = _type_names[cls] = get_object_definition(cls, strict=True).name
    return name


@dataclass(slots=True, frozen=True, eq=False)
class _Leaf:
    name: str  # the response key
    resolve: Callable[..., Any]
    coerce: Callable[[Any], Any]
    nullable: bool


@dataclass(slots=True, frozen=True, eq=False)
class _Object:
    """A plain field of an object (or by-class interface) type; its own plan is per runtime type."""

    name: str
    resolve: Callable[..., Any]
    nullable: bool
    type: GraphQLOutputType
    fields: Any  # graphql-core's field details, to collect the selection on the runtime type


# A parent type's selected fields, or None: the selection needs graphql-core's path.
Plan = tuple[_Leaf | _Object, ...] | None


def _typename(name: str) -> Callable[..., str]:
    return lambda _source, _info: name


def _plain_field(parent_type: GraphQLObjectType, details: list[FieldDetails]) -> GraphQLField | None:
    """The field a selection names (under one response key, from one node or several) when it is
    a plain attribute selected without arguments or directives."""
    if any(d.node.arguments or d.node.directives or d.fragment_variable_values for d in details):
        return None
    field_def: GraphQLField | None = parent_type.fields.get(details[0].node.name.value)
    if field_def is None or field_def.args or field_def.resolve is None:
        return None
    definition = (field_def.extensions or {}).get(_DEFINITION)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    return field_def


def _field(parent_type: GraphQLObjectType, name: str, fields: Any) -> _Leaf | _Object | None:
    if fields[0].node.name.value == "__typename" and not any(d.node.directives for d in fields):
        return _Leaf(name, _typename(parent_type.name), str, False)
    field_def = _plain_field(parent_type, fields)
    if field_def is None or field_def.resolve is None:
        return None
    resolve, type_ = field_def.resolve, field_def.type
    nullable = not isinstance(type_, GraphQLNonNull)
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLLeafType):
        return _Leaf(name, resolve, type_.coerce_output_value, nullable)
    if isinstance(type_, GraphQLObjectType) or (
        isinstance(type_, GraphQLAbstractType) and type_.resolve_type is type_by_class
    ):
        return _Object(name, resolve, nullable, type_, fields)
    return None


def _runtime_type(schema: GraphQLSchema, type_: GraphQLOutputType, value: Any) -> GraphQLObjectType | None:
    """The object type `value` is answered as when it is the type of the value's own class (asked
    once per class); None: graphql-core's path decides, and reports what is wrong."""
    if isinstance(type_, GraphQLObjectType) and type_.is_type_of is None:
        return type_  # graphql-core checks nothing either
    if get_object_definition(type(value)) is None:
        return None
    found = schema.get_type(type_by_class(value, None, None))
    if not isinstance(found, GraphQLObjectType):
        return None
    # An object type's is_type_of, an interface's resolve_type: both accept the value's own type.
    if found is type_ or (isinstance(type_, GraphQLAbstractType) and schema.is_sub_type(type_, found)):
        return found
    return None


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Plans by the identity of the grouped field set (memoized by graphql-core per request),
        # which is kept alive beside its plan so that the identity cannot be reused.
        self._plans: dict[tuple[int, int], tuple[GroupedFieldSet, Plan]] = {}
        self._subplans: dict[tuple[int, type], Plan] = {}

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
            entries = [_field(parent_type, name, details) for name, details in fields.items()]
            if entries and all(entry is not None for entry in entries):
                plan = tuple(entry for entry in entries if entry is not None)
        self._plans[key] = (fields, plan)
        return plan

    def _subplan(self, entry: _Object, value: Any) -> Plan:
        """The plan of `entry`'s selection on `value`'s runtime type (the same for every object
        of a class: entries live as long as the plans holding them, so their ids are stable)."""
        key = (id(entry), type(value))
        if key in self._subplans:
            return self._subplans[key]
        plan: Plan = None
        runtime = _runtime_type(self.schema, entry.type, value)
        if runtime is not None:
            grouped, defer_usages, _ = self.collect_subfields(runtime, entry.fields)
            plan = None if defer_usages else self._plan(runtime, grouped)
        self._subplans[key] = plan
        return plan

    def _answer(self, plan: tuple[_Leaf | _Object, ...], source: Any) -> dict[str, Any] | None:
        """The object's answer, or None where graphql-core must answer (it reports the error)."""
        results: dict[str, Any] = {}
        try:
            for entry in plan:
                value = entry.resolve(source, None)
                if value is None:
                    if not entry.nullable:
                        return None
                    results[entry.name] = None
                    continue
                if isinstance(entry, _Leaf):
                    answer = entry.coerce(value)
                    if answer is None or answer is Undefined:
                        return None
                else:
                    subplan = self._subplan(entry, value)
                    answer = None if subplan is None else self._answer(subplan, value)
                    if answer is None:
                        return None
                results[entry.name] = answer
        except Exception:  # graphql-core's path turns it into the field's error
            return None
        return results

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
            results = self._answer(plan, source_value)
            if results is not None:
                return results
        return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
