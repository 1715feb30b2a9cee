"""The data version: a fingerprint of what was loaded, so caches of whole-graph measures expire.

Fingerprints, not counters: loading the same seeds twice leaves the graph exactly the same.
`revision` is a maintenance run's id, set when the run deleted data its fingerprints do not
describe, or rolled back data it had committed (graph/ingest/runs.py). While a run has committed
data but not finished, the version also names the run and its count of committed steps, so it
changes with every one of them.
"""

from typing import Final

GRAPH_VERSION: Final = (
    "MATCH (m:Meta {id: 'graph'}) "
    "RETURN coalesce(m.curated, '') + '/' + coalesce(m.synthetic, '') + coalesce('/' + m.revision, '') "
    "+ CASE WHEN coalesce(m.run_step, 0) > 0 THEN ' run ' + m.run + ':' + toString(m.run_step) ELSE '' END "
    "AS version"
)
SET_CURATED_VERSION: Final = "MERGE (m:Meta {id: 'graph'}) SET m.curated = $version"
