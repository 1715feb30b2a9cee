"""Writing the curated seed graph: one transaction, UNWIND batches, labels from the ontology."""

from typing import Final

from graph.cypher.fragments import degree, members
from graph.cypher.history import link_entities
from graph.ontology import ACTOR_KINDS, KIND_LABELS, RELATION_TYPES, RETRACTED_LABEL, RETRACTED_TYPE

# Curated data is replaced whole, so a load is a sync: what the seed files no longer say
# disappears, and loading twice gives the same graph. Retracted entities are curated too.
DELETE_CURATED: Final = "MATCH (n) WHERE n.curated = true DETACH DELETE n"

CURATED_COUNT: Final = "MATCH (n:Source) WHERE n.curated = true RETURN count(n) AS count"

CREATE_SOURCES: Final = "UNWIND $rows AS row CREATE (s:Source) SET s = row"

# A publisher may since have been retracted (or merged away): the source still names it.
LINK_PUBLISHERS: Final = (
    "UNWIND $rows AS row "
    "MATCH (s:Source {id: row.source}) "
    "OPTIONAL MATCH (live:Entity {id: row.publisher}) "
    f"OPTIONAL MATCH (gone:{RETRACTED_LABEL} {{id: row.publisher}}) "
    "WITH row, s, coalesce(live, gone) AS p "
    "CREATE (s)-[r:PUBLISHED_BY]->(p) "
    "SET r.curated = true, r.sources = [row.source], r.inferred_reason = row.inferred_reason"
)

# One statement per kind: labels cannot be parameters, so they come from this closed table.
CREATE_ENTITIES: Final[dict[str, str]] = {
    kind: (
        f"UNWIND $rows AS row CREATE (n:Entity:{label}{':Actor' if kind in ACTOR_KINDS else ''}) SET n = row"
    )
    for kind, label in KIND_LABELS.items()
}

# A retracted entity keeps its properties (its kind among them) but none of the live labels, so
# that no read matching :Entity or a kind label meets it.
CREATE_RETRACTED_ENTITIES: Final = f"UNWIND $rows AS row CREATE (n:{RETRACTED_LABEL}) SET n = row"

CREATE_RELATIONS: Final[dict[str, str]] = {
    kind: (
        "UNWIND $rows AS row "
        "MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to}) "
        f"CREATE (a)-[r:{rel_type}]->(b) SET r = row.props"
    )
    for kind, rel_type in RELATION_TYPES.items()
}

# A retracted relation may touch a retracted entity or a live one: each end is looked up under
# both labels (two index seeks) rather than by a scan of every node. Its `kind` is in row.props.
CREATE_RETRACTED_RELATIONS: Final = (
    "UNWIND $rows AS row "
    "OPTIONAL MATCH (a1:Entity {id: row.from}) "
    f"OPTIONAL MATCH (a2:{RETRACTED_LABEL} {{id: row.from}}) "
    "OPTIONAL MATCH (b1:Entity {id: row.to}) "
    f"OPTIONAL MATCH (b2:{RETRACTED_LABEL} {{id: row.to}}) "
    "WITH row, coalesce(a1, a2) AS a, coalesce(b1, b2) AS b "
    f"CREATE (a)-[r:{RETRACTED_TYPE}]->(b) SET r = row.props"
)

# `coopgraph load --reset`, once the new curated graph is committed: everything else (synthetic
# data first, by DELETE_SYNTHETIC_BATCH's seek), in batches that keep each transaction's memory
# bounded. The data version (Meta), the API tokens (graph/tokens.py) and the change log (Change
# nodes: the history of API writes, which is not curated data but must outlive a reload) stay;
# search terms go once nothing names them.
DELETE_NON_CURATED_BATCH: Final = (
    "MATCH (n) WHERE coalesce(n.curated, false) = false "
    "AND NOT n:Meta AND NOT n:Term AND NOT n:ApiToken AND NOT n:Change "
    "WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
)

# Whether `load --reset` will delete anything (graph/ingest/runs.py: Run.mark_stray).
NON_CURATED_EXISTS: Final = (
    "RETURN EXISTS { MATCH (n) WHERE coalesce(n.curated, false) = false "
    "AND NOT n:Meta AND NOT n:Term AND NOT n:ApiToken AND NOT n:Change } AS found"
)

# Members of every project, council, event and agreement, kept on the node so that relationship
# questions can skip very large groups without expanding them. Run after each load, for the
# curated or the synthetic part of the graph (the two are never linked); $prefix narrows it to
# a synthetic run's staged nodes ('' for all).
SET_GROUP_SIZES: Final = (
    "MATCH (m:Project|Council|Event|Agreement) "
    "WHERE coalesce(m.synthetic, false) = $synthetic AND m.id STARTS WITH $prefix "
    f"SET m.members = {members('m')}"
)

# Each entity's number of relationships (search terms and provenance links aside), kept on the
# node for network drawings; like group sizes, refreshed after every load.
SET_DEGREES: Final = (
    "MATCH (n:Entity) WHERE coalesce(n.synthetic, false) = $synthetic AND n.id STARTS WITH $prefix "
    f"SET n.degree = {degree('n')}"
)

# Changes made through the API since the seed files in $dir last held the whole curated graph (a
# load from any files, or an export into $dir): a load from $dir would replace them, so it asks
# first (graph/ingest/loader.py). An export into another directory saves nothing for $dir.
UNSAVED_CHANGES: Final = (
    "MATCH (m:Meta {id: 'graph'}) "
    "WITH m, coalesce(m.change_seq, 0) - CASE WHEN m.exported_dir = $dir "
    "AND coalesce(m.exported_seq, 0) > coalesce(m.saved_seq, 0) THEN m.exported_seq "
    "ELSE coalesce(m.saved_seq, 0) END AS unsaved WHERE unsaved > 0 "
    "OPTIONAL MATCH (c:Change {seq: m.change_seq}) "
    "RETURN unsaved, c.id AS last, c.author AS author, c.at AS at"
)
SAVED_AFTER_LOAD: Final = "MATCH (m:Meta {id: 'graph'}) SET m.saved_seq = coalesce(m.change_seq, 0)"
CHANGE_SEQ: Final = "OPTIONAL MATCH (m:Meta {id: 'graph'}) RETURN coalesce(m.change_seq, 0) AS seq"
# An export wrote the graph as it was at change $seq (or later) into $dir.
SAVED_BY_EXPORT: Final = "MATCH (m:Meta {id: 'graph'}) SET m.exported_dir = $dir, m.exported_seq = $seq"

# The load deleted and re-created the curated entities (DELETE_CURATED), and with them the links
# from the change log to them (graph/cypher/history.py): every Change is linked again to those of
# its entities that exist, in the load's transaction. A scan of the log: loads are rare maintenance.
RELINK_CHANGES: Final = "MATCH (c:Change) " + link_entities("c") + "RETURN count(c) AS changes"
