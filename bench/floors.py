"""Nested shapes: the one Cypher statement a careful person would write for the same answer.

For most of the mix the raw side replays the resolver's own statements, so API / raw is the cost
of the Python API alone. For a nested selection the API's route (one statement per level, batched
by DataLoaders, plus the entities each level names) is itself what is being judged, so the raw side
is the floor instead: one statement, the same order and window as the API (graph/cypher's
RELATIONSHIPS_OF: start date, type, the other end's id, the relationship's id; `first` per level),
returning only the properties the document asks for. It needs no time filter: the documents set none.

`same_*` compare the API's answer with the floor's for an input (the benchmark checks every input
once, untimed): a floor that is faster because it answers something else would be worthless.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, LiteralString

from graph.cypher.fragments import degree
from graph.cypher.version import version_of

# (a) and (b): two levels of cooperation partners, `$first` per level. One relationship type, so
# the API's order by type is moot.
TWO_LEVELS_COOPERATION: Final[LiteralString] = (
    "MATCH (x:Entity {id: $key})-[r:COOPERATES_WITH]-(m:Entity) "
    "WITH r, m ORDER BY coalesce(r.start_date, date('0001-01-01')), m.id, r.id LIMIT $first "
    "CALL (m) { "
    "MATCH (m)-[r2:COOPERATES_WITH]-(o:Entity) "
    "WITH r2, o ORDER BY coalesce(r2.start_date, date('0001-01-01')), o.id, r2.id LIMIT $first "
    "RETURN collect({key: o.id, name: o.name}) AS second "
    "} "
    "RETURN collect(second) AS first"
)

# (c): one page of an entity's relationships of every kind, each with its sources (found by their
# indexed ids) and the other end's names.
RELATIONSHIPS_WITH_SOURCES: Final[LiteralString] = (
    "MATCH (x:Entity {id: $key})-[r]-(m:Entity) "
    "WITH r, m ORDER BY coalesce(r.start_date, date('0001-01-01')), type(r), m.id, r.id LIMIT $first "
    "CALL (r) { "
    "UNWIND coalesce(r.sources, []) AS source MATCH (s:Source {id: source}) "
    "RETURN collect({key: s.id, title: s.title}) AS sources "
    "} "
    "RETURN collect({key: r.id, kind: type(r), sources: sources, "
    "other: {key: m.id, name: m.name, nameEn: m.name_en}}) AS relationships"
)

Answer = dict[str, Any]  # a GraphQL response: {"data": ...}
Rows = Sequence[dict[str, Any]]


def _entity(answer: Answer) -> dict[str, Any] | None:
    entity: dict[str, Any] | None = (answer.get("data") or {}).get("entity")
    return entity


def _text(value: object) -> str:
    return "" if value is None else str(value)  # the API answers "" for a missing name


def _differ(api: object, floor: object) -> str | None:
    if api == floor:
        return None
    return f"API {repr(api)[:150]} != floor {repr(floor)[:150]}"


def two_levels_api(answer: Answer) -> list[list[tuple[str, str]]]:
    entity = _entity(answer)
    if entity is None:
        return []
    return [
        [(o["other"]["key"], _text(o["other"]["name"])) for o in e["other"]["relationships"]["edges"]]
        for e in entity["relationships"]["edges"]
    ]


def two_levels_floor(rows: Rows) -> list[list[tuple[str, str]]]:
    first = rows[0]["first"] if rows else []
    return [[(o["key"], _text(o["name"])) for o in second] for second in first]


def same_two_levels(answer: Answer, rows: object) -> str | None:
    return _differ(two_levels_api(answer), two_levels_floor(_rows(rows)))


Described = tuple[str, str, list[tuple[str, str | None]], tuple[str, str, str]]


def relationships_api(answer: Answer) -> list[Described]:
    entity = _entity(answer)
    if entity is None:
        return []
    return [
        (
            e["node"]["key"],
            e["node"]["kind"],
            [(s["key"], s["title"]) for s in e["node"]["sources"]],
            (e["other"]["key"], _text(e["other"]["name"]), _text(e["other"]["nameEn"])),
        )
        for e in entity["relationships"]["edges"]
    ]


def relationships_floor(rows: Rows) -> list[Described]:
    found = rows[0]["relationships"] if rows else []
    return [
        (
            r["key"],
            r["kind"],
            [(s["key"], s["title"]) for s in r["sources"]],
            (r["other"]["key"], _text(r["other"]["name"]), _text(r["other"]["nameEn"])),
        )
        for r in found
    ]


def same_relationships(answer: Answer, rows: object) -> str | None:
    return _differ(relationships_api(answer), relationships_floor(_rows(rows)))


def _rows(rows: object) -> Rows:
    if not isinstance(rows, list):
        raise TypeError(f"the floor answered {type(rows).__name__}, not rows")
    return rows


# The write shape (bench/writes.py): assertRelationship of a new COOPERATES_WITH claim, as the
# careful minimal Cypher in one transaction, two statements. The first writes the Meta node before
# anything else, as every curation write must (graph/cypher/curation.py: concurrent writes take
# turns on it, a maintenance run is seen) and numbers the change; the second finds both ends by
# their indexed keys (actors, as the relation requires), checks that the claim is new and that
# its sources exist, creates it, refreshes both ends' degrees, and records the Change node with
# the new data version, linked to both ends (CHANGED: what an entity's history expands from).
# Not done: the API's re-reads (merged keys, the claim by kind, a client mutation id already
# used) and its read-back of the relationship for the answer.
WRITE_OPEN: Final[LiteralString] = (
    "MERGE (m:Meta {id: 'graph'}) SET m.write_beat = $now, m.change_seq = coalesce(m.change_seq, 0) + 1 "
    "RETURN m.run AS run, m.change_seq AS seq, coalesce(m.curated, '') AS curated"
)
WRITE_CLAIM: Final[LiteralString] = (
    "MATCH (a:Entity {id: $from}) MATCH (b:Entity {id: $to}) "
    "WHERE a:Actor AND b:Actor AND a <> b AND NOT EXISTS { MATCH (a)-[c]->(b) WHERE c.id = $id } "
    "AND COUNT { MATCH (s:Source) WHERE s.id IN $sources } = size($sources) "
    "CREATE (a)-[claim:COOPERATES_WITH]->(b) SET claim = $props "
    f"WITH a, b, claim SET a.degree = {degree('a')}, b.degree = {degree('b')} "
    "WITH a, b, claim MATCH (m:Meta {id: 'graph'}) SET m.curated = $curated "
    f"CREATE (change:Change) SET change = $change, change.version = {version_of('m')} "
    "CREATE (change)-[:CHANGED]->(a), (change)-[:CHANGED]->(b) "
    "RETURN claim.id AS id, change.version AS version"
)
# A relationship's stored properties, to compare the floor's claim with the API's.
CLAIM_PROPERTIES: Final[LiteralString] = (
    "MATCH (a:Entity {id: $from})-[r]->(b:Entity {id: $to}) WHERE r.id = $id RETURN properties(r) AS props"
)
