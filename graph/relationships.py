"""Reading relationships: of an entity, partners, common partners, paths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.cypher import relationships as cypher
from graph.database import Database
from graph.filters import TimeFilter
from graph.ontology import RELATION_TYPES
from graph.records import (
    CommonPartner,
    EntityRecord,
    Link,
    Partner,
    PathRecord,
    RelationshipOf,
    RelationshipRecord,
)

# Relationships of the organisation chart and the map (a unit part of an agency, a person's
# position, a school located in a municipality) are not cooperation: they do not make
# partners unless asked for by `kinds`. They stay visible as relationships and in paths.
STRUCTURAL = frozenset({"part_of", "holds_position", "located_in", "distinct_from"})
PARTNER_TYPES = sorted(RELATION_TYPES[k] for k in RELATION_TYPES if k not in STRUCTURAL)


def _partner_types(kinds: Sequence[str] | None) -> list[str]:
    return PARTNER_TYPES if kinds is None else [RELATION_TYPES[k] for k in kinds if k != "distinct_from"]


def _types(kinds: Sequence[str] | None) -> list[str] | None:
    return None if kinds is None else [RELATION_TYPES[k] for k in kinds]


def _links(raw: list[dict[str, Any]]) -> list[Link]:
    return [
        Link(
            link["via"],
            link["through"],
            [RelationshipRecord.from_row(r) for r in rels] if (rels := link["rels"]) else [],
        )
        for link in raw
    ]


async def relationships_of(
    db: Database, keys: Sequence[str], kinds: Sequence[str] | None, when: TimeFilter, skip: int, limit: int
) -> dict[str, list[RelationshipOf]]:
    """One page of relationships for each of many entities, with the entity at the other
    end, in one statement: each entity's window and order are done in the database."""
    params = {"keys": list(keys), "types": _types(kinds), "skip": skip, "limit": limit, **when.params()}
    rows = await db.read(cypher.RELATIONSHIPS_OF, params)
    found: dict[str, list[RelationshipOf]] = {key: [] for key in keys}
    for row in rows:
        found[row["key"]].append(
            RelationshipOf(RelationshipRecord.from_row(row["rel"]), EntityRecord.from_props(row["other"]))
        )
    return found


async def relationship_by_ends(
    db: Database, from_key: str, to_key: str, key: str
) -> RelationshipRecord | None:
    params = {"from_key": from_key, "to_key": to_key, "key": key}
    rows = await db.read(cypher.RELATIONSHIP_BY_ENDS, params)
    return RelationshipRecord.from_row(rows[0]["rel"]) if rows else None


async def relationship_counts(
    db: Database, keys: Sequence[str], kinds: Sequence[str] | None, when: TimeFilter
) -> dict[str, int]:
    params = {"keys": list(keys), "types": _types(kinds), **when.params()}
    rows = await db.read(cypher.RELATIONSHIP_COUNTS, params)
    return {row["key"]: int(row["total"]) for row in rows}


async def partners(
    db: Database,
    key: str,
    via: Sequence[str] | None,
    kinds: Sequence[str] | None,
    when: TimeFilter,
    max_group: int,
    skip: int,
    limit: int,
    *,
    with_relationships: bool = True,
) -> tuple[int, list[Partner]]:
    params = {
        "key": key,
        "max_group": max_group,
        "via": list(via) if via else None,
        "types": _partner_types(kinds),
        "skip": skip,
        "limit": limit,
        **when.params(),
    }
    rows = await db.read(cypher.PARTNERS[when.timed, with_relationships], params)
    if not rows:
        return 0, []
    links = {item["key"]: item["links"] for item in rows[0]["described"]}
    page = [Partner(EntityRecord.from_props(p), _links(links[p["id"]])) for p in rows[0]["page"]]
    return int(rows[0]["total"]), page


async def common_partners(
    db: Database,
    keys: Sequence[str],
    via: Sequence[str] | None,
    kinds: Sequence[str] | None,
    when: TimeFilter,
    max_group: int,
    limit: int,
    *,
    with_relationships: bool = True,
) -> list[CommonPartner]:
    params = {
        "keys": list(keys),
        "max_group": max_group,
        "via": list(via) if via else None,
        "types": _partner_types(kinds),
        "limit": limit,
        **when.params(),
    }
    rows = await db.read(cypher.COMMON_PARTNERS[when.timed, with_relationships], params)
    rows.sort(key=lambda row: int(row["position"]))
    return [
        CommonPartner(
            EntityRecord.from_props(row["partner"]),
            {item["of"]: _links(item["links"]) for item in row["per_actor"]},
        )
        for row in rows
    ]


async def paths(
    db: Database, from_key: str, to_key: str, max_length: int, kinds: Sequence[str] | None, limit: int
) -> list[PathRecord]:
    every = limit > 1
    if kinds:
        # Types come from the ontology's closed table, never from the request's text.
        # DISTINCT_FROM says two things are unrelated: never a step of a path.
        types = (
            "|".join(sorted({RELATION_TYPES[k] for k in kinds if k != "distinct_from"})) or "COOPERATES_WITH"
        )
        statement = cypher.paths_statement(max_length, types, every=every)
    else:
        statement = (cypher.PATHS if every else cypher.SHORTEST_PATH)[max_length]
    rows = await db.read(statement, {"from_key": from_key, "to_key": to_key, "limit": limit})
    return [
        PathRecord(
            [EntityRecord.from_props(n) for n in row["nodes"]],
            [RelationshipRecord.from_row(r) for r in row["rels"]],
        )
        for row in rows
    ]
