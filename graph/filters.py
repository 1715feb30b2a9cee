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

    def params(self) -> dict[str, object]:
        return {"asOf": self.as_of, "from": self.period_from, "to": self.period_to}


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
