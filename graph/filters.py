"""What a read is narrowed by: time, entity attributes, a network's members. Built by resolvers
from validated arguments, turned into statement parameters here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class TimeFilter:
    as_of: date | None = None
    period_from: date | None = None
    period_to: date | None = None

    @property
    def timed(self) -> bool:
        return not (self.as_of is None and self.period_from is None and self.period_to is None)

    def params(self, level: str = "") -> dict[str, object]:
        """Named as graph.cypher.fragments.valid names them, with the same `level` suffix."""
        return {f"asOf{level}": self.as_of, f"from{level}": self.period_from, f"to{level}": self.period_to}


@dataclass(frozen=True)
class EntityFilter:
    kinds: list[str] | None = None
    countries: list[str] | None = None
    project: str | None = None
    network: str | None = None
    valid_at: date | None = None
    period_from: date | None = None
    period_to: date | None = None
    synthetic: bool | None = None

    def params(self) -> dict[str, object]:
        return {
            "kinds": self.kinds,
            "countries": self.countries,
            "project": self.project,
            "network": self.network,
            "asOf": self.valid_at,
            "from": self.period_from,
            "to": self.period_to,
            "synthetic": self.synthetic,
        }


@dataclass(frozen=True)
class NetworkFilter:
    kinds: list[str] | None = None
    countries: list[str] | None = None
    project: str | None = None


@dataclass(frozen=True)
class RelationshipWindow:
    """Which of an entity's relationships a `relationships` field asks for, and what of each to read.

    Hashable, so that parents asking the same share one batch. `then` is the same kind of question
    asked of every entity at the other ends, one level down: the levels are read in one statement.
    """

    kinds: tuple[str, ...] | None
    when: TimeFilter
    skip: int
    limit: int
    # The fields of the other end's record to read (names, country, flags: graph.records'
    # EntityRecord.LEAN), when nothing else of it is selected; its key and kind are always read.
    # None: the whole entity.
    other: tuple[str, ...] | None = None
    # The relationship's own properties and ends unread (its key and type still are): nothing of
    # it but the other end is selected, as in a traversal.
    bare: bool = False
    # Each relationship's sources read along, when they are selected.
    sources: bool = False
    then: RelationshipWindow | None = None
    # RETRACTED relationships of the kinds asked for too (includeRetracted), with whatever retracted
    # entity is at their other end; a variant of its own, so the default read tests nothing more.
    retracted: bool = False
