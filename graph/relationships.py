"""Reading relationships: of an entity, partners, common partners, paths."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from graph.cypher import relationships as cypher
from graph.database import Database
from graph.entities import entities_by_keys
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


def _kinds(kinds: Sequence[str] | None) -> list[str] | None:
    # A RETRACTED relationship's `kind` property: the ontology's name of what it was.
    return None if kinds is None else list(kinds)


def _links(raw: list[dict[str, Any]]) -> list[Link]:
    return [
        Link(
            link["via"],
            link["through"],
            [RelationshipRecord.from_row(r) for r in rels] if (rels := link["rels"]) else [],
            bool(link["inferred"]),
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
    flat = window.bare and window.other is not None  # one flat map (graph.cypher.relationships' _flat)
    entity = EntityRecord.from_props if window.other is None else EntityRecord.lean
    relationship = RelationshipRecord.bare if window.bare else RelationshipRecord.from_row
    # One more than the page was read: it tells whether there is a next page.
    return Page(
        [
            RelationshipOf(
                RelationshipRecord.flat(item) if flat else relationship(item["rel"]),
                EntityRecord.lean(item) if flat else entity(item["other"]),
                [SourceRecord.from_row(s) for s in item["sources"]] if window.sources else None,
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
        if level.retracted:
            params[f"kinds{i}"] = _kinds(level.kinds)
    shape = tuple(
        cypher.Level(
            level.other,
            level.bare,
            level.when.timed,
            level.sources,
            level.retracted,
            tuple(sorted({RELATION_TYPES[k] for k in level.kinds})) if level.kinds else None,
        )
        for level in levels
    )
    rows = await db.read(cypher.relationships_of(shape, with_entities), params)
    pages = {row["key"]: _page(row["items0"], levels, 0) for row in rows}
    found = {row["key"]: EntityRecord.from_props(row["entity"]) for row in rows} if with_entities else {}
    return pages, found


async def relationship_by_ends(
    db: Database, from_key: str, to_key: str, key: str, *, include_retracted: bool = False
) -> RelationshipRecord | None:
    params = {"from_key": from_key, "to_key": to_key, "key": key}
    query = cypher.ANY_RELATIONSHIP_BY_ENDS if include_retracted else cypher.RELATIONSHIP_BY_ENDS
    rows = await db.read(query, params)
    return RelationshipRecord.from_row(rows[0]["rel"]) if rows else None


async def relationship_counts(
    db: Database,
    keys: Sequence[str],
    kinds: Sequence[str] | None,
    when: TimeFilter,
    *,
    include_retracted: bool = False,
) -> dict[str, int]:
    params = {"keys": list(keys), "types": _types(kinds), "kinds": _kinds(kinds), **when.params()}
    rows = await db.read(cypher.RELATIONSHIP_COUNTS[include_retracted], params)
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
    include_inferred: bool = True,
) -> tuple[int, list[Partner]]:
    params = {
        "key": key,
        "max_group": max_group,
        "via": list(via) if via else None,
        "types": _partner_types(kinds),
        "skip": skip,
        "limit": limit,
        "includeInferred": include_inferred,
        **when.params(),
    }
    rows = await db.read(cypher.PARTNERS[when.timed, with_relationships, not include_inferred], params)
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
    include_inferred: bool = True,
) -> list[CommonPartner]:
    params = {
        "keys": list(keys),
        "max_group": max_group,
        "via": list(via) if via else None,
        "types": _partner_types(kinds),
        "limit": limit,
        "includeInferred": include_inferred,
        **when.params(),
    }
    statement = cypher.COMMON_PARTNERS[when.timed, with_relationships, not include_inferred]
    rows = await db.read(statement, params)
    rows.sort(key=lambda row: int(row["position"]))
    return [
        CommonPartner(
            EntityRecord.from_props(row["partner"]),
            {item["of"]: _links(item["links"]) for item in row["per_actor"]},
        )
        for row in rows
    ]


def _path_types(kinds: Sequence[str] | None) -> list[str]:
    # DISTINCT_FROM says two things are unrelated: never a step of a path.
    if not kinds:
        return sorted(t for t in RELATION_TYPES.values() if t != "DISTINCT_FROM")
    return sorted({RELATION_TYPES[k] for k in kinds if k != "distinct_from"}) or ["COOPERATES_WITH"]


async def paths(
    db: Database,
    from_key: str,
    to_key: str,
    max_length: int,
    kinds: Sequence[str] | None,
    limit: int,
    include_inferred: bool = True,
) -> list[PathRecord]:
    if not include_inferred:
        return await _stated_paths(db, from_key, to_key, max_length, _path_types(kinds), limit)
    every = limit > 1
    if kinds:
        # Types come from the ontology's closed table, never from the request's text.
        statement = cypher.paths_statement(max_length, "|".join(_path_types(kinds)), every=every)
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


class _Side:
    """One end of a breadth-first search: each node seen, with the nodes one level nearer the
    end that it is reached from, and its distance from the end."""

    def __init__(self, start: str) -> None:
        self.parents: dict[str, list[str]] = {start: []}
        self.depth: dict[str, int] = {start: 0}
        self.frontier = [start]
        self.level = 0

    async def step(self, db: Database, types: list[str]) -> list[str]:
        params = {
            "keys": self.frontier,
            "seen": dict.fromkeys(self.parents, True),
            "types": types,
            "includeInferred": False,
        }
        rows = await db.read(cypher.STATED_STEP, params)
        self.level += 1
        self.frontier = [str(row["key"]) for row in rows]
        for row in rows:
            self.parents[str(row["key"])] = [str(k) for k in row["parents"]]
            self.depth[str(row["key"])] = self.level
        return self.frontier

    def chains(self, node: str, limit: int) -> list[list[str]]:
        """Up to `limit` shortest chains from `node` back to the end, `node` first."""
        if not self.parents[node]:
            return [[node]]
        found: list[list[str]] = []
        for parent in sorted(self.parents[node]):
            for chain in self.chains(parent, limit - len(found)):
                found.append([node, *chain])
                if len(found) >= limit:
                    return found
        return found


async def _stated_paths(
    db: Database, from_key: str, to_key: str, max_length: int, types: list[str], limit: int
) -> list[PathRecord]:
    """Shortest paths of stated nodes and relationships alone, breadth-first from both ends (the
    smaller frontier first), one statement per level; then the relationships of each hop."""
    ahead, back = _Side(from_key), _Side(to_key)
    meeting: list[str] = []
    while ahead.level + back.level < max_length and ahead.frontier and back.frontier:
        near, far = (ahead, back) if len(ahead.frontier) <= len(back.frontier) else (back, ahead)
        reached = await near.step(db, types)
        met = [key for key in reached if key in far.depth]
        if met:
            shortest = min(near.depth[k] + far.depth[k] for k in met)
            meeting = sorted(k for k in met if near.depth[k] + far.depth[k] == shortest)
            break
    if not meeting:
        return []
    sequences: list[list[str]] = []
    for node in meeting:
        for head in ahead.chains(node, limit):
            for tail in back.chains(node, limit):
                sequences.append([*reversed(head), *tail[1:]])
    return await _with_hops(db, sorted(sequences)[:limit], types, limit)


async def _with_hops(
    db: Database, sequences: list[list[str]], types: list[str], limit: int
) -> list[PathRecord]:
    """The paths through these node sequences, one per combination of parallel relationships."""
    pairs = sorted({(a, b) for seq in sequences for a, b in itertools.pairwise(seq)})
    params = {"pairs": [list(pair) for pair in pairs], "types": types, "includeInferred": False}
    hops = {
        (str(row["a"]), str(row["b"])): [RelationshipRecord.from_row(r) for r in row["rels"]]
        for row in await db.read(cypher.STATED_HOPS, params)
    }
    nodes = await entities_by_keys(db, sorted({key for seq in sequences for key in seq}))
    found: list[PathRecord] = []
    for seq in sequences:
        steps = [hops.get((a, b), []) for a, b in itertools.pairwise(seq)]
        for rels in itertools.product(*steps):
            found.append(PathRecord([nodes[key] for key in seq], list(rels)))
            if len(found) >= limit:
                return found
    return found
