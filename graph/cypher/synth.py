"""Writing and removing the synthetic cooperation network (graph/ingest/synth/).

Labels and relationship types come from graph.ontology's closed tables, never from input. The
marks every synthetic node and relationship carries (kind, synthetic, sources) are literals in
the statements, and rows use short keys: both keep the Bolt payload of a 1M-relationship load
small, which is where the time of a large load goes.

A run writes its nodes beside the old synthetic data under staged ids, `$prefix` + id (the
prefix names the run, graph/ingest/runs.py), and they take their real ids only once the old
data is gone: both are found by a seek on the unique id index, never by a scan.
"""

from typing import Final

from graph.ontology import ACTOR_KINDS, KIND_LABELS, RELATION_TYPES

_SOURCE_ID: Final = "src-synthetic"

CREATE_SOURCE: Final = (
    "CREATE (s:Source {id: $prefix + 'src-synthetic', synthetic: true}) "
    "SET s.title_en = $title_en, s.language = 'en', s.summary = $summary"
)

# Entity properties every synthetic node gets from its row; kind-specific extras come in row.x.
_NODE_FIELDS: Final = (
    "subtype",
    "name",
    "lang",
    "name_en",
    "aliases",
    "country",
    "search_names",
    "search_key",
    "identifiers",
)

# Everything in the CREATE's property map: one record write per node (a null sets nothing).
CREATE_NODES: Final[dict[str, str]] = {
    kind: (
        "UNWIND $rows AS row "
        f"CREATE (n:Entity:{label}{':Actor' if kind in ACTOR_KINDS else ''} "
        f"{{id: $prefix + row.id, kind: '{kind}', synthetic: true, sources: ['{_SOURCE_ID}'], "
        + ", ".join(f"{field}: row.{field}" for field in _NODE_FIELDS)
        + "}) SET n += row.x RETURN count(*) AS created"
    )
    for kind, label in KIND_LABELS.items()
}

# Relationship property -> row key. A key missing from a row sets nothing (null).
_VALIDITY: Final = {
    "start": "s",
    "start_precision": "sp",
    "start_date": "sd",
    "end": "e",
    "end_precision": "ep",
    "end_date": "ed",
}
# The extra properties synthetic relationships of each relation carry (docs/ontology.md).
REL_EXTRAS: Final[dict[str, dict[str, str]]] = {
    "cooperates_with": {"role": "role"},
    "member_of": {"role": "role"},
    "coordinates": {"role": "role"},
    "participates_in": {"role": "role"},
    "holds_position": {"title": "title", "title_en": "title_en"},
    "serves": {"workload": "w"},
    "funds": {"amount": "amt", "currency": "cur"},
}

CREATE_RELATIONS: Final[dict[str, str]] = {
    kind: (
        "UNWIND $rows AS row "
        "MATCH (a:Entity {id: $prefix + row.a}) MATCH (b:Entity {id: $prefix + row.b}) "
        f"CREATE (a)-[r:{rel_type} "
        f"{{id: row.i, kind: '{kind}', synthetic: true, sources: ['{_SOURCE_ID}'], "
        + ", ".join(f"{prop}: row.{key}" for prop, key in (_VALIDITY | REL_EXTRAS.get(kind, {})).items())
        + "}]->(b) RETURN count(*) AS created"
    )
    for kind, rel_type in RELATION_TYPES.items()
}

# The dict values above, as a tuple, so that the Cypher lint test checks every generated statement.
GENERATED: Final[tuple[str, ...]] = (*CREATE_NODES.values(), *CREATE_RELATIONS.values())

# Synthetic nodes and (DETACH) their relationships, a bounded batch per transaction. Synthetic
# nodes are never linked to curated ones, so the curated graph loses nothing. Every synthetic
# entity's id starts with 'syn-' (a staged one's with the run's prefix), so an index seek finds
# them; the scan after it catches the source node and anything else marked synthetic.
DELETE_SYNTHETIC_BATCH: Final = (
    "MATCH (n:Entity) WHERE n.id STARTS WITH 'syn-' "
    "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
)
DELETE_OTHER_SYNTHETIC_BATCH: Final = (
    "MATCH (n) WHERE n.synthetic = true AND NOT n.id STARTS WITH $prefix "
    "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
)

# Whether there is old synthetic data (staged nodes do not count).
SYNTHETIC_EXISTS: Final = (
    "RETURN EXISTS { MATCH (n:Entity) WHERE n.id STARTS WITH 'syn-' } "
    "OR EXISTS { MATCH (:Source {id: 'src-synthetic'}) } AS found"
)

# An unfinished run's staged nodes, deleted when it is rolled back.
DELETE_STAGED_BATCH: Final = (
    "MATCH (n:Entity) WHERE n.id STARTS WITH $prefix "
    "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
)
DELETE_STAGED_SOURCE: Final = (
    "MATCH (s:Source {id: $prefix + 'src-synthetic'}) DETACH DELETE s RETURN count(*) AS deleted"
)

# Staged nodes take their real ids (relationships point at nodes, not ids: they stay as written).
RENAME_STAGED_BATCH: Final = (
    "MATCH (n:Entity) WHERE n.id STARTS WITH $prefix "
    "WITH n LIMIT $limit SET n.id = substring(n.id, size($prefix)) RETURN count(*) AS renamed"
)
RENAME_STAGED_SOURCE: Final = (
    "MATCH (s:Source {id: $prefix + 'src-synthetic'}) SET s.id = 'src-synthetic' RETURN count(*) AS renamed"
)
