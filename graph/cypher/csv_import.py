"""`coopgraph import` (graph/ingest/csv_import.py): batch reads and writes inside its one transaction.

Each runs on UNWIND batches of rows. Labels and relationship types come from graph/ontology.py's
closed tables, never from input; single-row statements it shares with the API are in
graph/cypher/curation.py.
"""

from typing import Final

from graph.ontology import RELATION_TYPES, RETRACTED_TYPE

# What the rows name: sources (with their publisher, to compare a re-declared source).
SOURCES: Final = (
    "UNWIND $ids AS id MATCH (s:Source {id: id}) OPTIONAL MATCH (s)-[:PUBLISHED_BY]->(p) "
    "RETURN s.id AS id, properties(s) AS props, p.id AS publisher"
)

# Existing claims with the ids the rows give them: live of the row's kind, or retracted. A seek on
# the start's id, then its relationships of that type only (relationship properties are not indexed).
CLAIMS: Final[dict[str, str]] = {
    kind: (
        "UNWIND $rows AS row "
        f"MATCH (a:Entity {{id: row.from}})-[r:{rel_type}|{RETRACTED_TYPE}]->(b:Entity {{id: row.to}}) "
        "WHERE r.id = row.id "
        "RETURN r.id AS id, type(r) AS type, properties(r) AS props"
    )
    for kind, rel_type in RELATION_TYPES.items()
}

# Sources (and a joined note) added to live claims, with their new revision.
UPDATE_CLAIMS: Final[dict[str, str]] = {
    kind: (
        "UNWIND $rows AS row "
        f"MATCH (a:Entity {{id: row.from}})-[r:{rel_type}]->(b:Entity {{id: row.to}}) WHERE r.id = row.id "
        "SET r += row.changes"
    )
    for kind, rel_type in RELATION_TYPES.items()
}

# Entities that gained aliases, identifiers, sources or fields: the whole property map, derived
# values included (built in Python as graph/curation/entities.py does for one).
REPLACE_ENTITIES: Final = "UNWIND $rows AS row MATCH (n:Entity {id: row.id}) SET n = row.props"

# Their search terms unlinked before being linked again (graph/cypher/entities.py LINK_*).
UNLINK_NAMES: Final = (
    "UNWIND $keys AS key MATCH (t:Term)-[l:NAMES]->(:Entity {id: key}) DELETE l "
    "RETURN collect(DISTINCT t.text) AS terms"
)
