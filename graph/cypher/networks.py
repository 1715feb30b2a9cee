"""Subgraphs for drawing, co-participation, edge lists for centrality, timelines, coverage."""

from typing import Final

from graph.cypher.fragments import (
    NOT_CONNECTING,
    PARTICIPATION_TYPES,
    guessed,
    guessed_path,
    rel_map,
    stated,
    valid,
)


# What a drawn node shows (schema.types.networks): a network of hundreds of nodes decodes
# several times faster than with every property (search terms, aliases, notes).
def _drawn(var: str) -> str:
    return (
        f"{{id: {var}.id, kind: {var}.kind, name: {var}.name, name_en: {var}.name_en, "
        f"country: {var}.country, degree: {var}.degree, inferred: {var}.inferred}}"
    )


def _stated(strict: bool, *variables: str) -> str:
    # Statements on hot paths come in two variants: the default (`includeInferred: true`)
    # tests nothing about inferred things, the strict one leaves them out ($includeInferred).
    return "".join(f" AND {stated(v)}" for v in variables) if strict else ""


# One breadth-first level around a set of nodes; the caller bounds levels and size. $seen is
# a map (key -> true), so excluding known nodes is a lookup rather than a list scan. Keyed by
# whether inferred relationships and nodes are left out (strict).
def _neighbours(strict: bool) -> str:
    return (
        "UNWIND $keys AS key MATCH (a:Entity {id: key})-[r]-(b:Entity) "
        f"WHERE NOT type(r) IN {NOT_CONNECTING} AND $seen[b.id] IS NULL AND {valid('r')}"
        f"{_stated(strict, 'r', 'b')} "
        "AND ($kinds IS NULL OR b.kind IN $kinds) AND ($countries IS NULL OR b.country IN $countries) "
        f"WITH DISTINCT b LIMIT $limit RETURN {_drawn('b')} AS n, elementId(b) AS eid"
    )


NEIGHBOURS: Final[dict[bool, str]] = {strict: _neighbours(strict) for strict in (False, True)}

CENTER: Final = (
    f"MATCH (n:Entity {{id: $key}}) WHERE {stated('n')} RETURN {_drawn('n')} AS n, elementId(n) AS eid"
)

# Nodes picked by a filter instead of around a centre.
FILTERED_NODES: Final = (
    "MATCH (n:Entity) WHERE ($kinds IS NULL OR n.kind IN $kinds) "
    "AND ($countries IS NULL OR n.country IN $countries) "
    "AND ($project IS NULL OR n.id = $project OR EXISTS { "
    f"MATCH (n)-[pr]-(pj:Project {{id: $project}}) WHERE NOT type(pr) IN {NOT_CONNECTING} "
    f"AND {valid('pr')} AND {stated('pr')} "
    f"AND {stated('pj')} }}) "
    f"AND {valid('n')} AND {stated('n')} "
    f"RETURN {_drawn('n')} AS n, elementId(n) AS eid ORDER BY n.id LIMIT $limit"
)


# Every relationship among a set of nodes (the induced subgraph), as one row of short lists:
# thousands of edges decode far faster than as thousands of records. Membership is a
# lookup of the far end's elementId in a map parameter: no property is read to decide it.
# Strict, the nodes are stated already; inferred relationships among them are left out.
def _edges_among(strict: bool) -> str:
    return (
        "UNWIND $keys AS key MATCH (a:Entity {id: key})-[r]->(b) "
        f"WHERE $eids[elementId(b)] IS NOT NULL AND NOT type(r) IN {NOT_CONNECTING} AND {valid('r')}"
        f"{_stated(strict, 'r')} "
        "RETURN collect([r.id, a.id, b.id, type(r), r.kind, r.role, r.start, r.end, r.sources, "
        "r.inferred]) AS edges"
    )


EDGES_AMONG: Final[dict[bool, str]] = {strict: _edges_among(strict) for strict in (False, True)}


# The groups (projects, councils, events) behind co-participation, each with its members,
# as one columnar row; pairs are counted by the caller. Groups with more than $max_group
# members are left out: membership in a network of a thousand is no tie between two of its
# members, and its half a million pairs would swamp the answer. Each group says which of its
# members belong to it only through inferred things (the member, or every relationship by
# which it takes part), and whether it is inferred itself. Strict leaves them out instead.
def _co_participation_groups(strict: bool) -> str:
    if strict:
        members = (
            "WITH m, collect(DISTINCT a.id) AS members "
            "WHERE size(members) >= 2 AND size(members) <= $max_group "
            "RETURN collect([m.id, members, [], false]) AS groups"
        )
    else:
        members = (
            f"WITH m, a, min(CASE WHEN {guessed('r', 'a')} THEN 1 ELSE 0 END) AS guess "
            "WITH m, collect(a.id) AS members, collect(CASE WHEN guess = 1 THEN a.id END) AS guessed "
            "WHERE size(members) >= 2 AND size(members) <= $max_group "
            f"RETURN collect([m.id, members, guessed, {guessed('m')}]) AS groups"
        )
    return (
        "MATCH (m:Project|Council|Event) WHERE m.kind IN $via "
        f"AND ($countries IS NULL OR m.country IN $countries) AND {valid('m')}{_stated(strict, 'm')} "
        "MATCH (a:Actor)-[r]->(m) "
        f"WHERE type(r) IN {PARTICIPATION_TYPES} AND {valid('r')}{_stated(strict, 'r', 'a')} "
        "AND ($countries IS NULL OR a.country IN $countries) AND ($kinds IS NULL OR a.kind IN $kinds) "
        + members
    )


CO_PARTICIPATION_GROUPS: Final[dict[bool, str]] = {
    strict: _co_participation_groups(strict) for strict in (False, True)
}


# The filtered network as adjacency lists: one row per node keeps the driver's decoding
# cost proportional to nodes, not relationships. By default each node also says whether it
# is inferred and which of its out-neighbours it reaches by an inferred relationship (found
# in the same expansion); strict leaves inferred nodes and relationships out instead.
def _adjacency(strict: bool) -> str:
    if strict:
        out = f"{stated('r')} AND {stated('b')} | b.id] AS out, false AS inferred, [] AS inferred_out"
    else:
        out = (
            "[b.id, coalesce(r.inferred, false)]] AS pairs "
            "RETURN key, kind, [p IN pairs | p[0]] AS out, coalesce(a.inferred, false) AS inferred, "
            "[p IN pairs WHERE p[1] | p[0]] AS inferred_out"
        )
    return (
        "MATCH (a:Entity) WHERE ($countries IS NULL OR a.country IN $countries) "
        "AND ($synthetic IS NULL OR coalesce(a.synthetic, false) = $synthetic) "
        f"AND {valid('a')}{_stated(strict, 'a')} "
        + ("RETURN a.id AS key, a.kind AS kind, " if strict else "WITH a, a.id AS key, a.kind AS kind, ")
        + "[(a)-[r]->(b:Entity) WHERE NOT type(r) IN "
        + NOT_CONNECTING
        + " AND ($countries IS NULL OR b.country IN $countries) "
        f"AND {valid('r')} " + ("AND " if strict else "| ") + out
    )


ADJACENCY: Final[dict[bool, str]] = {strict: _adjacency(strict) for strict in (False, True)}

TIMELINE: Final = (
    f"MATCH (x:Entity {{id: $key}}) WHERE {stated('x')} "
    "CALL (x) { "
    "MATCH (x)-[r]-(e:Event) WHERE NOT type(r) IN " + NOT_CONNECTING + " "
    f"AND {stated('r')} AND {stated('e')} "
    f"RETURN e, {rel_map('r')} AS rel, {guessed('r', 'e')} AS guess "
    "UNION "
    "MATCH (x)-[r]-(m:Entity) WHERE NOT type(r) IN " + NOT_CONNECTING + " "
    # Stated dates, with or without a year (start_date/end_date exist only with one).
    "AND (r.start IS NOT NULL OR r.end IS NOT NULL) "
    f"AND {stated('r')} AND {stated('m')} "
    f"RETURN null AS e, {rel_map('r')} AS rel, {guessed('r', 'm')} AS guess "
    "} "
    "RETURN CASE WHEN e IS NULL THEN null ELSE properties(e) END AS event, rel, "
    f"guess OR {guessed('x')} AS inferred"
)


# Schools in scope: the school itself, or the schools located in a municipality or region.
# By default each school says whether it rests on inferred things: it is in scope only through
# inferred places or locations, or a counsellor or post counted is inferred. Strict leaves them
# out of the paths and the counts instead.
def _coverage_schools(strict: bool) -> str:
    if strict:
        scope = (
            f"WHERE {stated('x')} OPTIONAL MATCH path = (x)<-[:LOCATED_IN*0..2]-(s:School) "
            f"WHERE $includeInferred OR NOT {guessed_path('path')} "
            "WITH DISTINCT s, 0 AS placed WHERE s IS NOT NULL "
        )
    else:
        scope = (
            "OPTIONAL MATCH path = (x)<-[:LOCATED_IN*0..2]-(s:School) "
            f"WITH s, min(CASE WHEN {guessed_path('path')} THEN 1 ELSE 0 END) AS placed "
            "WHERE s IS NOT NULL "
        )
    return (
        "MATCH (x:Entity {id: $key}) "
        # Written from x outwards: the engine then expands from the one node instead of every school.
        + scope
        + "OPTIONAL MATCH (c:Person)-[w:SERVES]->(s) "
        f"WHERE {valid('w')}{_stated(strict, 'w', 'c')} "
        "WITH s, placed, sum(coalesce(w.workload, 0.0)) AS fte, count(DISTINCT c) AS counsellors, "
        f"max(CASE WHEN {guessed('w', 'c')} THEN 1 ELSE 0 END) AS counted "
        "RETURN s.id AS school, s.name AS name, s.students AS students, fte, counsellors, "
        "placed = 1 OR counted = 1 AS inferred ORDER BY school"
    )


COVERAGE_SCHOOLS: Final[dict[bool, str]] = {strict: _coverage_schools(strict) for strict in (False, True)}


# Targets for students per counsellor set by projects in which the scope, a place it lies
# in or a school in it takes part. A target rests on inferred things when every way it applies
# does (a place, a location, the participation, the project or the target is inferred).
def _coverage_targets(strict: bool) -> str:
    return (
        f"MATCH (x:Entity {{id: $key}}){' WHERE ' + stated('x') if strict else ''} "
        "CALL (x) { "
        f"MATCH path = (x)-[:LOCATED_IN*0..2]->(a:Entity) RETURN a, {guessed_path('path')} AS placed "
        "UNION "
        f"MATCH path = (x)<-[:LOCATED_IN*1..2]-(a:Entity) RETURN a, {guessed_path('path')} AS placed "
        "} "
        + ("WITH a, placed WHERE $includeInferred OR NOT placed " if strict else "")
        + "MATCH (a)-[pr:PARTICIPATES_IN|IMPLEMENTS|SUBMITS|COORDINATES]->(p:Project)"
        "-[st:SETS_TARGET]->(t:Target {metric: 'students_per_counsellor'}) "
        + (f"WHERE {' AND '.join(stated(v) for v in ('pr', 'p', 'st', 't'))} " if strict else "")
        + f"WITH t, p, min(CASE WHEN placed OR {guessed('pr', 'p', 'st', 't')} THEN 1 ELSE 0 END) AS guess "
        "RETURN properties(t) AS target, p.id AS project, guess = 1 AS inferred "
        "ORDER BY target.year, target.id"
    )


COVERAGE_TARGETS: Final[dict[bool, str]] = {strict: _coverage_targets(strict) for strict in (False, True)}
