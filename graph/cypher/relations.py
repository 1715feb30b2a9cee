"""Relationship questions: an entity's relationships, partners, common partners, paths."""

from typing import Final

from graph.cypher.fragments import INTERMEDIARY_LABELS, rel_map, valid
from graph.ontology import RELATION_TYPES

# Per entity, one page of its relationships; batched over many entities (a DataLoader).
RELATIONSHIPS_OF: Final = (
    "UNWIND $keys AS key MATCH (n:Entity {id: key}) "
    "CALL (n) { "
    "MATCH (n)-[r]-(m:Entity) "
    f"WHERE ($types IS NULL OR type(r) IN $types) AND {valid('r')} "
    "RETURN r, m ORDER BY coalesce(r.start_date, date('0001-01-01')), type(r), m.id, r.id "
    "SKIP $skip LIMIT $limit } "
    f"RETURN key, {rel_map('r')} AS rel"
)

# A relationship found again from its ends: relationship properties are not indexed, the
# ends' ids are (the global id of a relationship carries all three).
RELATIONSHIP_BY_ENDS: Final = (
    "MATCH (a:Entity {id: $from_key})-[r]->(b:Entity {id: $to_key}) WHERE r.id = $key "
    f"RETURN {rel_map('r')} AS rel"
)

RELATIONSHIP_COUNTS: Final = (
    "UNWIND $keys AS key MATCH (n:Entity {id: key}) "
    "RETURN key, COUNT { MATCH (n)-[r]-(:Entity) "
    f"WHERE ($types IS NULL OR type(r) IN $types) AND {valid('r')} }} AS total"
)


# Who an actor is connected to, and through what: a direct relationship, or a shared
# project, council or network, event, agreement, or funding. `partner` is the pattern for
# the other end: any actor, or (when `y` is already bound) that one.
def _connections(scope: str, partner: str, carried: str) -> str:
    # A subquery may not return a variable it imported (Neo4j rejects it; ArcadeDB does not).
    y = "" if partner == "y" else "y, "
    return (
        f"CALL ({scope}) {{ "
        # $types: the relationship types that make two actors partners (graph.relationships).
        f"MATCH (x)-[r]-({partner}) "
        f"WHERE type(r) IN $types AND {valid('r')} "
        f"RETURN {y}'DIRECT' AS via, null AS through, [r] AS rels "
        "UNION ALL "
        # Groups larger than $max_group are skipped before their members are expanded
        # (m.members is kept by the loaders); see docs/ontology.md.
        f"MATCH (x)-[r1]-(m:{INTERMEDIARY_LABELS}) "
        f"WHERE coalesce(m.members, 0) <= $max_group AND type(r1) IN $types "
        f"AND {valid('r1')} AND {valid('m')} "
        f"MATCH (m)-[r2]-({partner}) "
        f"WHERE y <> x AND type(r2) IN $types AND {valid('r2')} "
        f"RETURN {y}CASE WHEN type(r1) = 'FUNDS' OR type(r2) = 'FUNDS' THEN 'FUNDING' "
        "ELSE toUpper(m.kind) END AS via, m.id AS through, [r1, r2] AS rels "
        "} "
        f"WITH {carried}x, y, via, through, rels WHERE ($via IS NULL OR via IN $via) "
    )


_LINKS: Final = f"collect({{via: via, through: through, rels: [rel IN rels | {rel_map('rel')}]}})"

# Two passes: rank every partner by how many links it has (counting only, which is cheap),
# then describe the links of the page's partners alone.
PARTNERS: Final = (
    "MATCH (x:Entity {id: $key}) "
    + _connections("x", "y:Actor", "")
    + "WITH x, y, count(*) AS strength ORDER BY strength DESC, y.name, y.id "
    "WITH x, collect(y) AS ranked "
    "WITH x, size(ranked) AS total, ranked[$skip..($skip + $limit)] AS page "
    # An aggregate without grouping keys returns one row even for an empty page (a page past
    # the end), so the total survives it; the page keeps its order through `position`.
    "CALL (x, page) { "
    "UNWIND range(0, size(page) - 1) AS position "
    "WITH x, position, page[position] AS y "
    + _connections("x, y", "y", "position, ")
    + f"WITH position, y, {_LINKS} AS links ORDER BY position "
    "RETURN collect({partner: properties(y), links: links}) AS described "
    "} "
    "RETURN total, described AS page"
)

# The same two passes: intersect the actors' partner sets on ids, then describe the links
# of the page's common partners alone (describing every link first exhausts the engine's
# query memory on hubs).
COMMON_PARTNERS: Final = (
    "UNWIND $keys AS key MATCH (x:Entity {id: key}) "
    + _connections("x", "y:Actor", "")
    + "WITH x, y, count(*) AS strength WHERE NOT y.id IN $keys "
    "WITH y, count(x) AS actors, sum(strength) AS strength WHERE actors = size($keys) "
    "WITH y ORDER BY strength DESC, y.name, y.id LIMIT $limit "
    "WITH collect(y) AS page "
    "UNWIND range(0, size(page) - 1) AS position "
    "WITH position, page[position] AS y "
    "UNWIND $keys AS key MATCH (x:Entity {id: key}) "
    "WITH position, x, y "
    + _connections("x, y", "y", "position, ")
    + f"WITH position, y, x, {_LINKS} AS links "
    "WITH position, y, collect({of: x.id, links: links}) AS per_actor ORDER BY position "
    "RETURN properties(y) AS partner, per_actor"
)

# Variable-length bounds cannot be parameters, so there is one statement per bound; the
# relationship types come from the ontology's closed table.
_TRAVERSABLE: Final = "|".join(t for t in RELATION_TYPES.values() if t != "DISTINCT_FROM")


def paths_statement(max_length: int, types: str = _TRAVERSABLE, *, every: bool = True) -> str:
    # The embedded store answers shortestPath in milliseconds but enumerates every shortest
    # path for allShortestPaths before the LIMIT (about 0.5 s between random actors at 100k),
    # so a single path is asked for as such.
    function = "allShortestPaths" if every else "shortestPath"
    return (
        "MATCH (a:Entity {id: $from_key}) MATCH (b:Entity {id: $to_key}) "
        f"MATCH p = {function}((a)-[:{types}*..{max_length}]-(b)) "
        "WITH p LIMIT $limit "
        "RETURN [n IN nodes(p) | properties(n)] AS nodes, "
        f"[rel IN relationships(p) | {rel_map('rel')}] AS rels"
    )


PATHS: Final[dict[int, str]] = {length: paths_statement(length) for length in range(1, 7)}
SHORTEST_PATH: Final[dict[int, str]] = {
    length: paths_statement(length, every=False) for length in range(1, 7)
}
