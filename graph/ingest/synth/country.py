"""One country's planned nodes: per kind their ids, subtypes, fitness weights and parents."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.ingest.synth.draws import Pool


def node_id(country: str, kind: str, index: int) -> str:
    return f"syn-{country.lower()}-{kind.replace('_', '-')}-{index:06d}"


@dataclass
class Kind:
    """The nodes of one kind in one country: ids, subtypes, fitness weights."""

    ids: list[str] = field(default_factory=list)
    subtypes: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)  # index into the parent kind, when it has one


@dataclass
class Country:
    code: str
    lang: str
    actors: int
    kinds: dict[str, Kind] = field(default_factory=dict)
    students: list[int] = field(default_factory=list)
    place: list[str] = field(default_factory=list)  # municipality index -> place name
    counsellor_schools: list[tuple[int, ...]] = field(default_factory=list)
    periods: list[tuple[str, str | None]] = field(default_factory=list)  # project index -> (start, end)

    def kind(self, name: str) -> Kind:
        return self.kinds.setdefault(name, Kind())

    def add(self, kind: str, subtype: str = "", weight: float = 1.0, parent: int = -1) -> int:
        nodes = self.kind(kind)
        index = len(nodes.ids)
        nodes.ids.append(node_id(self.code, kind, index))
        nodes.subtypes.append(subtype)
        nodes.weights.append(weight)
        nodes.parent.append(parent)
        return index

    def pool(self, *kinds: str, boost: dict[str, float] | None = None) -> Pool:
        ids: list[str] = []
        weights: list[float] = []
        for kind in kinds:
            nodes = self.kind(kind)
            factor = (boost or {}).get(kind, 1.0)
            ids.extend(nodes.ids)
            weights.extend(w * factor for w in nodes.weights)
        return Pool(ids, weights)
