"""Whole-graph counts."""

from typing import Final

from graph.ontology import RETRACTED_LABEL, RETRACTED_TYPE

# What is not counted: the service's own nodes (API tokens, graph/tokens.py; the change log) are
# not the knowledge graph's, and what was retracted has left it (it stays only to be asked for).
# Counts by label and type subtracted rather than a filter, so that Neo4j answers them all from
# its count store.
_UNCOUNTED: Final = ("ApiToken", "Change", RETRACTED_LABEL)

NODE_COUNT: Final = (
    "MATCH (n) WITH count(n) AS nodes "
    + "".join(
        f"OPTIONAL MATCH (x{i}:{label}) WITH nodes, count(x{i}) AS left{i} WITH nodes - left{i} AS nodes "
        for i, label in enumerate(_UNCOUNTED)
    )
    + "RETURN nodes AS count"
)
# Left out of the relationship counts: links that are no relationship in the world. The change
# log's links to what each change touched (CHANGED, from Change nodes, which are not counted
# either), counted by type. And a retracted entity's links (its search terms, the sources it
# published), which left the graph with it: retracted entities are few, so they are expanded
# (CHANGED links into them aside, counted already); everything else is counted from the count store.
RELATIONSHIP_COUNT: Final = (
    "MATCH ()-[r]->() WITH count(r) AS relationships "
    "OPTIONAL MATCH ()-[z:CHANGED]->() WITH relationships, count(z) AS changed "
    f"OPTIONAL MATCH (:{RETRACTED_LABEL})-[x]-() WHERE type(x) <> 'CHANGED' "
    "WITH relationships, changed, count(DISTINCT x) AS touching "
    f"OPTIONAL MATCH (a)-[y:{RETRACTED_TYPE}]->(b) WHERE NOT a:{RETRACTED_LABEL} AND NOT b:{RETRACTED_LABEL} "
    "WITH relationships, changed, touching, count(y) AS retracted "
    "RETURN relationships - changed - touching - retracted AS count"
)
LABEL_COUNTS: Final = (
    "MATCH (n) UNWIND labels(n) AS label WITH label "
    f"WHERE NOT label IN [{', '.join(repr(label) for label in _UNCOUNTED)}] "
    "RETURN label, count(*) AS count ORDER BY label"
)
TYPE_COUNTS: Final = (
    f"MATCH (a)-[r]->(b) WHERE NOT type(r) IN ['{RETRACTED_TYPE}', 'CHANGED'] "
    f"AND NOT a:{RETRACTED_LABEL} AND NOT b:{RETRACTED_LABEL} "
    "RETURN type(r) AS type, count(*) AS count ORDER BY type"
)
