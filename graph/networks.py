"""Subgraphs, co-participation, adjacency for centrality, timelines, counsellor coverage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from graph.cypher import networks as cypher
from graph.database import Database
from graph.filters import NetworkFilter, TimeFilter
from graph.records import EntityRecord, RelationshipRecord, SchoolCoverageRow, Subgraph


class Group(NamedTuple):
    """A project, council or event and its members, for co-participation. `guessed`: members
    that take part only through inferred things; `inferred`: the group itself is."""

    key: str
    members: list[str]
    guessed: list[str]
    inferred: bool


class Adjacent(NamedTuple):
    """A node of the network measured for brokers: its out-neighbours, whether it is inferred,
    and which out-neighbours it reaches by an inferred relationship."""

    key: str
    kind: str
    out: list[str]
    inferred: bool
    inferred_out: list[str]


class TimelineRow(NamedTuple):
    event: EntityRecord | None
    relationship: RelationshipRecord
    # The entity, the relationship or its other end (the event) is inferred.
    inferred: bool


class TargetRow(NamedTuple):
    target: EntityRecord
    project: str
    # Every way the target applies to the scope rests on something inferred.
    inferred: bool


# Nodes of a network with their elementIds: used within one request only, to tell cheaply
# which relationships join two of them (elementIds are never exposed: Neo4j
# promises them only within one transaction).
Members = list[tuple[EntityRecord, str]]


def _members(rows: list[dict[str, Any]]) -> Members:
    # The statements return the drawn properties only; from_props reads a null as absent.
    return [(EntityRecord.from_props(row["n"]), str(row["eid"])) for row in rows]


async def neighbourhood(
    db: Database,
    center: str,
    depth: int,
    where: NetworkFilter,
    when: TimeFilter,
    max_nodes: int,
    include_inferred: bool = True,
) -> tuple[Members, bool]:
    """Breadth-first, one statement per level, never more than max_nodes nodes; without
    `include_inferred`, inferred nodes and relationships are not expanded."""
    members = _members(await db.read(cypher.CENTER, {"key": center, "includeInferred": include_inferred}))
    if not members:
        return [], False
    seen = {center}
    frontier = [center]
    truncated = False
    for _ in range(depth):
        budget = max_nodes - len(members)
        if budget <= 0 or not frontier:
            truncated = truncated or bool(frontier)
            break
        params: dict[str, Any] = {
            "keys": frontier,
            "seen": dict.fromkeys(seen, True),
            "kinds": where.kinds,
            "countries": where.countries,
            # one more than the budget tells whether anything was cut off
            "limit": budget + 1,
            "includeInferred": include_inferred,
            **when.params(),
        }
        found = _members(await db.read(cypher.NEIGHBOURS[not include_inferred], params))
        if len(found) > budget:
            truncated = True
            found = found[:budget]
        members += found
        frontier = [record.key for record, _ in found]
        seen |= set(frontier)
    return members, truncated


async def filtered_nodes(
    db: Database, where: NetworkFilter, when: TimeFilter, max_nodes: int, include_inferred: bool = True
) -> tuple[Members, bool]:
    params = {
        "kinds": where.kinds,
        "countries": where.countries,
        "project": where.project,
        "limit": max_nodes + 1,
        "includeInferred": include_inferred,
        **when.params(),
    }
    members = _members(await db.read(cypher.FILTERED_NODES, params))
    return members[:max_nodes], len(members) > max_nodes


# The columns of cypher.EDGES_AMONG after [id, from, to, type].
_PROPS = ("kind", "role", "start", "end", "sources", "inferred")


async def subgraph(
    db: Database, members: Members, when: TimeFilter, truncated: bool, include_inferred: bool = True
) -> Subgraph:
    params = {
        "keys": [record.key for record, _ in members],
        "eids": {eid: True for _, eid in members},
        "includeInferred": include_inferred,
        **when.params(),
    }
    [edges] = await db.read(cypher.EDGES_AMONG[not include_inferred], params)
    relationships = [
        RelationshipRecord.from_props(
            {"id": key} | dict(zip(_PROPS, rest, strict=True)), str(type_), source, target
        )
        for key, source, target, type_, *rest in edges["edges"]
    ]
    # Degrees in the whole graph are kept on the nodes by the loaders (m.degree).
    return Subgraph([record for record, _ in members], relationships, truncated)


async def co_participation_groups(
    db: Database,
    via: Sequence[str],
    countries: list[str] | None,
    kinds: list[str] | None,
    when: TimeFilter,
    max_group: int,
    include_inferred: bool = True,
) -> list[Group]:
    params = {
        "via": list(via),
        "countries": countries,
        "kinds": kinds,
        "max_group": max_group,
        "includeInferred": include_inferred,
        **when.params(),
    }
    [row] = await db.read(cypher.CO_PARTICIPATION_GROUPS[not include_inferred], params)
    return [
        Group(str(group), list(members), list(guessed), bool(inferred))
        for group, members, guessed, inferred in row["groups"]
    ]


async def adjacency(
    db: Database,
    countries: list[str] | None,
    synthetic: bool | None,
    when: TimeFilter,
    include_inferred: bool = True,
) -> list[Adjacent]:
    params = {
        "countries": countries,
        "synthetic": synthetic,
        "includeInferred": include_inferred,
        **when.params(),
    }
    rows = await db.read(cypher.ADJACENCY[not include_inferred], params)
    return [
        Adjacent(row["key"], row["kind"], list(row["out"]), bool(row["inferred"]), list(row["inferred_out"]))
        for row in rows
    ]


async def timeline_rows(db: Database, key: str, include_inferred: bool = True) -> list[TimelineRow]:
    rows = await db.read(cypher.TIMELINE, {"key": key, "includeInferred": include_inferred})
    return [
        TimelineRow(
            EntityRecord.from_props(row["event"]) if row["event"] else None,
            RelationshipRecord.from_row(row["rel"]),
            bool(row["inferred"]),
        )
        for row in rows
    ]


async def coverage(
    db: Database, key: str, when: TimeFilter, include_inferred: bool = True
) -> tuple[list[SchoolCoverageRow], list[TargetRow]]:
    strict = not include_inferred
    params = {"key": key, "includeInferred": include_inferred}
    schools = await db.read(cypher.COVERAGE_SCHOOLS[strict], params | when.params())
    targets = await db.read(cypher.COVERAGE_TARGETS[strict], params)
    return (
        [
            SchoolCoverageRow(
                r["school"],
                r["name"],
                r["students"],
                float(r["fte"]),
                int(r["counsellors"]),
                bool(r["inferred"]),
            )
            for r in schools
        ],
        [
            TargetRow(EntityRecord.from_props(r["target"]), str(r["project"]), bool(r["inferred"]))
            for r in targets
        ],
    )
