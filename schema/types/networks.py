"""Networks for dashboards, co-participation, brokers, timelines, counsellor coverage."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from graph.records import EntityRecord, RelationshipRecord, Subgraph
from graph.records import Validity as ValidityRecord
from resolvers.networks import Brokers, Coverage, TimelineEntry
from schema.context import Info
from schema.types.common import FuzzyDate, Validity
from schema.types.entities import Entity, entity_type, to_entity
from schema.types.enums import DatePrecision, Kind, RelationKind, TimelineChange
from schema.types.relationships import Relationship


async def _entity(info: Info, key: str) -> Entity | None:
    return entity_type(await info.context.loaders.entity.load(key))


@strawberry.type(description="A node ready to draw.")
class NetworkNode:
    key: str
    kind: Kind
    name: str
    name_en: str
    country: str
    degree: int = strawberry.field(description="Relationships in the whole graph, not only in this network.")
    inferred: bool = strawberry.field(description="The entity is inferred, not stated by a source.")

    @classmethod
    def from_record(cls, n: EntityRecord) -> NetworkNode:
        return cls(
            key=n.key,
            kind=Kind(n.kind),
            name=n.name,
            name_en=n.name_en,
            country=n.country,
            degree=n.degree,
            inferred=n.inferred,
        )

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.key,
            "kind": self.kind.name,
            "name": self.name,
            "nameEn": self.name_en,
            "country": self.country,
            "degree": self.degree,
            "inferred": self.inferred,
        }


@strawberry.type(description="An edge ready to draw; `source` and `target` are node keys.")
class NetworkEdge:
    key: str
    source: str
    target: str
    kind: RelationKind
    role: str | None
    sources: list[str] = strawberry.field(description="Keys of the documents stating it.")
    inferred: bool = strawberry.field(
        description="The relationship or one of its ends is inferred, not stated by a source."
    )
    when: strawberry.Private[ValidityRecord]

    @strawberry.field
    def validity(self) -> Validity:
        # Built only when asked for: a drawing of thousands of edges often does not.
        return Validity.from_record(self.when)

    @classmethod
    def from_record(cls, r: RelationshipRecord, inferred_end: bool = False) -> NetworkEdge:
        return cls(
            key=r.key,
            source=r.from_key,
            target=r.to_key,
            kind=RelationKind(r.kind),
            role=r.role,
            sources=r.sources,
            inferred=r.inferred or inferred_end,
            when=r.validity,
        )

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "source": self.source,
            "target": self.target,
            "kind": self.kind.name,
            "role": self.role,
            "start": None if self.when.start is None else self.when.start.text,
            "end": None if self.when.end is None else self.when.end.text,
            "sources": self.sources,
            "inferred": self.inferred,
        }


@strawberry.type(description="A subgraph as node and edge lists (node-link form).")
class Network:
    subgraph: strawberry.Private[Subgraph]
    truncated: bool = strawberry.field(description="True when the size bound cut the network off.")

    # The typed lists are built only when selected; nodeLink serialises the same objects.
    def _nodes(self) -> list[NetworkNode]:
        return [NetworkNode.from_record(n) for n in self.subgraph.nodes]

    def _edges(self) -> list[NetworkEdge]:
        guessed = {n.key for n in self.subgraph.nodes if n.inferred}
        return [
            NetworkEdge.from_record(r, bool(guessed) and (r.from_key in guessed or r.to_key in guessed))
            for r in self.subgraph.relationships
        ]

    @strawberry.field
    def nodes(self) -> list[NetworkNode]:
        return self._nodes()

    @strawberry.field
    def edges(self) -> list[NetworkEdge]:
        return self._edges()

    @strawberry.field(
        description="A node or an edge of the network is inferred (includeInferred: false leaves "
        "them out of the network)."
    )
    def inferred(self) -> bool:
        sub = self.subgraph
        return any(n.inferred for n in sub.nodes) or any(r.inferred for r in sub.relationships)

    @strawberry.field(
        description="The same network as one JSON value in node-link form: {directed, multigraph, "
        "graph: {truncated}, nodes: [{id, kind, name, nameEn, country, degree, inferred}], links: "
        "[{key, source, target, kind, role, start, end, sources, inferred}]}. Loads with networkx's "
        'node_link_graph(data, edges="links") or d3\'s force layout; one value instead of '
        "a typed field per attribute of every node and edge."
    )
    def node_link(self) -> JSON:
        return JSON(
            {
                "directed": True,
                # Two actors can be joined by several relationships (a project and an agreement).
                "multigraph": True,
                "graph": {"truncated": self.truncated},
                "nodes": [n.as_json() for n in self._nodes()],
                "links": [e.as_json() for e in self._edges()],
            }
        )

    @classmethod
    def from_record(cls, sub: Subgraph) -> Network:
        return cls(subgraph=sub, truncated=sub.truncated)


@strawberry.type(description="Two organisations and what they take part in together.")
class CoParticipationPair:
    weight: int = strawberry.field(description="How many projects, councils or events they share.")
    inferred: bool = strawberry.field(
        description="The weight counts a shared project, council or event that is inferred, or that "
        "one of the two takes part in only through inferred things (includeInferred: false counts "
        "without them)."
    )
    a_key: strawberry.Private[str]
    b_key: strawberry.Private[str]
    shared_keys: strawberry.Private[list[str]]

    @strawberry.field
    async def a(self, info: Info) -> Entity | None:
        return await _entity(info, self.a_key)

    @strawberry.field
    async def b(self, info: Info) -> Entity | None:
        return await _entity(info, self.b_key)

    @strawberry.field(description="What they share (at most 20 listed).")
    async def shared(self, info: Info) -> list[Entity]:
        found = await info.context.loaders.entity.load_many(self.shared_keys)
        return [to_entity(r) for r in found if r is not None]


@strawberry.type(description="An actor's position in the network.")
class Broker:
    degree: int
    betweenness: float = strawberry.field(description="Normalised betweenness centrality, 0 to 1.")
    key: str
    inferred: bool = strawberry.field(
        description="The actor, a neighbour or a relationship counted in its degree is inferred "
        "(betweenness depends on the whole network: see the ranking's `inferred`)."
    )

    @strawberry.field
    async def actor(self, info: Info) -> Entity | None:
        return await _entity(info, self.key)


@strawberry.type(description="Actors ranked by how much they connect otherwise separate parts.")
class BrokerRanking:
    brokers: list[Broker]
    network_size: int = strawberry.field(description="Nodes in the network the measures were computed on.")
    exact: bool = strawberry.field(description="False when betweenness was estimated from sampled sources.")
    inferred: bool = strawberry.field(
        description="The network measured holds an inferred entity or relationship, on which every "
        "betweenness depends (includeInferred: false measures the network without them)."
    )

    @classmethod
    def from_record(cls, record: Brokers) -> BrokerRanking:
        return cls(
            brokers=[
                Broker(degree=b.degree, betweenness=b.betweenness, key=b.key, inferred=b.inferred)
                for b in record.items
            ],
            network_size=record.network_nodes,
            exact=record.exact,
            inferred=record.inferred,
        )


@strawberry.type(description="A dated point in an entity's history.")
class TimelineItem:
    date: FuzzyDate | None
    change: TimelineChange
    relationship: Relationship
    inferred: bool = strawberry.field(
        description="The relationship, the event or an end (the entity asked about too) is inferred."
    )
    subject: strawberry.Private[str]
    event_record: strawberry.Private[Entity | None]

    @strawberry.field(description="The event, for EVENT entries.")
    def event(self) -> Entity | None:
        return self.event_record

    @strawberry.field(description="The other end of the relationship.")
    async def other(self, info: Info) -> Entity | None:
        rel = self.relationship
        return await _entity(info, rel.to_key if rel.from_key == self.subject else rel.from_key)

    @classmethod
    def from_record(cls, entry: TimelineEntry, subject: str) -> TimelineItem:
        when = entry.when
        return cls(
            date=FuzzyDate.from_record(when),
            change=TimelineChange(entry.change),
            relationship=Relationship.from_record(entry.relationship),
            inferred=entry.inferred,
            subject=subject,
            event_record=None if entry.event is None else to_entity(entry.event),
        )


@strawberry.type(description="One school's students and counsellor posts.")
class SchoolCoverage:
    key: str
    name: str
    students: int | None
    counsellor_fte: float = strawberry.field(description="Sum of serving counsellors' workload fractions.")
    counsellors: int
    students_per_counsellor: float | None
    inferred: bool = strawberry.field(
        description="In scope only through inferred places or locations, or a counsellor or post "
        "counted is inferred."
    )


@strawberry.type(description="A target ratio and whether the scope meets it.")
class TargetComparison:
    students_per_counsellor: float = strawberry.field(description="The target: at most this many students.")
    meets: bool | None = strawberry.field(description="Null when the scope's own ratio is unknown.")
    target: Entity | None = strawberry.field(
        description="The Target entity; null for a ratio given as argument."
    )
    inferred: bool = strawberry.field(
        description="Every way the target applies to the scope (a place, a location, a "
        "participation, the project, the target) rests on something inferred."
    )
    set_by_key: strawberry.Private[str | None]

    @strawberry.field(description="The project that set the target.")
    async def set_by(self, info: Info) -> Entity | None:
        return None if self.set_by_key is None else await _entity(info, self.set_by_key)


@strawberry.type(description="Students per career counsellor in a municipality, region or school.")
class CounsellorCoverage:
    students: int = strawberry.field(description="Students in schools with a known count.")
    schools_without_student_count: int
    counsellor_fte: float
    students_per_counsellor: float | None
    schools: list[SchoolCoverage]
    targets: list[TargetComparison]
    inferred: bool = strawberry.field(description="A school or a target listed rests on something inferred.")
    scope_key: strawberry.Private[str]

    @strawberry.field
    async def scope(self, info: Info) -> Entity | None:
        return await _entity(info, self.scope_key)

    @classmethod
    def from_record(cls, c: Coverage) -> CounsellorCoverage:
        return cls(
            students=c.students,
            schools_without_student_count=c.schools_without_student_count,
            counsellor_fte=c.counsellor_fte,
            students_per_counsellor=c.students_per_counsellor,
            schools=[
                SchoolCoverage(
                    key=s.school,
                    name=s.name,
                    students=s.students,
                    counsellor_fte=s.counsellor_fte,
                    counsellors=s.counsellors,
                    students_per_counsellor=(s.students / s.counsellor_fte)
                    if s.students and s.counsellor_fte
                    else None,
                    inferred=s.inferred,
                )
                for s in c.schools
            ],
            inferred=c.inferred,
            targets=[
                TargetComparison(
                    students_per_counsellor=t.target_value,
                    meets=t.meets,
                    target=None if t.target is None else to_entity(t.target),
                    inferred=t.inferred,
                    set_by_key=t.set_by,
                )
                for t in c.targets
            ],
            scope_key=c.scope,
        )


__all__ = ["DatePrecision"]
