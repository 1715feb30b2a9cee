"""Counts of the whole graph by label and relationship type."""

from __future__ import annotations

from graph.cypher import stats as cypher
from graph.database import Database
from graph.records import GraphStats


async def graph_stats(db: Database) -> GraphStats:
    nodes = await db.read(cypher.NODE_COUNT)
    relationships = await db.read(cypher.RELATIONSHIP_COUNT)
    labels = await db.read(cypher.LABEL_COUNTS)
    types = await db.read(cypher.TYPE_COUNTS)
    return GraphStats(
        node_count=int(nodes[0]["count"]),
        relationship_count=int(relationships[0]["count"]),
        labels=[(str(r["label"]), int(r["count"])) for r in labels],
        relationship_types=[(str(r["type"]), int(r["count"])) for r in types],
    )
