"""The change log: (:Change {id, seq, at, author, action, reason, version, request, entities,
relationships, sources, diff}) nodes, one per committed API write or import (graph/curation/
writes them). Read here oldest first, by `seq`, the order they were committed in."""

from typing import Final

# A page of changes after a seq, filters optional (null: any). A seek on seq rather than a skip:
# Neo4j serves it from the change_seq index. The embedded store does not use a range index on
# an integer (it scans the label), so the unfiltered log is read with WINDOW below instead.
# `at` is compared as text: every `at` is the same fixed-width UTC form, and so is `$since`.
CHANGES: Final = (
    "MATCH (c:Change) "
    "WHERE c.seq > $after_seq "
    "AND ($since IS NULL OR c.at >= $since) "
    "AND ($author IS NULL OR c.author = $author) "
    "AND ($entity IS NULL OR $entity IN c.entities) "
    "RETURN properties(c) AS c "
    "ORDER BY c.seq LIMIT $limit"
)

# The last seq handed out (graph/cypher/curation.py): every seq up to it is a Change, as a write
# takes its seq in the transaction that creates its Change. Null before the first change.
LAST_SEQ: Final = "MATCH (m:Meta {id: 'graph'}) RETURN m.change_seq AS seq"

# Changes by seq: a list parameter is an index lookup per seq on both stores (a range() is not).
WINDOW: Final = "MATCH (c:Change) WHERE c.seq IN $seqs RETURN properties(c) AS c ORDER BY c.seq"

# The first change at or after a time (null: none), read from the change_at index.
FIRST_SINCE: Final = "MATCH (c:Change) WHERE c.at >= $since RETURN min(c.seq) AS seq"
