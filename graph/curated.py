"""The curated graph read whole, as plain rows: what `coopgraph export-seeds` writes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.cypher import curated as cypher
from graph.database import Database
from graph.version import graph_version

Row = dict[str, Any]

# A read that saw the data version change under it is repeated, at most this often.
ATTEMPTS = 5


class CuratedGraphChanging(Exception):
    """The curated graph kept changing while it was being read."""


@dataclass
class CuratedGraph:
    sources: list[Row] = field(default_factory=list)  # props, publisher, publisher_inferred_reason
    entities: list[Row] = field(default_factory=list)  # each a node's properties
    relations: list[Row] = field(default_factory=list)  # type, from_id, to_id, props
    # ids of the entities with the Retracted label (the export checks that their properties agree)
    retracted: set[str] = field(default_factory=set)


async def read_curated_graph(db: Database) -> CuratedGraph:
    """Every curated source, entity and relationship, as one consistent picture.

    Three statements, each its own read; every committed write changes the data version
    (graph/version.py), so equal versions before and after mean the three saw the same graph.
    """
    for _ in range(ATTEMPTS):
        before = await graph_version(db)
        entities = await db.read(cypher.CURATED_ENTITIES)
        graph = CuratedGraph(
            sources=await db.read(cypher.CURATED_SOURCES),
            entities=[row["props"] for row in entities],
            relations=await db.read(cypher.CURATED_RELATIONS),
            retracted={row["props"]["id"] for row in entities if row["retracted"]},
        )
        if await graph_version(db) == before:
            return graph
    raise CuratedGraphChanging(f"the graph changed during each of {ATTEMPTS} attempts to read it")
