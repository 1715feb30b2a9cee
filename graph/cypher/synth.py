"""Writing and removing the synthetic cooperation network (graph/ingest/synth/).

Labels and relationship types come from graph.ontology's closed tables, never from input. The
marks every synthetic node and relationship carries (kind, synthetic, sources) are literals in
the statements, and rows use short keys: both keep the Bolt payload of a 1M-relationship load
small, which is where the time goes (DESIGN-NOTES §3).
"""

from typing import Final

from graph.ontology import ACTOR_KINDS, KIND_LABELS, RELATION_TYPES

_SOURCE_ID: Final = "src-synthetic"

CREATE_SOURCE: Final = (
    "CREATE (s:Source {id: 'src-synthetic', synthetic: true}) "
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
        f"{{id: row.id, kind: '{kind}', synthetic: true, sources: ['{_SOURCE_ID}'], "
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
        "MATCH (a:Entity {id: row.a}) MATCH (b:Entity {id: row.b}) "
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
# nodes are never linked to curated ones, so the curated graph loses nothing.
DELETE_SYNTHETIC_BATCH: Final = (
    "MATCH (n) WHERE n.synthetic = true WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
)

SYNTHETIC_COUNT: Final = "MATCH (n) WHERE n.synthetic = true RETURN count(n) AS count"
