"""Closed vocabularies as GraphQL enums; values are the ontology's names (a test keeps them in step)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

import strawberry


@strawberry.enum(description="What kind of thing an entity is.")
class Kind(Enum):
    MINISTRY = "ministry"
    AGENCY = "agency"
    ORG_UNIT = "org_unit"
    MUNICIPALITY = "municipality"
    REGION = "region"
    SCHOOL = "school"
    UNIVERSITY = "university"
    ORGANISATION = "organisation"
    COUNCIL = "council"
    PERSON = "person"
    PROJECT = "project"
    PROGRAMME = "programme"
    EVENT = "event"
    AGREEMENT = "agreement"
    REGULATION = "regulation"
    TARGET = "target"


@strawberry.enum(description="What kind of relationship an edge states.")
class RelationKind(Enum):
    COOPERATES_WITH = "cooperates_with"
    PARTY_TO = "party_to"
    MEMBER_OF = "member_of"
    COORDINATES = "coordinates"
    IMPLEMENTS = "implements"
    SUBMITS = "submits"
    PARTICIPATES_IN = "participates_in"
    FUNDS = "funds"
    PART_OF = "part_of"
    SUBORDINATE_TO = "subordinate_to"
    LOCATED_IN = "located_in"
    HOLDS_POSITION = "holds_position"
    SERVES = "serves"
    ORGANISES = "organises"
    HOSTS = "hosts"
    ABOUT = "about"
    SETS_TARGET = "sets_target"
    REFERS_TO = "refers_to"
    DISTINCT_FROM = "distinct_from"


@strawberry.enum(description="Countries (ISO 3166 codes; EU for European-level things).")
class Country(Enum):
    EE = "EE"
    LV = "LV"
    FI = "FI"
    EU = "EU"


@strawberry.enum(description="How precisely a source dates something.")
class DatePrecision(Enum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"


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
