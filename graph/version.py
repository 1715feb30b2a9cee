"""The data version: changes exactly when committed data changes, so caches keyed on it expire."""

from __future__ import annotations

from graph.cypher import version as cypher
from graph.database import Database


async def graph_version(db: Database) -> str:
    rows = await db.read(cypher.GRAPH_VERSION)
    return str(rows[0]["version"]) if rows else ""
