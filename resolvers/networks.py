"""Networks for drawing, co-participation, brokers, timelines, counsellor coverage."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from graph import networks as reads
from graph.database import Database
from graph.dates import FuzzyDate, SortKey, chronological
from graph.filters import NetworkFilter, TimeFilter
from graph.networks import Adjacent
from graph.ontology import ACTOR_KINDS
from graph.records import EntityRecord, RelationshipRecord, SchoolCoverageRow, Subgraph
from graph.version import graph_version
from resolvers.arguments import bounded
from resolvers.cache import VersionedCache
from resolvers.centrality import centrality, undirected
from resolvers.coparticipation import Pair, strongest_pairs
from resolvers.entities import require, survivors
from resolvers.errors import BadInput

MAX_NETWORK_NODES = 500
MAX_DEPTH = 3
MAX_GROUP = 1000


@dataclass(frozen=True)
class Broker:
    key: str
    degree: int
    betweenness: float
    # The actor, a neighbour or a relationship counted in its degree is inferred.
    inferred: bool = False


@dataclass(frozen=True)
class Brokers:
    items: list[Broker]
    network_nodes: int
    exact: bool
    # The network measured holds an inferred node or relationship: every betweenness depends on it.
    inferred: bool = False


# What happened at a point of a timeline (TimelineEntry.change).
TIMELINE_CHANGES: tuple[str, ...] = ("EVENT", "STARTED", "ENDED")
# What co-participating organisations may share: entities of these kinds.
SHARED_KINDS: tuple[str, ...] = ("project", "council", "event")


@dataclass(frozen=True)
class TimelineEntry:
    when: FuzzyDate | None
    change: str  # one of TIMELINE_CHANGES
    event: EntityRecord | None
    relationship: RelationshipRecord
    # The entity, the relationship or its other end is inferred.
    inferred: bool = False
    # The entity whose timeline this is: the survivor when the key asked for was merged into it.
    subject: str = ""


@dataclass(frozen=True)
class TargetComparison:
    target_value: float
    target: EntityRecord | None
    set_by: str | None
    meets: bool | None
    # Every way the target applies rests on something inferred.
    inferred: bool = False


@dataclass(frozen=True)
class Coverage:
    scope: str
    schools: list[SchoolCoverageRow]
    students: int
    schools_without_student_count: int
    counsellor_fte: float
    students_per_counsellor: float | None
    targets: list[TargetComparison]
    # A school or a target rests on something inferred.
    inferred: bool = False


async def network(
    db: Database,
    center: str | None,
    depth: int,
    *,
    kinds: list[str] | None,
    countries: list[str] | None,
    project: str | None,
    when: TimeFilter,
    max_nodes: int,
    include_inferred: bool = True,
) -> Subgraph:
    where = NetworkFilter(kinds=kinds, countries=countries, project=project)
    bounded(depth, "depth", 1, MAX_DEPTH)
    bounded(max_nodes, "maxNodes", 1, MAX_NETWORK_NODES)
    if center is not None:
        nodes, truncated = await reads.neighbourhood(
            db, center, depth, where, when, max_nodes, include_inferred
        )
        if not nodes and (live := (await require(db, {center: "center"}))[center]) != center:
            nodes, truncated = await reads.neighbourhood(
                db, live, depth, where, when, max_nodes, include_inferred
            )
    elif where.countries or where.kinds or where.project:
        nodes, truncated = await reads.filtered_nodes(db, where, when, max_nodes, include_inferred)
        if not nodes and (moved := await survivors(db, [where.project])):
            where = replace(where, project=moved[str(where.project)])
            nodes, truncated = await reads.filtered_nodes(db, where, when, max_nodes, include_inferred)
    else:
        raise BadInput("give a `center` or a `filter` (countries, kinds or project)", argument="center")
    return await reads.subgraph(db, nodes, when, truncated, include_inferred)


async def co_participation(
    db: Database,
    cache: VersionedCache,
    via: list[str],
    countries: list[str] | None,
    kinds: list[str] | None,
    when: TimeFilter,
    min_shared: int,
    max_group: int,
    first: int,
    include_inferred: bool = True,
) -> list[Pair]:
    bounded(min_shared, "minShared", 1, 1000)
    bounded(max_group, "maxGroupSize", 2, MAX_GROUP)
    bounded(first, "first", 1, 500)
    if not via:
        raise BadInput("`via` needs at least one kind of shared thing", argument="via")
    version = await graph_version(db)

    async def compute() -> list[Pair]:
        groups = await reads.co_participation_groups(
            db, via, countries, kinds, when, max_group, include_inferred
        )
        # Members that take part only through inferred things, per group (all of an inferred one).
        guessed = {g.key: g.members if g.inferred else g.guessed for g in groups if g.inferred or g.guessed}
        pairs = [(g.key, g.members) for g in groups]
        # CPU-bound counting: off the event loop.
        return await asyncio.to_thread(strongest_pairs, pairs, min_shared, first, guessed)

    key = (
        "co",
        tuple(sorted(via)),
        _t(countries),
        _t(kinds),
        when,
        min_shared,
        max_group,
        first,
        include_inferred,
    )
    return await cache.get(key, version, compute, lambda: graph_version(db))


def _t(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(sorted(values))


def _rank_brokers(
    rows: list[Adjacent], wanted: set[str] | frozenset[str]
) -> tuple[list[Broker], int, bool, bool]:
    kind_of = {row.key: row.kind for row in rows}
    graph = undirected((row.key, other) for row in rows for other in row.out if other in kind_of)
    measured = centrality(graph, kind_of)
    # What rests on inference: inferred nodes, and both ends of an inferred relationship or of
    # one with an inferred end (the degree of each counts it).
    doubtful = {row.key for row in rows if row.inferred}
    touched = set(doubtful)
    for row in rows:
        for other in row.out:
            if other in kind_of and (other in doubtful or row.key in doubtful):
                touched.update((row.key, other))
        touched.update(k for other in row.inferred_out if other in kind_of for k in (row.key, other))
    ranked = sorted(
        (
            Broker(key, measured.degree[key], measured.betweenness[key], key in touched)
            for key in measured.degree
            if kind_of.get(key) in wanted
        ),
        key=lambda b: (-b.betweenness, -b.degree, b.key),
    )
    return ranked, len(graph), measured.exact, bool(touched)


async def brokers(
    db: Database,
    cache: VersionedCache,
    countries: list[str] | None,
    kinds: list[str] | None,
    synthetic: bool | None,
    when: TimeFilter,
    first: int,
    include_inferred: bool = True,
) -> Brokers:
    bounded(first, "first", 1, 100)
    version = await graph_version(db)

    async def compute() -> tuple[list[Broker], int, bool, bool]:
        rows = await reads.adjacency(db, countries, synthetic, when, include_inferred)
        # CPU-bound from here on: off the event loop, so other requests keep being served.
        return await asyncio.to_thread(_rank_brokers, rows, set(kinds) if kinds else ACTOR_KINDS)

    key = ("brokers", _t(countries), _t(kinds), synthetic, when, include_inferred)
    ranked, size, exact, inferred = await cache.get(key, version, compute, lambda: graph_version(db))
    return Brokers(ranked[:first], size, exact, inferred)


def _order(entry: TimelineEntry) -> SortKey:
    """Starts and events sort by their earliest possible day, ends by their latest; dates without
    a year come after every dated entry (by month and day), undated events last."""
    return chronological(entry.when, "last" if entry.change == "ENDED" else "first")


async def timeline(db: Database, key: str, include_inferred: bool = True) -> list[TimelineEntry]:
    rows = await reads.timeline_rows(db, key, include_inferred)
    if not rows and (live := (await require(db, {key: "key"}))[key]) != key:
        key = live
        rows = await reads.timeline_rows(db, key, include_inferred)
    entries: list[TimelineEntry] = []
    for event, rel, inferred in rows:
        if event is not None:
            entries.append(TimelineEntry(event.start, "EVENT", event, rel, inferred, key))
            continue
        for when, change in ((rel.validity.start, "STARTED"), (rel.validity.end, "ENDED")):
            if when is not None:
                entries.append(TimelineEntry(when, change, None, rel, inferred, key))
    entries.sort(key=lambda e: (_order(e), e.change, e.relationship.key))
    return entries


async def coverage(
    db: Database, key: str, target_ratio: float | None, when: TimeFilter, include_inferred: bool = True
) -> Coverage:
    if target_ratio is not None and target_ratio <= 0:
        raise BadInput("`targetRatio` must be a positive number of students", argument="targetRatio")
    schools, targets = await reads.coverage(db, key, when, include_inferred)
    if not schools and not targets and (live := (await require(db, {key: "key"}))[key]) != key:
        key = live
        schools, targets = await reads.coverage(db, key, when, include_inferred)
    # Only schools with a known student count enter the ratio, on both sides of it.
    counted = [s for s in schools if s.students is not None]
    students = sum(s.students or 0 for s in counted)
    fte = round(sum(s.counsellor_fte for s in counted), 6)
    ratio = students / fte if fte > 0 and students > 0 else None
    comparisons = [
        TargetComparison(value, t, project, None if ratio is None else ratio <= value, inferred)
        for t, project, inferred in targets
        if (value := t.value) is not None
    ]
    if target_ratio is not None:
        comparisons.insert(
            0, TargetComparison(target_ratio, None, None, None if ratio is None else ratio <= target_ratio)
        )
    return Coverage(
        scope=key,
        schools=schools,
        students=students,
        schools_without_student_count=sum(1 for s in schools if s.students is None),
        counsellor_fte=fte,
        students_per_counsellor=ratio,
        targets=comparisons,
        inferred=any(s.inferred for s in schools) or any(c.inferred for c in comparisons),
    )
