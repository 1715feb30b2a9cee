"""The root Query: pure wiring from arguments to resolvers and from records to types."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from graph.records import Page
from resolvers import entities, history, nested, networks, relationships, tokens
from resolvers.arguments import time_filter
from resolvers.errors import NotFound
from resolvers.pagination import encode_cursor
from resolvers.stats import data_version, resolve_graph_stats
from schema.auth import AdminOnly
from schema.context import Info
from schema.selection import child_window, selects_below, selects_child
from schema.types.common import DateRange, PageInfo, page_info, parse_global_id
from schema.types.entities import Entity, Node, Source, to_entity
from schema.types.enums import Country, EntitySort, Kind, RelationKind, SharedKind, SortDirection, Via, values
from schema.types.history import ChangeConnection
from schema.types.networks import (
    BrokerRanking,
    CoParticipationPair,
    CounsellorCoverage,
    Network,
    TimelineItem,
)
from schema.types.relationships import CommonPartner, PartnerConnection, PartnerEdge, Path, Relationship
from schema.types.stats import GraphStats
from schema.types.tokens import ApiToken, Viewer

# Partners through a project, council, event or agreement with more members than this are
# left out by default: a network of thousands makes everyone a "partner" of everyone, and
# expanding it dominates the cost of the question (docs/ontology.md).
PARTNER_GROUP_DEFAULT = 200
PartnerGroupBound = Annotated[
    int,
    strawberry.argument(
        description="Skip shared projects, councils, events and agreements with more members than "
        "this (default 200, up to 100000): in very large groups membership says little about a tie."
    ),
]


# Every computed answer (partners, paths, networks, co-participation, brokers, timelines,
# coverage) can leave out what the curators inferred: not hidden afterwards, but left out of
# the computation, so that the answer rests on what the documents state alone.
IncludeInferred = Annotated[
    bool | None,
    strawberry.argument(
        description="false: leave inferred entities and relationships out of the computation, so "
        "that the answer rests on what the sources state alone. Default (and null) true: "
        "everything, and `inferred` on the answer says what rests on inference."
    ),
]


@strawberry.input(description="Filters for entity listings; all given filters must hold.")
class EntityFilter:
    kinds: list[Kind] | None = None
    countries: list[Country] | None = None
    participates_in: str | None = strawberry.field(default=None, description="Key of a project.")
    member_of: str | None = strawberry.field(default=None, description="Key of a council or network.")
    valid_at: date | None = strawberry.field(
        default=None,
        description="Only what may hold at this date, its dates read as widely as they allow "
        "(undated things always do, and so do things dated without a year).",
    )
    synthetic: bool | None = strawberry.field(
        default=None, description="Only synthetic (true) or curated (false)."
    )


@strawberry.input
class EntityOrder:
    field: EntitySort = EntitySort("name")
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Which nodes a network without a centre is made of.")
class NetworkFilter:
    kinds: list[Kind] | None = None
    countries: list[Country] | None = None
    project: str | None = strawberry.field(default=None, description="A project and everything linked to it.")


@strawberry.type
class EntityEdge:
    cursor: str
    node: Entity


@strawberry.type
class EntityConnection:
    edges: list[EntityEdge]
    page_info: PageInfo
    total_count: int | None = strawberry.field(description="All matches; computed only when asked for.")


@strawberry.type
class SearchEdge:
    cursor: str
    node: Entity
    rank: int = strawberry.field(
        description="0: a name is exactly the text; 1: a name starts with it; 2: a later word does."
    )


@strawberry.type
class SearchConnection:
    edges: list[SearchEdge]
    page_info: PageInfo
    total_count: int | None


def _page_info(page: Page[Any]) -> PageInfo:
    return page_info(page.offset, len(page.items), page.has_next)


def _wants_relationships(info: Info) -> bool:
    # A link's relationships (and `since`, their earliest start) are most of a partners
    # answer for a hub; they are fetched only when selected.
    return selects_below(info, "relationships", "since")


def _range(between: DateRange | None) -> tuple[date | None, date | None]:
    return (between.start, between.end) if between else (None, None)


@strawberry.type
class Query:
    @strawberry.field(description="Node and relationship counts of the whole graph.")
    async def graph_stats(self, info: Info) -> GraphStats:
        return GraphStats.from_record(await resolve_graph_stats(info.context.db, info.context.cache))

    @strawberry.field(
        description="The graph's data version: it changes exactly when committed data changes (a load, "
        "a curator's write), so an answer cached under it stays true while it stays the same."
    )
    async def data_version(self, info: Info) -> str:
        return await data_version(info.context.db)

    @strawberry.field(description="Fetch anything by its global id (Relay).")
    async def node(self, info: Info, id: strawberry.ID) -> Node:
        parsed = parse_global_id(str(id))
        if parsed is not None and parsed[0] == "Entity":
            found = await info.context.loaders.entity.load(parsed[1])
            if found is None:  # a merged entity's id names its survivor, as its key does
                found = await entities.survivor(info.context.db, parsed[1])
            if found is not None:
                return to_entity(found)
        if parsed is not None and parsed[0] == "Source":
            source = await info.context.loaders.source.load(parsed[1])
            if source is not None:
                return Source.from_record(source)
        if parsed is not None and parsed[0] == "Relationship" and parsed[1].count("\n") == 2:
            from_key, to_key, key = parsed[1].split("\n")
            relationship = await relationships.relationship(info.context.db, from_key, to_key, key)
            if relationship is not None:
                return Relationship.from_record(relationship)
        raise NotFound(f"no node with id {id!r}", argument="id")

    @strawberry.field(
        description="One entity by its readable key, e.g. lv-viaa. The key of an entity merged into "
        "another answers the survivor."
    )
    async def entity(
        self,
        info: Info,
        key: str,
        include_retracted: Annotated[
            bool | None,
            strawberry.argument(
                description="true: a retracted entity too, merged or not, as it was (`retraction` says "
                "why, and into which entity it was merged)."
            ),
        ] = False,
    ) -> Entity:
        ask = child_window(info)
        wanted = include_retracted is True
        if ask is None:
            record = await entities.entity(info.context.db, key, wanted)
        else:  # the entity and its relationships' levels in one statement
            record, page = await nested.entity_with_relationships(info.context.db, key, ask, wanted)
            if page is not None:
                info.context.loaders.file(ask, {key: page})
        info.context.loaders.remember([record])
        return to_entity(record)

    @strawberry.field(description="Entities matching filters, sorted, one page at a time.")
    async def entities(
        self,
        info: Info,
        filter: EntityFilter | None = None,
        order_by: EntityOrder | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> EntityConnection:
        f = filter or EntityFilter()
        order = order_by or EntityOrder()
        page = await entities.list_entities(
            info.context.db,
            kinds=values(f.kinds),
            countries=values(f.countries),
            participates_in=f.participates_in,
            member_of=f.member_of,
            valid_at=f.valid_at,
            synthetic=f.synthetic,
            sort=order.field.value,
            descending=order.direction is SortDirection.DESC,
            first=first,
            after=after,
            with_total=selects_child(info, "totalCount"),
        )
        info.context.loaders.remember(page.items)
        return EntityConnection(
            edges=[
                EntityEdge(cursor=encode_cursor(page.offset + i), node=to_entity(r))
                for i, r in enumerate(page.items)
            ],
            page_info=_page_info(page),
            total_count=page.total,
        )

    @strawberry.field(
        description="Find entities by the start of any word of their names, aliases or codes, "
        "ignoring case and accents."
    )
    async def search(
        self,
        info: Info,
        text: str,
        kinds: list[Kind] | None = None,
        countries: list[Country] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> SearchConnection:
        page = await entities.search(
            info.context.db,
            text,
            values(kinds),
            values(countries),
            first,
            after,
            selects_child(info, "totalCount"),
        )
        info.context.loaders.remember([record for record, _ in page.items])
        return SearchConnection(
            edges=[
                SearchEdge(cursor=encode_cursor(page.offset + i), node=to_entity(record), rank=rank)
                for i, (record, rank) in enumerate(page.items)
            ],
            page_info=_page_info(page),
            total_count=page.total,
        )

    @strawberry.field(description="The documents the graph is built from.")
    async def sources(
        self,
        info: Info,
        text: Annotated[
            str | None,
            strawberry.argument(
                description="Only documents whose headline (original or English) or file name has a "
                "word starting with this; case and diacritics are ignored."
            ),
        ] = None,
    ) -> list[Source]:
        return [Source.from_record(s) for s in await entities.sources(info.context.db, text)]

    @strawberry.field(
        description="Who an actor cooperates with, directly or through shared projects, councils and "
        "networks, events, agreements or funding; with the relationships and sources behind each link. "
        "Organisation-chart and location links (part of, position, located in) count only when "
        "named in `kinds`."
    )
    async def partners(
        self,
        info: Info,
        key: str,
        via: list[Via] | None = None,
        kinds: list[RelationKind] | None = None,
        as_of: date | None = None,
        between: DateRange | None = None,
        max_group_size: PartnerGroupBound = PARTNER_GROUP_DEFAULT,
        first: int | None = None,
        after: str | None = None,
        include_inferred: IncludeInferred = True,
    ) -> PartnerConnection:
        when = time_filter(as_of, *_range(between))
        page = await relationships.partners(
            info.context.db,
            key,
            values(via),
            values(kinds),
            when,
            max_group_size,
            first,
            after,
            with_relationships=_wants_relationships(info),
            include_inferred=include_inferred is not False,
        )
        info.context.loaders.remember([p.entity for p in page.items])
        return PartnerConnection(
            edges=[
                PartnerEdge.from_record(p, encode_cursor(page.offset + i)) for i, p in enumerate(page.items)
            ],
            page_info=_page_info(page),
            total_count=page.total or 0,
        )

    @strawberry.field(description="Actors connected to every one of the given actors.")
    async def common_partners(
        self,
        info: Info,
        keys: list[str],
        via: list[Via] | None = None,
        kinds: list[RelationKind] | None = None,
        as_of: date | None = None,
        between: DateRange | None = None,
        max_group_size: PartnerGroupBound = PARTNER_GROUP_DEFAULT,
        first: int = 20,
        include_inferred: IncludeInferred = True,
    ) -> list[CommonPartner]:
        when = time_filter(as_of, *_range(between))
        found = await relationships.common_partners(
            info.context.db,
            keys,
            values(via),
            values(kinds),
            when,
            max_group_size,
            first,
            with_relationships=_wants_relationships(info),
            include_inferred=include_inferred is not False,
        )
        return [CommonPartner.from_record(c) for c in found]

    @strawberry.field(
        description="Shortest connecting paths between two entities (at most 6 hops). One path by "
        "default; asking for more (`first`, up to 10) lists several equally short ones and costs more."
    )
    async def paths(
        self,
        info: Info,
        from_: Annotated[str, strawberry.argument(name="from")],
        to: str,
        max_length: int = 4,
        kinds: list[RelationKind] | None = None,
        first: int = 1,
        include_inferred: IncludeInferred = True,
    ) -> list[Path]:
        found = await relationships.paths(
            info.context.db,
            from_,
            to,
            max_length,
            values(kinds),
            first,
            include_inferred is not False,
        )
        return [Path.from_record(p) for p in found]

    @strawberry.field(description="A subgraph around an actor, or for a filter, as nodes and edges to draw.")
    async def network(
        self,
        info: Info,
        center: str | None = None,
        depth: int = 1,
        filter: NetworkFilter | None = None,
        as_of: date | None = None,
        between: DateRange | None = None,
        max_nodes: int = 200,
        include_inferred: IncludeInferred = True,
    ) -> Network:
        f = filter or NetworkFilter()
        subgraph = await networks.network(
            info.context.db,
            center,
            depth,
            kinds=values(f.kinds),
            countries=values(f.countries),
            project=f.project,
            when=time_filter(as_of, *_range(between)),
            max_nodes=max_nodes,
            include_inferred=include_inferred is not False,
        )
        return Network.from_record(subgraph)

    @strawberry.field(description="Organisations linked by taking part in the same projects or networks.")
    async def co_participation(
        self,
        info: Info,
        via: list[SharedKind] | None = None,
        countries: list[Country] | None = None,
        kinds: list[Kind] | None = None,
        as_of: date | None = None,
        between: DateRange | None = None,
        min_shared: int = 1,
        max_group_size: Annotated[
            int,
            strawberry.argument(
                description="Leave out projects, councils and events with more members than this: "
                "sharing a very large group says little about two members (at most 1000)."
            ),
        ] = 50,
        first: int = 50,
        include_inferred: IncludeInferred = True,
    ) -> list[CoParticipationPair]:
        shared = values(via) or ["project", "council"]
        rows = await networks.co_participation(
            info.context.db,
            info.context.cache,
            shared,
            values(countries),
            values(kinds),
            time_filter(as_of, *_range(between)),
            min_shared,
            max_group_size,
            first,
            include_inferred is not False,
        )
        return [
            CoParticipationPair(
                weight=r.weight, inferred=r.inferred, a_key=r.a, b_key=r.b, shared_keys=r.shared
            )
            for r in rows
        ]

    @strawberry.field(description="Actors that connect otherwise separate parts of a network (cached).")
    async def brokers(
        self,
        info: Info,
        countries: list[Country] | None = None,
        kinds: list[Kind] | None = None,
        synthetic: bool | None = None,
        as_of: date | None = None,
        between: DateRange | None = None,
        first: int = 10,
        include_inferred: IncludeInferred = True,
    ) -> BrokerRanking:
        ranking = await networks.brokers(
            info.context.db,
            info.context.cache,
            values(countries),
            values(kinds),
            synthetic,
            time_filter(as_of, *_range(between)),
            first,
            include_inferred is not False,
        )
        return BrokerRanking.from_record(ranking)

    @strawberry.field(
        description="Events and dated relationships of an entity, oldest first: events and starts by "
        "their earliest possible day, ends by their latest; dates without a year (MONTH_DAY) after "
        "every dated entry, by month and day; undated events last."
    )
    async def timeline(
        self, info: Info, key: str, include_inferred: IncludeInferred = True
    ) -> list[TimelineItem]:
        found = await networks.timeline(info.context.db, key, include_inferred is not False)
        return [TimelineItem.from_record(e, e.subject or key) for e in found]

    @strawberry.field(
        description="Students per career counsellor in a school, municipality or region, against "
        "the targets that projects it takes part in set (or a ratio you give)."
    )
    async def counsellor_coverage(
        self,
        info: Info,
        key: str,
        target_ratio: float | None = None,
        as_of: date | None = None,
        include_inferred: IncludeInferred = True,
    ) -> CounsellorCoverage:
        when = time_filter(as_of, None, None)
        result = await networks.coverage(
            info.context.db, key, target_ratio, when, include_inferred is not False
        )
        return CounsellorCoverage.from_record(result)

    @strawberry.field(
        description="The change log: every committed API write and import, oldest first, with who, "
        "when, why, the data version it made and each field before and after. Follow it with "
        "`after` the last end cursor."
    )
    async def changes(
        self,
        info: Info,
        since: Annotated[
            str | None,
            strawberry.argument(
                description="Only changes at or after this ISO 8601 date-time (UTC unless it has an "
                "offset) or date (from its start, UTC)."
            ),
        ] = None,
        entity: Annotated[
            str | None,
            strawberry.argument(
                description="Only changes that touched the entity with this key (its own key: a "
                "merged entity's changes stay under its key, the survivor's under the survivor's)."
            ),
        ] = None,
        author: Annotated[
            str | None, strawberry.argument(description="Only changes made with the token of this name.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ChangeConnection:
        page = await history.changes(
            info.context.db, since=since, entity=entity, author=author, first=first, after=after
        )
        return ChangeConnection.from_page(page)

    @strawberry.field(description="The token this request was sent with; null when it was sent with none.")
    def viewer(self, info: Info) -> Viewer | None:
        viewer = info.context.viewer
        return None if viewer is None else Viewer.from_record(viewer)

    @strawberry.field(
        description="Every API token, revoked ones too, oldest first (admin role only).",
        permission_classes=[AdminOnly],
    )
    async def api_tokens(self, info: Info) -> list[ApiToken]:
        return [ApiToken.from_record(t) for t in await tokens.api_tokens(info.context.db)]


__all__ = ["Query", "Relationship"]
