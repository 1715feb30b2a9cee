"""Writing the network: generate() and remove(), in UNWIND batches with progress, and the report.

Each UNWIND batch is its own transaction; node rows go kind by kind, relationship rows one
statement per relation type, and every relationship gets its id here, numbered per relation in
the order the parts yield them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import LiteralString, cast

from graph.cypher import entities as entities_cypher
from graph.cypher import loader as load_cypher
from graph.cypher import synth as cypher
from graph.database import Database
from graph.entities import term_rows
from graph.ingest.synth.nodes import NODE_ORDER, node_rows
from graph.ingest.synth.plan import plan
from graph.ingest.synth.relationships import relationship_parts
from graph.ingest.synth.rows import Row
from graph.version import set_synthetic_version

Progress = Callable[[str], None]

MIN_ACTORS = 60
DELETE_BATCH = 10_000


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


async def _write_batch(db: Database, query: str, rows: list[Row]) -> int:
    # The statements come from graph.cypher.synth's closed tables, never from input.
    result = await db.write(cast(LiteralString, query), {"rows": rows})  # type: ignore[redundant-cast]
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
    top. Each UNWIND batch of `batch_size` rows is its own transaction.
    """
    if actors < MIN_ACTORS:
        raise ValueError(f"actors must be at least {MIN_ACTORS}, not {actors}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, not {batch_size}")
    started = time.perf_counter()
    report = SynthReport(actors=actors, seed=seed)
    report.removed = await remove(db)
    if report.removed:
        _say(progress, f"removed {report.removed} earlier synthetic nodes")
    countries = plan(actors, seed)
    await db.write(
        cypher.CREATE_SOURCE,
        {
            "title_en": f"Synthetic data (coopgraph synth, {actors} actors, seed {seed})",
            "summary": "Generated, not observed: a deterministic synthetic cooperation network for "
            "load and query testing. Every node and relationship it sources is marked synthetic.",
        },
    )
    names: list[Row] = []
    for kind in NODE_ORDER:
        rows = itertools.chain.from_iterable(node_rows(seed, c, kind) for c in countries)
        created = 0
        while batch := list(itertools.islice(rows, batch_size)):
            created += await _write_batch(db, cypher.CREATE_NODES[kind], batch)
            names += term_rows(batch)[1]
        report.nodes[kind] = created
        _say(progress, f"{kind}: {created} nodes ({time.perf_counter() - started:.1f} s)")
    await _link_terms(db, names, batch_size)
    _say(progress, f"search terms linked ({time.perf_counter() - started:.1f} s)")

    # Rows of each relation are batched separately (one statement per type); a part's rows
    # arrive mixed, so a small buffer per relation holds them until a batch is full.
    buffers: dict[str, list[Row]] = {}
    counters: dict[str, int] = {}

    async def flush(relation: str) -> None:
        batch = buffers.pop(relation, [])
        if batch:
            created = await _write_batch(db, cypher.CREATE_RELATIONS[relation], batch)
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
    await db.write(load_cypher.SET_GROUP_SIZES, {"synthetic": True})
    await db.write(load_cypher.SET_DEGREES, {"synthetic": True})
    await set_synthetic_version(db, f"{actors}:{seed}")
    report.seconds = time.perf_counter() - started
    _say(
        progress,
        f"done: {report.node_total} nodes, {report.relationship_total} relationships "
        f"in {report.seconds:.1f} s",
    )
    return report


async def _link_terms(db: Database, names: list[Row], batch_size: int) -> None:
    """Search terms for the new nodes: each distinct word once, then its links, in batches."""
    terms = sorted({t for row in names for t in row["terms"]})
    for i in range(0, len(terms), batch_size):
        await db.write(entities_cypher.LINK_TERMS, {"terms": terms[i : i + batch_size]})
    for i in range(0, len(names), batch_size):
        await db.write(entities_cypher.LINK_NAMES, {"rows": names[i : i + batch_size]})


async def remove(db: Database, *, batch_size: int = DELETE_BATCH) -> int:
    """Delete every synthetic node (and so its relationships), a batch per transaction.

    Returns the number of nodes deleted; curated data is untouched.
    """
    removed = 0
    while True:
        rows = await db.write(cypher.DELETE_SYNTHETIC_BATCH, {"limit": batch_size})
        deleted = int(rows[0]["deleted"]) if rows else 0
        removed += deleted
        if deleted == 0:
            await db.write(entities_cypher.DELETE_ORPHAN_TERMS)
            await set_synthetic_version(db, None)
            return removed
