"""Loads the curated seed graph: validated first, then written in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from graph.cypher import entities, version
from graph.cypher import loader as cypher
from graph.database import Database
from graph.entities import term_rows
from graph.ingest.seed_files import SeedGraph, read_seed_graph


@dataclass(frozen=True)
class LoadReport:
    sources: int
    entities: int
    relations: int


async def _run(tx: AsyncManagedTransaction, query: str, rows: list[dict[str, Any]]) -> None:
    # The statements come from graph.cypher.loader's closed tables, never from input.
    result = await tx.run(cast(LiteralString, query), rows=rows)  # type: ignore[redundant-cast]
    await result.consume()


async def _write(tx: AsyncManagedTransaction, seed: SeedGraph) -> None:
    await _run(tx, cypher.DELETE_CURATED, [])
    await _run(tx, cypher.CREATE_SOURCES, seed.sources)
    for kind, rows in sorted(seed.entities_by_kind().items()):
        await _run(tx, cypher.CREATE_ENTITIES[kind], rows)
    terms, names = term_rows(seed.entities.values())
    await (await tx.run(entities.LINK_TERMS, terms=terms)).consume()
    await _run(tx, entities.LINK_NAMES, names)
    for kind, rows in sorted(seed.relations_by_type().items()):
        await _run(tx, cypher.CREATE_RELATIONS[kind], rows)
    await _run(tx, cypher.LINK_PUBLISHERS, seed.publishers)
    await (await tx.run(cypher.SET_GROUP_SIZES, synthetic=False)).consume()
    await (await tx.run(cypher.SET_DEGREES, synthetic=False)).consume()
    await (await tx.run(entities.DELETE_ORPHAN_TERMS)).consume()
    result = await tx.run(version.SET_CURATED_VERSION, version=seed.fingerprint())
    await result.consume()


async def load_seeds(db: Database, seed: SeedGraph | None = None) -> LoadReport:
    """Replace the curated graph with the seed files' content (default: seeds/*.toml), all or nothing.

    Raises SeedError (and writes nothing) when a seed file is invalid.
    """
    seed = seed if seed is not None else read_seed_graph()
    await db.write_transaction(lambda tx: _write(tx, seed))
    return LoadReport(len(seed.sources), len(seed.entities), len(seed.relations))


async def curated_loaded(db: Database) -> bool:
    rows = await db.read(cypher.CURATED_COUNT)
    return bool(rows and rows[0]["count"])


async def wipe(db: Database) -> None:
    """Delete everything, curated and synthetic (`coopgraph load --reset`)."""
    while (await db.write(cypher.DELETE_BATCH))[0]["deleted"]:
        pass
