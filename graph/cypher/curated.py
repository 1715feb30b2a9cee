"""Reading the curated graph whole, for `coopgraph export-seeds` (graph/curated.py).

Curated nodes carry `curated = true` (seed loads, and writes since); synthetic data never does,
and is left out. The relationships between curated entities are read with whatever type they
have, so that graph/ingest/export.py can refuse one it could not write rather than drop it.
Retracted entities (label Retracted) and relationships (type RETRACTED) are curated too: the seed
files say what was retracted and why.
"""

from typing import Final

CURATED_SOURCES: Final = (
    "MATCH (s:Source) WHERE s.curated = true "
    "OPTIONAL MATCH (s)-[pb:PUBLISHED_BY]->(p:Entity|Retracted) "
    "RETURN properties(s) AS props, p.id AS publisher, pb.inferred_reason AS publisher_inferred_reason "
    "ORDER BY s.id"
)

# `retracted` from the label, not from the properties, so that the export can refuse a node
# whose label and properties disagree instead of writing it as the other.
CURATED_ENTITIES: Final = (
    "MATCH (n:Entity|Retracted) WHERE n.curated = true "
    "RETURN properties(n) AS props, n:Retracted AS retracted ORDER BY n.id"
)

CURATED_RELATIONS: Final = (
    "MATCH (a:Entity|Retracted)-[r]->(b:Entity|Retracted) WHERE a.curated = true AND b.curated = true "
    "RETURN type(r) AS type, a.id AS from_id, b.id AS to_id, properties(r) AS props "
    "ORDER BY r.id, from_id, to_id"
)
