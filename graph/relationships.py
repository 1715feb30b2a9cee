"""Reading relationships: of an entity, partners, common partners, paths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.cypher import relationships as cypher
from graph.database import Database
from graph.filters import RelationshipWindow, TimeFilter
from graph.ontology import RELATION_TYPES
from graph.records import (
    CommonPartner,
    EntityRecord,
    Link,
    Page,
    Partner,
    PathRecord,
    RelationshipOf,
    RelationshipRecord,
    SourceRecord,
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


def _levels(window: RelationshipWindow) -> list[RelationshipWindow]:
    levels = [window]
    while len(levels) < cypher.MAX_LEVELS and (deeper := levels[-1].then) is not None:
        levels.append(deeper)
    return levels


def _page(items: list[dict[str, Any]], levels: list[RelationshipWindow], i: int) -> Page[RelationshipOf]:
    window, deeper = levels[i], i + 1 < len(levels)
    entity = EntityRecord.lean if window.lean else EntityRecord.from_props
    # One more than the page was read: it tells whether there is a next page.
    return Page(
        [
            RelationshipOf(
                RelationshipRecord.from_row(item["rel"]),
                entity(item["other"]),
                [SourceRecord.from_props(s["s"], s["publisher"]) for s in item["sources"]]
                if window.sources
                else None,
                _page(item["below"], levels, i + 1) if deeper else None,
            )
            for item in items[: window.limit]
        ],
        window.skip,
        len(items) > window.limit,
    )


async def relationship_pages(
    db: Database, keys: Sequence[str], window: RelationshipWindow, *, with_entities: bool = False
) -> tuple[dict[str, Page[RelationshipOf]], dict[str, EntityRecord]]:
    """One page of relationships for each of many entities, with the entity at the other end,
    in one statement: each entity's window and order are done in the database. The window's
    deeper levels (`then`, up to graph.cypher's MAX_LEVELS) come nested in the same statement.
    With `with_entities`, the entities themselves too (absent keys are absent from both)."""
    levels = _levels(window)
    params: dict[str, Any] = {"keys": list(keys)}
    for i, level in enumerate(levels):
        params.update({f"types{i}": _types(level.kinds), f"skip{i}": level.skip})
        params[f"limit{i}"] = level.limit + 1
        if level.when.timed:
            params.update(level.when.params(str(i)))
    shape = tuple(cypher.Level(level.lean, level.when.timed, level.sources) for level in levels)
    rows = await db.read(cypher.relationships_of(shape, with_entities), params)
    pages = {row["key"]: _page(row["items0"], levels, 0) for row in rows}
    found = {row["key"]: EntityRecord.from_props(row["entity"]) for row in rows} if with_entities else {}
    return pages, found


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
