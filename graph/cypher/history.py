"""The change log: (:Change {id, seq, at, author, action, reason, version, request, entities,
relationships, sources, diff}) nodes, one per committed API write or import (graph/curation/
writes them). Read here oldest first, by `seq`, the order they were committed in.

Each Change is linked to the entities it touched, `(c:Change)-[:CHANGED]->(e)` (e live or
retracted), so that an entity's history is an expansion from the entity rather than a scan of
the log for its key in `entities`, a list no index serves. Nothing else follows CHANGED
(graph/cypher/fragments.py NOT_CONNECTING; graphStats leaves it out).
"""

from typing import Final

from graph.ontology import RETRACTED_LABEL


def link_entities(change: str) -> str:
    """A subquery linking the Change `change` to each entity its `entities` list names that exists,
    live or retracted (each label's id index, never an unlabelled lookup). MERGE: a re-link after a
    load meets Changes that kept their links to what the load did not replace."""
    return (
        f"CALL ({change}) {{ UNWIND coalesce({change}.entities, []) AS key "
        f"WITH DISTINCT {change}, key "
        "OPTIONAL MATCH (live:Entity {id: key}) "
        f"OPTIONAL MATCH (gone:{RETRACTED_LABEL} {{id: key}}) "
        f"WITH {change}, coalesce(live, gone) AS e WHERE e IS NOT NULL "
        f"MERGE ({change})-[:CHANGED]->(e) RETURN count(*) AS linked }} "
    )


# The unfiltered log, or narrowed by time alone, after a seq: the scan graph/history.py falls
# back on when WINDOW cannot serve it. A seek on seq rather than a skip: Neo4j serves it from the
# change_seq index. The embedded store does not use a range index on an integer (it scans the
# label). `at` is compared as text: every `at` is the same fixed-width UTC form, and so is `$since`.
CHANGES: Final = (
    "MATCH (c:Change) "
    "WHERE c.seq > $after_seq "
    "AND ($since IS NULL OR c.at >= $since) "
    "RETURN properties(c) AS c "
    "ORDER BY c.seq LIMIT $limit"
)

# One author's changes: an equality on the change_author index, then the author's own changes
# sorted (the index does not give seq order), never the whole log.
CHANGES_BY_AUTHOR: Final = (
    "MATCH (c:Change {author: $author}) "
    "WHERE c.seq > $after_seq "
    "AND ($since IS NULL OR c.at >= $since) "
    "RETURN properties(c) AS c "
    "ORDER BY c.seq LIMIT $limit"
)

# A page of changes for each of many entities (an entity's `history` under a list, or
# `changes(entity:)` for one): each entity found by its id under either label, its CHANGED links
# expanded from it (written from the entity outwards, so the engine starts there), windowed by
# seq in the subquery. Keys no entity has are absent from the answer.
HISTORY: Final = (
    "UNWIND $keys AS key "
    "OPTIONAL MATCH (live:Entity {id: key}) "
    f"OPTIONAL MATCH (gone:{RETRACTED_LABEL} {{id: key}}) "
    "WITH key, coalesce(live, gone) AS e WHERE e IS NOT NULL "
    "CALL (e) { "
    "MATCH (e)<-[:CHANGED]-(c:Change) WHERE c.seq > $after_seq "
    "AND ($since IS NULL OR c.at >= $since) AND ($author IS NULL OR c.author = $author) "
    "WITH c ORDER BY c.seq LIMIT $limit "
    "RETURN collect(properties(c)) AS changes } "
    "RETURN key, changes"
)

# The last seq handed out (graph/cypher/curation.py): every seq up to it is a Change, as a write
# takes its seq in the transaction that creates its Change. Null before the first change.
LAST_SEQ: Final = "MATCH (m:Meta {id: 'graph'}) RETURN m.change_seq AS seq"

# Changes by seq: a list parameter is an index lookup per seq on both stores (a range() is not).
WINDOW: Final = "MATCH (c:Change) WHERE c.seq IN $seqs RETURN properties(c) AS c ORDER BY c.seq"

# The first change at or after a time (null: none), read from the change_at index.
FIRST_SINCE: Final = "MATCH (c:Change) WHERE c.at >= $since RETURN min(c.seq) AS seq"
