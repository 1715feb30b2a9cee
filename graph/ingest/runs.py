"""Maintenance runs: `load`, `load --reset`, `synth` and `synth --remove` finish, or leave no trace.

Whatever kills a run, and whenever, the graph ends up wholly as it was or wholly as the run
meant it to be, on the embedded store and on Neo4j alike:

- A run first claims a marker on the graph's Meta node (graph/cypher/runs.py), which holds its
  id, kind, phase, owning process and heartbeat. Every later transaction of the run opens by
  checking that the marker is still its own (a fence) and counts itself there: the data
  version names an unfinished run and that count (graph/cypher/version.py), so no cache keeps
  a value computed from half-written data. The marker also makes runs exclusive.
- `load` is one transaction (claim, write, release). `load --reset` and `synth --remove` claim
  the marker in the transaction that commits their new state (the new curated graph; nothing
  for remove), then delete the rest in batches: from then on the run can only go forward.
- `synth` writes the new network beside the old one under staged ids (the run's prefix + id)
  in the `write` phase, which recovery rolls back (deletes the staged nodes). One transaction
  then switches to `purge`: the old synthetic data goes, the staged nodes take their real ids
  (`rename`), and the last transaction sets the new fingerprint and removes the marker.
- Start-up (`coopgraph serve`, `load`, `synth`) calls recover(): an unfinished run whose
  process is gone (or silent for STALE_AFTER seconds) is taken over and rolled back or
  finished; every step of both is idempotent, so recovery can itself be interrupted. A run
  that is still alive is left alone and named. `/readyz` reports an unfinished run and has an
  abandoned one recovered in the background (maintenance_reason()).

Staged nodes are visible to reads while a `synth` run writes them (hiding them would cost a
condition in every read); the data version and readiness say that the graph is in flux.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.cypher import entities as entities_cypher
from graph.cypher import loader as loader_cypher
from graph.cypher import runs as cypher
from graph.cypher import synth as synth_cypher
from graph.database import Database, Row
from graph.errors import GraphError

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

# Nodes per deleting or renaming transaction: bounds each transaction's memory.
DELETE_BATCH = 10_000
# A run whose process cannot be checked (another host) counts as abandoned after this long
# without a heartbeat; every transaction of a run beats, and none is expected to take this long.
STALE_AFTER = 600.0

COMMANDS = {"load": "load", "reset": "load --reset", "synth": "synth", "remove": "synth --remove"}
# The phase recovery rolls back; every later phase is finished instead.
WRITE, PURGE, RENAME = "write", "purge", "rename"

# Runs this process is executing now: a marker naming this process but not listed here was
# left behind by a run that failed, and may be recovered.
_ACTIVE: set[str] = set()
_HOST = socket.gethostname()


class MaintenanceBusy(GraphError):
    """Another process's maintenance run holds the graph."""


class RunLost(GraphError):
    """This run was taken over by another process, which presumed it dead."""


class _Taken(Exception):
    """The marker is held by another run (raised inside a transaction to roll it back)."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has exited: its parent has only not collected its status yet
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


@dataclass(frozen=True)
class UnfinishedRun:
    """A maintenance run that has claimed the graph and not finished (live or abandoned)."""

    id: str
    kind: str
    phase: str
    owner: str
    host: str
    pid: int
    started: float
    beat: float
    step: int
    target: str | None
    stray: bool

    @property
    def abandoned(self) -> bool:
        """Its process is gone (checked on this host), or silent for STALE_AFTER seconds."""
        if self.id in _ACTIVE:
            return False
        if time.time() - self.beat > STALE_AFTER:
            return True
        if self.host != _HOST:
            return False
        return self.pid == os.getpid() or not _alive(self.pid)

    @property
    def command(self) -> str:
        return COMMANDS.get(self.kind, self.kind)

    @property
    def reason(self) -> str:
        """A short reason for a readiness probe, naming neither hosts nor processes."""
        if self.abandoned:
            return f"an interrupted `coopgraph {self.command}` is not recovered yet"
        return f"`coopgraph {self.command}` is running"

    def describe(self) -> str:
        state = "interrupted" if self.abandoned else "running"
        return (
            f"maintenance run {self.id} (`coopgraph {self.command}`, "
            f"{self.phase} phase, process {self.pid} on {self.host}) is {state}; "
            f"last heard from {max(0.0, time.time() - self.beat):.0f} s ago"
        )


async def unfinished_run(db: Database) -> UnfinishedRun | None:
    """The run holding the graph, if any: one read of one node, cheap enough for `/readyz`."""
    rows = await db.read(cypher.UNFINISHED)
    if not rows:
        return None
    r = rows[0]
    return UnfinishedRun(
        id=str(r["run"]),
        kind=str(r["kind"]),
        phase=str(r["phase"]),
        owner=str(r["owner"]),
        host=str(r["host"]),
        pid=int(r["pid"] or 0),
        started=float(r["started"] or 0.0),
        beat=float(r["beat"] or 0.0),
        step=int(r["step"] or 0),
        target=r["target"],
        stray=bool(r["stray"]),
    )


async def rows_of(tx: AsyncManagedTransaction, query: LiteralString, params: Mapping[str, Any]) -> list[Row]:
    result = await tx.run(query, dict(params))
    return [record.data() async for record in result]


async def _transaction(db: Database, work: Callable[[AsyncManagedTransaction], Awaitable[None]]) -> None:
    """db.write_transaction, with this module's own signals unwrapped from the translated error."""
    try:
        await db.write_transaction(work)
    except GraphError as exc:
        if isinstance(exc.__cause__, _Taken | RunLost):
            raise exc.__cause__ from None
        raise


Step = Callable[[AsyncManagedTransaction, "Run"], Awaitable[None]]


class Run:
    """A maintenance run this process holds: its transactions, phases and end."""

    def __init__(
        self, db: Database, run_id: str, kind: str, target: str | None, progress: Progress | None
    ) -> None:
        self.db = db
        self.id = run_id
        self.kind = kind
        self.target = target
        self.progress = progress
        self.owner = f"{_HOST}/{os.getpid()}/{secrets.token_hex(4)}"
        self.old_synthetic: str | None = None
        self.stray = False

    @property
    def prefix(self) -> str:
        """What staged ids start with (never 'syn-', so old and staged data are told apart)."""
        return f"~{self.id}~"

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(f"run {self.id} ({COMMANDS.get(self.kind, self.kind)}): {message}")

    def release(self) -> None:
        _ACTIVE.discard(self.id)

    async def fence(
        self, tx: AsyncManagedTransaction, changes: Mapping[str, Any] | None = None, advance: int = 1
    ) -> None:
        """Prove the run is still this process's (else roll back), apply marker changes, count a step."""
        params = {
            "now": time.time(),
            "run": self.id,
            "owner": self.owner,
            "changes": dict(changes or {}),
            "advance": advance,
        }
        if not await rows_of(tx, cypher.FENCE, params):
            raise RunLost(f"maintenance run {self.id} was taken over by another process")

    async def transaction(self, work: Step, *, advance: int = 1) -> None:
        """The fence, then `work`, as one transaction: all of it commits or none does."""

        async def fenced(tx: AsyncManagedTransaction) -> None:
            await self.fence(tx, advance=advance)
            await work(tx, self)

        await _transaction(self.db, fenced)

    async def write(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[Row]:
        """One fenced statement; returns its rows."""
        out: list[Row] = []

        async def work(tx: AsyncManagedTransaction, _run: Run) -> None:
            out[:] = await rows_of(tx, query, params or {})

        await self.transaction(work)
        return out

    async def phase(self, phase: str, **changes: Any) -> None:
        async def work(tx: AsyncManagedTransaction, run: Run) -> None:
            await run.fence(tx, {"run_phase": phase, **changes}, advance=0)

        await self.transaction(work, advance=0)
        self.say(f"{phase} phase")

    async def finish_in(self, tx: AsyncManagedTransaction, changes: Mapping[str, Any]) -> None:
        params = {"now": time.time(), "run": self.id, "owner": self.owner, "changes": dict(changes)}
        if not await rows_of(tx, cypher.FINISH, params):
            raise RunLost(f"maintenance run {self.id} was taken over by another process")

    async def finish(self, changes: Mapping[str, Any]) -> None:
        """The last transaction: the new fingerprints and the marker's removal, together."""

        async def work(tx: AsyncManagedTransaction) -> None:
            await self.finish_in(tx, changes)

        await _transaction(self.db, work)
        self.release()
        self.say("finished")

    async def claim(self, previous: str) -> bool:
        """Take over an abandoned run; False when another process took it first."""

        async def work(tx: AsyncManagedTransaction) -> None:
            params = {
                "now": time.time(),
                "run": self.id,
                "previous": previous,
                "owner": self.owner,
                "host": _HOST,
                "pid": os.getpid(),
            }
            if not await rows_of(tx, cypher.CLAIM, params):
                raise _Taken

        _ACTIVE.add(self.id)
        try:
            await _transaction(self.db, work)
        except _Taken:
            self.release()
            return False
        except BaseException:
            self.release()
            raise
        return True

    def mark_stray(self, deleting: bool, new_synthetic: str | None) -> dict[str, Any]:
        """Whether the run deletes data its new fingerprints would not show as gone.

        The new version differs from the old one by the fingerprints, unless the synthetic one
        stays the same (a rerun with the same actors and seed, or a reset or removal where no
        fingerprint was set); then a new revision makes the version change if anything is deleted.
        """
        self.stray = deleting and self.old_synthetic == new_synthetic
        return {"run_stray": self.stray}

    def version_changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {"synthetic": self.target if self.kind == "synth" else None}
        if self.stray:
            changes["revision"] = self.id
        return changes


async def begin(
    db: Database,
    kind: str,
    phase: str,
    *,
    target: str | None = None,
    first: Step | None = None,
    finish: bool = False,
    progress: Progress | None = None,
) -> Run:
    """Claim the graph for a new run; `first` writes in the same transaction as the claim.

    With finish=True the run ends in that transaction too (`load`: exclusive, never unfinished).
    Raises MaintenanceBusy when another run holds the graph.
    """
    run = Run(db, secrets.token_hex(6), kind, target, progress)
    params = {
        "now": time.time(),
        "run": run.id,
        "owner": run.owner,
        "host": _HOST,
        "pid": os.getpid(),
        "kind": kind,
        "phase": phase,
        "target": target,
    }

    async def work(tx: AsyncManagedTransaction) -> None:
        claimed = await rows_of(tx, cypher.BEGIN, params)
        if not claimed:
            raise _Taken
        run.old_synthetic = claimed[0]["synthetic"]
        if first is not None:
            await first(tx, run)
        if finish:
            await run.finish_in(tx, {})

    _ACTIVE.add(run.id)
    try:
        await _transaction(db, work)
    except _Taken:
        run.release()
        holder = await unfinished_run(db)
        raise MaintenanceBusy(
            holder.describe() if holder else "another maintenance run holds the graph"
        ) from None
    except BaseException:
        run.release()
        raise
    if finish:
        run.release()
    else:
        run.say(f"started ({phase} phase)")
    return run


async def _delete_batches(run: Run, query: LiteralString, params: Mapping[str, Any], batch: int) -> int:
    total = 0
    while True:
        rows = await run.write(query, {**params, "limit": batch})
        deleted = int(rows[0]["deleted"]) if rows else 0
        total += deleted
        if not deleted:
            return total


async def complete(run: Run, phase: str, *, batch: int = DELETE_BATCH) -> int:
    """Finish a run from `phase` (purge or rename); every step is idempotent. Returns nodes deleted."""
    removed = 0
    if phase == PURGE:
        removed = await _delete_batches(run, synth_cypher.DELETE_SYNTHETIC_BATCH, {}, batch)
        if run.kind == "reset":
            removed += await _delete_batches(run, loader_cypher.DELETE_NON_CURATED_BATCH, {}, batch)
        else:
            removed += await _delete_batches(
                run, synth_cypher.DELETE_OTHER_SYNTHETIC_BATCH, {"prefix": run.prefix}, batch
            )
        run.say(f"{removed} old nodes deleted")
        if run.kind == "synth":
            await run.phase(RENAME)
    if run.kind == "synth":
        while (await run.write(synth_cypher.RENAME_STAGED_BATCH, {"prefix": run.prefix, "limit": batch}))[0][
            "renamed"
        ]:
            pass
        await run.write(synth_cypher.RENAME_STAGED_SOURCE, {"prefix": run.prefix})
        run.say("new nodes renamed")
    await run.write(entities_cypher.DELETE_ORPHAN_TERMS)
    await run.finish(run.version_changes())
    return removed


async def roll_back(run: Run, *, batch: int = DELETE_BATCH) -> None:
    """Undo a run in its write phase: its staged nodes (and so their relationships) go.

    The graph is then as before the run, but if the run had committed data the version does not
    go back to what it was: a value computed from the staged data while the run wrote could have
    been cached under the version read just before the run began.
    """
    marker = await unfinished_run(run.db)
    committed = marker is not None and marker.id == run.id and marker.step > 0
    deleted = await _delete_batches(run, synth_cypher.DELETE_STAGED_BATCH, {"prefix": run.prefix}, batch)
    await run.write(synth_cypher.DELETE_STAGED_SOURCE, {"prefix": run.prefix})
    await run.write(entities_cypher.DELETE_ORPHAN_TERMS)
    run.say(f"rolled back ({deleted} staged nodes deleted)")
    await run.finish({"revision": run.id} if committed else {})


async def recover(db: Database, progress: Progress | None = None) -> UnfinishedRun | None:
    """Roll back or finish an abandoned run; return a run that is still alive (left alone), or None.

    At start-up, before anything reads or writes the graph; safe to call from several processes
    at once (one of them takes the run over) and to interrupt (the next call carries on).
    """
    found = await unfinished_run(db)
    if found is None:
        return None
    if not found.abandoned:
        return found
    run = Run(db, found.id, found.kind, found.target, progress)
    run.stray = found.stray
    if not await run.claim(found.owner):
        return await unfinished_run(db)
    try:
        if found.phase == WRITE:
            run.say(f"interrupted in its {found.phase} phase: rolling back")
            await roll_back(run)
        else:
            run.say(f"interrupted in its {found.phase} phase: finishing")
            await complete(run, found.phase)
    finally:
        run.release()
    return None


_background: set[asyncio.Task[UnfinishedRun | None]] = set()


async def maintenance_reason(db: Database) -> str | None:
    """For `/readyz`: why maintenance keeps the graph from being ready, or None.

    An abandoned run is recovered in the background of this process (one recovery at a time;
    several processes may try, one takes the run over), so the service becomes ready again
    without a restart.
    """
    try:
        run = await unfinished_run(db)
    except GraphError:
        return "the maintenance state could not be read"
    if run is None:
        return None
    if run.abandoned and not _background:
        task = asyncio.get_running_loop().create_task(recover(db, log.info))
        _background.add(task)
        task.add_done_callback(_recovered)
    if _background:
        return f"an interrupted `coopgraph {run.command}` is being recovered"
    return run.reason


def _recovered(task: asyncio.Task[UnfinishedRun | None]) -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("recovering an interrupted maintenance run failed: %s", task.exception())
