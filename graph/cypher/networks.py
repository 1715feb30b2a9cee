"""Subgraphs for drawing, co-participation, edge lists for centrality, timelines, coverage."""

from typing import Final

from graph.cypher.fragments import NOT_CONNECTING, PARTICIPATION_TYPES, rel_map, valid


# What a drawn node shows (schema.types.networks): a network of hundreds of nodes decodes
# several times faster than with every property (search terms, aliases, notes).
def _drawn(var: str) -> str:
    return (
        f"{{id: {var}.id, kind: {var}.kind, name: {var}.name, name_en: {var}.name_en, "
        f"country: {var}.country, degree: {var}.degree}}"
    )


# One breadth-first level around a set of nodes; the caller bounds levels and size. $seen is
# a map (key -> true), so excluding known nodes is a lookup rather than a list scan.
NEIGHBOURS: Final = (
    "UNWIND $keys AS key MATCH (a:Entity {id: key})-[r]-(b:Entity) "
    f"WHERE NOT type(r) IN {NOT_CONNECTING} AND $seen[b.id] IS NULL AND {valid('r')} "
    "AND ($kinds IS NULL OR b.kind IN $kinds) AND ($countries IS NULL OR b.country IN $countries) "
    f"WITH DISTINCT b LIMIT $limit RETURN {_drawn('b')} AS n, elementId(b) AS eid"
)

CENTER: Final = f"MATCH (n:Entity {{id: $key}}) RETURN {_drawn('n')} AS n, elementId(n) AS eid"

# Nodes picked by a filter instead of around a centre.
FILTERED_NODES: Final = (
    "MATCH (n:Entity) WHERE ($kinds IS NULL OR n.kind IN $kinds) "
    "AND ($countries IS NULL OR n.country IN $countries) "
    "AND ($project IS NULL OR n.id = $project OR EXISTS { "
    f"MATCH (n)-[pr]-(:Project {{id: $project}}) WHERE {valid('pr')} }}) "
    f"AND {valid('n')} "
    f"RETURN {_drawn('n')} AS n, elementId(n) AS eid ORDER BY n.id LIMIT $limit"
)

# Every relationship among a set of nodes (the induced subgraph), as one row of short lists:
# thousands of edges decode far faster than as thousands of records. Membership is a
# lookup of the far end's elementId in a map parameter: no property is read to decide it.
EDGES_AMONG: Final = (
    "UNWIND $keys AS key MATCH (a:Entity {id: key})-[r]->(b) "
    f"WHERE $eids[elementId(b)] IS NOT NULL AND NOT type(r) IN {NOT_CONNECTING} AND {valid('r')} "
    "RETURN collect([r.id, a.id, b.id, type(r), r.kind, r.role, r.start, r.end, r.sources]) AS edges"
)

# The groups (projects, councils, events) behind co-participation, each with its members,
# as one columnar row; pairs are counted by the caller. Groups with more than $max_group
# members are left out: membership in a network of a thousand is no tie between two of its
# members, and its half a million pairs would swamp the answer.
CO_PARTICIPATION_GROUPS: Final = (
    "MATCH (m:Project|Council|Event) WHERE m.kind IN $via "
    f"AND ($countries IS NULL OR m.country IN $countries) AND {valid('m')} "
    "MATCH (a:Actor)-[r]->(m) "
    f"WHERE type(r) IN {PARTICIPATION_TYPES} AND {valid('r')} "
    "AND ($countries IS NULL OR a.country IN $countries) AND ($kinds IS NULL OR a.kind IN $kinds) "
    "WITH m, collect(DISTINCT a.id) AS members WHERE size(members) >= 2 AND size(members) <= $max_group "
    "RETURN collect([m.id, members]) AS groups"
)

# The filtered network as adjacency lists: one row per node keeps the driver's decoding
# cost proportional to nodes, not relationships.
ADJACENCY: Final = (
    "MATCH (a:Entity) WHERE ($countries IS NULL OR a.country IN $countries) "
    "AND ($synthetic IS NULL OR coalesce(a.synthetic, false) = $synthetic) "
    f"AND {valid('a')} "
    "RETURN a.id AS key, a.kind AS kind, "
    "[(a)-[r]->(b:Entity) WHERE NOT type(r) IN " + NOT_CONNECTING + " "
    "AND ($countries IS NULL OR b.country IN $countries) "
    f"AND {valid('r')} | b.id] AS out"
)

TIMELINE: Final = (
    "MATCH (x:Entity {id: $key}) "
    "CALL (x) { "
    "MATCH (x)-[r]-(e:Event) WHERE NOT type(r) IN " + NOT_CONNECTING + " "
    f"RETURN e, {rel_map('r')} AS rel "
    "UNION "
    "MATCH (x)-[r]-(m:Entity) WHERE NOT type(r) IN " + NOT_CONNECTING + " "
    # Stated dates, with or without a year (start_date/end_date exist only with one).
    "AND (r.start IS NOT NULL OR r.end IS NOT NULL) "
    f"RETURN null AS e, {rel_map('r')} AS rel "
    "} "
    "RETURN CASE WHEN e IS NULL THEN null ELSE properties(e) END AS event, rel"
)

# Schools in scope: the school itself, or the schools located in a municipality or region.
COVERAGE_SCHOOLS: Final = (
    "MATCH (x:Entity {id: $key}) "
    # Written from x outwards: the engine then expands from the one node instead of every school.
    "OPTIONAL MATCH (x)<-[:LOCATED_IN*0..2]-(s:School) "
    "WITH DISTINCT s WHERE s IS NOT NULL "
    "OPTIONAL MATCH (c:Person)-[w:SERVES]->(s) "
    f"WHERE {valid('w')} "
    "RETURN s.id AS school, s.name AS name, s.students AS students, "
    "sum(coalesce(w.workload, 0.0)) AS fte, count(DISTINCT c) AS counsellors ORDER BY school"
)

# Targets for students per counsellor set by projects in which the scope, a place it lies
# in or a school in it takes part.
COVERAGE_TARGETS: Final = (
    "MATCH (x:Entity {id: $key}) "
    "CALL (x) { "
    "MATCH (x)-[:LOCATED_IN*0..2]->(a:Entity) RETURN a "
    "UNION "
    "MATCH (x)<-[:LOCATED_IN*1..2]-(a:Entity) RETURN a "
    "} "
    "MATCH (a)-[:PARTICIPATES_IN|IMPLEMENTS|SUBMITS|COORDINATES]->(p:Project)"
    "-[:SETS_TARGET]->(t:Target {metric: 'students_per_counsellor'}) "
    "RETURN DISTINCT properties(t) AS target, p.id AS project ORDER BY target.year, target.id"
)
