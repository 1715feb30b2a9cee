from __future__ import annotations

from graph.database import Database
from graph.stats import GraphStats, graph_stats


async def resolve_graph_stats(db: Database) -> GraphStats:
    return await graph_stats(db)
