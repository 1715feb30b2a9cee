"""Closed vocabularies as GraphQL enums, each generated from the one list that graph/ or
resolvers/ works with (the ontology, the records, the query modules); only SortDirection is the
schema's own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, cast

import strawberry

from graph.dates import PRECISIONS
from graph.ontology import COUNTRIES, KIND_LABELS, RELATION_TYPES
from graph.records import CHANGE_ACTIONS, ROLES, VIAS
from resolvers.entities import SORT_FIELDS
from resolvers.networks import SHARED_KINDS, TIMELINE_CHANGES


def _vocabulary(
    name: str, values: Iterable[str], description: str, meanings: Mapping[str, str] | None = None
) -> type[Enum]:
    """A GraphQL enum whose values are a closed vocabulary of graph/, member names upper-cased;
    `meanings` describes each value."""
    members = [
        (
            value.upper(),
            value if meanings is None else strawberry.enum_value(value, description=meanings[value]),
        )
        for value in values
    ]
    generated = cast("type[Enum]", Enum(name, members))
    return strawberry.enum(generated, description=description)


# Generated from graph's vocabularies, never copied: a kind added to the ontology is a value
# here. mypy sees plain Enums (it cannot follow a generated class).
if TYPE_CHECKING:
    Kind = Enum
    RelationKind = Enum
    Country = Enum
    DatePrecision = Enum
    ChangeAction = Enum
    Role = Enum
    Via = Enum
    SharedKind = Enum
    EntitySort = Enum
    TimelineChange = Enum
else:
    Kind = _vocabulary("Kind", KIND_LABELS, "What kind of thing an entity is.")
    RelationKind = _vocabulary("RelationKind", RELATION_TYPES, "What kind of relationship an edge states.")
    Country = _vocabulary("Country", COUNTRIES, "Countries (ISO 3166 codes; EU for European-level things).")
    DatePrecision = _vocabulary(
        "DatePrecision", PRECISIONS, "How precisely a source dates something, and how to read it.", PRECISIONS
    )
    ChangeAction = _vocabulary("ChangeAction", CHANGE_ACTIONS, "What a change to the graph did.")
    Role = _vocabulary(
        "Role",
        ROLES,
        "What a token may do, weakest first; each role may do what the ones before it may: READER "
        "reads (where reads need a token), CURATOR also changes the graph, ADMIN also sees the tokens.",
    )
    # The query-only vocabularies, from the modules that answer them.
    Via = _vocabulary("Via", VIAS, "How two actors are connected.")
    SharedKind = _vocabulary("SharedKind", SHARED_KINDS, "What co-participating organisations share.")
    EntitySort = _vocabulary("EntitySort", SORT_FIELDS, "Sort key for entity listings.")
    TimelineChange = _vocabulary(
        "TimelineChange", TIMELINE_CHANGES, "What happened at a point of a timeline."
    )


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


def values(items: Sequence[Enum] | None) -> list[str] | None:
    """Enum values for a filter; an empty list, like null, means no filter."""
    return [str(item.value) for item in items] if items else None
