"""Entities and sources: lookup, listing with filters, search."""

from typing import Final

from graph.cypher.fragments import source_publisher, valid
from graph.ontology import RETRACTED_LABEL

ENTITIES_BY_KEYS: Final = "UNWIND $keys AS key MATCH (n:Entity {id: key}) RETURN properties(n) AS n"

# Retracted entities, merged or not: only for what asks for them (includeRetracted, the ends of a
# RETRACTED relationship).
RETRACTED_BY_KEYS: Final = (
    f"UNWIND $keys AS key MATCH (n:{RETRACTED_LABEL} {{id: key}}) RETURN properties(n) AS n"
)

# How many times a merged entity's `merged_into` is followed: a survivor merged later into
# another leaves a chain, and a chain longer than this (or a loop) names nothing.
MERGE_HOPS: Final = 8


def _live(returned: str) -> str:
    # `merged_into` is a property, not a relationship, so the chain cannot be a variable-length
    # pattern: one seek per hop, h<i> being the entity i hops from the key. A key that names a
    # live entity has no h0 and stays itself.
    hops = [f"OPTIONAL MATCH (h0:{RETRACTED_LABEL} {{id: key}}) "] + [
        f"OPTIONAL MATCH (h{i}:{RETRACTED_LABEL} {{id: h{i - 1}.merged_into}}) " for i in range(1, MERGE_HOPS)
    ]
    ends = " ".join(f"WHEN h{i} IS NULL THEN h{i - 1}.merged_into" for i in range(1, MERGE_HOPS))
    return (
        "UNWIND $keys AS key "
        + "".join(hops)
        + f"WITH key, CASE WHEN h0 IS NULL THEN key {ends} ELSE h{MERGE_HOPS - 1}.merged_into END AS target "
        f"MATCH (n:Entity {{id: target}}) RETURN key, {returned}"
    )


# The live entity each key names: itself, or the survivor a merged entity was merged into (at
# the end of the chain). Keys that name no live entity (unknown, retracted, a broken chain) are
# left out.
LIVE_KEYS: Final = _live("n.id AS live")
LIVE_ENTITIES: Final = _live("properties(n) AS n")

SOURCES_BY_KEYS: Final = (
    "UNWIND $keys AS key MATCH (s:Source {id: key}) "
    "OPTIONAL MATCH (s)-[pb:PUBLISHED_BY]->(p:Entity) "
    f"RETURN properties(s) AS s, {source_publisher('pb', 'p')}"
)

ALL_SOURCES: Final = (
    "MATCH (s:Source) OPTIONAL MATCH (s)-[pb:PUBLISHED_BY]->(p:Entity) "
    f"RETURN properties(s) AS s, {source_publisher('pb', 'p')} ORDER BY s.id"
)

_FILTER: Final = (
    "($kinds IS NULL OR n.kind IN $kinds) "
    "AND ($countries IS NULL OR n.country IN $countries) "
    "AND ($synthetic IS NULL OR coalesce(n.synthetic, false) = $synthetic) "
    "AND ($project IS NULL OR EXISTS { "
    "MATCH (n)-[pr:PARTICIPATES_IN|IMPLEMENTS|SUBMITS|COORDINATES]->(:Project {id: $project}) "
    f"WHERE {valid('pr')} }}) "
    "AND ($network IS NULL OR EXISTS { "
    "MATCH (n)-[mr:MEMBER_OF|PARTICIPATES_IN|COORDINATES|PART_OF]->(:Council {id: $network}) "
    f"WHERE {valid('mr')} }}) "
    f"AND {valid('n')}"
)

# ORDER BY cannot take a parameter for the property, so the sort key is a CASE over a
# closed set of names; one statement per direction.
_SORT_KEY: Final = (
    "CASE $sort WHEN 'name_en' THEN n.name_en WHEN 'key' THEN n.id "
    "WHEN 'country' THEN n.country + ' ' + n.name WHEN 'kind' THEN n.kind + ' ' + n.name ELSE n.name END"
)

LIST_ENTITIES: Final[dict[str, str]] = {
    direction: (
        f"MATCH (n:Entity) WHERE {_FILTER} "
        f"RETURN properties(n) AS n ORDER BY {_SORT_KEY} {direction}, n.id SKIP $skip LIMIT $limit"
    )
    for direction in ("ASC", "DESC")
}

COUNT_ENTITIES: Final = f"MATCH (n:Entity) WHERE {_FILTER} RETURN count(n) AS total"

# Search is by word prefix: every entity's folded name words are :Term nodes (unique, range
# indexed) linked to it by NAMES. STARTS WITH on the indexed term is a seek on both engines;
# a CONTAINS over every entity would scan the graph, and Neo4j's full-text index cannot be
# created through Cypher on the embedded store.
#
# Matches stream from the closest words first (shortest matching term), and only a window of
# them ($window: at least the first 100, more for later pages) is ranked: a three-letter
# prefix can match tens of thousands of entities, and ranking them all cost 300 ms at 100k.
_CANDIDATES: Final = (
    "MATCH (t:Term) WHERE t.text STARTS WITH $term "
    "WITH t ORDER BY size(t.text), t.text "
    "MATCH (t)-[:NAMES]->(n:Entity) "
    "WHERE (' ' + n.search_key) CONTAINS (' ' + $text) "
    "AND ($kinds IS NULL OR n.kind IN $kinds) AND ($countries IS NULL OR n.country IN $countries) "
)

_RANKED: Final = (
    "WITH n, closeness, CASE WHEN $text IN n.search_names THEN 0 "
    "WHEN any(s IN n.search_names WHERE s STARTS WITH $text) THEN 1 ELSE 2 END AS rank "
    "RETURN properties(n) AS n, rank "
    "ORDER BY closeness, rank, size(n.name), n.name, n.id SKIP $skip LIMIT $limit"
)

# closeness: the length of the shortest word of the entity's names that starts with the term.
SEARCH: Final = (
    _CANDIDATES + "WITH DISTINCT n LIMIT $window "
    "WITH n, reduce(c = 1000, w IN split(n.search_key, ' ') | "
    "CASE WHEN w STARTS WITH $term AND size(w) < c THEN size(w) ELSE c END) AS closeness " + _RANKED
)
SEARCH_COUNT: Final = _CANDIDATES + "RETURN count(DISTINCT n) AS total"

# Queries made only of single letters or digits ("8 3"): no term to seek, so scan.
_SCAN: Final = (
    "MATCH (n:Entity) WHERE (' ' + n.search_key) CONTAINS (' ' + $text) "
    "AND ($kinds IS NULL OR n.kind IN $kinds) AND ($countries IS NULL OR n.country IN $countries) "
)
SEARCH_SCAN: Final = _SCAN + "WITH n, 0 AS closeness " + _RANKED
SEARCH_SCAN_COUNT: Final = _SCAN + "RETURN count(n) AS total"

LINK_TERMS: Final = "UNWIND $terms AS term MERGE (:Term {text: term})"
LINK_NAMES: Final = (
    "UNWIND $rows AS row MATCH (n:Entity {id: row.id}) "
    "UNWIND row.terms AS term MATCH (t:Term {text: term}) CREATE (t)-[:NAMES]->(n)"
)
DELETE_ORPHAN_TERMS: Final = "MATCH (t:Term) WHERE NOT EXISTS { (t)-[:NAMES]->() } DELETE t"
