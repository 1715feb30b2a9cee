"""Loads the curated seed graph: validated first, then written in one transaction.

`load --reset` commits the new curated graph in that same one transaction, claiming a
maintenance run in it, and then deletes everything else in batches; an interrupted reset is
finished at the next start-up (graph/ingest/runs.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from graph.cypher import entities, version
from graph.cypher import loader as cypher
from graph.database import Database
from graph.entities import term_rows
from graph.errors import GraphError
from graph.ingest import runs
from graph.ingest.seed_files import SEED_DIR, SeedGraph, read_seed_graph


class UnsavedChanges(GraphError):
    """The graph holds changes made through the API that no seed file holds: a load would lose them."""

    def __init__(self, unsaved: int, last: str | None, author: str | None, at: str | None) -> None:
        super().__init__(
            f"the graph holds {unsaved} change(s) made through the API that the seed files do not "
            f"(the last: {last} by {author} at {at}); write them out first (coopgraph export-seeds "
            "seeds/) or load with --discard-changes to replace them with the seed files"
        )
        self.unsaved = unsaved


async def _check_saved(tx: AsyncManagedTransaction, directory: str) -> None:
    found = await (await tx.run(cypher.UNSAVED_CHANGES, dir=directory)).data()
    if found:
        raise UnsavedChanges(**found[0])


@dataclass(frozen=True)
class LoadReport:
    sources: int
    entities: int
    relations: int


async def _run(tx: AsyncManagedTransaction, query: str, rows: list[dict[str, Any]]) -> None:
    # The statements come from graph.cypher.loader's closed tables, never from input.
    result = await tx.run(cast(LiteralString, query), rows=rows)  # type: ignore[redundant-cast]
    await result.consume()


async def _write(tx: AsyncManagedTransaction, seed: SeedGraph, saved_in: str | None) -> None:
    """`saved_in`: the directory the seed files were read from (changes exported there are safe),
    or None to replace changes made through the API whatever they are."""
    if saved_in is not None:
        await _check_saved(tx, saved_in)
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
    # The history of what the load re-created stays reachable from it (graph/cypher/history.py).
    await (await tx.run(cypher.RELINK_CHANGES)).consume()
    result = await tx.run(version.SET_CURATED_VERSION, version=seed.fingerprint())
    await result.consume()
    await (await tx.run(cypher.SAVED_AFTER_LOAD)).consume()


async def load_seeds(
    db: Database,
    seed: SeedGraph | None = None,
    *,
    reset: bool = False,
    progress: runs.Progress | None = None,
    discard_changes: bool = False,
    directory: Path | None = None,
) -> LoadReport:
    """Replace the curated graph with the seed files' content (default: seeds/*.toml), all or nothing.

    With reset=True everything else (synthetic data too) is deleted once the new curated graph
    is committed. Raises SeedError (and writes nothing) when a seed file is invalid,
    MaintenanceBusy when another maintenance run holds the graph, and UnsavedChanges when changes
    made through the API would be lost (unless `discard_changes`): changes an export wrote into
    `directory`, where `seed` was read from (default: seeds/), are not lost.
    """
    if seed is None:
        seed, directory = read_seed_graph(), directory or SEED_DIR
    saved_in = None if discard_changes else str(directory.resolve()) if directory is not None else ""
    try:
        return await _load(db, seed, reset, progress, saved_in)
    except GraphError as exc:
        if isinstance(exc.__cause__, UnsavedChanges):  # raised inside the run's first transaction
            raise exc.__cause__ from None
        raise


async def _load(
    db: Database, seed: SeedGraph, reset: bool, progress: runs.Progress | None, saved_in: str | None
) -> LoadReport:
    if not reset:
        await runs.begin(db, "load", "load", first=lambda tx, _run: _write(tx, seed, saved_in), finish=True)
    else:
        if progress is not None:
            progress("load --reset: writing the new curated graph")

        async def first(tx: AsyncManagedTransaction, run: runs.Run) -> None:
            # What is deleted below is everything not curated: decided before the new graph exists.
            deleting = (await runs.rows_of(tx, cypher.NON_CURATED_EXISTS, {}))[0]["found"]
            await _write(tx, seed, saved_in)
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
