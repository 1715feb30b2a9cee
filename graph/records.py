"""Plain records that graph/ returns: no driver objects escape this package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from neo4j.time import Date, DateTime

TEMPORAL = (Date, DateTime)
TEMPORAL_OR_LIST = (Date, DateTime, list)


def native(value: Any) -> Any:
    """Driver temporal values to Python ones; lists element-wise."""
    if isinstance(value, list):
        # Property lists are homogeneous (Neo4j and the store both require it): the first item
        # says whether any needs converting. Every partner and network node passes here.
        return [v.to_native() for v in value] if value and isinstance(value[0], TEMPORAL) else value
    return value.to_native() if isinstance(value, TEMPORAL) else value


def native_map(props: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(props)
    for key, value in data.items():  # native() only where it can change something: a hot path
        if isinstance(value, TEMPORAL_OR_LIST):
            data[key] = native(value)
    return data


@dataclass(frozen=True)
class EntityRecord:
    key: str
    kind: str
    props: dict[str, Any]

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> EntityRecord:
        data = native_map(props)
        return cls(key=str(data["id"]), kind=str(data.get("kind", "")), props=data)


@dataclass(frozen=True)
class SourceRecord:
    key: str
    props: dict[str, Any]
    publisher: str | None = None


@dataclass(frozen=True)
class RelationshipRecord:
    key: str
    type: str
    from_key: str
    to_key: str
    props: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.props.get("kind") or self.type.lower())

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RelationshipRecord:
        props = native_map(row["r"])
        return cls(
            key=str(props.get("id", "")),
            type=str(row["type"]),
            from_key=str(row["from"]),
            to_key=str(row["to"]),
            props=props,
        )


@dataclass(frozen=True)
class Page:
    """One page of a list plus what a cursor connection needs."""

    items: list[Any]
    offset: int
    has_next: bool
    total: int | None = None
