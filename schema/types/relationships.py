"""Edges with provenance: relationships, partners, paths."""

from __future__ import annotations

from collections.abc import Awaitable

import strawberry
from strawberry.dataloader import DataLoader

from graph.dates import chronological
from graph.records import CommonPartner as CommonPartnerRecord
from graph.records import Link as LinkRecord
from graph.records import Partner as PartnerRecord
from graph.records import PathRecord, RelationshipRecord, SourceRecord
from resolvers.nested import RelationshipWindow
from resolvers.pagination import encode_cursor
from schema.context import Info
from schema.types.common import FuzzyDate, PageInfo, Retraction, Validity, global_id, page_info
from schema.types.entities import Entity, Node, Source, load_sources, to_entity
from schema.types.enums import RelationKind, Via


async def _entity(info: Info, key: str) -> Entity:
    found = await info.context.loaders.entity.load(key)
    if found is None:  # a retracted relationship's retracted end
        found = await info.context.loaders.retracted.load(key)
    if found is None:  # the relationship was read a moment ago; its end was deleted since
        raise LookupError(f"entity {key!r} disappeared")
    return to_entity(found)


@strawberry.type(description="A stated relationship, with its time and its sources.")
class Relationship(Node):
    key: str = strawberry.field(description="Stable readable id of the relationship.")
    kind: RelationKind
    role: str | None = strawberry.field(description="The role stated, e.g. pilot school, secretariat.")
    validity: Validity
    amount: float | None = strawberry.field(description="For funding: the amount.")
    currency: str | None
    workload: float | None = strawberry.field(
        description="For a counsellor serving a school: fraction of a post."
    )
    title: str | None = strawberry.field(description="For a position: the title in the original language.")
    title_en: str | None
    note: str | None
    inferred: bool
    inferred_reason: str | None
    revision: int = strawberry.field(description="How many times the API has changed it (0: never).")
    retraction: Retraction | None = strawberry.field(
        description="Why and when it was retracted; null while it holds. Only "
        "`relationships(includeRetracted: true)` shows retracted ones."
    )
    from_key: strawberry.Private[str]
    to_key: strawberry.Private[str]
    source_keys: strawberry.Private[list[str]]
    # The sources, when they were read along with the relationship (graph.records' RelationshipOf).
    sources_read: strawberry.Private[list[SourceRecord] | None] = None

    @strawberry.field(name="from", description="The entity the relationship starts from.")
    async def from_(self, info: Info) -> Entity:
        return await _entity(info, self.from_key)

    @strawberry.field(description="The entity the relationship points to.")
    async def to(self, info: Info) -> Entity:
        return await _entity(info, self.to_key)

    @strawberry.field(description="The documents that state this relationship.", graphql_type=list[Source])
    def sources(self, info: Info) -> list[Source] | Awaitable[list[Source]]:
        if self.sources_read is not None:
            # Read along: answered at once. An awaitable costs the event loop a turn per
            # relationship, which for a page of 20 measured as much as its statement. As the
            # loader answers: one per key, in the relationship's order.
            read = {s.key: s for s in self.sources_read}
            return [Source.from_record(read[key]) for key in self.source_keys if key in read]
        return load_sources(info, self.source_keys)  # graphql-core awaits it

    @classmethod
    def from_record(
        cls, record: RelationshipRecord, sources: list[SourceRecord] | None = None
    ) -> Relationship:
        return cls(
            # The ends make the relationship findable again by node(id:) through their index.
            id=global_id("Relationship", "\n".join((record.from_key, record.to_key, record.key))),
            key=record.key,
            kind=RelationKind(record.kind),
            role=record.role,
            validity=Validity.from_record(record.validity),
            amount=record.amount,
            currency=record.currency,
            workload=record.workload,
            title=record.title,
            title_en=record.title_en,
            note=record.note,
            inferred=record.inferred,
            inferred_reason=record.inferred_reason,
            revision=record.revision,
            retraction=Retraction.of(record.retracted_reason, record.retracted_at, record.merged_into),
            from_key=record.from_key,
            to_key=record.to_key,
            source_keys=record.sources,
            sources_read=sources,
        )


def _relationship(root: RelationshipEdge) -> Relationship:
    # Built when asked for: a traversal often selects only the other ends.
    return Relationship.from_record(root.record, root.sources_read)


@strawberry.type
class RelationshipEdge:
    cursor: str
    record: strawberry.Private[RelationshipRecord]
    perspective: strawberry.Private[str]
    sources_read: strawberry.Private[list[SourceRecord] | None]
    node: Relationship = strawberry.field(resolver=_relationship)
    # Read with the relationship, in the same statement; a plain field rather than a resolver: a
    # traversal has thousands of edges, and a resolver's call costs more than building the entity.
    other: Entity = strawberry.field(
        description="The entity at the other end, seen from the entity being listed."
    )

    @strawberry.field(description="True when the listed entity is the relationship's `from`.")
    def outgoing(self) -> bool:
        return self.record.from_key == self.perspective


@strawberry.type
class RelationshipConnection:
    edges: list[RelationshipEdge]
    page_info: PageInfo
    count_loader: strawberry.Private[DataLoader[str, int]]
    owner: strawberry.Private[str]

    @strawberry.field(description="All matching relationships, not just this page.")
    async def total_count(self) -> int:
        return await self.count_loader.load(self.owner)

    @classmethod
    async def of_entity(cls, info: Info, key: str, ask: RelationshipWindow) -> RelationshipConnection:
        """One entity's page, loaded with those of every other entity at the same level."""
        loaders = info.context.loaders
        page = await loaders.relationships(ask).load(key)
        return cls(
            edges=[
                RelationshipEdge(
                    cursor=encode_cursor(page.offset + i),
                    record=item.relationship,
                    perspective=key,
                    sources_read=item.sources,
                    other=to_entity(item.other),
                )
                for i, item in enumerate(page.items)
            ],
            page_info=page_info(page.offset, len(page.items), page.has_next),
            count_loader=loaders.relationship_counts(ask),
            owner=key,
        )


@strawberry.type(description="One way two actors are connected.")
class Link:
    via: Via
    inferred: bool = strawberry.field(
        description="Rests on something inferred: either actor, the shared entity or one of the "
        "relationships."
    )
    through_key: strawberry.Private[str | None]
    records: strawberry.Private[list[RelationshipRecord]]

    @strawberry.field(description="The one or two edges making the link.")
    def relationships(self) -> list[Relationship]:
        # Converted only when asked for: a first page of partners often wants names alone.
        return [Relationship.from_record(r) for r in self.records]

    @strawberry.field(description="The shared project, council, event or agreement; null when direct.")
    async def through(self, info: Info) -> Entity | None:
        return None if self.through_key is None else await _entity(info, self.through_key)

    @classmethod
    def from_record(cls, record: LinkRecord) -> Link:
        return cls(
            via=Via(record.via),
            inferred=record.inferred,
            through_key=record.through,
            records=record.relationships,
        )


def _since(links: list[Link]) -> FuzzyDate | None:
    starts = [start for link in links for r in link.records if (start := r.validity.start) is not None]
    return FuzzyDate.from_record(min(starts, key=chronological)) if starts else None


@strawberry.type(description="A partner and everything that connects it to the actor asked about.")
class PartnerEdge:
    cursor: str
    node: Entity
    links: list[Link]
    inferred: bool = strawberry.field(
        description="Rests on at least one inferred entity or relationship: the partner, the actor "
        "or a link is inferred (`links` say which; includeInferred: false leaves them out)."
    )

    @strawberry.field(
        description="The earliest stated start among the connecting relationships (by earliest "
        "possible day; a start without a year only when none has one)."
    )
    def since(self) -> FuzzyDate | None:
        return _since(self.links)

    @classmethod
    def from_record(cls, record: PartnerRecord, cursor: str) -> PartnerEdge:
        return cls(
            cursor=cursor,
            node=to_entity(record.entity),
            links=[Link.from_record(k) for k in record.links],
            inferred=record.entity.inferred or any(k.inferred for k in record.links),
        )


@strawberry.type
class PartnerConnection:
    edges: list[PartnerEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="How a common partner is connected to one of the actors asked about.")
class PartnerOf:
    key: str = strawberry.field(description="The actor asked about.")
    links: list[Link]
    inferred: bool = strawberry.field(description="A link to this actor is inferred.")


@strawberry.type(description="An actor connected to every one of the actors asked about.")
class CommonPartner:
    node: Entity
    connections: list[PartnerOf]
    inferred: bool = strawberry.field(
        description="Rests on at least one inferred entity or relationship: the partner or a link "
        "to one of the actors is inferred."
    )

    @classmethod
    def from_record(cls, record: CommonPartnerRecord) -> CommonPartner:
        connections = [
            PartnerOf(
                key=key,
                links=[Link.from_record(k) for k in links],
                inferred=any(k.inferred for k in links),
            )
            for key, links in record.links_by_actor.items()
        ]
        return cls(
            node=to_entity(record.entity),
            connections=connections,
            inferred=record.entity.inferred or any(c.inferred for c in connections),
        )


@strawberry.type(description="One step of a path.")
class Hop:
    relationship: Relationship
    inferred: bool = strawberry.field(description="The relationship or one of its ends is inferred.")
    from_node: strawberry.Private[Entity]
    to_node: strawberry.Private[Entity]

    @strawberry.field(name="from", description="Where this hop starts (in path order, not edge direction).")
    def from_(self) -> Entity:
        return self.from_node

    @strawberry.field(description="Where this hop ends (in path order).")
    def to(self) -> Entity:
        return self.to_node


@strawberry.type(description="A shortest connection between two entities.")
class Path:
    length: int
    nodes: list[Entity]
    hops: list[Hop]
    inferred: bool = strawberry.field(
        description="An entity or a relationship on the path is inferred (includeInferred: false "
        "looks for the shortest paths without them)."
    )

    @classmethod
    def from_record(cls, record: PathRecord) -> Path:
        nodes = [to_entity(n) for n in record.nodes]
        hops = [
            Hop(
                relationship=Relationship.from_record(r),
                inferred=r.inferred or record.nodes[i].inferred or record.nodes[i + 1].inferred,
                from_node=nodes[i],
                to_node=nodes[i + 1],
            )
            for i, r in enumerate(record.relationships)
        ]
        return cls(length=len(hops), nodes=nodes, hops=hops, inferred=any(h.inferred for h in hops))
