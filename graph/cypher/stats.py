"""Whole-graph counts."""

from typing import Final

# API tokens (graph/tokens.py) are the service's, not the knowledge graph's: not counted, not
# shown. Two counts by label rather than a filter, so that Neo4j answers both from its count store.
NODE_COUNT: Final = (
    "MATCH (n) WITH count(n) AS nodes OPTIONAL MATCH (t:ApiToken) "
    "WITH nodes, count(t) AS tokens RETURN nodes - tokens AS count"
)
RELATIONSHIP_COUNT: Final = "MATCH ()-[r]->() RETURN count(r) AS count"
LABEL_COUNTS: Final = (
    "MATCH (n) UNWIND labels(n) AS label WITH label WHERE label <> 'ApiToken' "
    "RETURN label, count(*) AS count ORDER BY label"
)
TYPE_COUNTS: Final = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count ORDER BY type"
