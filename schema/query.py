from __future__ import annotations

import strawberry

from resolvers.stats import resolve_graph_stats
from schema.context import Info
from schema.types.stats import GraphStats


@strawberry.type
class Query:
    @strawberry.field(description="Node and relationship counts of the whole graph.")
    async def graph_stats(self, info: Info) -> GraphStats:
        return GraphStats.from_record(await resolve_graph_stats(info.context.db))
