"""Loads the curated seed graph: validated first, then written in one transaction.

`load --reset` commits the new curated graph in that same one transaction, claiming a
maintenance run in it, and then deletes everything else in batches; an interrupted reset is
finished at the next start-up (graph/ingest/runs.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from graph.cypher import entities, version
from graph.cypher import loader as cypher
from graph.database import Database
from graph.entities import term_rows
from graph.ingest import runs
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
    live = seed.entities_by_kind()
    for kind, rows in sorted(live.items()):
        await _run(tx, cypher.CREATE_ENTITIES[kind], rows)
    await _run(tx, cypher.CREATE_RETRACTED_ENTITIES, seed.retracted_entities())
    # Search finds live entities only: a retracted one is named by no term.
    terms, names = term_rows(row for rows in live.values() for row in rows)
    await (await tx.run(entities.LINK_TERMS, terms=terms)).consume()
    await _run(tx, entities.LINK_NAMES, names)
    for kind, rows in sorted(seed.relations_by_type().items()):
        await _run(tx, cypher.CREATE_RELATIONS[kind], rows)
    await _run(tx, cypher.CREATE_RETRACTED_RELATIONS, seed.retracted_relations())
    await _run(tx, cypher.LINK_PUBLISHERS, seed.publishers)
    await (await tx.run(cypher.SET_GROUP_SIZES, synthetic=False, prefix="")).consume()
    await (await tx.run(cypher.SET_DEGREES, synthetic=False, prefix="")).consume()
    await (await tx.run(entities.DELETE_ORPHAN_TERMS)).consume()
    result = await tx.run(version.SET_CURATED_VERSION, version=seed.fingerprint())
    await result.consume()


async def load_seeds(
    db: Database,
    seed: SeedGraph | None = None,
    *,
    reset: bool = False,
    progress: runs.Progress | None = None,
) -> LoadReport:
    """Replace the curated graph with the seed files' content (default: seeds/*.toml), all or nothing.

    With reset=True everything else (synthetic data too) is deleted once the new curated graph
    is committed. Raises SeedError (and writes nothing) when a seed file is invalid, and
    MaintenanceBusy when another maintenance run holds the graph.
    """
    seed = seed if seed is not None else read_seed_graph()
    if not reset:
        await runs.begin(db, "load", "load", first=lambda tx, _run: _write(tx, seed), finish=True)
    else:
        if progress is not None:
            progress("load --reset: writing the new curated graph")

        async def first(tx: AsyncManagedTransaction, run: runs.Run) -> None:
            # What is deleted below is everything not curated: decided before the new graph exists.
            deleting = (await runs.rows_of(tx, cypher.NON_CURATED_EXISTS, {}))[0]["found"]
            await _write(tx, seed)
            await run.fence(tx, run.mark_stray(bool(deleting), None))

        run = await runs.begin(db, "reset", runs.PURGE, first=first, progress=progress)
        try:
            run.say("new curated graph committed; deleting everything else")
            await runs.complete(run, runs.PURGE)
        finally:
            run.release()
    return LoadReport(len(seed.sources), len(seed.entities), len(seed.relations))


async def curated_loaded(db: Database) -> bool:
    rows = await db.read(cypher.CURATED_COUNT)
    return bool(rows and rows[0]["count"])
