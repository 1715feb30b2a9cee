from __future__ import annotations

from graph.database import Database
from graph.records import GraphStats
from graph.stats import graph_stats
from graph.version import graph_version
from resolvers.cache import VersionedCache


async def resolve_graph_stats(db: Database, cache: VersionedCache) -> GraphStats:
    """Whole-graph counts scan everything: computed once per data version."""
    version = await graph_version(db)
    return await cache.get(("stats",), version, lambda: graph_stats(db), lambda: graph_version(db))


async def data_version(db: Database) -> str:
    """Changes exactly when committed data changes: a load, a synthetic run, a curator's write."""
    return await graph_version(db)
