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
pyproject.toml. From Strawberry it takes names that are importable but not documented: the
execution context it subclasses, the "strawberry-definition" key of a GraphQL field's extensions
and StrawberryField.is_basic_field; Strawberry is pinned to a minor release for this and for
schema/http.py.

Worth it, measured paired (the same app and store of the benchmark's size M, the shortcut on and
off for alternate requests, 300 each, in process): two levels of 100 took a median 6.1 ms less
(p50 45.0 against 49.6 ms, p95 155 against 190 ms), two levels of 20 1.9 ms less (25.5 against
27.6); twenty relationships with sources and a lookup by key, where there are few objects, gain
nothing measurable. Without it the benchmark's two-level shapes still meet the issue's 2x
ratio (1.85x and 1.71x at b98b682, against 1.68x and 1.52x with it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLAbstractType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
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
    read: Callable[[Any], Any]  # the value from the parent object
    coerce: Callable[[Any], Any]
    nullable: bool


@dataclass(slots=True, frozen=True, eq=False)
class _Object:
    """A plain field of an object (or by-class interface) type; its own plan is per runtime type."""

    name: str
    read: Callable[[Any], Any]  # the value from the parent object
    nullable: bool
    type: GraphQLOutputType
    fields: Any  # graphql-core's field details, to collect the selection on the runtime type


@dataclass(slots=True, frozen=True, eq=False)
class _List:
    """A plain field of a list type; `item` answers each item (its `name` and `read` unused, its
    `nullable` whether an item may be null)."""

    name: str
    read: Callable[[Any], Any]  # the value from the parent object
    nullable: bool
    item: _Leaf | _Object


_Entry = _Leaf | _Object | _List
# A parent type's selected fields, or None: the selection needs graphql-core's path.
Plan = tuple[_Entry, ...] | None
# What _complete answers for a value graphql-core must complete (and report).
_FAIL = object()


def _typename(name: str) -> Callable[[Any], str]:
    return lambda _source: name


def _plain_field(
    parent_type: GraphQLObjectType, details: list[FieldDetails]
) -> tuple[GraphQLField, Callable[[Any], Any]] | None:
    """The field a selection names (under one response key, from one node or several) when it is
    a plain attribute selected without arguments or directives, and how to read it: what
    Strawberry's resolver for it does, `default_resolver(source, python_name)`."""
    # A deferred field (@defer on an enclosing fragment, at any level above) is delivered later.
    if any(
        d.node.arguments or d.node.directives or d.fragment_variable_values or d.defer_usage is not None
        for d in details
    ):
        return None
    field_def: GraphQLField | None = parent_type.fields.get(details[0].node.name.value)
    if field_def is None or field_def.args or field_def.resolve is None:
        return None
    definition = (field_def.extensions or {}).get(_DEFINITION)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if definition.default_resolver is getattr:
        return field_def, attrgetter(definition.python_name)
    default, python_name = definition.default_resolver, definition.python_name
    return field_def, lambda source: default(source, python_name)


def _field(parent_type: GraphQLObjectType, name: str, fields: Any) -> _Entry | None:
    if fields[0].node.name.value == "__typename" and not any(
        d.node.directives or d.defer_usage is not None for d in fields
    ):
        return _Leaf(name, _typename(parent_type.name), str, False)
    plain = _plain_field(parent_type, fields)
    if plain is None:
        return None
    field_def, read = plain
    type_ = field_def.type
    nullable = not isinstance(type_, GraphQLNonNull)
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        item_type = type_.of_type
        item_nullable = not isinstance(item_type, GraphQLNonNull)
        if isinstance(item_type, GraphQLNonNull):
            item_type = item_type.of_type
        item = _single(name, read, item_nullable, item_type, fields)
        return None if item is None else _List(name, read, nullable, item)
    return _single(name, read, nullable, type_, fields)


def _single(
    name: str, read: Callable[[Any], Any], nullable: bool, type_: GraphQLOutputType, fields: Any
) -> _Leaf | _Object | None:
    if isinstance(type_, GraphQLLeafType):
        return _Leaf(name, read, type_.coerce_output_value, nullable)
    if isinstance(type_, GraphQLObjectType) or (
        isinstance(type_, GraphQLAbstractType) and type_.resolve_type is type_by_class
    ):
        return _Object(name, read, nullable, type_, fields)
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

    def _answer(self, plan: tuple[_Entry, ...], source: Any) -> dict[str, Any] | None:
        """The object's answer, or None where graphql-core must answer (it reports the error)."""
        results: dict[str, Any] = {}
        try:
            for entry in plan:
                answer = self._complete(entry, entry.read(source))
                if answer is _FAIL:
                    return None
                results[entry.name] = answer
        except Exception:  # graphql-core's path turns it into the field's error
            return None
        return results

    def _complete(self, entry: _Entry, value: Any) -> Any:
        """A field's answer for `value`, or _FAIL."""
        if value is None:
            return None if entry.nullable else _FAIL
        if isinstance(entry, _Leaf):
            answer = entry.coerce(value)
            return _FAIL if answer is None or answer is Undefined else answer
        if isinstance(entry, _Object):
            subplan = self._subplan(entry, value)
            answer = None if subplan is None else self._answer(subplan, value)
            return _FAIL if answer is None else answer
        if not isinstance(value, list | tuple):  # graphql-core takes any iterable but a string
            return _FAIL
        item = entry.item
        answers = [self._complete(item, each) for each in value]
        return _FAIL if any(answer is _FAIL for answer in answers) else answers

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
