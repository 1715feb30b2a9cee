"""The data version: a fingerprint of what was loaded, so caches of whole-graph measures expire.

Fingerprints, not counters: loading the same seeds twice leaves the graph exactly the same.
"""

from typing import Final

GRAPH_VERSION: Final = (
    "MATCH (m:Meta {id: 'graph'}) RETURN coalesce(m.curated, '') + '/' + coalesce(m.synthetic, '') AS version"
)
SET_CURATED_VERSION: Final = "MERGE (m:Meta {id: 'graph'}) SET m.curated = $version"
SET_SYNTHETIC_VERSION: Final = "MERGE (m:Meta {id: 'graph'}) SET m.synthetic = $version"
