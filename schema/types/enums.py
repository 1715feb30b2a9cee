"""Closed vocabularies as GraphQL enums: the ontology's are generated from graph/ontology.py,
the query-only ones (how partners connect, sort keys) are defined here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, cast

import strawberry

from graph.dates import PRECISIONS
from graph.ontology import COUNTRIES, KIND_LABELS, RELATION_TYPES
from graph.records import CHANGE_ACTIONS


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
else:
    Kind = _vocabulary("Kind", KIND_LABELS, "What kind of thing an entity is.")
    RelationKind = _vocabulary("RelationKind", RELATION_TYPES, "What kind of relationship an edge states.")
    Country = _vocabulary("Country", COUNTRIES, "Countries (ISO 3166 codes; EU for European-level things).")
    DatePrecision = _vocabulary(
        "DatePrecision", PRECISIONS, "How precisely a source dates something, and how to read it.", PRECISIONS
    )
    ChangeAction = _vocabulary("ChangeAction", CHANGE_ACTIONS, "What a change to the graph did.")


@strawberry.enum(description="How two actors are connected.")
class Via(Enum):
    DIRECT = "DIRECT"
    PROJECT = "PROJECT"
    COUNCIL = "COUNCIL"
    EVENT = "EVENT"
    AGREEMENT = "AGREEMENT"
    FUNDING = "FUNDING"


@strawberry.enum(description="What co-participating organisations share.")
class SharedKind(Enum):
    PROJECT = "project"
    COUNCIL = "council"
    EVENT = "event"


@strawberry.enum(description="Sort key for entity listings.")
class EntitySort(Enum):
    NAME = "name"
    NAME_EN = "name_en"
    KEY = "key"
    COUNTRY = "country"
    KIND = "kind"


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum(description="What happened at a point of a timeline.")
class TimelineChange(Enum):
    EVENT = "EVENT"
    STARTED = "STARTED"
    ENDED = "ENDED"


def values(items: Sequence[Enum] | None) -> list[str] | None:
    """Enum values for a filter; an empty list, like null, means no filter."""
    return [str(item.value) for item in items] if items else None
