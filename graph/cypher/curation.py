"""Changes through the API (graph/curation/): each statement runs inside one write transaction.

Every transaction opens by writing the Meta node (OPEN). On Neo4j that write takes the node's
lock, so curation writes follow one another and each reads what the one before committed; on
the embedded store, whose commits are optimistic, two transactions that both wrote the node
cannot both commit, and the loser is run again (graph/curation/transaction.py). Either way a
claim checked for and then created cannot be created twice, and change numbers do not repeat.

Labels and relationship types come from graph/ontology.py's closed tables, never from input.
"""

from typing import Final

from graph.cypher.fragments import degree, members, rel_map
from graph.cypher.history import link_entities
from graph.cypher.version import version_of
from graph.ontology import ACTOR_KINDS, KIND_LABELS, RELATION_TYPES, RETRACTED_LABEL, RETRACTED_TYPE

# With the change a client mutation id already made (`replayed`), if any: an id used again by
# its author gets that change, not a second one.
OPEN: Final = (
    "MERGE (m:Meta {id: 'graph'}) SET m.write_beat = $now "
    "WITH m OPTIONAL MATCH (c:Change {request: $request}) "
    "RETURN m.run AS run, m.run_kind AS run_kind, coalesce(m.change_seq, 0) AS seq, "
    "coalesce(m.curated, '') AS curated, properties(c) AS replayed"
)

# The change's number, the new data version and the Change node with its links to the entities
# it touched (what an entity's history expands from), together: one round trip per Change.
RECORD: Final = (
    "MATCH (m:Meta {id: 'graph'}) SET m.change_seq = $seq, m.curated = $curated "
    f"WITH m, {version_of('m')} AS version "
    "CREATE (c:Change) SET c = $change, c.version = version "
    f"WITH c {link_entities('c')}"
    "RETURN properties(c) AS change"
)

# What a key names now: a live entity, or a retracted one (merged into `merged_into`, maybe).
RESOLVE: Final = (
    "UNWIND $keys AS key OPTIONAL MATCH (n:Entity {id: key}) "
    f"OPTIONAL MATCH (x:{RETRACTED_LABEL} {{id: key}}) "
    "RETURN key, properties(n) AS live, x.id AS retracted, x.merged_into AS merged_into"
)

SOURCES_FOUND: Final = (
    # UNWIND and a key per row: the embedded store does not use the index for `s.id IN $ids`.
    "UNWIND $ids AS sid MATCH (s:Source {id: sid}) "
    "RETURN s.id AS id, s.file AS file, coalesce(s.synthetic, false) AS synthetic"
)
SOURCE: Final = (
    "MATCH (s:Source {id: $id}) OPTIONAL MATCH (s)-[:PUBLISHED_BY]->(p:Entity) "
    "RETURN properties(s) AS props, p.id AS publisher"
)
CREATE_SOURCE: Final = (
    "CREATE (s:Source) SET s = $props WITH s "
    "OPTIONAL MATCH (p:Entity {id: $publisher}) "
    "FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | "
    "CREATE (s)-[:PUBLISHED_BY {curated: true, sources: [$props.id]}]->(p)) "
    "RETURN s.id AS id"
)


def _labels(kind: str) -> str:
    return f":Entity:{KIND_LABELS[kind]}{':Actor' if kind in ACTOR_KINDS else ''}"


CREATE_ENTITY: Final[dict[str, str]] = {
    kind: f"CREATE (n{_labels(kind)}) SET n = $props RETURN n.id AS id" for kind in KIND_LABELS
}
# The whole property map, derived values included (graph/curation/entities.py builds it).
REPLACE_ENTITY: Final = "MATCH (n:Entity {id: $key}) SET n = $props RETURN n.id AS id"
RETRACT_ENTITY: Final[dict[str, str]] = {
    kind: (
        f"MATCH (n:Entity {{id: $key}}) REMOVE n{_labels(kind)} SET n:{RETRACTED_LABEL}, "
        "n.retracted_reason = $reason, n.retracted_at = $at, n.merged_into = $merged_into, "
        # Counts of live relationships: a retracted entity has none (a load gives it none either).
        "n.revision = coalesce(n.revision, 0) + 1 REMOVE n.degree, n.members RETURN n.id AS id"
    )
    for kind in KIND_LABELS
}

# A merge: the sources the merged entity published were published by the survivor.
MOVE_PUBLISHED: Final = (
    "MATCH (s:Source)-[p:PUBLISHED_BY]->(:Entity {id: $merged}) MATCH (y:Entity {id: $survivor}) "
    "CREATE (s)-[q:PUBLISHED_BY]->(y) SET q = properties(p) DELETE p RETURN s.id AS source"
)

# Search terms: an entity's names are linked again whenever they change (graph/entities.py).
UNLINK_NAMES: Final = (
    "MATCH (t:Term)-[l:NAMES]->(n:Entity {id: $key}) DELETE l RETURN collect(t.text) AS terms"
)
DELETE_UNUSED_TERMS: Final = (
    "UNWIND $terms AS term MATCH (t:Term {text: term}) WHERE NOT EXISTS { (t)-[:NAMES]->() } DELETE t"
)

# Every live relationship of an entity, for a retraction or a merge to carry along.
RELATIONSHIPS_OF_ENTITY: Final = (
    "MATCH (n:Entity {id: $key})-[r]-(o:Entity) WHERE type(r) IN $types "
    "RETURN type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, properties(r) AS props"
)

# What asserting a claim needs to know, in one round trip: its sources, the entities its keys
# name, and the claim itself as it stands between the live entities of those keys (a merged key
# is followed by RESOLVE afterwards, rarely).
CLAIM_INPUTS: Final = (
    "CALL () { UNWIND $ids AS sid MATCH (s:Source {id: sid}) "
    "RETURN collect({id: s.id, file: s.file, synthetic: coalesce(s.synthetic, false)}) AS sources } "
    "CALL () { UNWIND $keys AS key OPTIONAL MATCH (n:Entity {id: key}) "
    f"OPTIONAL MATCH (x:{RETRACTED_LABEL} {{id: key}}) "
    "RETURN collect({key: key, live: properties(n), retracted: x.id, merged_into: x.merged_into}) AS ends } "
    "OPTIONAL MATCH (a:Entity {id: $from})-[r]->(b:Entity {id: $to}) WHERE r.id = $id "
    f"AND (type(r) IN $types OR type(r) = '{RETRACTED_TYPE}') "
    "CALL (r) { UNWIND coalesce(r.sources, []) AS held MATCH (h:Source {id: held}) "
    "RETURN collect({id: h.id, file: h.file}) AS held } "
    "RETURN sources, ends, type(r) AS type, properties(r) AS props, held"
)

# A claim found by its ends and id (relationship properties are not indexed; the ends are).
CLAIM: Final = (
    "MATCH (a:Entity {id: $from})-[r]->(b:Entity {id: $to}) WHERE r.id = $id "
    f"AND (type(r) IN $types OR type(r) = '{RETRACTED_TYPE}') "
    "RETURN type(r) AS type, properties(r) AS props"
)
CLAIM_ANY_KIND: Final = (
    "MATCH (a:Entity {id: $from})-[r]->(b:Entity {id: $to}) WHERE r.id = $id "
    "RETURN type(r) AS type, properties(r) AS props"
)
UPDATE_CLAIM: Final = (
    "MATCH (a:Entity {id: $from})-[r]->(b:Entity {id: $to}) WHERE r.id = $id AND type(r) = $type "
    f"SET r += $changes RETURN {rel_map('r')} AS rel"
)
CREATE_RELATIONSHIP: Final[dict[str, str]] = {
    kind: (
        "UNWIND $rows AS row MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) "
        f"CREATE (a)-[r:{rel_type}]->(b) SET r = row.props RETURN r.id AS id"
    )
    for kind, rel_type in RELATION_TYPES.items()
}
# The kinds whose nodes keep a member count (graph/cypher/fragments.py members).
_GROUP = "({v}:Project OR {v}:Council OR {v}:Event OR {v}:Agreement)"
# One new claim, with both ends' degrees and group sizes refreshed, and the claim as written
# returned: one round trip.
CREATE_CLAIM: Final[dict[str, str]] = {
    kind: (
        "MATCH (a:Entity {id: $from}) MATCH (b:Entity {id: $to}) "
        f"CREATE (a)-[r:{rel_type}]->(b) SET r = $props "
        f"SET a.degree = {degree('a')}, b.degree = {degree('b')} "
        f"SET a.members = CASE WHEN {_GROUP.format(v='a')} THEN {members('a')} ELSE a.members END, "
        f"b.members = CASE WHEN {_GROUP.format(v='b')} THEN {members('b')} ELSE b.members END "
        f"RETURN {rel_map('r')} AS rel"
    )
    for kind, rel_type in RELATION_TYPES.items()
}
# Retracted: the same claim re-created as RETRACTED with the reason, the live one deleted.
RETRACT_RELATIONSHIP: Final[dict[str, str]] = {
    kind: (
        f"UNWIND $rows AS row MATCH (a:Entity {{id: row.from}})-[r:{rel_type}]->(b:Entity {{id: row.to}}) "
        f"WHERE r.id = row.id CREATE (a)-[x:{RETRACTED_TYPE}]->(b) SET x = properties(r), "
        "x.retracted_reason = row.reason, x.retracted_at = $at, x.revision = coalesce(r.revision, 0) + 1 "
        "DELETE r RETURN x.id AS id"
    )
    for kind, rel_type in RELATION_TYPES.items()
}
# A retracted claim asserted again, with new evidence: live again, its retraction gone.
RESTORE_RELATIONSHIP: Final[dict[str, str]] = {
    kind: (
        f"MATCH (a:Entity {{id: $from}})-[x:{RETRACTED_TYPE}]->(b:Entity {{id: $to}}) WHERE x.id = $id "
        f"CREATE (a)-[r:{rel_type}]->(b) SET r = $props DELETE x RETURN {rel_map('r')} AS rel"
    )
    for kind, rel_type in RELATION_TYPES.items()
}

# Degrees and group sizes (graph/cypher/loader.py keeps them after a load) for the entities a
# write touched.
REFRESH_COUNTS: Final = (
    f"UNWIND $ids AS eid MATCH (n:Entity {{id: eid}}) SET n.degree = {degree('n')} "
    f"WITH n WHERE n:Project OR n:Council OR n:Event OR n:Agreement SET n.members = {members('n')}"
)
