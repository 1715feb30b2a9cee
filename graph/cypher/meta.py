"""The data version: every write bumps it, so caches of whole-graph measures know when to expire."""

from typing import Final

GRAPH_VERSION: Final = "MATCH (m:Meta {id: 'graph'}) RETURN m.version AS version"
BUMP_VERSION: Final = (
    "MERGE (m:Meta {id: 'graph'}) SET m.version = coalesce(m.version, 0) + 1 RETURN m.version AS version"
)
