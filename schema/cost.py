"""What an operation would cost, from its document and variables alone, before anything runs.

A unit is about one record read and returned (an entity, a relationship, a source, a node or edge
of a drawn network). A field that returns records costs one per record; a list multiplies what is
below it by its length, which comes from the arguments that bound it (`first`, `maxNodes`,
`maxLength`, the number of `keys`) or, for lists no argument bounds, from a typical length. The
questions that do more work than they return weigh what that work is worth: a whole-graph
ranking (brokers), a co-participation count, a network's neighbourhood walk, path searches and
partner expansions through shared groups (FIELDS below).

Every field of the document counts once per response key: aliases are separate executions, two
selections under one key are merged (as execution merges them), named fragments count where they
are spread, and of fragments on different concrete types only the dearest counts (an object has
one type). Fields skipped by a literal or variable `@skip`/`@include` do not count; introspection
is free. An argument over its documented maximum counts at the maximum: the resolver refuses it
with BAD_USER_INPUT naming the argument, a more useful answer than a cost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    build_schema,
    get_named_type,
)
from strawberry.schema import BaseSchema

from resolvers.arguments import MAX_KEYS
from resolvers.networks import MAX_DEPTH as MAX_NETWORK_DEPTH
from resolvers.networks import MAX_GROUP as MAX_CO_GROUP
from resolvers.networks import MAX_NETWORK_NODES
from resolvers.pagination import DEFAULT_PAGE, MAX_PAGE
from resolvers.relationships import MAX_GROUP, MAX_PATH_LENGTH, MAX_PATHS

# The default budget of one operation (COOPGRAPH_MAX_QUERY_COST). Two levels of 100 related
# entities each (10,000 records) cost about 10,000; the whole-graph questions 5,000 to 10,000.
MAX_COST = 50_000
# A document whose walk visits more fields than this (fragments spread in many places) is
# refused whatever its cost: the walk itself must stay cheap.
MAX_WALK = 20_000

Args = Mapping[str, object]  # a field's arguments as the request gives them, before any checks
Sizes = Mapping[str, int]  # the length of lists below a field, by list field name
Composite = GraphQLObjectType | GraphQLInterfaceType


def _count(args: Args, name: str, default: int, maximum: int, minimum: int = 1) -> int:
    value = args.get(name)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Int variable may be sent as 100.0: execution takes it as 100
    if isinstance(value, bool) or not isinstance(value, int):
        value = default
    return min(max(value, minimum), maximum)


def _page(args: Args) -> int:
    return _count(args, "first", DEFAULT_PAGE, MAX_PAGE)


def _keys(args: Args) -> int:
    keys = args.get("keys")
    return min(max(len(keys), 1), MAX_KEYS) if isinstance(keys, list) else 2


def _expansion(args: Args) -> int:
    """Partners through shared groups: the work grows with the largest group expanded."""
    return 10 + _count(args, "maxGroupSize", 200, MAX_GROUP, minimum=2) // 20


@dataclass(frozen=True)
class Rule:
    """What one evaluation of a field costs, and how long the lists below it are."""

    weight: Callable[[Args, Sizes], int]
    sizes: Callable[[Args], Sizes] = field(default=lambda args: {})


def _fixed(units: int) -> Callable[[Args, Sizes], int]:
    return lambda args, sizes: units


# By "Type.field"; a field of an interface applies to every type implementing it.
FIELDS: dict[str, Rule] = {
    "Query.entities": Rule(_fixed(1), lambda a: {"edges": _page(a)}),
    "Query.search": Rule(_fixed(10), lambda a: {"edges": _page(a)}),
    "Query.sources": Rule(_fixed(1), lambda a: {"sources": 20}),
    "Query.partners": Rule(lambda a, s: _expansion(a), lambda a: {"edges": _page(a)}),
    "Query.commonPartners": Rule(
        lambda a, s: _keys(a) * _expansion(a),
        lambda a: {"commonPartners": _count(a, "first", 20, MAX_PAGE), "connections": _keys(a)},
    ),
    "Query.paths": Rule(
        lambda a, s: 10 * _count(a, "first", 1, MAX_PATHS) * _count(a, "maxLength", 4, MAX_PATH_LENGTH),
        lambda a: {
            "paths": _count(a, "first", 1, MAX_PATHS),
            "hops": _count(a, "maxLength", 4, MAX_PATH_LENGTH),
            "nodes": _count(a, "maxLength", 4, MAX_PATH_LENGTH) + 1,
        },
    ),
    "Query.network": Rule(
        # The neighbourhood walk grows with the nodes kept and the hops taken to find them.
        lambda a, s: (
            10 * _count(a, "maxNodes", 200, MAX_NETWORK_NODES) * _count(a, "depth", 1, MAX_NETWORK_DEPTH)
        ),
        lambda a: {
            "nodes": _count(a, "maxNodes", 200, MAX_NETWORK_NODES),
            "edges": 3 * _count(a, "maxNodes", 200, MAX_NETWORK_NODES),
        },
    ),
    # Every node and edge in one value.
    "Network.nodeLink": Rule(lambda a, s: 4 * s.get("nodes", 200)),
    # A count over every group of the kinds asked for, then over their member pairs (cached per
    # data version; the first call pays).
    "Query.coParticipation": Rule(
        lambda a, s: 5_000 + _count(a, "maxGroupSize", 50, MAX_CO_GROUP, minimum=2),
        lambda a: {"coParticipation": _count(a, "first", 50, 500)},
    ),
    # Betweenness over the whole (filtered) graph (cached per data version; the first call pays).
    "Query.brokers": Rule(_fixed(10_000), lambda a: {"brokers": _count(a, "first", 10, MAX_PAGE)}),
    "Query.timeline": Rule(_fixed(10), lambda a: {"timeline": 100}),
    "Query.counsellorCoverage": Rule(_fixed(10), lambda a: {"schools": 100, "targets": 10}),
    "Entity.relationships": Rule(_fixed(1), lambda a: {"edges": _page(a)}),
    # The change log: a page of changes, each a record with its field changes (TYPICAL_LENGTH).
    "Query.changes": Rule(_fixed(1), lambda a: {"edges": _page(a)}),
    "Entity.history": Rule(_fixed(1), lambda a: {"edges": _page(a)}),
    "EntityConnection.totalCount": Rule(_fixed(10)),
    "SearchConnection.totalCount": Rule(_fixed(10)),
    "RelationshipConnection.totalCount": Rule(_fixed(1)),
}
# Records: a field returning one costs a unit per record (unless FIELDS says otherwise).
# A change is read whole (its diff decoded), and each of its field changes is returned as an item.
RECORD_TYPES = frozenset(
    {
        "Entity", "Actor", "Node", "Relationship", "Source", "NetworkNode", "NetworkEdge", "Change",
        "FieldChange",
    }
)  # fmt: skip
# Lists no argument bounds, at a typical length (more than most seed and synthetic entities have).
# `fields`: a change through the API has about ten, an import's up to a thousand
# (graph/ingest/csv_import.py CHANGE_ITEMS); at 100, a full page of changes with their fields
# weighs about as much as two levels of 100 related entities.
TYPICAL_LENGTH = {"sources": 3, "links": 3, "relationships": 3, "shared": 5, "connections": 2, "fields": 100}
DEFAULT_LENGTH = 10


class TooComplex(Exception):
    """The document's walk exceeded MAX_WALK fields."""


@functools.lru_cache(maxsize=8)
def schema_types(schema: BaseSchema) -> GraphQLSchema:
    """The schema's types as graphql-core sees them, rebuilt from its SDL (public API only; the
    types and arguments are all the cost needs). Once per schema and process."""
    return build_schema(schema.as_str())


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: Mapping[str, object]
    steps: int = 0

    def value(self, node: ValueNode) -> object:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, BooleanValueNode):
            return node.value
        if isinstance(node, ListValueNode):
            return [self.value(item) for item in node.values]
        if isinstance(node, NullValueNode):
            return None
        return node  # strings, enums, objects: no rule counts with them

    def included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name in ("skip", "include"):
                condition = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
                value = self.value(condition) if condition is not None else None
                if isinstance(value, bool) and value == (name == "skip"):
                    return False
        return True

    def collect(
        self,
        selection_sets: Iterable[SelectionSetNode],
        parent: Composite,
        variant: str | None,
        into: dict[str | None, dict[str, list[FieldNode]]],
        spread: frozenset[str],
    ) -> None:
        """The fields of the selection sets by response key, grouped by the concrete type they
        apply to (None: every object), fragments flattened."""
        for selection_set in selection_sets:
            for selection in selection_set.selections:
                self.steps += 1
                if self.steps > MAX_WALK:
                    raise TooComplex
                if selection.directives and not self.included(selection):  # type: ignore[arg-type]
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    nodes = into.setdefault(variant, {}).setdefault(key, [])
                    if not nodes or all(n is not selection for n in nodes):
                        nodes.append(selection)  # (one fragment spread twice is one field)
                    continue
                if isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in spread:
                        continue  # invalid, and validation has said so
                    condition: str | None = fragment.type_condition.name.value
                    inner, inner_spread = fragment.selection_set, spread | {name}
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition.name.value if selection.type_condition else None
                    inner, inner_spread = selection.selection_set, spread
                else:
                    continue
                inner_variant = variant
                if (
                    variant is None
                    and condition is not None
                    and condition != parent.name
                    and isinstance(self.schema.get_type(condition), GraphQLObjectType)
                ):
                    inner_variant = condition  # only objects of that type
                self.collect([inner], parent, inner_variant, into, inner_spread)

    def selection_cost(
        self,
        selection_sets: Iterable[SelectionSetNode],
        parent: Composite,
        sizes: Sizes,
    ) -> int:
        grouped: dict[str | None, dict[str, list[FieldNode]]] = {}
        self.collect(selection_sets, parent, None, grouped, frozenset())
        common = grouped.pop(None, {})
        best = self.fields_cost(common, parent, sizes)
        for type_name, fields in grouped.items():
            concrete = self.schema.get_type(type_name or "")
            if not isinstance(concrete, GraphQLObjectType):
                continue
            merged = {key: [*common.get(key, []), *nodes] for key, nodes in fields.items()}
            best = max(best, self.fields_cost({**common, **merged}, concrete, sizes))
        return best

    def fields_cost(
        self,
        fields: Mapping[str, list[FieldNode]],
        parent: Composite,
        sizes: Sizes,
    ) -> int:
        total = 0
        for nodes in fields.values():
            name = nodes[0].name.value
            about = _field(parent, name)
            if about is None:
                continue  # introspection, or not a field here (validation has said so)
            rule, named, listed, each = about
            inner_sizes = sizes
            if rule is not None:
                args = {a.name.value: self.value(a.value) for a in nodes[0].arguments or ()}
                total += rule.weight(args, sizes)
                inner_sizes = {**sizes, **rule.sizes(args)}
            if named is None:
                continue  # a leaf
            length = 1
            if listed:
                length = inner_sizes.get(name, TYPICAL_LENGTH.get(name, DEFAULT_LENGTH))
                # This list's length is used up: a list of the same name further down is another.
                inner_sizes = {k: v for k, v in inner_sizes.items() if k != name}
            selection_sets = [n.selection_set for n in nodes if n.selection_set is not None]
            total += length * (each + self.selection_cost(selection_sets, named, inner_sizes))
        return total


@functools.lru_cache(maxsize=4096)
def _field(parent: Composite, name: str) -> tuple[Rule | None, Composite | None, bool, int] | None:
    """A field's rule, its object or interface type (None for a leaf), whether it is a list, and
    what each of its items costs by itself: a record a unit, unless a rule says otherwise."""
    definition = parent.fields.get(name)
    if definition is None or name.startswith("__"):
        return None
    names = [parent.name, *(i.name for i in parent.interfaces)]
    rule = next((FIELDS[f"{n}.{name}"] for n in names if f"{n}.{name}" in FIELDS), None)
    named = get_named_type(definition.type)
    if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        return rule, None, False, 0
    return rule, named, _is_list(definition.type), 1 if rule is None and _is_record(named) else 0


def _is_record(named: Composite) -> bool:
    return named.name in RECORD_TYPES or any(i.name in RECORD_TYPES for i in named.interfaces)


def _is_list(output: GraphQLOutputType) -> bool:
    while isinstance(output, GraphQLNonNull):
        output = output.of_type
    return isinstance(output, GraphQLList)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, object] | None,
) -> int | None:
    """The cost of the operation a request runs; None when its document is too intricate to
    walk (MAX_WALK). With no operation name and several operations, the dearest counts."""
    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name is not None and d.name.value == operation_name))
    ]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    costs = [0]
    for operation in operations:
        root = schema.query_type if operation.operation is OperationType.QUERY else None
        if root is None:
            continue  # no mutations or subscriptions: validation refuses them
        given = dict(variables or {})
        defaults = {
            d.variable.name.value: d.default_value
            for d in operation.variable_definitions or ()
            if d.default_value is not None and d.variable.name.value not in given
        }
        walk = _Walk(schema, fragments, given)
        walk.variables = {**given, **{name: walk.value(value) for name, value in defaults.items()}}
        try:
            costs.append(walk.selection_cost([operation.selection_set], root, {}))
        except TooComplex:
            return None
    return max(costs)


__all__ = ["FIELDS", "MAX_COST", "operation_cost", "schema_types"]
