"""Subgraphs, co-participation, adjacency for centrality, timelines, counsellor coverage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.cypher import networks as cypher
from graph.database import Database
from graph.filters import NetworkFilter, TimeFilter
from graph.records import EntityRecord, RelationshipRecord, SchoolCoverageRow, Subgraph

# Nodes of a network with their elementIds: used within one request only, to tell cheaply
# which relationships join two of them (elementIds are never exposed, DESIGN-NOTES §2.9).
Members = list[tuple[EntityRecord, str]]


def _members(rows: list[dict[str, Any]]) -> Members:
    # The statements return the drawn properties only; from_props reads a null as absent.
    return [(EntityRecord.from_props(row["n"]), str(row["eid"])) for row in rows]


async def neighbourhood(
    db: Database, center: str, depth: int, where: NetworkFilter, when: TimeFilter, max_nodes: int
) -> tuple[Members, bool]:
    """Breadth-first, one statement per level, never more than max_nodes nodes."""
    members = _members(await db.read(cypher.CENTER, {"key": center}))
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
            **when.params(),
        }
        found = _members(await db.read(cypher.NEIGHBOURS, params))
        if len(found) > budget:
            truncated = True
            found = found[:budget]
        members += found
        frontier = [record.key for record, _ in found]
        seen |= set(frontier)
    return members, truncated


async def filtered_nodes(
    db: Database, where: NetworkFilter, when: TimeFilter, max_nodes: int
) -> tuple[Members, bool]:
    params = {
        "kinds": where.kinds,
        "countries": where.countries,
        "project": where.project,
        "limit": max_nodes + 1,
        **when.params(),
    }
    members = _members(await db.read(cypher.FILTERED_NODES, params))
    return members[:max_nodes], len(members) > max_nodes


# The columns of cypher.EDGES_AMONG after [id, from, to, type].
_PROPS = ("kind", "role", "start", "end", "sources")


async def subgraph(db: Database, members: Members, when: TimeFilter, truncated: bool) -> Subgraph:
    params = {
        "keys": [record.key for record, _ in members],
        "eids": {eid: True for _, eid in members},
        **when.params(),
    }
    [edges] = await db.read(cypher.EDGES_AMONG, params)
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
) -> list[tuple[str, list[str]]]:
    params = {
        "via": list(via),
        "countries": countries,
        "kinds": kinds,
        "max_group": max_group,
        **when.params(),
    }
    [row] = await db.read(cypher.CO_PARTICIPATION_GROUPS, params)
    return [(str(group), list(members)) for group, members in row["groups"]]


async def adjacency(
    db: Database, countries: list[str] | None, synthetic: bool | None, when: TimeFilter
) -> list[tuple[str, str, list[str]]]:
    params = {"countries": countries, "synthetic": synthetic, **when.params()}
    rows = await db.read(cypher.ADJACENCY, params)
    return [(row["key"], row["kind"], list(row["out"])) for row in rows]


async def timeline_rows(db: Database, key: str) -> list[tuple[EntityRecord | None, RelationshipRecord]]:
    rows = await db.read(cypher.TIMELINE, {"key": key})
    return [
        (
            EntityRecord.from_props(row["event"]) if row["event"] else None,
            RelationshipRecord.from_row(row["rel"]),
        )
        for row in rows
    ]


async def coverage(
    db: Database, key: str, when: TimeFilter
) -> tuple[list[SchoolCoverageRow], list[tuple[EntityRecord, str]]]:
    schools = await db.read(cypher.COVERAGE_SCHOOLS, {"key": key, **when.params()})
    targets = await db.read(cypher.COVERAGE_TARGETS, {"key": key})
    return (
        [
            SchoolCoverageRow(r["school"], r["name"], r["students"], float(r["fte"]), int(r["counsellors"]))
            for r in schools
        ],
        [(EntityRecord.from_props(r["target"]), str(r["project"])) for r in targets],
    )
