"""The data version: a fingerprint of what was loaded, so caches of whole-graph measures expire.

Fingerprints, not counters: loading the same seeds twice leaves the graph exactly the same.
`revision` is a maintenance run's id, set when the run deleted data its fingerprints do not
describe, or rolled back data it had committed (graph/ingest/runs.py). While a run has committed
data but not finished, the version also names the run and its count of committed steps, so it
changes with every one of them. A change through the API (graph/curation/) gives `curated` a
new value derived from the previous one and the change's id.
"""

from typing import Final


def version_of(meta: str) -> str:
    """The version of the Meta node `meta`, as an expression (graph/cypher/curation.py records it too)."""
    return (
        f"coalesce({meta}.curated, '') + '/' + coalesce({meta}.synthetic, '') "
        f"+ coalesce('/' + {meta}.revision, '') + CASE WHEN coalesce({meta}.run_step, 0) > 0 "
        f"THEN ' run ' + {meta}.run + ':' + toString({meta}.run_step) ELSE '' END"
    )


GRAPH_VERSION: Final = f"MATCH (m:Meta {{id: 'graph'}}) RETURN {version_of('m')} AS version"
SET_CURATED_VERSION: Final = "MERGE (m:Meta {id: 'graph'}) SET m.curated = $version"
