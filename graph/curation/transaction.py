"""One curation write: one managed transaction that also records its Change and a new data version.

The transaction opens by writing the Meta node (graph/cypher/curation.py says why that orders
concurrent writes), refuses while a maintenance run holds the graph, answers a repeated client
mutation id with the change it already made, runs the write, and, when anything changed, numbers
the change, gives the graph a new data version (every cache keyed on it expires) and creates the
Change node. A write that loses a race on the embedded store (its optimistic commit, or a
uniqueness check at commit) is run again from the start, at most ATTEMPTS times.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ConstraintError, TransientError

from graph.curation.edit import Edit
from graph.curation.errors import Conflict, Contended, CurationError
from graph.cypher import curation as cypher
from graph.cypher.version import GRAPH_VERSION
from graph.database import Database
from graph.errors import ConstraintViolation, GraphError
from graph.ingest.runs import MaintenanceBusy
from graph.records import ChangeRecord

Row = dict[str, Any]
Work = Callable[[AsyncManagedTransaction, Edit], Awaitable[None]]

# A write that keeps losing races to concurrent ones is run again for up to PATIENCE seconds;
# the pause before each try doubles up to MAX_PAUSE, with jitter so that the losers do not
# collide again. Twelve curators writing at once on two workers need a few tries each.
PATIENCE = 10.0
FIRST_PAUSE = 0.005
MAX_PAUSE = 0.25
LEAST_ATTEMPTS = 3


@dataclass(frozen=True)
class Written:
    """What a write did: the change it recorded (None when nothing changed), the data version
    after it, and whether a repeated client mutation id found it done already."""

    subject: str
    change: ChangeRecord | None
    version: str
    replayed: bool = False
    # Every Change the write recorded, in order: one, unless its diff was split (write's part_items).
    changes: tuple[ChangeRecord, ...] = ()
    # The subject as written (Edit.written), where the write returned it.
    record: Row | None = None


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


async def rows(tx: AsyncManagedTransaction, query: LiteralString, **params: Any) -> list[Row]:
    result = await tx.run(query, params)
    return [record.data() async for record in result]


def _next_curated(previous: str, change_id: str, at: str) -> str:
    # A new fingerprint for the curated part: unique per change (two stores that start alike and
    # take different first changes do not share a version), and not a guessable counter.
    return hashlib.sha256(f"{previous}\n{change_id}\n{at}".encode()).hexdigest()[:16]


async def _attempt(
    db: Database,
    author: str,
    request: str | None,
    edit_of: Callable[[], Edit],
    work: Work,
    part_items: int | None = None,
) -> Written:
    async def transaction(tx: AsyncManagedTransaction) -> Written:
        edit = edit_of()  # fresh each time the driver runs this again
        meta = (await rows(tx, cypher.OPEN, now=now(), request=request))[0]
        if meta["run"] is not None:
            raise MaintenanceBusy(f"a maintenance run ({meta['run_kind']}) is changing the graph")
        if meta["replayed"] is not None:
            change = ChangeRecord.from_props(meta["replayed"])
            if change.action != edit.action:
                raise Conflict(
                    f"clientMutationId was used for a {change.action} ({change.key}); use a new one",
                    "clientMutationId",
                )
            return Written(change.subject, change, await _version(tx), replayed=True)
        await work(tx, edit)
        if not edit.changed:
            return Written(edit.subject, None, await _version(tx), record=edit.written)
        parts = edit.parts(part_items) if part_items is not None else [edit]
        first = int(meta["seq"]) + 1
        # The parts of one split change share its time and the data version after all of them.
        at, last_id = now(), f"chg-{first + len(parts) - 1}"
        curated = _next_curated(str(meta["curated"]), last_id, at)
        changes: list[ChangeRecord] = []
        for offset, part in enumerate(parts):
            seq = first + offset
            reason = edit.reason
            if len(parts) > 1:
                reason = f"{reason or edit.action} (part {offset + 1} of {len(parts)})"
            props = {
                "id": f"chg-{seq}",
                "seq": seq,
                "at": at,
                "author": author,
                "action": edit.action,
                "reason": reason,
                "request": request,
                "subject": edit.subject,
                "entities": part.touched["entity"],
                "relationships": part.touched["relationship"],
                "sources": part.touched["source"],
                "diff": part.diff(),
            }
            recorded = await rows(tx, cypher.RECORD, seq=seq, curated=curated, change=props)
            changes.append(ChangeRecord.from_props(recorded[0]["change"]))
        return Written(
            edit.subject, changes[0], changes[-1].version, changes=tuple(changes), record=edit.written
        )

    return await db.write_transaction(transaction)


async def _version(tx: AsyncManagedTransaction) -> str:
    found = await rows(tx, GRAPH_VERSION)
    return str(found[0]["version"]) if found else ""


def _lost_race(exc: GraphError) -> bool:
    return isinstance(exc, ConstraintViolation) or isinstance(exc.__cause__, TransientError | ConstraintError)


async def write(
    db: Database,
    *,
    author: str,
    action: str,
    reason: str | None,
    client_id: str | None,
    work: Work,
    part_items: int | None = None,
) -> Written:
    """Run `work` as one curation write by `author`; raises CurationError (nothing written),
    MaintenanceBusy, or the database's errors. With `part_items`, a diff of more items is recorded
    as several Change nodes of at most that many (consecutive seqs, one data version)."""
    request = f"{author}:{client_id}" if client_id is not None else None
    deadline = time.monotonic() + PATIENCE
    attempt = 0
    while True:
        try:
            return await _attempt(db, author, request, lambda: Edit(action, reason), work, part_items)
        except GraphError as exc:
            # The driver wraps what the work raised; the write's own refusals pass through as they are.
            if isinstance(exc.__cause__, CurationError | MaintenanceBusy):
                raise exc.__cause__ from None
            if not _lost_race(exc):
                raise
            # A long write (an import) gets a few tries however long each took.
            if attempt + 1 >= LEAST_ATTEMPTS and time.monotonic() > deadline:
                raise Contended(f"the write lost to concurrent writes for {PATIENCE:g} s") from exc
        pause = min(MAX_PAUSE, FIRST_PAUSE * 2**attempt)
        await asyncio.sleep(random.uniform(0, pause))  # noqa: S311 - jitter, not a secret
        attempt += 1
