"""Writing the network: generate() and remove(), in UNWIND batches with progress, and the report.

Each UNWIND batch is its own transaction; node rows go kind by kind, relationship rows one
statement per relation type, and every relationship gets its id here, numbered per relation in
the order the parts yield them.

Both are maintenance runs (graph/ingest/runs.py): generate() writes beside the old synthetic
data under staged ids and swaps only once everything is written, so a run stopped at any point
leaves the old network (or, once it has switched, the new one) after recovery.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from dataclasses import dataclass, field
from typing import LiteralString, cast

from neo4j import AsyncManagedTransaction

from graph.cypher import entities as entities_cypher
from graph.cypher import loader as load_cypher
from graph.cypher import synth as cypher
from graph.database import Database
from graph.entities import term_rows
from graph.ingest import runs
from graph.ingest.runs import Progress
from graph.ingest.synth.country import Country
from graph.ingest.synth.nodes import NODE_ORDER, node_rows
from graph.ingest.synth.plan import plan
from graph.ingest.synth.relationships import relationship_parts
from graph.ingest.synth.rows import Row

__all__ = ["DELETE_BATCH", "MIN_ACTORS", "Progress", "SynthReport", "generate", "remove"]

# Every country then has room for its fixed minimum (up to 4 ministries, 2 municipalities, 2
# agencies, a council, the schools) and at least one counsellor, whatever the seed.
MIN_ACTORS = 70
DELETE_BATCH = runs.DELETE_BATCH


@dataclass
class SynthReport:
    """What generate() wrote: nodes by kind, relationships by relation, and how long it took."""

    actors: int
    seed: int
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    removed: int = 0
    seconds: float = 0.0

    @property
    def node_total(self) -> int:
        return sum(self.nodes.values())

    @property
    def relationship_total(self) -> int:
        return sum(self.relationships.values())


async def _write_batch(run: runs.Run, query: str, rows: list[Row]) -> int:
    # The statements come from graph.cypher.synth's closed tables, never from input.
    params = {"rows": rows, "prefix": run.prefix}
    result = await run.write(cast(LiteralString, query), params)  # type: ignore[redundant-cast]
    return int(result[0]["created"]) if result else 0


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


async def generate(
    db: Database,
    actors: int,
    seed: int,
    *,
    batch_size: int = 5000,
    progress: Progress | None = None,
) -> SynthReport:
    """Write the synthetic network for (actors, seed), replacing any synthetic data already there.

    `actors` counts the Actor-labelled nodes; projects, programmes, targets and events come on
    top. Each UNWIND batch of `batch_size` rows is its own transaction. All or nothing: raises
    MaintenanceBusy when another maintenance run holds the graph.
    """
    if actors < MIN_ACTORS:
        raise ValueError(f"actors must be at least {MIN_ACTORS}, not {actors}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, not {batch_size}")
    started = time.perf_counter()
    report = SynthReport(actors=actors, seed=seed)
    countries = plan(actors, seed)
    run = await runs.begin(db, "synth", runs.WRITE, target=f"{actors}:{seed}", progress=progress)
    try:
        try:
            await _write(run, countries, report, batch_size, started, progress)
        except Exception:
            # Not a kill: undo at once (else the next start-up does).
            with contextlib.suppress(Exception):
                await runs.roll_back(run)
            raise

        async def switch(tx: AsyncManagedTransaction, run: runs.Run) -> None:
            found = (await runs.rows_of(tx, cypher.SYNTHETIC_EXISTS, {}))[0]["found"]
            await run.fence(tx, {"run_phase": runs.PURGE, **run.mark_stray(bool(found), run.target)}, 0)

        await run.transaction(switch, advance=0)
        run.say("new network written; replacing the old one")
        report.removed = await runs.complete(run, runs.PURGE)
    finally:
        run.release()
    report.seconds = time.perf_counter() - started
    _say(
        progress,
        f"done: {report.node_total} nodes, {report.relationship_total} relationships "
        f"in {report.seconds:.1f} s",
    )
    return report


async def _write(
    run: runs.Run,
    countries: list[Country],
    report: SynthReport,
    batch_size: int,
    started: float,
    progress: Progress | None,
) -> None:
    """The write phase: every node and relationship, staged beside the old network."""
    seed = report.seed
    await run.write(
        cypher.CREATE_SOURCE,
        {
            "prefix": run.prefix,
            "title_en": f"Synthetic data (coopgraph synth, {report.actors} actors, seed {seed})",
            "summary": "Generated, not observed: a deterministic synthetic cooperation network for "
            "load and query testing. Every node and relationship it sources is marked synthetic.",
        },
    )
    names: list[Row] = []
    for kind in NODE_ORDER:
        rows = itertools.chain.from_iterable(node_rows(seed, c, kind) for c in countries)
        created = 0
        while batch := list(itertools.islice(rows, batch_size)):
            created += await _write_batch(run, cypher.CREATE_NODES[kind], batch)
            names += term_rows(batch)[1]
        report.nodes[kind] = created
        _say(progress, f"{kind}: {created} nodes ({time.perf_counter() - started:.1f} s)")
    await _link_terms(run, names, batch_size)
    _say(progress, f"search terms linked ({time.perf_counter() - started:.1f} s)")

    # Rows of each relation are batched separately (one statement per type); a part's rows
    # arrive mixed, so a small buffer per relation holds them until a batch is full.
    buffers: dict[str, list[Row]] = {}
    counters: dict[str, int] = {}

    async def flush(relation: str) -> None:
        batch = buffers.pop(relation, [])
        if batch:
            created = await _write_batch(run, cypher.CREATE_RELATIONS[relation], batch)
            report.relationships[relation] = report.relationships.get(relation, 0) + created

    for part in relationship_parts(seed, countries):
        for relation, row in part:
            number = counters.get(relation, 0)
            counters[relation] = number + 1
            row["i"] = f"syn-rel-{relation.replace('_', '-')}-{number:07d}"
            buffer = buffers.setdefault(relation, [])
            buffer.append(row)
            if len(buffer) >= batch_size:
                await flush(relation)
        _say(progress, f"{report.relationship_total} relationships ({time.perf_counter() - started:.1f} s)")
    for relation in sorted(buffers):
        await flush(relation)
    _say(progress, f"{report.relationship_total} relationships ({time.perf_counter() - started:.1f} s)")
    staged = {"synthetic": True, "prefix": run.prefix}
    await run.write(load_cypher.SET_GROUP_SIZES, staged)
    await run.write(load_cypher.SET_DEGREES, staged)


async def _link_terms(run: runs.Run, names: list[Row], batch_size: int) -> None:
    """Search terms for the new nodes: each distinct word once, then its links, in batches."""
    terms = sorted({t for row in names for t in row["terms"]})
    for i in range(0, len(terms), batch_size):
        await run.write(entities_cypher.LINK_TERMS, {"terms": terms[i : i + batch_size]})
    staged = [{"id": run.prefix + row["id"], "terms": row["terms"]} for row in names]
    for i in range(0, len(staged), batch_size):
        await run.write(entities_cypher.LINK_NAMES, {"rows": staged[i : i + batch_size]})


async def remove(db: Database, *, batch_size: int = DELETE_BATCH, progress: Progress | None = None) -> int:
    """Delete every synthetic node (and so its relationships), a batch per transaction.

    Returns the number of nodes deleted; curated data is untouched. Once started it goes
    forward: an interrupted removal is finished at the next start-up.
    """

    async def first(tx: AsyncManagedTransaction, run: runs.Run) -> None:
        found = (await runs.rows_of(tx, cypher.SYNTHETIC_EXISTS, {}))[0]["found"]
        await run.fence(tx, run.mark_stray(bool(found), None), 0)

    run = await runs.begin(db, "remove", runs.PURGE, first=first, progress=progress)
    try:
        return await runs.complete(run, runs.PURGE, batch=batch_size)
    finally:
        run.release()
